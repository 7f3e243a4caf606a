// `artifactfs token add|list|remove`: named access tokens, kept (hashed) in the data directory's catalogue.
import ArgumentParser
import Core
import Foundation

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Add, list or remove named access tokens (the server must be stopped).",
        discussion: """
            Tokens live in the catalogue of the data directory, which a running server holds locked: stop it first, \
            as for fsck. Only the SHA-256 of a secret is stored; `add` prints the secret once. Once any token exists \
            (or serve runs with --upload-token), every upload, delete, yank and unyank needs a token covering its \
            repository, and creating, deleting or changing repositories and importing keys need a token for all \
            repositories. Reading a private repository over HTTP needs a token covering it.
            """,
        subcommands: [Add.self, List.self, Remove.self])

    /// Opens only the catalogue, under the data directory's lock: tokens need no blob store, keys or spool.
    static func openTokens(_ data: DataDirectoryOption) throws -> AccessTokens {
        AccessTokens(metadata: try Bootstrap.openCatalogue(dataDirectory: data.resolved))
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token and print its secret (once) on standard output.",
            discussion: "Without --repo the token covers every repository and may administer the server.")
        @OptionGroup var data: DataDirectoryOption
        @Option(name: .customLong("repo"), help: "A repository the token may write (and read when private), as PROVIDER/REPO; repeat for more.")
        var repositories: [String] = []
        @Argument(help: "Token name: letters, digits, '.', '_', '-'.") var name: String

        func run() throws {
            let tokenName: TokenName
            do { tokenName = try TokenName(name) } catch { throw ValidationError(error.description) }
            var keys = Set<RepositoryKey>()
            for repository in repositories {
                do { keys.insert(try RepositoryKey(parsing: repository)) } catch { throw ValidationError("--repo: \(error)") }
            }
            let made = try TokenCommand.openTokens(data).add(tokenName, scope: keys.isEmpty ? .allRepositories : .repositories(keys))
            FileHandle.standardError.write(Data("token \(tokenName) (\(made.record.scope.summary)): the secret is shown once, keep it now\n".utf8))
            print(made.secret)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List token names, scopes and creation times (never secrets).")
        @OptionGroup var data: DataDirectoryOption

        func run() throws {
            let formatter = ISO8601DateFormatter()
            for token in try TokenCommand.openTokens(data).list() {
                print("\(token.name)\t\(token.scope.summary)\t\(formatter.string(from: token.createdAt))")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a token; its secret stops working.")
        @OptionGroup var data: DataDirectoryOption
        @Argument(help: "Token name.") var name: String

        func run() throws {
            let tokenName: TokenName
            do { tokenName = try TokenName(name) } catch { throw ValidationError(error.description) }
            do { try TokenCommand.openTokens(data).remove(tokenName) } catch ArtifactError.notFound {
                throw CLIFailure("no token named \(tokenName)")
            }
            print("removed token \(tokenName)")
        }
    }
}
