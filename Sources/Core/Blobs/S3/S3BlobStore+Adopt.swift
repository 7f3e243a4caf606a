// Uploading a staged file: one streamed PUT for small files, a multipart upload for large ones.
import Foundation

extension S3BlobStore {
    /// Skips the upload when an object of the right size is already stored under the digest (an object of another
    /// size is damaged and gets replaced). The spool file is read, never moved: the caller discards it.
    public func adopt(_ staged: StagedFile) throws -> FileDigests {
        let digests = try staged.finish()
        let key = key(for: digests.sha256)
        if try objectSize(key) == digests.size { return digests }
        let fd = Foundation.open(staged.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(op: "open", path: staged.path) }
        defer { Foundation.close(fd) }
        if digests.size >= configuration.multipartThresholdBytes {
            try S3MultipartUpload(client: client, key: key, fd: fd, size: digests.size, configuration: configuration).run()
        } else {
            // The digest as payload hash: S3 recomputes it over the bytes it receives and refuses a mismatch.
            try client.send(S3Request(method: "PUT", key: key, body: .file(fd: fd, offset: 0, length: digests.size),
                                      payloadHash: digests.sha256.hex), expecting: [200])
        }
        return digests
    }
}
