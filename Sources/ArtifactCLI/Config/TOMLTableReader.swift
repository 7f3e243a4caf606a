// Typed reads from one TOML table that record wrong types and, at the end, every key nobody asked for.
import TOMLKit

/// Reads the keys of one table by name and type. A wrong type becomes a problem naming the key and line;
/// `finish()` reports the keys that were never read as unknown, so a typo never passes silently.
final class TOMLTableReader {
    private let table: TOMLTable
    private let path: [String]
    private let lines: TOMLKeyLines
    private let problems: ProblemList
    private var read: Set<String> = []

    init(_ table: TOMLTable, path: [String], lines: TOMLKeyLines, problems: ProblemList) {
        self.table = table
        self.path = path
        self.lines = lines
        self.problems = problems
    }

    func string(_ key: String) -> String? { value(key, "a string") { $0.string } }
    /// A string where `""` means the same as leaving the key out (documented defaults such as `public_url = ""`).
    func nonEmptyString(_ key: String) -> String? { string(key).flatMap { $0.isEmpty ? nil : $0 } }
    func bool(_ key: String) -> Bool? { value(key, "true or false") { $0.bool } }
    func int(_ key: String) -> Int? { value(key, "an integer") { $0.int } }

    /// An array of strings (`["amd64", "arm64"]`).
    func strings(_ key: String) -> [String]? {
        value(key, "an array of strings") { node in
            guard let array = node.array else { return nil }
            let strings = array.compactMap { $0.string }
            return strings.count == array.count ? strings : nil
        }
    }

    /// A sub-table, read by its own reader (`[mount]`, `[repositories."apt/main"]`).
    func table(_ key: String) -> TOMLTableReader? {
        value(key, "a table") { $0.table }.map { TOMLTableReader($0, path: path + [key], lines: lines, problems: problems) }
    }

    /// The keys of this table, for tables whose keys are names (`[repositories]`).
    var keys: [String] { table.keys }

    /// Records a problem about `key` of this table (or the table itself when nil).
    func problem(_ key: String?, _ message: String) {
        let full = key.map { path + [$0] } ?? path
        problems.add(ConfigProblem(key: Self.dotted(full), line: lines.line(of: full), message: message))
    }

    /// Reports every key of this table that no read asked for.
    func finish() {
        for key in table.keys.sorted() where !read.contains(key) {
            problem(key, "unknown key")
        }
    }

    private func value<Value>(_ key: String, _ expected: String, _ convert: (TOMLValueConvertible) -> Value?) -> Value? {
        read.insert(key)
        guard let node = table[key] else { return nil }
        guard let converted = convert(node) else {
            problem(key, "must be \(expected) (found \(node.type))")
            return nil
        }
        return converted
    }

    /// `a."apt/main".b`: names with characters beyond letters, digits, `-` and `_` are quoted as TOML writes them.
    static func dotted(_ path: [String]) -> String {
        path.map { part in
            part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } && !part.isEmpty ? part : "\"\(part)\""
        }.joined(separator: ".")
    }
}

/// The problems found so far while reading one file (shared by the readers of its tables).
final class ProblemList {
    private(set) var problems: [ConfigProblem] = []
    func add(_ problem: ConfigProblem) { problems.append(problem) }
}
