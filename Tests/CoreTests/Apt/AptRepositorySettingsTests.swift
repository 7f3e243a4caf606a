// One apt repository's own architectures and Valid-Until, over the server-wide defaults.
@testable import Core
import Testing

struct AptRepositorySettingsTests {
    // Goal: a repository with settings uses them, `.zero` turns Valid-Until off, and other repositories keep the defaults.
    @Test func overridesApplyPerRepository() throws {
        var configuration = AptProvider.Configuration()
        configuration.validFor = .seconds(86400)
        let own = try RepositoryName("own"), off = try RepositoryName("off"), plain = try RepositoryName("plain")
        configuration.repositories[own] = AptRepositorySettings(architectures: ["riscv64"], validFor: .seconds(3600))
        configuration.repositories[off] = AptRepositorySettings(validFor: .zero)
        #expect(configuration.architectures(for: own) == ["riscv64"] && configuration.validFor(for: own) == .seconds(3600))
        #expect(configuration.architectures(for: off) == ["amd64", "arm64"] && configuration.validFor(for: off) == nil)
        #expect(configuration.architectures(for: plain) == ["amd64", "arm64"] && configuration.validFor(for: plain) == .seconds(86400))
    }

    // Goal: dist and component names from the config file are checked as mkdir would check them.
    @Test(arguments: ["stable", "bookworm-backports", "1.0"]) func acceptsDirectoryNames(name: String) throws {
        try AptProvider.checkDirectoryName(name, kind: "dist")
    }

    @Test(arguments: ["", ".hidden", "-x", "a/b", "sp ace"]) func refusesDirectoryNames(name: String) {
        #expect(throws: ArtifactError.self) { try AptProvider.checkDirectoryName(name, kind: "dist") }
    }
}
