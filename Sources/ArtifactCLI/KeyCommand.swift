// `artifactfs key show|import|export`: the signing key of an apt repository on a running server.
import ArgumentParser
import Foundation

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Show, import or export the signing key of an apt repository.",
        subcommands: [Show.self, Import.self, Export.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the key's fingerprint, type and dates.")
        @OptionGroup var client: ClientOptions
        @Option(help: "apt repository name.") var repo: String

        func run() throws {
            let result = try client.send("GET", "/api/apt/\(UploadCommand.encode(repo))/key")
            print(String(decoding: result.body, as: UTF8.self))
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the repository's key with an existing secret key (no passphrase); indexes are re-signed.",
            discussion: "Export one with: gpg --export-secret-keys --armor KEYID > key.asc")
        @OptionGroup var client: ClientOptions
        @Option(help: "apt repository name.") var repo: String
        @Argument(help: "Secret key file, armored or binary.") var file: String

        func run() throws {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let result = try client.send("PUT", "/api/apt/\(UploadCommand.encode(repo))/key", body: .bytes(Array(bytes)),
                                         extraHeaders: ["Content-Type: application/pgp-keys"])
            print(String(decoding: result.body, as: UTF8.self))
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the public key (armored, or binary for signed-by).")
        @OptionGroup var client: ClientOptions
        @Option(help: "apt repository name.") var repo: String
        @Flag(help: "The binary keyring apt's signed-by= reads, instead of armored text.") var binary = false

        func run() throws {
            let name = binary ? "keyring.gpg" : "pubkey"
            let result = try client.send("GET", "/apt/\(UploadCommand.encode(repo))/\(name)")
            FileHandle.standardOutput.write(Data(result.body))
        }
    }
}
