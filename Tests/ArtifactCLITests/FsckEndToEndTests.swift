// `artifactfs fsck` on a real data directory: clean, a deleted blob file, a stray blob file, --delete-orphans.
import Core
import Foundation
import Testing

@Suite(.serialized) struct FsckEndToEndTests {
    @Test func findsAndRepairsWhatItCan() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let kept = try await work.tarball("kept-1.0.tar.gz", seed: 1)
        let lost = try await work.tarball("lost-1.0.tar.gz", seed: 2)
        try await EndToEndTests.withServer(binary, work) { server in
            for file in [kept, lost] {
                let answer = try await put(file, to: "\(server.url)/tar/r/\(URL(fileURLWithPath: file).lastPathComponent)")
                #expect(answer.code == 201)
            }
        }
        let data = work.path("data")
        let clean = try await run(["fsck", "--data", data], executable: binary)
        #expect(clean.status == 0 && clean.stdout.contains("0 missing, 0 unreferenced, 0 corrupt"), "\(clean.stdout)\n\(clean.stderr)")

        let blobs = data + "/blobs/sha256"
        func path(_ hex: String) -> String { "\(blobs)/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)" }
        let lostHex = try await sha256(of: lost), keptHex = try await sha256(of: kept)
        try FileManager.default.removeItem(atPath: path(lostHex))
        let stray = Array("a blob nobody references".utf8)
        let strayHex = SHA256Digest(of: stray).hex
        try FileManager.default.createDirectory(atPath: (path(strayHex) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(stray).write(to: URL(fileURLWithPath: path(strayHex)))

        let damaged = try await run(["fsck", "--data", data, "--verify"], executable: binary)
        #expect(damaged.status == 1, "\(damaged.stdout)")
        #expect(damaged.stdout.contains("missing \(lostHex): tar/r/lost-1.0.tar.gz"), "\(damaged.stdout)")
        #expect(damaged.stdout.contains("unreferenced \(strayHex)"), "\(damaged.stdout)")
        let repaired = try await run(["fsck", "--data", data, "--delete-orphans"], executable: binary)
        #expect(repaired.stdout.contains("1 deleted") && !FileManager.default.fileExists(atPath: path(strayHex)), "\(repaired.stdout)")
        #expect(repaired.status == 1, "the missing blob still makes it unclean")
        #expect(FileManager.default.fileExists(atPath: path(keptHex)))
    }
}
