// `artifactfs repo list|create|delete`: manage repositories of a running server.
import ArgumentParser
import Foundation

struct RepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "List, create or delete repositories on a running server.",
        subcommands: [List.self, Create.self, Delete.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List repositories.")
        @OptionGroup var client: ClientOptions

        func run() throws {
            let result = try client.send("GET", "/api/repos")
            let repos = (try? JSONSerialization.jsonObject(with: Data(result.body))) as? [[String: Any]] ?? []
            for repo in repos {
                print("\(repo["provider"] ?? "?")/\(repo["name"] ?? "?")\t\(repo["packages"] ?? 0) packages")
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty repository.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Repository format: tar, apt or pypi.") var provider: String
        @Flag(help: "Let a different file replace one with the same name.") var allowOverwrite = false
        @Option(help: "apt only: signing key type, ed25519 (default) or rsa4096.") var keyAlgorithm: String?
        @Argument(help: "Repository name.") var name: String

        func run() throws {
            var request: [String: Any] = ["provider": provider, "name": name, "allowOverwrite": allowOverwrite]
            if let keyAlgorithm { request["keyAlgorithm"] = keyAlgorithm }
            let body = try JSONSerialization.data(withJSONObject: request)
            _ = try client.send("POST", "/api/repos", body: .bytes(Array(body)), extraHeaders: ["Content-Type: application/json"])
            print("created \(provider)/\(name)")
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
