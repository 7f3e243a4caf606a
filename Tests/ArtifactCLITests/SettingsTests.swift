// Unit tests of the config file reader and of settings precedence (flags > environment > file > defaults).
@testable import ArtifactCLI
import Core
import Foundation
import Testing

struct SettingsTests {
    static let file = """
        listen = "127.0.0.1:7001"
        public_url = "http://file.example"
        log_level = "debug"

        [mount]
        enabled = false
        options = "uid=1000"

        [apt]
        valid_days = 3
        architectures = ["riscv64"]

        [repositories."apt/main"]
        private = true
        default_dist = "stable"
        components = ["main", "contrib"]
        valid_days = 0

        [repositories."tar/releases"]
        allow_overwrite = true
        upload_tokens = ["ci"]
        """

    static func parsed() throws -> ConfigFile { try ConfigFile.parse(file, path: "test.toml") }

    // Goal: with no source saying anything, every setting has its documented default.
    @Test func defaultsAlone() throws {
        let settings = try Settings.resolve(flags: SettingsLayer(), environment: SettingsLayer(), file: nil)
        #expect(settings == Settings())
        #expect(settings.listen == "127.0.0.1:8080" && settings.dataDirectory == "./data" && settings.mountEnabled)
        #expect(settings.aptArchitectures == ["amd64", "arm64"] && settings.aptValidDays == nil)
    }

    // Goal: the file's values replace the defaults, including its repository tables.
    @Test func fileOverDefaults() throws {
        let settings = try Settings.resolve(flags: SettingsLayer(), environment: SettingsLayer(), file: try Self.parsed())
        #expect(settings.listen == "127.0.0.1:7001")
        #expect(settings.publicURL == "http://file.example")
        #expect(settings.logLevel == "debug" && !settings.mountEnabled && settings.mountOptions == "uid=1000")
        #expect(settings.aptValidDays == 3 && settings.aptArchitectures == ["riscv64"])
        #expect(settings.dataDirectory == "./data", "what the file leaves out keeps its default")
        let apt = try #require(settings.repositories[RepositoryKey(parsing: "apt/main")])
        #expect(apt.isPrivate == true && apt.defaultDist == "stable" && apt.components == ["main", "contrib"] && apt.allowOverwrite == nil)
        #expect(apt.aptSettings == AptRepositorySettings(architectures: nil, validFor: .zero))
        let tar = try #require(settings.repositories[RepositoryKey(parsing: "tar/releases")])
        let ci = try TokenName("ci")
        #expect(tar.allowOverwrite == true && tar.uploadTokens == [ci])
    }

    // Goal: environment variables beat the file, and an empty variable counts as unset.
    @Test func environmentOverFile() throws {
        let environment = SettingsLayer(environment: ["ARTIFACTFS_LISTEN": "127.0.0.1:7002", "ARTIFACTFS_PUBLIC_URL": "",
                                                      "LOG_LEVEL": "warning", "ARTIFACTFS_DATA": "/srv/data"])
        let settings = try Settings.resolve(flags: SettingsLayer(), environment: environment, file: try Self.parsed())
        #expect(settings.listen == "127.0.0.1:7002" && settings.logLevel == "warning" && settings.dataDirectory == "/srv/data")
        #expect(settings.publicURL == "http://file.example")
    }

    // Goal: flags beat environment and file.
    @Test func flagsOverEnvironment() throws {
        var flags = SettingsLayer()
        flags.listen = "127.0.0.1:7003"
        flags.mountEnabled = true
        let environment = SettingsLayer(environment: ["ARTIFACTFS_LISTEN": "127.0.0.1:7002"])
        let settings = try Settings.resolve(flags: flags, environment: environment, file: try Self.parsed())
        #expect(settings.listen == "127.0.0.1:7003" && settings.mountEnabled)
        #expect(settings.aptValidDays == 3, "a flag not given leaves the file's value")
    }

    // Goal: a bad value from a flag or variable is a usage error that names the setting.
    @Test func badEnvironmentValueIsNamed() throws {
        let environment = SettingsLayer(environment: ["ARTIFACTFS_LISTEN": "nowhere"])
        #expect(throws: (any Error).self) { try Settings.resolve(flags: SettingsLayer(), environment: environment, file: nil) }
        do { _ = try Settings.resolve(flags: SettingsLayer(), environment: environment, file: nil) } catch {
            #expect("\(error)".contains("ARTIFACTFS_LISTEN"))
        }
    }

    // Goal: unknown keys, wrong types and bad values are all reported, each with its key and line.
    @Test func problemsNameKeyAndLine() throws {
        let text = """
            listen = 8080
            lisen = "127.0.0.1:1"

            [mount]
            alow_other = true

            [repositories."tar/x"]
            default_dist = "stable"

            [repositories."apt/y"]
            components = ["main"]
            architectures = ["all"]
            """
        do {
            _ = try ConfigFile.parse(text, path: "bad.toml")
            Issue.record("accepted")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("line 1: listen: must be a string (found integer)"), "\(lines)")
            #expect(lines.contains("line 2: lisen: unknown key"), "\(lines)")
            #expect(lines.contains("line 5: mount.alow_other: unknown key"), "\(lines)")
            #expect(lines.contains("line 8: repositories.\"tar/x\".default_dist: unknown key"), "apt-only key in a tar table: \(lines)")
            #expect(lines.contains { $0.hasPrefix("line 11: repositories.\"apt/y\".components: needs default_dist") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("line 12: repositories.\"apt/y\".architectures:") }, "\(lines)")
            #expect(error.problems.count == 6, "\(lines)")
        }
    }

    // Goal: a TOML syntax error carries the line TOMLKit found it on.
    @Test func syntaxErrorHasLine() throws {
        do {
            _ = try ConfigFile.parse("listen = \"127.0.0.1:1\"\n[mount\n", path: "bad.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.problems.first?.line == 2, "\(error)")
        }
    }

    // Goal: the example file in contrib/ parses, with every key it documents known.
    @Test func exampleFileParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../contrib/artifactfs.example.toml").path
        let file = try ConfigFile.load(path: path)
        #expect(file.repositories.count == 2)
        #expect(file.layer.listen == "127.0.0.1:8080")
        // Keys a repository table only shows commented out (so a copy of the file pins nothing the operator later
        // changes with `repo set`) must be real keys with valid values too.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let tables = try #require(text.range(of: "\n[repositories."))
        let uncommented = String(text[..<tables.lowerBound]) + text[tables.lowerBound...].split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.range(of: #"^# [a-z_]+ = "#, options: .regularExpression) != nil ? String(line.dropFirst(2)) : String(line)
        }.joined(separator: "\n")
        #expect(uncommented != text, "the example shows optional keys commented out")
        let everything = try ConfigFile.parse(uncommented, path: path)
        #expect(everything.repositories.values.contains { $0.isPrivate == false && $0.uploadTokens?.map(\.rawValue) == ["ci"] })
    }

    // Goal: the effective settings printed by `config check` never contain the secrets.
    @Test func renderingMasksSecrets() throws {
        var settings = Settings()
        settings.uploadToken = "very-secret-token"
        settings.s3URL = "http://AKEY:SUPERSECRET@127.0.0.1:9000/bucket"
        let text = settings.rendered()
        #expect(!text.contains("very-secret-token") && !text.contains("SUPERSECRET"))
        #expect(text.contains("AKEY"))
        #expect(text.contains("# server-wide upload token: set (********)"))
        #expect(throws: Never.self) { _ = try ConfigFile.parse(text, path: "rendered") }
    }
}
