// Storing a staged file: one streamed PUT for small files, a multipart upload for large ones, or completing
// the upload that followed the file while it was written (then a server-side copy to the blob key).
import Foundation
import Logging

extension S3BlobStore: EarlyUploading {
    /// Skips the upload when an object of the right size is already stored under the digest (an object of another
    /// size is damaged and gets replaced). The spool file is read, never moved: the caller discards it.
    public func adopt(_ staged: StagedFile) throws -> FileDigests {
        let digests = try staged.finish()
        // Taken from the staged file, the early upload is ours to finish or cancel on every path.
        let early = staged.takeEarlyUpload() as? S3EarlyUpload
        let key = key(for: digests.sha256)
        let existing: Int64?
        do { existing = try objectSize(key) } catch { early?.cancel(); throw error }
        if existing == digests.size {
            early?.cancel()
            return digests
        }
        if let early, finishedEarly(early, to: key, size: digests.size) { return digests }
        let fd = Foundation.open(staged.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(op: "open", path: staged.path) }
        defer { Foundation.close(fd) }
        if digests.size >= configuration.multipartThresholdBytes {
            try S3MultipartUpload(client: client, key: key, fd: fd, size: digests.size, configuration: configuration).run()
            try verifyStoredSize(key, size: digests.size)
        } else {
            // The digest as payload hash: S3 recomputes it over the bytes it receives and refuses a mismatch.
            try client.send(S3Request(method: "PUT", key: key, body: .file(fd: fd, offset: 0, length: digests.size),
                                      payloadHash: digests.sha256.hex), expecting: [200])
        }
        return digests
    }

    /// Completes the upload that followed the file and copies it into place. False when it never started, or when a
    /// step failed (logged; what was uploaded is aborted or deleted): the spool file is intact, so the caller
    /// uploads it the ordinary way rather than failing the ingest.
    private func finishedEarly(_ early: S3EarlyUpload, to key: String, size: Int64) -> Bool {
        do {
            guard try early.complete(size: size) else { return false }
            try finishEarlyUpload(early, to: key, size: size)
            return true
        } catch {
            client.logger.warning("the early upload could not be finished; uploading the file again", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Follows every new spool file; nothing is sent unless it grows past the multipart threshold.
    public func followStagedFile(at path: String) -> (any EarlyUpload)? {
        S3EarlyUpload(store: self, path: path)
    }

    /// `<prefix>/incoming/`: uploads that followed a file being written, before they are copied to their blob key.
    var incomingRoot: String { (location.prefix.isEmpty ? "" : location.prefix + "/") + "incoming/" }

    /// The completed temporary object becomes the blob: copied by S3, checked, then the temporary one deleted
    /// (if that delete fails, fsck finds the leftover under `incoming/`).
    private func finishEarlyUpload(_ early: S3EarlyUpload, to key: String, size: Int64) throws(BlobStoreError) {
        defer { _ = try? client.send(S3Request(method: "DELETE", key: early.key), expecting: [200, 204, 404]) }
        try copyObject(from: early.key, to: key)
        try verifyStoredSize(key, size: size)
    }

    /// A server-side copy within the bucket (CopyObject, at most 5 GiB: larger files are never uploaded early).
    /// Ceph RGW copies by reference within a pool, so this costs no data transfer there.
    func copyObject(from source: String, to key: String) throws(BlobStoreError) {
        let request = S3Request(method: "PUT", key: key,
                                headers: ["x-amz-copy-source: \(S3Encoding.path(bucket: location.bucket, key: source))"])
        try S3MultipartSession.checkNoErrorDocument(try client.send(request, expecting: [200]), request, client)
    }

    /// Multipart ETags are not MD5s, so the size is what can be checked; the parts' bytes were checked by hash.
    /// An object of the wrong size is deleted so it is never taken for the blob.
    func verifyStoredSize(_ key: String, size: Int64) throws(BlobStoreError) {
        let stored = try objectSize(key)
        guard stored == size else {
            _ = try? client.send(S3Request(method: "DELETE", key: key), expecting: [200, 204, 404])
            throw .backend("S3 HEAD \(location.bucket)/\(key): stored \(stored.map(String.init) ?? "no") bytes, uploaded \(size)")
        }
    }
}
