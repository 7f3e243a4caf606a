// `artifactfs yank` / `unyank`: PEP 592 through a running server's API.
import ArgumentParser
import Foundation

/// What both commands select: one file, or every file of a release.
struct YankTarget: ParsableArguments {
    @Option(help: "PyPI repository name.") var repo: String
    @Argument(help: "A file name (foo-1.0-py3-none-any.whl), or a project and a version (foo 1.0) for the whole release.")
    var selection: [String]

    func body(reason: String?) throws -> [String: String] {
        var body: [String: String]
        switch selection.count {
        case 1: body = ["filename": selection[0]]
        case 2: body = ["project": selection[0], "version": selection[1]]
        default: throw ValidationError("give a file name, or a project and a version")
        }
        if let reason { body["reason"] = reason }
        return body
    }

    func send(_ action: String, reason: String?, client: ClientOptions) throws {
        let json = try JSONSerialization.data(withJSONObject: try body(reason: reason), options: [.sortedKeys])
        let result = try client.send("POST", "/api/pypi/\(UploadCommand.encode(repo))/\(action)", body: .bytes(Array(json)),
                                     extraHeaders: ["Content-Type: application/json"])
        let answer = (try? JSONSerialization.jsonObject(with: Data(result.body))) as? [String: Any]
        let changed = answer?["changed"] as? [String] ?? []
        print(changed.isEmpty ? "nothing changed" : changed.map { "\(action)ed \($0)" }.joined(separator: "\n"))
    }
}

struct YankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yank",
        abstract: "Yank files of a PyPI repository (PEP 592): pip skips them unless pinned exactly.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: YankTarget
    @Option(help: "Why, shown by pip when it installs a yanked file anyway.") var reason: String?

    func run() throws { try target.send("yank", reason: reason ?? "", client: client) }
}

struct UnyankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unyank", abstract: "Undo a yank.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: YankTarget

    func run() throws { try target.send("unyank", reason: nil, client: client) }
}
