// The `artifactfs` command tree.
import ArgumentParser

@main
struct ArtifactFSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifactfs",
        abstract: "Package repositories (apt, PyPI, tarballs) as a filesystem and over HTTP.",
        subcommands: [ServeCommand.self, MountCommand.self, UploadCommand.self, RepoCommand.self, KeyCommand.self, ImportCommand.self, YankCommand.self, UnyankCommand.self, FsckCommand.self, TokenCommand.self, ConfigCommand.self, BackupCommand.self])

    /// Accepts mount(8)'s helper convention (`artifactfs SOURCE DIR -o OPTS`) besides the subcommands.
    static func main() async {
        await main(MountHelper.rewrite(Array(CommandLine.arguments.dropFirst())))
    }
}
