// The filesystem model without a mount: the semantics of docs/SEMANTICS.md, call by call.
import ArtifactFS
import Core
import CoreTesting
import Foundation
import Logging
import Testing

/// A model over in-memory stores with one tar repository `r`.
struct ModelHarness {
    let scratch = ScratchDirectory()
    let repositories: Repositories
    let fs: ArtifactFileSystem
    let repo: UInt64

    init() throws {
        repositories = try Fixtures.repositories(scratch)
        fs = ArtifactFileSystem(repositories: repositories, logger: Logger(label: "test"))
        let tar = try fs.lookup(parent: UInt64(WellKnownNode.root), name: "tar")
        repo = try fs.mkdir(parent: tar.inode, name: "r").inode
    }

    /// Writes `bytes` to a new file through create/write/flush/release; returns flush's error, if any.
    @discardableResult
    func copy(_ bytes: [UInt8], as name: String, into directory: UInt64? = nil) throws -> NodeAttributes {
        let (attributes, opened) = try fs.create(parent: directory ?? repo, name: name, permissions: 0o644)
        defer { fs.release(handle: opened.handle) }
        _ = try bytes.withUnsafeBytes { try fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        try fs.flush(handle: opened.handle)
        return attributes
    }

    func names(_ directory: UInt64) throws -> [String] {
        try fs.readdir(directory, after: 0, limit: 10_000).map(\.name)
    }

    func errno(_ body: () throws -> Void) -> Int32 {
        do { try body(); return 0 } catch { return Errno.of(error) }
    }
}

@Suite struct FileSystemModelTests {
    // Goal: the root lists the three providers with directory attributes, `.` and `..` first.
    @Test func rootListing() throws {
        let h = try ModelHarness()
        let entries = try h.fs.readdir(UInt64(WellKnownNode.root), after: 0, limit: 100)
        #expect(entries.map(\.name) == [".", "..", "apt", "pypi", "tar"])
        #expect(entries.allSatisfy { $0.attributes.isDirectory && $0.attributes.permissions == 0o755 })
        #expect(try h.fs.getattr(UInt64(WellKnownNode.root)).inode == 1)
    }

    // Goal: a file copied in is ingested at flush; its name then leads to the catalogue node.
    @Test func createWriteFlushIngests() throws {
        let h = try ModelHarness()
        let bytes = try Fixtures.archive("z")
        let staged = try h.copy(bytes, as: "tool-1.0.tar.gz")
        #expect(staged.inode >= ArtifactFileSystem.stagedInodeBase)
        let stored = try h.fs.lookup(parent: h.repo, name: "tool-1.0.tar.gz")
        #expect(stored.inode < ArtifactFileSystem.stagedInodeBase)
        #expect(stored.size == Int64(bytes.count) && stored.permissions == 0o644)
        #expect(try h.fs.getattr(staged.inode).size == Int64(bytes.count))
        let opened = try h.fs.open(stored.inode, flags: O_RDONLY)
        #expect(opened.keepCache && !opened.directIO)
        #expect(try h.fs.read(handle: opened.handle, offset: 0, size: 1 << 20) == bytes)
        h.fs.release(handle: opened.handle)
    }

    // Goal: a bad file fails at flush with EINVAL and vanishes from the directory.
    @Test func badFileFailsAtFlushAndVanishes() throws {
        let h = try ModelHarness()
        #expect(h.errno { try h.copy(Array("text".utf8), as: "bad-1.0.tar.gz") } == EINVAL)
        #expect(try !h.names(h.repo).contains("bad-1.0.tar.gz"))
        #expect(h.errno { _ = try h.fs.lookup(parent: h.repo, name: "bad-1.0.tar.gz") } == ENOENT)
    }

    // Goal: reopening a rejected file through an inode the kernel still caches is ESTALE (the kernel then looks the
    // name up again and creates a new file), never a handle whose writes nothing would ingest. Found by
    // MountModelTests under load: close() returned 0 and the bytes were gone.
    @Test func reopeningARejectedFileIsStale() throws {
        let h = try ModelHarness()
        let (attributes, opened) = try h.fs.create(parent: h.repo, name: "bad-1.0.tar.gz", permissions: 0o644)
        _ = try Array("text".utf8).withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        #expect(h.errno { try h.fs.flush(handle: opened.handle) } == EINVAL)
        h.fs.release(handle: opened.handle)
        #expect(h.errno { _ = try h.fs.open(attributes.inode, flags: O_WRONLY | O_TRUNC) } == ESTALE)
        // The name is free: a new create works and is ingested.
        try h.copy(try Fixtures.archive("z"), as: "bad-1.0.tar.gz")
    }

    // Goal: only a close by the process that opened the file ingests it. A forked child closes its inherited
    // descriptor first; ingesting then stored or refused a half-written file while the parent's close said 0.
    @Test func onlyTheOpenersCloseIngests() throws {
        let h = try ModelHarness()
        let archive = try Fixtures.archive("z")
        let (_, opened) = try h.fs.create(parent: h.repo, name: "forked-1.0.tar.gz", permissions: 0o644, opener: 100)
        _ = try archive[..<10].withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        try h.fs.flush(handle: opened.handle, closer: 200)   // the child: nothing happens
        #expect(try h.fs.lookup(parent: h.repo, name: "forked-1.0.tar.gz").size == 10, "still staged")
        _ = try archive[10...].withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 10) }
        try h.fs.flush(handle: opened.handle, closer: 100)
        h.fs.release(handle: opened.handle)
        #expect(try h.fs.lookup(parent: h.repo, name: "forked-1.0.tar.gz").size == Int64(archive.count))

        let (_, refused) = try h.fs.create(parent: h.repo, name: "refused-1.0.tar.gz", permissions: 0o644, opener: 100)
        _ = try Array("text".utf8).withUnsafeBytes { try h.fs.write(handle: refused.handle, bytes: $0, offset: 0) }
        try h.fs.flush(handle: refused.handle, closer: 200)
        #expect(h.errno { try h.fs.flush(handle: refused.handle, closer: 100) } == EINVAL)
    }

    // Goal: the same name with different bytes is EEXIST; the same bytes again succeed.
    @Test func overwritePolicy() throws {
        let h = try ModelHarness()
        let first = try Fixtures.archive("z", files: ["a": "1"])
        try h.copy(first, as: "tool-1.0.tar.gz")
        #expect(h.errno { try h.copy(first, as: "tool-1.0.tar.gz") } == 0)
        #expect(h.errno { try h.copy(try Fixtures.archive("z", files: ["a": "2"]), as: "tool-1.0.tar.gz") } == EEXIST)
        let stored = try h.fs.lookup(parent: h.repo, name: "tool-1.0.tar.gz")
        #expect(stored.size == Int64(first.count))
    }

    // Goal: a temporary name is staged only; rename to the final name ingests, as rsync does.
    @Test func temporaryNameThenRename() throws {
        let h = try ModelHarness()
        let bytes = try Fixtures.archive("z")
        try h.copy(bytes, as: ".tool-1.0.tar.gz.AbC123")
        #expect(try h.names(h.repo).contains(".tool-1.0.tar.gz.AbC123"))
        #expect(try h.repositories.metadata.packages(repository: NodeID(h.repo)).isEmpty)
        try h.fs.rename(parent: h.repo, name: ".tool-1.0.tar.gz.AbC123", newParent: h.repo, newName: "tool-1.0.tar.gz",
                        noReplace: false, exchange: false)
        #expect(try h.names(h.repo).contains("tool-1.0.tar.gz"))
        #expect(try !h.names(h.repo).contains(".tool-1.0.tar.gz.AbC123"))
        #expect(try h.repositories.metadata.packages(repository: NodeID(h.repo)).count == 1)
    }

    // Goal: renaming a bad temporary file to its final name fails with the ingest's errno, and it vanishes.
    @Test func renameOfBadFileFails() throws {
        let h = try ModelHarness()
        try h.copy(Array("junk".utf8), as: ".junk-1.0.tar.gz.x")
        #expect(h.errno { try h.fs.rename(parent: h.repo, name: ".junk-1.0.tar.gz.x", newParent: h.repo, newName: "junk-1.0.tar.gz",
                                          noReplace: false, exchange: false) } == EINVAL)
        #expect(try h.names(h.repo).filter { $0.contains("junk") }.isEmpty)
    }

    // Goal: release ingests when no flush came (NFS and Samba servers), including after mknod.
    @Test func releaseWithoutFlushIngests() throws {
        let h = try ModelHarness()
        let node = try h.fs.mknod(parent: h.repo, name: "tool-2.0.tar.xz", permissions: 0o644, isRegularFile: true)
        let opened = try h.fs.open(node.inode, flags: O_WRONLY)
        let bytes = try Fixtures.archive("J")
        _ = try bytes.withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        h.fs.release(handle: opened.handle)
        #expect(try h.fs.lookup(parent: h.repo, name: "tool-2.0.tar.xz").inode < ArtifactFileSystem.stagedInodeBase)
        #expect(h.errno { _ = try h.fs.mknod(parent: h.repo, name: "fifo", permissions: 0o644, isRegularFile: false) } == EPERM)
    }

    // Goal: times and modes set before the ingest (rsync -a, cp -p) are kept on the package.
    @Test func attributesSurviveIngest() throws {
        let h = try ModelHarness()
        let (node, opened) = try h.fs.create(parent: h.repo, name: "tool-1.0.tar.gz", permissions: 0o600)
        _ = try Fixtures.archive("z").withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        let mtime = Date(timeIntervalSince1970: 1_000_000_000)
        _ = try h.fs.setattr(node.inode, AttributeChanges(permissions: 0o640, modified: mtime, ownerChanged: true))
        try h.fs.flush(handle: opened.handle)
        h.fs.release(handle: opened.handle)
        let stored = try h.fs.lookup(parent: h.repo, name: "tool-1.0.tar.gz")
        #expect(stored.permissions == 0o640)
        #expect(stored.modified == mtime)
        let later = Date(timeIntervalSince1970: 1_100_000_000)
        #expect(try h.fs.setattr(stored.inode, AttributeChanges(modified: later)).modified == later)
        #expect(h.errno { _ = try h.fs.setattr(stored.inode, AttributeChanges(size: 1)) } == EPERM)
    }

    // Goal: generated files and non-drop directories refuse writes with EROFS / EACCES.
    @Test func readOnlyPlaces() throws {
        let h = try ModelHarness()
        let sums = try h.fs.lookup(parent: h.repo, name: "SHA256SUMS")
        #expect(sums.permissions == 0o444)
        #expect(h.errno { _ = try h.fs.open(sums.inode, flags: O_WRONLY) } == EROFS)
        #expect(h.errno { _ = try h.fs.create(parent: h.repo, name: "SHA256SUMS", permissions: 0o644) } == EROFS)
        #expect(h.errno { try h.fs.unlink(parent: h.repo, name: "SHA256SUMS") } == EROFS)
        #expect(h.errno { _ = try h.fs.setattr(sums.inode, AttributeChanges(modified: Date())) } == EROFS)
        let tar = try h.fs.lookup(parent: 1, name: "tar")
        #expect(h.errno { _ = try h.fs.create(parent: tar.inode, name: "x-1.0.tar.gz", permissions: 0o644) } == EACCES)
        #expect(h.errno { _ = try h.fs.create(parent: 1, name: "x-1.0.tar.gz", permissions: 0o644) } == EACCES)
        #expect(h.errno { _ = try h.fs.mkdir(parent: h.repo, name: "sub") } == EACCES)
        #expect(h.errno { _ = try h.fs.create(parent: h.repo, name: "a\u{1}b-1.0.tar.gz", permissions: 0o644) } == EINVAL)
        let opened = try h.fs.open(sums.inode, flags: O_RDONLY)
        #expect(opened.directIO)
        h.fs.release(handle: opened.handle)
    }

    // Goal: names that could escape or confuse a path (dot names, separators, control characters, over-long) are
    // refused by create, mknod, mkdir and rename, and nothing of them is staged or stored.
    @Test func hostileNamesAreRefused() throws {
        let h = try ModelHarness()
        let long = String(repeating: "x", count: 250) + "-1.0.tar.gz"
        let invalid = ["..", ".", "a\\b-1.0.tar.gz", "a/b-1.0.tar.gz", "a\u{0}b-1.0.tar.gz", "tab\tx-1.0.tar.gz",
                       "new\nline-1.0.tar.gz", "del\u{7F}-1.0.tar.gz", "c1\u{85}-1.0.tar.gz", ".tmp\u{1}x"]
        for name in invalid {
            #expect(h.errno { _ = try h.fs.create(parent: h.repo, name: name, permissions: 0o644) } == EINVAL, "create \(name.debugDescription)")
            #expect(h.errno { _ = try h.fs.mknod(parent: h.repo, name: name, permissions: 0o644, isRegularFile: true) } == EINVAL,
                    "mknod \(name.debugDescription)")
        }
        #expect(h.errno { _ = try h.fs.create(parent: h.repo, name: long, permissions: 0o644) } == ENAMETOOLONG)
        #expect(h.errno { _ = try h.fs.create(parent: h.repo, name: "." + long, permissions: 0o644) } == ENAMETOOLONG)

        let tar = try h.fs.lookup(parent: 1, name: "tar")
        for name in ["..", "a\\b", "a\u{1}b", "ok\u{7F}"] {
            #expect(h.errno { _ = try h.fs.mkdir(parent: tar.inode, name: name) } == EINVAL, "mkdir \(name.debugDescription)")
        }
        #expect(h.errno { _ = try h.fs.mkdir(parent: tar.inode, name: String(repeating: "r", count: 65)) } == ENAMETOOLONG)
        let apt = try h.fs.lookup(parent: 1, name: "apt")
        let repo = try h.fs.mkdir(parent: apt.inode, name: "deb")
        let pool = try h.fs.mkdir(parent: repo.inode, name: "pool")
        for name in ["..", "a\\b", "dist\u{1b}[31m", String(repeating: "d", count: 256)] {
            #expect(h.errno { _ = try h.fs.mkdir(parent: pool.inode, name: name) } != 0, "mkdir pool/\(name.debugDescription)")
        }

        // A staged temporary file cannot be renamed to a hostile name either (rsync's last step).
        let (_, opened) = try h.fs.create(parent: h.repo, name: ".tool.XXXX", permissions: 0o644)
        _ = try Fixtures.archive("z").withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        h.fs.release(handle: opened.handle)
        for name in ["..", "x\\y-1.0.tar.gz", "x\ny-1.0.tar.gz"] {
            #expect(h.errno { try h.fs.rename(parent: h.repo, name: ".tool.XXXX", newParent: h.repo, newName: name,
                                              noReplace: false, exchange: false) } == EINVAL, "rename to \(name.debugDescription)")
        }
        #expect(h.errno { try h.fs.rename(parent: h.repo, name: ".tool.XXXX", newParent: h.repo, newName: long,
                                          noReplace: false, exchange: false) } == ENAMETOOLONG)
        #expect(try h.repositories.metadata.packages(repository: NodeID(h.repo)).isEmpty)
        let dots = [".", "..", "SHA256SUMS"]
        #expect(try h.names(h.repo).filter { !dots.contains($0) } == [".tool.XXXX"])
        #expect(try h.names(tar.inode).filter { !dots.contains($0) } == ["r"])
    }

    // Goal: rename across repositories is EXDEV; unlink deletes a package and republishes.
    @Test func renameAcrossRepositoriesAndUnlink() throws {
        let h = try ModelHarness()
        let tar = try h.fs.lookup(parent: 1, name: "tar")
        let other = try h.fs.mkdir(parent: tar.inode, name: "other")
        try h.copy(try Fixtures.archive("z"), as: "tool-1.0.tar.gz")
        #expect(h.errno { try h.fs.rename(parent: h.repo, name: "tool-1.0.tar.gz", newParent: other.inode, newName: "tool-1.0.tar.gz",
                                          noReplace: false, exchange: false) } == EXDEV)
        try h.fs.rename(parent: h.repo, name: "tool-1.0.tar.gz", newParent: h.repo, newName: "tool-1.1.tar.gz", noReplace: false, exchange: false)
        #expect(try h.names(h.repo).filter { $0.hasPrefix("tool") } == ["tool-1.1.tar.gz"])
        try h.fs.unlink(parent: h.repo, name: "tool-1.1.tar.gz")
        #expect(try h.repositories.metadata.packages(repository: NodeID(h.repo)).isEmpty)
        #expect(h.errno { try h.fs.unlink(parent: h.repo, name: "tool-1.1.tar.gz") } == ENOENT)
    }

    // Goal: mkdir creates repositories, rmdir removes empty ones and refuses non-empty ones.
    @Test func repositoriesAsDirectories() throws {
        let h = try ModelHarness()
        let tar = try h.fs.lookup(parent: 1, name: "tar")
        #expect(h.errno { _ = try h.fs.mkdir(parent: tar.inode, name: "r") } == EEXIST)
        #expect(h.errno { _ = try h.fs.mkdir(parent: tar.inode, name: "bad name") } == EINVAL)
        let pypi = try h.fs.lookup(parent: 1, name: "pypi")
        let wheels = try h.fs.mkdir(parent: pypi.inode, name: "wheels")
        #expect(try h.names(wheels.inode).contains("simple"), "a new PyPI repository publishes its empty index")
        #expect(h.errno { _ = try h.fs.mkdir(parent: wheels.inode, name: "sub") } == EACCES)
        // PEP 658 names belong to the generated metadata files, reachable or not.
        #expect(h.errno { _ = try h.fs.create(parent: wheels.inode, name: "foo-1.0-py3-none-any.whl.metadata", permissions: 0o644) } == EROFS)
        try h.copy(try Fixtures.archive("z"), as: "tool-1.0.tar.gz")
        #expect(h.errno { try h.fs.rmdir(parent: tar.inode, name: "r") } == ENOTEMPTY)
        try h.fs.unlink(parent: h.repo, name: "tool-1.0.tar.gz")
        try h.fs.rmdir(parent: tar.inode, name: "r")
        #expect(try !h.names(tar.inode).contains("r"))
    }

    // Goal: readdir resumes from any cookie it handed out, with no duplicates or gaps, staged files last.
    @Test func readdirResumesFromAnyCookie() throws {
        let h = try ModelHarness()
        for i in 0..<30 { try h.copy(try Fixtures.archive("z", files: ["f": "\(i)"]), as: "p\(i)-1.0.tar.gz") }
        let (_, opened) = try h.fs.create(parent: h.repo, name: ".inflight", permissions: 0o644)
        defer { h.fs.release(handle: opened.handle) }
        let all = try h.fs.readdir(h.repo, after: 0, limit: 1000)
        #expect(all.count == 2 + 30 + 1 + 1)
        #expect(all.last?.name == ".inflight")
        for start in [0, 1, 2, 5, 17, all.count - 2] {
            var names: [String] = []
            var cookie = start == 0 ? 0 : all[start - 1].cookie
            while true {
                let page = try h.fs.readdir(h.repo, after: cookie, limit: 4)
                guard let last = page.last else { break }
                names += page.map(\.name)
                cookie = last.cookie
            }
            #expect(names == all.dropFirst(start).map(\.name), "resume at \(start)")
        }
    }

    // Goal: `.` and `..` lookups are answered (NFS re-export needs them).
    @Test func dotLookups() throws {
        let h = try ModelHarness()
        #expect(try h.fs.lookup(parent: h.repo, name: ".").inode == h.repo)
        let tar = try h.fs.lookup(parent: 1, name: "tar")
        #expect(try h.fs.lookup(parent: h.repo, name: "..").inode == tar.inode)
        #expect(try h.fs.lookup(parent: 1, name: "..").inode == 1)
        let (staged, opened) = try h.fs.create(parent: h.repo, name: "x-1.0.tar.gz", permissions: 0o644)
        #expect(h.errno { _ = try h.fs.lookup(parent: staged.inode, name: "y") } == ENOTDIR)
        #expect(h.errno { _ = try h.fs.lookup(parent: h.repo, name: "absent") } == ENOENT)
        h.fs.release(handle: opened.handle)
    }

    // Goal: writing a stored package replaces it only by the overwrite rules (EEXIST for different bytes).
    @Test func openingAPackageForWriting() throws {
        let h = try ModelHarness()
        let bytes = try Fixtures.archive("z")
        try h.copy(bytes, as: "tool-1.0.tar.gz")
        let stored = try h.fs.lookup(parent: h.repo, name: "tool-1.0.tar.gz")
        let opened = try h.fs.open(stored.inode, flags: O_WRONLY | O_TRUNC)
        _ = try Array("garbage".utf8).withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        #expect(h.errno { try h.fs.flush(handle: opened.handle) } == EEXIST)
        h.fs.release(handle: opened.handle)
        #expect(try h.fs.lookup(parent: h.repo, name: "tool-1.0.tar.gz").size == Int64(bytes.count))
    }

    // Goal: a format the server runs without (here: a build with tar only) is EOPNOTSUPP, not a crash.
    @Test func unservedFormatIsNotSupported() throws {
        let scratch = ScratchDirectory()
        let repositories = Repositories(metadata: try SQLiteMetadataStore(), blobs: InMemoryBlobStore(),
                                        spool: try Spool(directory: scratch.file("spool")),
                                        providers: [TarballProvider()], logger: Logger(label: "test"))
        let fs = ArtifactFileSystem(repositories: repositories, logger: Logger(label: "test"))
        let pypi = try fs.lookup(parent: 1, name: "pypi")
        do {
            _ = try fs.mkdir(parent: pypi.inode, name: "wheels")
            Issue.record("mkdir in an unserved format succeeded")
        } catch {
            #expect(Errno.of(error) == EOPNOTSUPP)
        }
    }

    // Goal: a full spool is ENOSPC at write; a failing blob store is EIO at close; nothing is left behind.
    @Test func storageFailuresBecomeErrnos() throws {
        let scratch = ScratchDirectory()
        let blobs = InMemoryBlobStore()
        let repositories = Repositories(metadata: try SQLiteMetadataStore(), blobs: blobs,
                                        spool: try Spool(directory: scratch.file("spool"), bytesMax: 4096),
                                        providers: [TarballProvider()], logger: Logger(label: "test"))
        let fs = ArtifactFileSystem(repositories: repositories, logger: Logger(label: "test"))
        let tar = try fs.lookup(parent: 1, name: "tar")
        let repo = try fs.mkdir(parent: tar.inode, name: "r").inode
        let (_, big) = try fs.create(parent: repo, name: "big-1.0.tar.gz", permissions: 0o644)
        let tooMuch = [UInt8](repeating: 0, count: 8192)
        do {
            _ = try tooMuch.withUnsafeBytes { try fs.write(handle: big.handle, bytes: $0, offset: 0) }
            Issue.record("write beyond the spool limit succeeded")
        } catch {
            #expect(Errno.of(error) == ENOSPC)
        }
        fs.release(handle: big.handle)

        blobs.failWrites = true
        let (_, opened) = try fs.create(parent: repo, name: "tool-1.0.tar.gz", permissions: 0o644)
        _ = try Fixtures.archive("z").withUnsafeBytes { try fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        do {
            try fs.flush(handle: opened.handle)
            Issue.record("flush succeeded while the blob store failed")
        } catch {
            #expect(Errno.of(error) == EIO)
        }
        fs.release(handle: opened.handle)
        #expect(try repositories.metadata.packages(repository: NodeID(repo)).isEmpty)
        #expect(try fs.readdir(repo, after: 0, limit: 100).map(\.name) == [".", "..", "SHA256SUMS"])
        #expect(repositories.spool.stagedBytes == 0)
    }

    // Goal: closing a reader, or one of two writers, of a file being written ingests nothing; the last writer does.
    @Test func onlyTheLastWriterIngests() throws {
        let h = try ModelHarness()
        let bytes = try Fixtures.archive("z")
        let half = bytes.count / 2
        let (node, first) = try h.fs.create(parent: h.repo, name: "tool-1.0.tar.gz", permissions: 0o644)
        _ = try bytes[..<half].withUnsafeBytes { try h.fs.write(handle: first.handle, bytes: $0, offset: 0) }
        let reader = try h.fs.open(node.inode, flags: O_RDONLY)
        try h.fs.flush(handle: reader.handle)
        h.fs.release(handle: reader.handle)
        let second = try h.fs.open(node.inode, flags: O_WRONLY)
        try h.fs.flush(handle: first.handle)
        h.fs.release(handle: first.handle)
        #expect(try h.repositories.metadata.packages(repository: NodeID(h.repo)).isEmpty)
        _ = try bytes[half...].withUnsafeBytes { try h.fs.write(handle: second.handle, bytes: $0, offset: Int64(half)) }
        try h.fs.flush(handle: second.handle)
        h.fs.release(handle: second.handle)
        #expect(try h.repositories.metadata.packages(repository: NodeID(h.repo)).map(\.digests.sha256) == [SHA256Digest(of: bytes)])
    }

    // Goal: a directory's mtime moves when an entry is added or removed (NFS servers rely on it).
    @Test func directoryTimesMoveWithTheirEntries() throws {
        let h = try ModelHarness()
        let before = try h.fs.getattr(h.repo).modified
        Thread.sleep(forTimeInterval: 0.01)
        try h.copy(try Fixtures.archive("z"), as: "tool-1.0.tar.gz")
        let added = try h.fs.getattr(h.repo).modified
        #expect(added > before)
        Thread.sleep(forTimeInterval: 0.01)
        try h.fs.unlink(parent: h.repo, name: "tool-1.0.tar.gz")
        #expect(try h.fs.getattr(h.repo).modified > added)
    }

    // Goal: a shell redirection (open, dup2, close the first descriptor, then write) is not ingested empty.
    @Test func closeBeforeAnyWriteDoesNotIngest() throws {
        let h = try ModelHarness()
        let (_, opened) = try h.fs.create(parent: h.repo, name: "tool-1.0.tar.gz", permissions: 0o644)
        try h.fs.flush(handle: opened.handle)
        #expect(try h.names(h.repo).contains("tool-1.0.tar.gz"))
        let bytes = try Fixtures.archive("z")
        _ = try bytes.withUnsafeBytes { try h.fs.write(handle: opened.handle, bytes: $0, offset: 0) }
        try h.fs.flush(handle: opened.handle)
        h.fs.release(handle: opened.handle)
        #expect(try h.fs.lookup(parent: h.repo, name: "tool-1.0.tar.gz").size == Int64(bytes.count))
        // An empty file is still refused, at release, and vanishes.
        let (_, empty) = try h.fs.create(parent: h.repo, name: "empty-1.0.tar.gz", permissions: 0o644)
        try h.fs.flush(handle: empty.handle)
        h.fs.release(handle: empty.handle)
        #expect(try !h.names(h.repo).contains("empty-1.0.tar.gz"))
    }
}
