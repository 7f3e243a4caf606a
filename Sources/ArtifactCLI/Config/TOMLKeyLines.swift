// Line numbers of keys in a TOML text, for error messages (TOMLKit reports positions of syntax errors only).
import Foundation

/// Where each key of a TOML document is written: `[table."quoted"]` headers set the prefix of the
/// `key = value` lines below them. Dotted keys on the left of `=` and inline tables are followed too;
/// a key this scan cannot place falls back to its table's header line.
struct TOMLKeyLines {
    private var lines: [[String]: Int] = [:]

    init(_ text: String) {
        var table: [String] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let inner = line.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" })
                table = Self.keyPath(String(inner))
                record(table, line: index + 1)
            } else if let equals = Self.assignment(line) {
                record(table + Self.keyPath(String(line[..<equals])), line: index + 1)
            }
        }
    }

    /// The line of `path`, or of its nearest enclosing table that has one.
    func line(of path: [String]) -> Int? {
        var path = path
        while !path.isEmpty {
            if let line = lines[path] { return line }
            path.removeLast()
        }
        return nil
    }

    private mutating func record(_ path: [String], line: Int) {
        if lines[path] == nil { lines[path] = line }
    }

    /// The `=` that ends the key part of `key = value`, outside quotes; nil for comments and other lines.
    private static func assignment(_ line: String) -> String.Index? {
        guard let first = line.first, first != "#" else { return nil }
        var quote: Character?
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "=" {
                return index
            }
        }
        return nil
    }

    /// `a."b.c".d` → `["a", "b.c", "d"]`.
    static func keyPath(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }
}
