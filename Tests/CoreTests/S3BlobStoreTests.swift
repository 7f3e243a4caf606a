// The S3 blob store: URL parsing and encoding offline; uploads, ranged reads, cache bound and outages on a real gateway.
@testable import Core
import CoreTesting
import Foundation
import Synchronization
import Testing

@Suite struct S3LocationTests {
    // Goal: the older service's URL forms parse into endpoint, bucket, prefix and decoded keys.
    @Test(arguments: [
        ("http://AK:SK@127.0.0.1:7480/bucket", "http://127.0.0.1:7480", "bucket", "", "SK"),
        ("https://AK:s%2Fe%2Bc%40@s3.example.com/my.bucket-1/a/b/", "https://s3.example.com", "my.bucket-1", "a/b", "s/e+c@"),
        ("HTTP://AK:p+q@[::1]:9000/bkt//tenant%20x", "http://[::1]:9000", "bkt", "tenant x", "p+q"),
    ])
    func parsesGoodForms(url: String, endpoint: String, bucket: String, prefix: String, secret: String) throws {
        let location = try S3Location(url)
        #expect(location.endpoint == endpoint)
        #expect(location.bucket == bucket)
        #expect(location.prefix == prefix)
        #expect(location.accessKey == "AK")
        #expect(location.secretKey == secret)
        #expect(location.region == "us-east-1")
        #expect(!"\(location)".contains(secret) && !String(reflecting: location).contains(secret))
    }

    // Goal: each malformed URL is refused with a message naming the problem and never the secret.
    @Test(arguments: [
        ("http://AK:hunter2secret@host", "no bucket"),
        ("http://AK:hunter2secret@host/", "no bucket"),
        ("http://AK:hunter2secret@host/Bucket", "invalid"),
        ("http://AK:hunter2secret@host/ab", "invalid"),
        ("http://AK:hunter2secret@host/-bucket", "invalid"),
        ("http://host/bucket", "no access key"),
        ("http://AK@host/bucket", "no secret"),
        ("ftp://AK:hunter2secret@host/bucket", "not ftp"),
        ("AK:hunter2secret@host/bucket", "must start with"),
        ("http://AK:hunter2/secret@host/bucket", "%2F"),
        ("http://AK:hunter2secret@host:99999/bucket", "port"),
        ("http://AK:hunter2secret@host/bucket/a/../b", "'..'"),
        ("http://AK:hunter2secret@host/bucket?x=1", "query"),
        ("http://AK:hunter2%zzsecret@host/bucket", "%-escape"),
    ])
    func refusesBadForms(url: String, expected: String) {
        let error = #expect(throws: S3LocationError.self) { try S3Location(url) }
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        #expect(error?.message.contains("hunter2") == false)
    }

    // Goal: keys are encoded per segment (`+` as %2B), queries sorted and encoded with `name=` for bare names.
    @Test func encoding() {
        #expect(S3Encoding.path(bucket: "b", key: "p x/sha256/ab/1+2~é") == "/b/p%20x/sha256/ab/1%2B2~%C3%A9")
        #expect(S3Encoding.path(bucket: "b", key: nil) == "/b")
        #expect(S3Encoding.query([("uploads", ""), ("prefix", "a/b c"), ("list-type", "2")]) == "?list-type=2&prefix=a%2Fb%20c&uploads=")
        #expect(S3Encoding.query([("uploadId", "x+y="), ("partNumber", "3")]) == "?partNumber=3&uploadId=x%2By%3D")
        #expect(S3Encoding.query([]) == "")
    }

    // Goal: the clock index evicts unreferenced chunks first and keeps its byte count exact.
    @Test func clockEviction() {
        let chunks = (0..<3).map { ChunkID(digest: SHA256Digest(of: [UInt8($0)]), index: 0) }
        var clock = ClockIndex()
        for chunk in chunks { clock.insert(chunk, bytes: 10) }
        let touched = clock.touch(chunks[0])
        #expect(touched)
        #expect(clock.evict() == chunks[1])
        #expect(clock.evict() == chunks[2])
        #expect(clock.evict() == chunks[0])
        #expect(clock.evict() == nil && clock.storedBytes == 0)
    }
}

@Suite struct S3RetryTests {
    // Goal: 5xx and 429 answers are retried up to the policy's bound, other 4xx answers are not retried at all, and
    // the error names the request and S3's error code.
    @Test(arguments: [(503, 3), (429, 3), (400, 1), (403, 1)])
    func retriesOnlyTransientStatuses(status: Int, attempts: Int) async throws {
        try await offCooperativePool {
            let server = try StatusServer(status: status)
            defer { server.stop() }
            let location = try S3Location("http://AK:SK@127.0.0.1:\(server.port)/bucket")
            let error = #expect(throws: BlobStoreError.self) {
                try S3BlobStore(location: location, cacheDirectory: ScratchDirectory().file("cache"), configuration: S3Fixture.configuration)
            }
            #expect("\(error.map(String.init(describing:)) ?? "")".hasPrefix("S3 HEAD bucket: HTTP \(status)"))
            #expect(server.requests == attempts)
        }
    }
}

/// A local HTTP server answering every request with one status and an S3 error document, counting requests.
private final class StatusServer: Sendable {
    let port: Int
    private let process: Process
    private let scratch = ScratchDirectory()
    private var counter: String { scratch.file("count") }

    init(status: Int) throws {
        let script = """
            import http.server, sys
            class Handler(http.server.BaseHTTPRequestHandler):
                def answer(self):
                    with open(sys.argv[2], "a") as f: f.write("x")
                    body = b"<Error><Code>Refused</Code><Message>as configured</Message></Error>"
                    self.send_response(int(sys.argv[1]))
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD": self.wfile.write(body)
                do_HEAD = do_GET = do_PUT = do_POST = do_DELETE = answer
                def log_message(self, *args): pass
            server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
            open(sys.argv[3], "w").write(str(server.server_port))
            server.serve_forever()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, "\(status)", scratch.file("count"), scratch.file("port")]
        try process.run()
        self.process = process
        var announced: Int?
        for _ in 0..<100 where announced == nil {
            Thread.sleep(forTimeInterval: 0.05)
            announced = (try? String(contentsOfFile: scratch.file("port"), encoding: .utf8)).flatMap { Int($0) }
        }
        port = announced ?? 0
    }

    var requests: Int { (try? String(contentsOfFile: counter, encoding: .utf8))?.count ?? 0 }

    /// SIGKILL: the child inherits the test runner's blocked SIGTERM.
    func stop() { kill(process.processIdentifier, SIGKILL) }
}

@Suite struct S3BlobStoreTests {
    // Goal: blobs sit at `<prefix>/sha256/<aa>/<bb>/<hex>`, and listing ignores any other key under the prefix.
    @Test func keyLayoutAndListing() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch, prefix: "tenant/one")
            let digest = try store.put(Array("hello".utf8))
            let hex = digest.hex
            #expect(store.key(for: digest) == "tenant/one/sha256/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)")
            _ = try S3Fixture.curl(store.location, "GET", key: "tenant/one/sha256/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)")
            for stray in ["tenant/one/sha256/00/00/\(hex)", "tenant/one/sha256/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/x",
                          "tenant/one/other", "tenant/onex/sha256/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"] {
                try S3Fixture.curl(store.location, "PUT", key: stray, body: [1])
            }
            #expect(try store.allDigests() == [digest])
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: a listing longer than one page (1000 keys) is followed by continuation token.
    @Test func listingPaginates() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let digests = try (0..<1005).map { try store.put(Array("blob \($0)".utf8)) }
            #expect(try store.allDigests() == digests.sorted())
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: a file above the threshold goes up in parts, reads back identically, also by ranges crossing a part
    // boundary and a cache-chunk boundary, and leaves no incomplete upload.
    @Test func multipartRoundTrip() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let bytes = Fixtures.noise(count: 20 << 20 + 12345, seed: 7)
            let staged = try Fixtures.stage(bytes, in: try Spool(directory: scratch.file("spool")))
            let digests = try store.adopt(staged)
            #expect(digests.sha256 == SHA256Digest(of: bytes))
            #expect(try store.incompleteUploads().isEmpty)
            let reader = try store.open(digests.sha256)
            #expect(reader.size == Int64(bytes.count))
            let partBoundary = 5 << 20, chunkBoundary = 3 << 20
            #expect(try reader.read(at: Int64(partBoundary - 100), count: 300) == Array(bytes[partBoundary - 100..<partBoundary + 200]))
            #expect(try reader.read(at: Int64(chunkBoundary - 7), count: 14) == Array(bytes[chunkBoundary - 7..<chunkBoundary + 7]))
            #expect(try reader.readAll() == bytes)
            reader.close()
            // Adopting the same bytes again finds the object and uploads nothing.
            #expect(try store.adopt(staged) == digests)
            staged.discard()
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: S3 checks each upload against the digest sent as its payload hash: bytes that changed after hashing
    // are refused at once (a 4xx is not retried) and nothing is stored under the digest.
    @Test func uploadNotMatchingItsDigestIsRefused() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let staged = try Fixtures.stage(Array(repeating: 1, count: 100_000), in: try Spool(directory: scratch.file("spool")))
            let digests = try staged.finish()
            try Data(repeating: 2, count: 100_000).write(to: URL(fileURLWithPath: staged.path))
            let error = #expect(throws: BlobStoreError.self) { try store.adopt(staged) }
            #expect("\(error.map(String.init(describing:)) ?? "")".contains("HTTP 400"))
            #expect(try !store.contains(digests.sha256))
            staged.discard()
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: a multipart upload that fails after it started (the spool file shrank) is aborted, not left behind.
    @Test func failedMultipartIsAborted() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let staged = try Fixtures.stage(Fixtures.noise(count: 12 << 20, seed: 3), in: try Spool(directory: scratch.file("spool")))
            let digests = try staged.finish()
            #expect(truncate(staged.path, 6 << 20) == 0)
            #expect(throws: BlobStoreError.self) { try store.adopt(staged) }
            #expect(try store.incompleteUploads().isEmpty)
            #expect(try !store.contains(digests.sha256))
            staged.discard()
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: an empty blob is stored and read like any other.
    @Test func emptyBlob() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let digest = try store.put([])
            #expect(try store.open(digest).size == 0)
            #expect(try store.bytes(of: digest) == [])
            let staged = try Fixtures.stage([], in: try Spool(directory: scratch.file("spool")))
            #expect(try store.adopt(staged).sha256 == digest)
            staged.discard()
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: threads reading the same blobs at random offsets through a cache too small for them all get the right
    // bytes (chunks shared while downloading, evicted while others are read).
    @Test func concurrentReadersShareTheCache() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            var configuration = S3Fixture.configuration
            configuration.readChunkBytes = 64 << 10
            configuration.readCacheBytesMax = 192 << 10
            let store = try S3Fixture.store(scratch, configuration: configuration)
            let blobs = try (0..<3).map { n in
                let bytes = Fixtures.noise(count: 700_000, seed: UInt64(100 + n))
                return (bytes, try store.put(bytes))
            }
            let mismatches = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                var generator = SystemRandomNumberGenerator()
                for _ in 0..<40 {
                    let (bytes, digest) = blobs[Int.random(in: 0..<blobs.count, using: &generator)]
                    let offset = Int.random(in: 0..<bytes.count, using: &generator)
                    let count = Int.random(in: 1...200_000, using: &generator)
                    let expected = Array(bytes[offset..<min(bytes.count, offset + count)])
                    let got = try? store.open(digest).read(at: Int64(offset), count: count)
                    if got != expected { mismatches.add(1, ordering: .relaxed) }
                }
            }
            #expect(mismatches.load(ordering: .relaxed) == 0)
            #expect(store.cache.usedBytes <= 192 << 10)
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: however many blobs are read, the read cache never holds more than its bound.
    @Test func readCacheStaysBounded() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            var configuration = S3Fixture.configuration
            configuration.readChunkBytes = 64 << 10
            configuration.readCacheBytesMax = 256 << 10
            let store = try S3Fixture.store(scratch, configuration: configuration)
            let blobs = try (0..<12).map { n in
                let bytes = Fixtures.noise(count: 100_000 + n, seed: UInt64(n))
                return (bytes, try store.put(bytes))
            }
            for _ in 0..<2 {
                for (bytes, digest) in blobs {
                    #expect(try store.bytes(of: digest) == bytes)
                    #expect(store.cache.usedBytes <= 256 << 10)
                    #expect(try directoryBytes(scratch.file("s3cache")) <= 256 << 10)
                }
            }
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: bytes replaced behind the store fail a front-to-back read, and the damaged chunks are not kept.
    @Test func corruptObjectIsDetected() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let bytes = Fixtures.noise(count: 1_500_000, seed: 9)
            let digest = try store.put(bytes)
            try S3Fixture.damage(store, digest)
            #expect(throws: BlobStoreError.self) { try store.bytes(of: digest) }
            // Repaired on S3: the next read fetches again instead of serving the cached damaged chunk.
            try S3Fixture.curl(store.location, "PUT", key: store.key(for: digest), body: bytes)
            #expect(try store.bytes(of: digest) == bytes)
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: with the gateway down every operation fails within the retry bound as a backend error, no upload is
    // left behind, and the same adopt succeeds once the gateway is back.
    @Test func gatewayOutage() async throws {
        try await offCooperativePool {
            let lease = GatewayLease(exclusive: true)
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let stored = try store.put(Array("before".utf8))
            let bytes = Fixtures.noise(count: 9 << 20, seed: 5)
            let staged = try Fixtures.stage(bytes, in: try Spool(directory: scratch.file("spool")))
            try RadosGateway.stopGateway()
            var down = true
            defer { if down { try? RadosGateway.startGateway() } }
            let started = ContinuousClock.now
            for operation in [{ _ = try store.put([1, 2, 3]) }, { _ = try store.adopt(staged) }, { _ = try store.open(stored) }] {
                let error = #expect(throws: BlobStoreError.self) { try operation() }
                guard case .backend(let message) = error else { Issue.record("not a backend error: \(String(describing: error))"); continue }
                #expect(message.hasPrefix("S3 ") && message.contains("gave up"), "\(message)")
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            try RadosGateway.startGateway()
            down = false
            #expect(try store.adopt(staged).sha256 == SHA256Digest(of: bytes))
            #expect(try store.incompleteUploads().isEmpty)
            #expect(try store.bytes(of: SHA256Digest(of: bytes)) == bytes)
            staged.discard()
            withExtendedLifetime(lease) {}
        }
    }

    private func directoryBytes(_ path: String) throws -> Int64 {
        try FileManager.default.contentsOfDirectory(atPath: path).reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: path + "/" + name)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    // Measures adopt (40 MB: one PUT, 100 MB: multipart) and sequential 128 KiB reads with the default limits, twice:
    // the first uploads of a new cluster also pay for RGW creating its data pools. Run with ARTIFACTFS_S3_BENCH=1.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ARTIFACTFS_S3_BENCH"] != nil))
    func throughput() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch, configuration: S3BlobStore.Configuration())
            let spool = try Spool(directory: scratch.file("spool"))
            for (round, size) in [40_000_000, 100_000_000, 40_000_000, 100_000_000].enumerated() {
                let bytes = Fixtures.noise(count: size, seed: UInt64(size + round))
                let staged = try Fixtures.stage(bytes, in: spool)
                _ = try staged.finish()
                var started = ContinuousClock.now
                let digest = try store.adopt(staged).sha256
                let adopt = ContinuousClock.now - started
                staged.discard()
                var reads: [Duration] = []
                for _ in 0..<2 {
                    let reader = try store.open(digest)
                    var buffer = [UInt8](repeating: 0, count: 128 << 10)
                    var offset: Int64 = 0
                    started = ContinuousClock.now
                    while true {
                        let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0, at: offset) }
                        if n == 0 { break }
                        offset += Int64(n)
                    }
                    reads.append(ContinuousClock.now - started)
                    #expect(offset == Int64(size))
                }
                print("S3 throughput, \(size / 1_000_000) MB: adopt \(adopt), cold read \(reads[0]), cached read \(reads[1])")
            }
            withExtendedLifetime(lease) {}
        }
    }
}
