// Blobs as objects in an S3 bucket (`<prefix>/sha256/<aa>/<bb>/<hex>`), through libcurl's SigV4 signing.
import Foundation
import Logging

/// A `BlobStore` on S3 (tested against Ceph RGW). Writes carry the blob's SHA-256 as `x-amz-content-sha256`,
/// so the server refuses bytes that do not match their key; reads go through a bounded on-disk chunk cache
/// and verify the digest when a reader reads front to back, like the local store.
/// Every call blocks on the network: call from a thread that may block, as for any `BlobStore`.
public final class S3BlobStore: BlobStore {
    public let location: S3Location
    public let configuration: Configuration
    let client: S3Client
    let cache: S3ReadCache

    /// Checks the configuration, prepares `cacheDirectory` (removing chunks left by an earlier process) and
    /// creates the bucket when it is missing. Throws `BlobStoreError.backend` when S3 cannot be reached or
    /// refuses the credentials.
    public init(location: S3Location, cacheDirectory: String, configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "artifactfs.s3")) throws {
        try configuration.validate()
        self.location = location
        self.configuration = configuration
        client = S3Client(location: location, configuration: configuration, logger: logger)
        cache = try S3ReadCache(directory: cacheDirectory, bytesMax: configuration.readCacheBytesMax)
        try createBucketIfMissing()
    }

    /// The object key of `digest`: the key function of docs/BLOB_LAYOUT.md under the location's prefix.
    public func key(for digest: SHA256Digest) -> String {
        let hex = digest.hex
        return keyRoot + "\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
    }

    /// `<prefix>/sha256/`: every blob key starts with it.
    var keyRoot: String { (location.prefix.isEmpty ? "" : location.prefix + "/") + "sha256/" }

    /// One PUT, without asking first whether the blob exists: these are small index files, overwriting an object
    /// with identical bytes is harmless, and a HEAD first would cost a round trip on every new blob.
    public func put(_ bytes: [UInt8]) throws -> SHA256Digest {
        let digest = SHA256Digest(of: bytes)
        try client.send(S3Request(method: "PUT", key: key(for: digest), body: .bytes(bytes), payloadHash: digest.hex),
                        expecting: [200])
        return digest
    }

    public func open(_ digest: SHA256Digest) throws -> any BlobReader {
        guard let size = try objectSize(key(for: digest)) else { throw BlobStoreError.notFound(digest) }
        return S3BlobReader(store: self, digest: digest, size: size)
    }

    public func contains(_ digest: SHA256Digest) throws -> Bool {
        try objectSize(key(for: digest)) != nil
    }

    public func delete(_ digest: SHA256Digest) throws {
        // S3 answers 204 whether or not the object existed; some servers answer 404 for a missing one.
        try client.send(S3Request(method: "DELETE", key: key(for: digest)), expecting: [200, 204, 404])
    }

    /// The object's size from a HEAD, or nil when it does not exist.
    func objectSize(_ key: String) throws(BlobStoreError) -> Int64? {
        let request = S3Request(method: "HEAD", key: key)
        let response = try client.send(request, expecting: [200, 404])
        guard response.status == 200 else { return nil }
        guard let size = response.headers["content-length"].flatMap({ Int64($0) }) else {
            throw .backend("S3 \(client.describe(request)): no Content-Length in the answer")
        }
        return size
    }

    /// HEAD bucket, then PUT bucket when it is missing. Another process creating it meanwhile is fine.
    private func createBucketIfMissing() throws(BlobStoreError) {
        guard try client.send(S3Request(method: "HEAD", key: nil), expecting: [200, 404]).status == 404 else { return }
        var create = S3Request(method: "PUT", key: nil)
        // us-east-1 is S3's default region and must not be named; every other region must be.
        if location.region != "us-east-1" {
            create.body = .bytes(Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(xmlEscaped(location.region))</LocationConstraint></CreateBucketConfiguration>").utf8))
        }
        let response = try client.send(create, expecting: [200, 409])
        if response.status == 409, S3XMLDocument(response.body)?.value("Error/Code") != "BucketAlreadyOwnedByYou" {
            throw .backend("S3 \(client.describe(create)): \(S3Client.summary(response))")
        }
    }
}
