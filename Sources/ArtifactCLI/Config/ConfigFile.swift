// The config file (`--config FILE`, TOML): read, checked key by key, turned into a settings layer and repository tables.
import Core
import Foundation
import TOMLKit

/// A parsed config file. Parsing either succeeds completely or throws every problem found (`ConfigFileError`).
struct ConfigFile {
    let path: String
    /// The server-wide settings the file gives (it sits under flags and environment).
    let layer: SettingsLayer
    /// `[repositories."PROVIDER/NAME"]` tables, applied when `serve` starts.
    let repositories: [RepositoryKey: RepositorySettings]

    /// Reads and parses `path`; an unreadable file is a problem like any other.
    static func load(path: String) throws(ConfigFileError) -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigFileError(path: path, problems: [ConfigProblem(key: "", line: nil, message: "cannot read the file (missing, unreadable or not UTF-8)")])
        }
        return try parse(text, path: path)
    }

    /// Parses TOML `text`; `path` only names the file in problems.
    static func parse(_ text: String, path: String) throws(ConfigFileError) -> ConfigFile {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigFileError(path: path, problems: [ConfigProblem(key: "", line: error.source.begin.line, message: error.description)])
        } catch {
            throw ConfigFileError(path: path, problems: [ConfigProblem(key: "", line: nil, message: "\(error)")])
        }
        let problems = ProblemList()
        let root = TOMLTableReader(table, path: [], lines: TOMLKeyLines(text), problems: problems)
        let layer = readServerSettings(root)
        let repositories = root.table("repositories").map(readRepositories) ?? [:]
        root.finish()
        guard problems.problems.isEmpty else { throw ConfigFileError(path: path, problems: problems.problems) }
        return ConfigFile(path: path, layer: layer, repositories: repositories)
    }
}

extension TOMLTableReader {
    /// `value` when `rule` finds nothing wrong with it; otherwise records the problem against `key` and returns nil.
    func checked<Value>(_ key: String, _ value: Value?, _ rule: (Value) -> String?) -> Value? {
        guard let value else { return nil }
        if let message = rule(value) {
            problem(key, message)
            return nil
        }
        return value
    }
}
