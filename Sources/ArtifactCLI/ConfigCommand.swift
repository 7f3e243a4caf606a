// `artifactfs config check FILE`: validate a config file without starting anything, and show the settings in force.
import ArgumentParser
import Foundation

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the config file (see contrib/artifactfs.example.toml).",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a config file; print the effective settings (secrets masked) or every problem, and exit 1 on problems.",
            discussion: "The effective settings are the file's, overridden by the environment (ARTIFACTFS_LISTEN, S3_URL, ...) as serve would see it; nothing is opened or started.")

        @Argument(help: "The config file (TOML).") var file: String

        func run() throws {
            let settings: Settings
            do {
                let parsed = try ConfigFile.load(path: file)
                settings = try Settings.resolve(flags: SettingsLayer(), environment: SettingsLayer(environment: ProcessInfo.processInfo.environment),
                                                file: parsed)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
            print("# \(file): OK. Effective settings (file < environment; flags given to serve would override these):")
            print(settings.rendered(), terminator: "")
        }
    }
}
