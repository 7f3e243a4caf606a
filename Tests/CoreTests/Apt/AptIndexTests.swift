// apt index building from catalogue rows: placement by architecture, chunk reuse, Release digests, by-hash.
@testable import Core
import CoreTesting
import Foundation
import Logging
import Testing

@Suite struct AptIndexTests {
    // Goal: `all` packages appear in every binary-<arch> index and in binary-all; others only in their own.
    @Test func allPackagesAppearInEveryArchitecture() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, [("tool", "1.0", "amd64"), ("tool", "1.0", "arm64"), ("data", "2.0", "all")])
        try repositories.publishNow(repositoryID: repo)
        #expect(try Self.packageNames(repositories, repo, "binary-amd64") == ["data/all", "tool/amd64"])
        #expect(try Self.packageNames(repositories, repo, "binary-arm64") == ["data/all", "tool/arm64"])
        #expect(try Self.packageNames(repositories, repo, "binary-all") == ["data/all"])
        let release = try Self.text(repositories, repo, ["dists", "stable", "Release"])
        #expect(release.contains("Architectures: all amd64 arm64\n"))
        #expect(release.contains("Acquire-By-Hash: yes\n"))
        #expect(try Self.text(repositories, repo, ["dists", "stable", "InRelease"]).hasPrefix("FAKE CLEARSIGN"))
    }

    // Goal: every file Release lists exists with the size and digests Release states.
    @Test func releaseDigestsMatchFiles() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, (0..<50).map { ("pkg\($0)", "1.\($0)", "amd64") })
        try repositories.publishNow(repositoryID: repo)
        let release = try Self.text(repositories, repo, ["dists", "stable", "Release"])
        var lines = 0
        for line in release.split(separator: "\n") where line.hasPrefix(" ") {
            let parts = line.split(separator: " ")
            let bytes = try Self.bytes(repositories, repo, ["dists", "stable"] + parts[2].split(separator: "/").map(String.init))
            #expect(String(bytes.count) == parts[1])
            let digests = AptIndexDigests(of: bytes)
            #expect([digests.md5, digests.sha1, digests.sha256.hex, digests.sha512].contains(String(parts[0])), "\(parts[2])")
            lines += 1
        }
        #expect(lines == 4 * 4 * 3) // 4 digests × 4 files × (all, amd64, arm64)
    }

    // Goal: one new package in a large index recompresses one chunk, and the concatenated gzip and xz
    // streams still decompress to exactly the Packages file.
    @Test func oneNewPackageRecompressesOneChunk() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, (0..<600).map { ("bulk\($0)", "1.0", "amd64") })
        try repositories.publishNow(repositoryID: repo)
        _ = try Self.insert(repositories, [("late", "1.0", "amd64")])
        let provider = try #require(try repositories.provider(.apt) as? AptProvider)
        let before = provider.chunks.compressions
        try repositories.publishNow(repositoryID: repo)
        #expect(provider.chunks.compressions - before == 1)
        let plain = try Self.bytes(repositories, repo, ["dists", "stable", "main", "binary-amd64", "Packages"])
        for (name, tool) in [("Packages.gz", "/usr/bin/gzip"), ("Packages.xz", "/usr/bin/xz")] {
            let compressed = try Self.bytes(repositories, repo, ["dists", "stable", "main", "binary-amd64", name])
            let file = scratch.file(name)
            try Data(compressed).write(to: URL(fileURLWithPath: file))
            let output = scratch.file(name + ".out")
            #expect(try Fixtures.run("/bin/sh", ["-c", "\(tool) -dc \(file) > \(output)"]) == 0)
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: output))) == plain, "\(name) does not decompress to Packages")
        }
        #expect(try Self.packageNames(repositories, repo, "binary-amd64").count == 601)
    }

    // Goal: control fields the server computes (Filename, Size, checksums), in any letter case and with
    // continuation lines, never reach the stanza twice; the stanza states the server's values.
    @Test(arguments: [
        "Filename: pool/evil.deb\nSize: 1\nMD5sum: 00\nSHA1: 00\nSHA256: 00\nSHA512: 00\n",
        "filename: x\nSIZE: 2\nmd5SUM: 0\nsha256: 0\n",
        "SHA256:\n 00 1 a\n 11 2 b\nSha512: 0\n",
    ])
    func serverFieldsAreNotDuplicated(uploaded: String) throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let control = "Package: tool\nVersion: 1.0\nArchitecture: amd64\n" + uploaded + "Description: x\n more\n"
        let debPath = try DebFixtures.build(control, check: false, in: scratch)
        let target = try repositories.dropTarget(.apt, RepositoryName("r"), directory: ["pool", "stable", "main"], create: true)
        let staged = try Fixtures.stage(Array(try Data(contentsOf: URL(fileURLWithPath: debPath))), in: repositories.spool, kinds: .apt)
        let outcome = try repositories.ingest(staged, into: target, filename: "tool_1.0_amd64.deb")
        try repositories.publishNow(repositoryID: target.repository.id)
        let text = try Self.text(repositories, target.repository.id, ["dists", "stable", "main", "binary-amd64", "Packages"])
        // The parser refuses a paragraph that repeats a field name in any case.
        let stanza = try #require(try Deb822Paragraph.parseParagraphs(Array(text.utf8)).first)
        #expect(stanza["Filename"] == "pool/stable/main/tool_1.0_amd64.deb")
        #expect(stanza["Size"] == String(outcome.package.digests.size))
        #expect(stanza["SHA256"] == outcome.package.digests.sha256.hex)
        #expect(stanza["MD5sum"] == outcome.package.digests.md5)
        #expect(stanza["Description"] == "x\n more")
    }

    // Goal: rows stored before uploads were cleaned (their control text still holds a server field) publish
    // stanzas without the duplicate.
    @Test func storedControlWithServerFieldsIsCleanedWhenPublished() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, [("old", "1.0", "amd64")], control: { name, version, architecture in
            "Package: \(name)\nVersion: \(version)\nSize: 99\nArchitecture: \(architecture)\nsha256: 00\n 11\nDescription: test\n"
        })
        try repositories.publishNow(repositoryID: repo)
        let text = try Self.text(repositories, repo, ["dists", "stable", "main", "binary-amd64", "Packages"])
        let stanza = try #require(try Deb822Paragraph.parseParagraphs(Array(text.utf8)).first)
        #expect(stanza["Size"] != "99")
        #expect(stanza["Architecture"] == "amd64")
        #expect(stanza["Description"] == "test")
    }

    // Goal: after a republish, the previous Packages files stay reachable under by-hash.
    @Test func byHashKeepsPreviousIndexes() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, [("first", "1.0", "amd64")])
        try repositories.publishNow(repositoryID: repo)
        let old = AptIndexDigests(of: try Self.bytes(repositories, repo, ["dists", "stable", "main", "binary-amd64", "Packages.xz"]))
        _ = try Self.insert(repositories, [("second", "1.0", "amd64")])
        try repositories.publishNow(repositoryID: repo)
        let directory = ["dists", "stable", "main", "binary-amd64", "by-hash"]
        let oldCopy = try Self.bytes(repositories, repo, directory + ["SHA256", old.sha256.hex])
        #expect(AptIndexDigests(of: oldCopy).sha256 == old.sha256)
        #expect(try Self.bytes(repositories, repo, directory + ["SHA512", old.sha512]).count == old.size)
        let current = AptIndexDigests(of: try Self.bytes(repositories, repo, ["dists", "stable", "main", "binary-amd64", "Packages.xz"]))
        #expect(current.sha256 != old.sha256)
        #expect(try Self.bytes(repositories, repo, directory + ["SHA256", current.sha256.hex]).count == current.size)
    }

    // Goal: Valid-Until appears only when configured, the set time after Date; empty components are published.
    @Test func validUntilAndEmptyComponents() throws {
        let scratch = ScratchDirectory()
        var apt = AptProvider.Configuration()
        apt.validFor = .seconds(7 * 86400)
        let repositories = Repositories(metadata: try SQLiteMetadataStore(), blobs: InMemoryBlobStore(),
                                        spool: try Spool(directory: scratch.file("spool")),
                                        providers: [AptProvider(keys: FakeKeyStore(), configuration: apt)], logger: Logger(label: "test"))
        let repo = try Self.insert(repositories, [("dated", "1.0", "amd64")])
        _ = try repositories.dropTarget(.apt, RepositoryName("r"), directory: ["pool", "stable", "contrib"], create: true)
        try repositories.publishNow(repositoryID: repo)
        let release = try Self.text(repositories, repo, ["dists", "stable", "Release"])
        let fields = Dictionary(release.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":"), line.first != " " else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }, uniquingKeysWith: { a, _ in a })
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'UTC'"
        format.timeZone = TimeZone(identifier: "UTC")
        let date = try #require(fields["Date"].flatMap(format.date(from:)))
        let validUntil = try #require(fields["Valid-Until"].flatMap(format.date(from:)))
        #expect(validUntil.timeIntervalSince(date) == 7 * 86400)
        #expect(fields["Components"] == "contrib main")
        #expect(try Self.bytes(repositories, repo, ["dists", "stable", "contrib", "binary-amd64", "Packages"]).isEmpty)
        let defaults = try Fixtures.repositories(ScratchDirectory())
        let other = try Self.insert(defaults, [("plain", "1.0", "amd64")])
        try defaults.publishNow(repositoryID: other)
        #expect(!(try Self.text(defaults, other, ["dists", "stable", "Release"])).contains("Valid-Until"))
    }

    // Goal: dist and component names that would collide with generated paths or need escaping are refused.
    @Test func distAndComponentNamesAreChecked() throws {
        let provider = AptProvider(keys: FakeKeyStore())
        #expect(try provider.directoryKinds(for: ["pool", "stable", "main"]) == [.directory, .directory, .dropDirectory])
        for bad in [["pool", "stable", "by-hash"], ["pool", "-x"], ["pool", "a b"], ["dists"], ["pool", "s", "c", "d"]] {
            #expect(throws: ArtifactError.self, "\(bad)") { try provider.directoryKinds(for: bad) }
        }
    }

    // MARK: - Helpers

    /// Records packages directly in the catalogue (no .deb needed: index building reads only rows).
    static func insert(_ repositories: Repositories, _ packages: [(String, String, String)], dist: String = "stable",
                       control: (String, String, String) -> String = { name, version, architecture in
                           "Package: \(name)\nVersion: \(version)\nArchitecture: \(architecture)\nDescription: test\n"
                       }) throws -> NodeID {
        let target = try repositories.dropTarget(.apt, RepositoryName("r"), directory: ["pool", dist, "main"], create: true)
        for (name, version, architecture) in packages {
            let body = Array("\(name) \(version) \(architecture)".utf8)
            var hasher = MultiHasher(kinds: .apt)
            hasher.update(body)
            let control = control(name, version, architecture)
            _ = try repositories.metadata.insertPackage(NewPackage(
                repositoryID: target.repository.id, directoryID: target.directoryID, location: target.location,
                filename: try Filename("\(name)_\(version)_\(architecture).deb"), name: try PackageName(name),
                version: try PackageVersion(version), digests: hasher.finalize(),
                attributes: ["architecture": architecture, "control": control], identity: "\(name)_\(version)_\(architecture)",
                uploadedAt: Date()), overwrite: false)
        }
        return target.repository.id
    }

    static func bytes(_ repositories: Repositories, _ repo: NodeID, _ path: [String]) throws -> [UInt8] {
        let entry = try #require(try repositories.tree.resolve(["apt", "r"] + path), "\(path.joined(separator: "/")) missing")
        return try repositories.blobs.bytes(of: try #require(entry.digest))
    }

    static func text(_ repositories: Repositories, _ repo: NodeID, _ path: [String]) throws -> String {
        String(decoding: try bytes(repositories, repo, path), as: UTF8.self)
    }

    static func packageNames(_ repositories: Repositories, _ repo: NodeID, _ index: String) throws -> [String] {
        let text = try Self.text(repositories, repo, ["dists", "stable", "main", index, "Packages"])
        return try Deb822Paragraph.parseParagraphs(Array(text.utf8)).compactMap { stanza -> String? in
            guard let name = stanza["Package"], let architecture = stanza["Architecture"] else { return nil }
            return "\(name)/\(architecture)"
        }.sorted()
    }
}
