// fsck: the catalogue checked against the blob store in both directions, with orphans optionally removed.
import Foundation

/// What `fsck` found. Clean means every referenced blob is there (and, when verified, intact) and no stored
/// blob is unreferenced.
public struct FsckReport: Sendable {
    /// A blob the catalogue needs, and what needs it (`pypi/r/foo-1.0.tar.gz`, `generated file 812`).
    public struct Missing: Sendable, Equatable {
        public let digest: SHA256Digest
        public let usedBy: [String]
    }

    public var referenced = 0
    public var stored = 0
    public var missing: [Missing] = []
    /// Stored blobs nothing references (left by a crash between a blob write and its commit, or by a failed delete).
    public var orphans: [SHA256Digest] = []
    /// Referenced blobs whose bytes do not hash to their name (only with `verify`).
    public var corrupt: [SHA256Digest] = []
    public var orphansDeleted = 0
    /// S3 multipart uploads left unfinished (a process killed mid-upload, an abort S3 never received): their
    /// parts take space in the bucket. Aborted with `deleteOrphans`.
    public var incompleteUploads = 0
    public var uploadsAborted = 0

    public var isClean: Bool {
        missing.isEmpty && corrupt.isEmpty && orphans.count == orphansDeleted && incompleteUploads == uploadsAborted
    }
}

extension Repositories {
    /// Compares every digest the catalogue references (packages, their sidecars, published files) with what
    /// the blob store holds. With `verify`, reads each referenced blob to its end (the read checks the digest).
    /// With `deleteOrphans`, removes unreferenced blobs, each re-checked under the deletion guard so a
    /// concurrent ingest never loses its blob. Nothing else is changed: a missing blob needs its file uploaded again.
    public func fsck(verify: Bool = false, deleteOrphans: Bool = false,
                     progress: (_ checked: Int, _ total: Int) -> Void = { _, _ in }) throws -> FsckReport {
        var report = FsckReport()
        let referenced = try metadata.referencedDigests()
        let stored = Set(try blobs.allDigests())
        report.referenced = referenced.count
        report.stored = stored.count
        let absent = referenced.subtracting(stored)
        if !absent.isEmpty {
            let users = try usersOfDigests(absent)
            report.missing = absent.sorted().map { FsckReport.Missing(digest: $0, usedBy: users[$0] ?? ["catalogue"]) }
        }
        report.orphans = stored.subtracting(referenced).sorted()
        if verify {
            let present = referenced.intersection(stored).sorted()
            for (index, digest) in present.enumerated() {
                if !isIntact(digest) { report.corrupt.append(digest) }
                progress(index + 1, present.count)
            }
        }
        if deleteOrphans && !report.orphans.isEmpty {
            // The guard skips digests an ingest holds and re-checks references: count what is really gone.
            for failure in deletionGuard.deleteOrphans(report.orphans, blobs: blobs, metadata: metadata) {
                logger.warning("orphaned blob not deleted", metadata: ["error": "\(failure)"])
            }
            report.orphansDeleted = try report.orphans.filter { try !blobs.contains($0) }.count
        }
        // With deleteOrphans, run with no server writing to the store: an upload in progress elsewhere looks the same.
        let uploads = try blobs.incompleteUploads()
        report.incompleteUploads = uploads.count
        if deleteOrphans {
            for upload in uploads { try blobs.abort(upload) }
            report.uploadsAborted = uploads.count
        }
        logger.info("fsck done", metadata: ["referenced": "\(report.referenced)", "stored": "\(report.stored)",
                                            "missing": "\(report.missing.count)", "orphans": "\(report.orphans.count)",
                                            "corrupt": "\(report.corrupt.count)", "orphans.deleted": "\(report.orphansDeleted)"])
        return report
    }

    /// Reads a blob sequentially to its end; the reader checks the digest on the way.
    private func isIntact(_ digest: SHA256Digest) -> Bool {
        do {
            let reader = try blobs.open(digest)
            defer { reader.close() }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var offset: Int64 = 0
            while true {
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0, at: offset) }
                if count == 0 { return offset == reader.size }
                offset += Int64(count)
            }
        } catch {
            return false
        }
    }

    /// Names what uses each digest: package files and sidecars by path; anything else is a published file.
    private func usersOfDigests(_ digests: Set<SHA256Digest>) throws -> [SHA256Digest: [String]] {
        var users: [SHA256Digest: [String]] = [:]
        for repository in try metadata.repositories() {
            for package in try metadata.packages(repository: repository.id) {
                let path = ([repository.provider.rawValue, repository.name.rawValue] + package.location + [package.filename.rawValue])
                    .joined(separator: "/")
                if digests.contains(package.digests.sha256) { users[package.digests.sha256, default: []].append(path) }
                for sidecar in package.sidecarDigests where digests.contains(sidecar) {
                    users[sidecar, default: []].append(path + " (sidecar)")
                }
            }
        }
        for digest in digests where users[digest] == nil { users[digest] = ["a published index file"] }
        return users
    }
}
