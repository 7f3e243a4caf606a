// Following a large spool file as it is written: its parts go to a temporary multipart upload right away.
import Foundation
import Synchronization

/// The multipart upload of a spool file that is still being written, to `<prefix>/incoming/<uuid>`: the blob's
/// key (its digest) is only known at the end. Once the file passes the multipart threshold, each full part is
/// sent as soon as the writer has written past it, so by the time the copy into the mount ends most of the file
/// is in the bucket. `S3BlobStore.adopt` completes the upload and has S3 copy it to the blob key.
/// Any out-of-order write, shrink or discard cancels it: the parts are aborted and `adopt` uploads as usual.
final class S3EarlyUpload: EarlyUpload {
    private struct State {
        var pump: S3PartPump?
        var fd: Int32 = -1
        /// Set once `complete` or `cancel` ran: later calls do nothing.
        var closed = false
    }

    let key: String
    private let path: String
    private let client: S3Client
    private let configuration: S3BlobStore.Configuration
    private let session: LazySession
    private let state = Mutex(State())

    init(store: S3BlobStore, path: String) {
        key = store.incomingRoot + UUID().uuidString.lowercased()
        self.path = path
        client = store.client
        configuration = store.configuration
        session = LazySession(client: store.client, key: key)
    }

    private var partSize: Int64 { Int64(configuration.partSizeBytes) }

    func prefixGrew(to bytes: Int64) {
        let pump: S3PartPump? = state.withLock { s in
            guard !s.closed else { return nil }
            if s.pump == nil {
                guard bytes >= configuration.multipartThresholdBytes else { return nil }
                s.pump = start(&s)
            }
            return s.pump
        }
        guard let pump else { return }
        if bytes > configuration.earlyUploadMaxBytes {
            cancel()   // too large for one server-side copy: `adopt` uploads it once it is finished
        } else {
            pump.makeReady(upTo: Int(bytes / partSize))
        }
    }

    func sizeIsFinal(_ size: Int64) {
        state.withLock { $0.closed ? nil : $0.pump }?.makeReady(upTo: S3PartLayout(size: size, partSizeBytes: configuration.partSizeBytes).count)
    }

    /// Opens the spool file for reading and starts the threads; they initiate the upload with their first part.
    private func start(_ s: inout State) -> S3PartPump? {
        s.fd = open(path, O_RDONLY | O_CLOEXEC)
        guard s.fd >= 0 else { s.closed = true; return nil }
        let fd = s.fd, session = session, partSize = partSize
        return S3PartPump(workerCount: configuration.partsInFlightMax) { part throws(BlobStoreError) in
            let offset = Int64(part - 1) * partSize
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw .backend("S3 upload of \(session.key): the spool file is unreadable") }
            return try session.get().uploadPart(part, fd: fd, offset: offset, length: min(partSize, Int64(info.st_size) - offset))
        }
    }

    /// The file is finished at `size` bytes, all written in order: sends the remaining parts and completes the
    /// upload. Returns false when the upload never started (the file stayed under the threshold). On failure
    /// the upload is aborted.
    func complete(size: Int64) throws(BlobStoreError) -> Bool {
        let (pump, fd) = state.withLock { s in
            defer { s.closed = true }
            return s.closed ? (nil, -1) : (s.pump, s.fd)
        }
        guard let pump else { return false }
        defer { close(fd) }
        do throws(BlobStoreError) {
            let etags = try pump.finish(total: S3PartLayout(size: size, partSizeBytes: configuration.partSizeBytes).count)
            try session.get().complete(etags: etags)
            return true
        } catch {
            session.abortIfStarted()
            throw error
        }
    }

    func cancel() {
        let (pump, fd) = state.withLock { s in
            defer { s.closed = true }
            return s.closed ? (nil, -1) : (s.pump, s.fd)
        }
        guard let pump else { return }
        // Called under the staged file's lock: the waiting and the abort request happen on a thread of their own.
        let session = session
        Thread {
            pump.stop()
            session.abortIfStarted()
            close(fd)
        }.start()
    }
}

/// The multipart upload, initiated by the first part that needs it; a failed initiation is kept and rethrown.
private final class LazySession: Sendable {
    let client: S3Client
    let key: String
    private let session = Mutex<Result<S3MultipartSession, BlobStoreError>?>(nil)

    init(client: S3Client, key: String) {
        self.client = client
        self.key = key
    }

    /// Other parts wait on the lock while the first initiates: they are dedicated threads, and cannot send earlier.
    func get() throws(BlobStoreError) -> S3MultipartSession {
        try session.withLock { (s: inout Result<S3MultipartSession, BlobStoreError>?) throws(BlobStoreError) in
            if s == nil { s = Result { () throws(BlobStoreError) in try S3MultipartSession.initiate(client, key: key) } }
            return try s!.get()
        }
    }

    func abortIfStarted() {
        if case .success(let session) = session.withLock({ $0 }) { session.abort() }
    }
}
