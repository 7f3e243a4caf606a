// The hook that lets a blob store start storing a staged file while it is still being written.

/// A blob store that can send a large staged file's bytes while they arrive, so that storing it overlaps the
/// copy into the mount (or the HTTP upload) instead of following it. The S3 store uses it for multipart uploads.
public protocol EarlyUploading: Sendable {
    /// Called once per new spool file. Returns nil when the store does not want to follow it. Must not block:
    /// it runs on the thread creating the file.
    func followStagedFile(at path: String) -> (any EarlyUpload)?
}

/// One staged file followed by a blob store. Calls arrive under the staged file's lock, in write order, and must
/// return quickly: any network work happens on the store's own threads.
public protocol EarlyUpload: AnyObject, Sendable {
    /// The first `bytes` bytes of the spool file were written in order and will not change while followed.
    func prefixGrew(to bytes: Int64)
    /// The whole file (`size` bytes) was written in order and is final: the rest may be sent while the file is
    /// validated, before `BlobStore.adopt` asks for it.
    func sizeIsFinal(_ size: Int64)
    /// The file was rewritten out of order, shrunk or discarded: whatever was sent must be dropped. A store that
    /// already used the upload (`BlobStore.adopt`) ignores this.
    func cancel()
}
