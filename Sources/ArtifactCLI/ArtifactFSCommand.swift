// The `artifactfs` command tree.
import ArgumentParser

@main
struct ArtifactFSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifactfs",
        abstract: "Package repositories (apt, PyPI, tarballs) as a filesystem and over HTTP.",
        subcommands: [ServeCommand.self, UploadCommand.self, RepoCommand.self])
}
