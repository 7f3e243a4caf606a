// The seed corpus through every fuzz target without libFuzzer, so harness and seeds stay working.
import ArtifactFuzzing
import Foundation
import Testing

@Suite struct FuzzSeedTests {
    /// `Tests/FuzzCorpus/<target>/`, found from this file so the test runs from any directory.
    static func seeds(of target: FuzzTarget, filePath: String = #filePath) throws -> [URL] {
        let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus").appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    // Goal: every target has seeds, and none of them breaks a property (a violation crashes the test run).
    @Test(arguments: FuzzTarget.allCases)
    func seedsPass(target: FuzzTarget) throws {
        let files = try Self.seeds(of: target)
        #expect(files.count >= 5, "\(target.rawValue) has \(files.count) seeds")
        for file in files { target.run([UInt8](try Data(contentsOf: file))) }
    }

    // Goal: the archive-paths oracle sees what the seeds are named for: `escape-*` escape (and are refused),
    // `safe-*` neither escape nor are refused, `refused-*` are refused although they do not escape.
    @Test func archivePathSeedsMeanWhatTheySay() throws {
        for file in try Self.seeds(of: .archivePaths) {
            let name = file.lastPathComponent
            let (escapes, refused) = ArchivePathsFuzzing.verdict([UInt8](try Data(contentsOf: file)))
            if name.hasPrefix("escape-") { #expect(escapes && refused, "\(name)") }
            if name.hasPrefix("safe-") { #expect(!escapes && !refused, "\(name)") }
            if name.hasPrefix("refused-") { #expect(!escapes && refused, "\(name)") }
        }
    }
}
