// Everything wrong with a config file, each problem with its key and line, reported together.

/// One problem: the dotted key it is about (empty for the whole file), its line when known, and what is wrong.
struct ConfigProblem: Equatable, CustomStringConvertible {
    let key: String
    let line: Int?
    let message: String

    var description: String {
        let place = line.map { "line \($0)" } ?? "line ?"
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

/// A config file that cannot be used: every problem found, so one run of `config check` shows them all.
struct ConfigFileError: Error, CustomStringConvertible {
    let path: String
    let problems: [ConfigProblem]

    var description: String {
        (["\(path): \(problems.count == 1 ? "1 problem" : "\(problems.count) problems")"]
            + problems.map { "  \(path): \($0)" }).joined(separator: "\n")
    }
}
