// Signed, retried S3 requests against one bucket, path-style, with the payload hash on every request.
import CCurl
import Foundation
import Logging
import Metrics

/// One S3 operation. `key` nil addresses the bucket itself.
struct S3Request {
    var method: String
    var key: String?
    var query: [(name: String, value: String)] = []
    var headers: [String] = []
    var body: CurlBody = .none
    /// Hex SHA-256 of the body, sent as `x-amz-content-sha256`. For blob uploads it is the blob's digest,
    /// so S3 (RGW checks it) refuses bytes that do not match. Computed for in-memory bodies when nil.
    var payloadHash: String?
    var sink: CurlSink = .memory(limitBytes: 4 << 20)

    /// The SHA-256 of nothing, the payload hash of every request without a body.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}

/// Sends requests to `location`'s bucket, retrying transient failures by `RetryPolicy`.
final class S3Client: Sendable {
    let location: S3Location
    private let configuration: S3BlobStore.Configuration
    private let pool: CurlHandlePool
    let logger: Logger

    init(location: S3Location, configuration: S3BlobStore.Configuration, logger: Logger) {
        self.location = location
        self.configuration = configuration
        self.pool = CurlHandlePool(idleMax: configuration.idleConnectionsMax)
        self.logger = logger
    }

    /// Sends `request`, retrying 5xx, 429 and connection failures. Returns the first other response, whatever
    /// its status; throws `BlobStoreError.backend` when the retries run out or the request cannot be sent.
    func send(_ request: S3Request) throws(BlobStoreError) -> CurlResponse {
        let curlRequest = prepare(request)
        let started = ContinuousClock.now
        var attempt = 1
        while true {
            switch try perform(curlRequest, for: request) {
            case .answered(let response): return response
            case .transientFailure(let failure): try pause(after: attempt, started: started, failure, request)
            }
            attempt += 1
        }
    }

    private enum Outcome {
        case answered(CurlResponse)
        case transientFailure(String)
    }

    /// One attempt: an answer worth returning, a failure worth retrying, or (thrown) one that is not.
    private func perform(_ curlRequest: CurlRequest, for request: S3Request) throws(BlobStoreError) -> Outcome {
        do {
            let response = try pool.withHandle { (handle: CurlEasy) throws(CurlFailure) in try handle.perform(curlRequest) }
            return Self.isRetryable(status: response.status) ? .transientFailure(Self.summary(response)) : .answered(response)
        } catch let error as CurlFailure where error.isTransient {
            return .transientFailure(error.message)
        } catch {
            throw .backend("S3 \(describe(request)): \(error)")
        }
    }

    /// Sleeps before the next attempt, or throws when the policy allows no more.
    private func pause(after attempt: Int, started: ContinuousClock.Instant, _ failure: String, _ request: S3Request)
        throws(BlobStoreError) {
        Counter(label: ArtifactMetrics.s3RequestFailures, dimensions: [("method", request.method)]).increment()
        let delay = configuration.retry.delay(before: attempt)
        let elapsed = ContinuousClock.now - started
        guard attempt <= configuration.retry.retriesMax, elapsed + delay <= configuration.retry.window else {
            throw .backend("S3 \(describe(request)): \(failure) (gave up after \(attempt) attempts in \(String(format: "%.1f", Self.seconds(elapsed))) s)")
        }
        logger.warning("S3 request failed; retrying", metadata: [
            "s3.request": "\(describe(request))", "s3.failure": "\(failure)", "s3.attempt": "\(attempt)",
        ])
        Thread.sleep(forTimeInterval: Self.seconds(delay))
    }

    /// Sends `request` and throws `BlobStoreError.backend` with S3's error code unless the status is in `expected`.
    @discardableResult
    func send(_ request: S3Request, expecting expected: Set<Int>) throws(BlobStoreError) -> CurlResponse {
        let response = try send(request)
        guard expected.contains(response.status) else { throw .backend("S3 \(describe(request)): \(Self.summary(response))") }
        return response
    }

    /// "PUT bucket/key?query" for messages: never the credentials.
    func describe(_ request: S3Request) -> String {
        "\(request.method) \(location.bucket)\(request.key.map { "/" + $0 } ?? "")\(S3Encoding.query(request.query))"
    }

    private func prepare(_ request: S3Request) -> CurlRequest {
        let hash = request.payloadHash ?? {
            if case .bytes(let bytes) = request.body { return SHA256Digest(of: bytes).hex }
            return S3Request.emptyPayloadHash
        }()
        let url = location.endpoint + S3Encoding.path(bucket: location.bucket, key: request.key) + S3Encoding.query(request.query)
        return CurlRequest(
            method: request.method, url: url, headers: request.headers + ["x-amz-content-sha256: \(hash)"],
            body: request.body, sink: request.sink,
            signing: (location.accessKey, location.secretKey, "aws:amz:\(location.region):s3"),
            connectTimeoutMilliseconds: max(1, Int(Self.seconds(configuration.connectTimeout) * 1000)),
            stallSeconds: max(1, Int(Self.seconds(configuration.stallTimeout).rounded(.up))))
    }

    static func isRetryable(status: Int) -> Bool { status == 429 || (500..<600).contains(status) }

    /// "503 SlowDown: Please reduce your request rate", from the status and S3's error XML when there is one.
    static func summary(_ response: CurlResponse) -> String {
        guard let error = S3XMLDocument(response.body), error.root == "Error", let code = error.value("Error/Code") else {
            // HEAD answers carry no body; 403 is the one worth explaining.
            return "HTTP \(response.status)" + (response.status == 403 ? " (access denied: check the keys and the region)" : "")
        }
        return "HTTP \(response.status) \(code)" + (error.value("Error/Message").map { ": \($0)" } ?? "")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
