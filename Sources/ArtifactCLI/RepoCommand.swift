// `artifactfs repo list|create|set|delete`: manage repositories of a running server.
import ArgumentParser
import Foundation

struct RepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "List, create, change or delete repositories on a running server.",
        subcommands: [List.self, Create.self, Change.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List repositories.")
        @OptionGroup var client: ClientOptions

        func run() throws {
            let result = try client.send("GET", "/api/repos")
            let repos = (try? JSONSerialization.jsonObject(with: Data(result.body))) as? [[String: Any]] ?? []
            for repo in repos {
                let access = (repo["private"] as? Bool ?? false) ? "\tprivate" : ""
                print("\(repo["provider"] ?? "?")/\(repo["name"] ?? "?")\t\(repo["packages"] ?? 0) packages\(access)")
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty repository.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Repository format: tar, apt or pypi.") var provider: String
        @Flag(help: "Let a different file replace one with the same name.") var allowOverwrite = false
        @Option(help: "apt only: signing key type, ed25519 (default) or rsa4096.") var keyAlgorithm: String?
        @Flag(name: .customLong("private"), help: "Reading it over HTTP needs a token that covers it.") var isPrivate = false
        @Argument(help: "Repository name.") var name: String

        func run() throws {
            var request: [String: Any] = ["provider": provider, "name": name, "allowOverwrite": allowOverwrite, "private": isPrivate]
            if let keyAlgorithm { request["keyAlgorithm"] = keyAlgorithm }
            let body = try JSONSerialization.data(withJSONObject: request)
            _ = try client.send("POST", "/api/repos", body: .bytes(Array(body)), extraHeaders: ["Content-Type: application/json"])
            print("created \(provider)/\(name)" + (isPrivate ? " (private)" : ""))
        }
    }

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Make a repository private (reads need a token covering it) or public.",
            discussion: "Needs a token for all repositories once the server has tokens.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Repository format: tar, apt or pypi.") var provider: String
        @Flag(exclusivity: .exclusive, help: "Private: reads over HTTP need a token; public: anyone may read.")
        var access: RepositoryAccess
        @Argument(help: "Repository name.") var name: String

        func run() throws {
            let body = try JSONSerialization.data(withJSONObject: ["private": access == .private])
            _ = try client.send("PATCH", "/api/\(UploadCommand.encode(provider))/\(UploadCommand.encode(name))", body: .bytes(Array(body)),
                                extraHeaders: ["Content-Type: application/json"])
            print("\(provider)/\(name) is \(access)")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a repository (empty unless --force).")
        @OptionGroup var client: ClientOptions
        @Option(help: "Repository format: tar, apt or pypi.") var provider: String
        @Flag(help: "Delete even if it still holds packages.") var force = false
        @Argument(help: "Repository name.") var name: String

        func run() throws {
            _ = try client.send("DELETE", "/api/\(UploadCommand.encode(provider))/\(UploadCommand.encode(name))" + (force ? "?force=true" : ""))
            print("deleted \(provider)/\(name)")
        }
    }
}

/// `--private` or `--public`.
enum RepositoryAccess: String, EnumerableFlag {
    case `private`, `public`
}
