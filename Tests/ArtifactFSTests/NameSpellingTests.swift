// The mount's names are bytes, as on ext4: look-alike spellings are two files, never one serving the other's bytes.
import ArtifactFS
import Core
import CoreTesting
import Foundation
import Testing

@Suite struct NameSpellingTests {
    /// A minimal real .deb of `package` built by dpkg-deb.
    static func deb(_ package: String, in scratch: ScratchDirectory) throws -> [UInt8] {
        let root = scratch.file("deb-\(package)")
        try FileManager.default.createDirectory(atPath: root + "/DEBIAN", withIntermediateDirectories: true)
        let control = "Package: \(package)\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@example.com>\nDescription: d\n"
        try Data(control.utf8).write(to: URL(fileURLWithPath: root + "/DEBIAN/control"))
        let status = try Fixtures.run("/usr/bin/dpkg-deb", ["--build", "--root-owner-group", "-Zgzip", root, root + ".deb"])
        guard status == 0 else { throw ArtifactError.badRequest("dpkg-deb exited \(status)") }
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + ".deb")))
    }

    /// `apt/deb/pool/d/main`, made with mkdir through the model.
    static func aptPool(_ h: ModelHarness) throws -> UInt64 {
        let apt = try h.fs.lookup(parent: UInt64(WellKnownNode.root), name: "apt")
        var directory = try h.fs.mkdir(parent: apt.inode, name: "deb").inode
        for name in ["pool", "d", "main"] { directory = try h.fs.mkdir(parent: directory, name: name).inode }
        return directory
    }

    /// How many listed names have exactly the bytes of `name` (String `==` would count look-alikes too).
    static func count(_ name: String, in names: [String]) -> Int {
        names.filter { $0.utf8.elementsEqual(name.utf8) }.count
    }

    static func contents(_ h: ModelHarness, _ inode: UInt64) throws -> [UInt8] {
        let opened = try h.fs.open(inode, flags: O_RDONLY)
        defer { h.fs.release(handle: opened.handle) }
        return try h.fs.read(handle: opened.handle, offset: 0, size: 1 << 20)
    }

    // Goal: files being written under two spellings of one name are two staged inodes with their own bytes, both
    // listed exactly as given; removing one leaves the other; each is ingested as itself when renamed.
    @Test(arguments: LookAlikeSpellings.pairs)
    func stagedSpellingsAreTwoFiles(pair: LookAlikeSpellings.Pair) throws {
        let h = try ModelHarness()
        let bytes = [try Fixtures.archive("z", files: ["a": "1"]), try Fixtures.archive("z", files: ["a": "2"])]
        let names = [".\(pair.plain).part", ".\(pair.other).part"]
        var inodes: [UInt64] = []
        for (name, content) in zip(names, bytes) { inodes.append(try h.copy(content, as: name).inode) }
        #expect(inodes[0] != inodes[1], "\(pair): one inode for two names")
        let listed = try h.names(h.repo)
        for (name, inode) in zip(names, inodes) {
            #expect(Self.count(name, in: listed) == 1, "\(pair): \(name.debugDescription) listed once")
            #expect(try h.fs.lookup(parent: h.repo, name: name).inode == inode)
        }
        for (inode, content) in zip(inodes, bytes) { #expect(try Self.contents(h, inode) == content, "\(pair)") }

        for (name, final) in zip(names, ["one-1.0.tar.gz", "two-1.0.tar.gz"]) {
            try h.fs.rename(parent: h.repo, name: name, newParent: h.repo, newName: final, noReplace: false, exchange: false)
        }
        for (final, content) in zip(["one-1.0.tar.gz", "two-1.0.tar.gz"], bytes) {
            #expect(try Self.contents(h, try h.fs.lookup(parent: h.repo, name: final).inode) == content, "\(pair): \(final)")
        }
    }

    // Goal: packages stored under two spellings are two packages, listed once each as given, each read back with its
    // own bytes; unlinking one spelling removes only that file.
    @Test(arguments: LookAlikeSpellings.pairs)
    func storedSpellingsAreTwoPackages(pair: LookAlikeSpellings.Pair) throws {
        let h = try ModelHarness()
        let pool = try Self.aptPool(h)
        let debs = [try Self.deb("first", in: h.scratch), try Self.deb("second", in: h.scratch)]
        let names = ["\(pair.plain).deb", "\(pair.other).deb"]
        for (name, deb) in zip(names, debs) { try h.copy(deb, as: name, into: pool) }
        let listed = try h.names(pool)
        for (name, deb) in zip(names, debs) {
            #expect(Self.count(name, in: listed) == 1, "\(pair): \(name.debugDescription)")
            let stored = try h.fs.lookup(parent: pool, name: name)
            #expect(stored.inode < ArtifactFileSystem.stagedInodeBase)
            #expect(try Self.contents(h, stored.inode) == deb, "\(pair): \(name.debugDescription) serves another file")
        }
        try h.fs.unlink(parent: pool, name: names[1])
        #expect(try Self.contents(h, try h.fs.lookup(parent: pool, name: names[0]).inode) == debs[0])
        #expect(h.errno { _ = try h.fs.lookup(parent: pool, name: names[1]) } == ENOENT)
    }

    // Goal: renaming a file to another spelling of its name is a real rename (the old spelling is gone, the new one
    // holds the bytes), not the no-op a `String ==` comparison made of it.
    @Test(arguments: LookAlikeSpellings.pairs)
    func renameToAnotherSpellingRenames(pair: LookAlikeSpellings.Pair) throws {
        let h = try ModelHarness()
        let bytes = try Fixtures.archive("z", files: ["a": "renamed"])
        let (from, to) = (".\(pair.plain).part", ".\(pair.other).part")
        let inode = try h.copy(bytes, as: from).inode
        try h.fs.rename(parent: h.repo, name: from, newParent: h.repo, newName: to, noReplace: false, exchange: false)
        #expect(h.errno { _ = try h.fs.lookup(parent: h.repo, name: from) } == ENOENT, "\(pair)")
        #expect(try h.fs.lookup(parent: h.repo, name: to).inode == inode)
        #expect(try Self.contents(h, inode) == bytes)
        let listed = try h.names(h.repo)
        #expect(Self.count(from, in: listed) == 0 && Self.count(to, in: listed) == 1, "\(pair)")
    }

    // Goal: renaming a stored package to a look-alike of its own name is not a silent success: the new name is
    // validated like any other (U+212A is no package name: EINVAL) and the package stays under its name.
    @Test func renameOfAStoredPackageToALookAlikeIsChecked() throws {
        let h = try ModelHarness()
        let bytes = try Fixtures.archive("z", files: ["a": "stored"])
        try h.copy(bytes, as: "Kit-1.0.tar.gz")
        #expect(h.errno { try h.fs.rename(parent: h.repo, name: "Kit-1.0.tar.gz", newParent: h.repo, newName: "\u{212A}it-1.0.tar.gz",
                                          noReplace: false, exchange: false) } == EINVAL)
        #expect(try Self.contents(h, try h.fs.lookup(parent: h.repo, name: "Kit-1.0.tar.gz").inode) == bytes)
        #expect(h.errno { _ = try h.fs.lookup(parent: h.repo, name: "\u{212A}it-1.0.tar.gz") } == ENOENT)
    }

    // Goal: a file staged under a look-alike of a stored name does not hide the stored file from listings or
    // lookups, and its refusal at close (U+212A is no package name) leaves the stored file untouched.
    @Test func stagedLookAlikeDoesNotShadowAStoredFile() throws {
        let h = try ModelHarness()
        let stored = try Fixtures.archive("z", files: ["a": "stored"])
        try h.copy(stored, as: "Kit-1.0.tar.gz")
        let (_, opened) = try h.fs.create(parent: h.repo, name: "\u{212A}it-1.0.tar.gz", permissions: 0o644)
        _ = try Fixtures.archive("z", files: ["a": "other"]).withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        let listed = try h.names(h.repo)
        #expect(Self.count("Kit-1.0.tar.gz", in: listed) == 1 && Self.count("\u{212A}it-1.0.tar.gz", in: listed) == 1)
        let real = try h.fs.lookup(parent: h.repo, name: "Kit-1.0.tar.gz")
        #expect(real.inode < ArtifactFileSystem.stagedInodeBase)
        #expect(h.errno { try h.fs.flush(handle: opened.handle) } == EINVAL)
        h.fs.release(handle: opened.handle)
        #expect(try Self.contents(h, real.inode) == stored)
    }

    // Goal: bidirectional controls and invisible characters are refused (EINVAL) by create, mknod, mkdir and
    // rename, so a listing never shows `evil\u{202E}gpj.exe` as `evilexe.jpg`.
    @Test(arguments: ["\u{202E}", "\u{202D}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}",
                      "\u{202A}", "\u{202B}", "\u{202C}", "\u{200B}", "\u{FEFF}", "\u{00AD}", "\u{2060}"])
    func disguisingNamesAreRefused(scalar: String) throws {
        let h = try ModelHarness()
        let name = "evil\(scalar)zg.tar.gz"
        #expect(h.errno { _ = try h.fs.create(parent: h.repo, name: name, permissions: 0o644) } == EINVAL)
        #expect(h.errno { _ = try h.fs.create(parent: h.repo, name: "." + name, permissions: 0o644) } == EINVAL, "temporary names too")
        #expect(h.errno { _ = try h.fs.mknod(parent: h.repo, name: name, permissions: 0o644, isRegularFile: true) } == EINVAL)
        let tar = try h.fs.lookup(parent: UInt64(WellKnownNode.root), name: "tar")
        #expect(h.errno { _ = try h.fs.mkdir(parent: tar.inode, name: "r\(scalar)") } == EINVAL)
        try h.copy(try Fixtures.archive("z"), as: ".staged")
        #expect(h.errno { try h.fs.rename(parent: h.repo, name: ".staged", newParent: h.repo, newName: name, noReplace: false, exchange: false) }
            == EINVAL)
        #expect(try h.names(h.repo).allSatisfy { !$0.unicodeScalars.contains(where: NameCharacters.disguises) })
    }

    // Goal: names from the kernel are decoded strictly: bytes that are not UTF-8 are no name here (ENOENT to look
    // up, EINVAL to create) instead of turning into U+FFFD, where two such names would become one.
    @Test func kernelNamesAreStrictUTF8() throws {
        func withBytes<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
            try (bytes + [0]).map { CChar(bitPattern: $0) }.withUnsafeBufferPointer { try body($0.baseAddress!) }
        }
        for latin1 in [Array("caf".utf8) + [0xE9], Array("caf".utf8) + [0xE8], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAE]] {
            #expect(Errno.of(withBytes(latin1) { raw in Result { try KernelName.new(raw) } }.thrown) == EINVAL)
            #expect(Errno.of(withBytes(latin1) { raw in Result { try KernelName.existing(raw) } }.thrown) == ENOENT)
        }
        for name in ["caf\u{E9}.deb", "cafe\u{301}.deb", "\u{212A}"] {
            #expect(try withBytes(Array(name.utf8)) { try KernelName.new($0) }.utf8.elementsEqual(name.utf8))
            #expect(try withBytes(Array(name.utf8)) { try KernelName.existing($0) }.utf8.elementsEqual(name.utf8))
        }
    }
}

extension Result {
    /// The error, or a placeholder mapping to EIO when there was none (so the errno checks fail visibly).
    var thrown: any Error {
        if case .failure(let error) = self { return error }
        return ArtifactError.storageUnavailable("no error was thrown")
    }
}
