// The tunable limits of the S3 blob store: multipart sizes, read cache, timeouts and retries.

extension S3BlobStore {
    /// Limits and timeouts. The defaults suit a LAN or same-region S3; tests shrink them.
    public struct Configuration: Sendable, Equatable {
        /// Staged files at least this large are sent as multipart uploads; smaller ones in one PUT.
        public var multipartThresholdBytes: Int64 = 64 << 20
        /// Size of each part but the last. S3 refuses parts under 5 MiB; raised automatically when a file
        /// would need more than 10,000 parts.
        public var partSizeBytes: Int = 16 << 20
        /// Parts uploaded at once, each on its own thread and connection. Memory used by one adopt is at most
        /// `partsInFlightMax × partSizeBytes`, whatever the file size.
        public var partsInFlightMax: Int = 4
        /// A file being written is uploaded early (see `S3EarlyUpload`) only up to this size, which is S3's limit
        /// for the one CopyObject that moves it to its blob key; a larger one is uploaded once it is finished.
        /// (Copying in parts would need `x-amz-copy-source-range`, which curl 7.88's SigV4 signs in the wrong
        /// header order, so S3 refuses it.)
        public var earlyUploadMaxBytes: Int64 = 5 << 30
        /// Reads fetch aligned chunks of this size with ranged GETs and keep them in the read cache.
        public var readChunkBytes: Int = 8 << 20
        /// Bound on the bytes held in the read cache directory, including chunks being downloaded.
        public var readCacheBytesMax: Int64 = 1 << 30
        /// Idle connections kept open for reuse.
        public var idleConnectionsMax: Int = 16
        public var connectTimeout: Duration = .seconds(3)
        /// A request that moves less than one byte per second for this long fails (and may be retried).
        public var stallTimeout: Duration = .seconds(20)
        public var retry = RetryPolicy()

        public init() {}

        /// Throws `BlobStoreError.backend` naming the first limit S3 or the cache cannot work with.
        func validate() throws(BlobStoreError) {
            guard partSizeBytes >= 5 << 20 else { throw .backend("S3: partSizeBytes must be at least 5 MiB (S3's minimum part)") }
            guard multipartThresholdBytes >= Int64(partSizeBytes) else {
                throw .backend("S3: multipartThresholdBytes must be at least partSizeBytes")
            }
            guard earlyUploadMaxBytes <= 5 << 30 else { throw .backend("S3: earlyUploadMaxBytes must be at most 5 GiB") }
            guard partsInFlightMax >= 1, idleConnectionsMax >= 0 else { throw .backend("S3: partsInFlightMax must be at least 1") }
            guard readChunkBytes >= 4096 else { throw .backend("S3: readChunkBytes must be at least 4096") }
            guard readCacheBytesMax >= Int64(readChunkBytes) else {
                throw .backend("S3: readCacheBytesMax must hold at least one chunk (readChunkBytes)")
            }
        }
    }

    /// Exponential backoff with jitter for 5xx, 429 and connection failures; 4xx other than 429 fail at once.
    /// With the defaults a request that keeps failing fast gives up after 5 attempts and at most 3 s of waiting.
    public struct RetryPolicy: Sendable, Equatable {
        /// Attempts after the first.
        public var retriesMax = 4
        /// Wait before the first retry; doubled for each further one, up to `delayMax`. Each wait is jittered
        /// down to between half and all of it, so clients that failed together do not retry together.
        public var firstDelay: Duration = .milliseconds(200)
        public var delayMax: Duration = .milliseconds(1600)
        /// No retry starts later than this after the first attempt began (bounds slow failures such as
        /// connect timeouts, which the attempt count alone would not).
        public var window: Duration = .seconds(10)

        public init() {}

        /// The wait before retry number `retry` (1-based).
        func delay(before retry: Int) -> Duration {
            let exponential = firstDelay * (1 << min(retry - 1, 20))
            return min(exponential, delayMax) * Double.random(in: 0.5...1.0)
        }
    }
}
