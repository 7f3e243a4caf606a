// S3 stores for tests: a fresh bucket per store on the shared RADOS Gateway, raw curl access, and outage exclusion.
import Core
import CoreTesting
import Foundation

enum S3Fixture {
    /// Limits small enough for tests: multipart from 8 MiB in 5 MiB parts, 1 MiB read chunks, fast retries.
    static var configuration: S3BlobStore.Configuration {
        var configuration = S3BlobStore.Configuration()
        configuration.multipartThresholdBytes = 8 << 20
        configuration.partSizeBytes = 5 << 20
        configuration.readChunkBytes = 1 << 20
        configuration.readCacheBytesMax = 16 << 20
        configuration.connectTimeout = .seconds(1)
        configuration.retry.retriesMax = 2
        configuration.retry.firstDelay = .milliseconds(20)
        configuration.retry.delayMax = .milliseconds(100)
        configuration.retry.window = .seconds(2)
        return configuration
    }

    /// A location naming a bucket no other test uses (the store creates it).
    static func freshLocation(prefix: String = "") throws -> S3Location {
        let gateway = try RadosGateway.shared()
        let bucket = "t-" + UUID().uuidString.lowercased().prefix(18)
        return try S3Location(gateway.url(bucket: bucket, prefix: prefix), region: gateway.region)
    }

    /// A store in a fresh bucket with its read cache in `scratch`.
    static func store(_ scratch: ScratchDirectory, prefix: String = "", configuration: S3BlobStore.Configuration = configuration)
        throws -> S3BlobStore {
        try S3BlobStore(location: freshLocation(prefix: prefix), cacheDirectory: scratch.file("s3cache"), configuration: configuration)
    }

    /// Sends one request with the curl tool, signed but bypassing the store; returns the body (throws on HTTP errors).
    @discardableResult
    static func curl(_ location: S3Location, _ method: String, key: String, body: [UInt8]? = nil, query: String = "") throws -> [UInt8] {
        let scratch = ScratchDirectory()
        var arguments = ["-sS", "-f", "-X", method, "--aws-sigv4", "aws:amz:\(location.region):s3",
                         "--user", "\(location.accessKey):\(location.secretKey)", "-o", scratch.file("out"),
                         "-H", "x-amz-content-sha256: \(SHA256Digest(of: body ?? []).hex)"]
        if let body {
            try Data(body).write(to: URL(fileURLWithPath: scratch.file("in")))
            arguments += ["-T", scratch.file("in")]
        }
        let url = "\(location.endpoint)/\(location.bucket)/\(key)\(query)"
        guard try Fixtures.run("/usr/bin/curl", arguments + [url]) == 0 else { throw S3FixtureError.curlFailed(method, url) }
        return (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch.file("out"))))) ?? []
    }

    /// Replaces a stored blob's bytes (first byte flipped) behind the store's back.
    static func damage(_ store: S3BlobStore, _ digest: SHA256Digest) throws {
        var bytes = try curl(store.location, "GET", key: store.key(for: digest))
        bytes[0] ^= 0xFF
        try curl(store.location, "PUT", key: store.key(for: digest), body: bytes)
    }
}

enum S3FixtureError: Error { case curlFailed(String, String) }

/// A `BlobStore` that holds a share of the gateway while it lives, so an outage test cannot stop the gateway
/// under a conformance test (the suites run in parallel).
final class SharedGatewayStore: BlobStore {
    let inner: S3BlobStore
    private let lease: GatewayLease

    init(_ inner: S3BlobStore, lease: GatewayLease) {
        self.inner = inner
        self.lease = lease
    }

    func put(_ bytes: [UInt8]) throws -> SHA256Digest { try inner.put(bytes) }
    func adopt(_ staged: StagedFile) throws -> FileDigests { try inner.adopt(staged) }
    func open(_ digest: SHA256Digest) throws -> any BlobReader { try inner.open(digest) }
    func contains(_ digest: SHA256Digest) throws -> Bool { try inner.contains(digest) }
    func delete(_ digest: SHA256Digest) throws { try inner.delete(digest) }
    func allDigests() throws -> [SHA256Digest] { try inner.allDigests() }
}
