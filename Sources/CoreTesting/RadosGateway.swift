// A real S3 server for tests: one Ceph RADOS Gateway per test process, started by scripts/radosgw.sh.
import Foundation
import Synchronization

/// Where an S3 server answers and the credentials of its test user.
public struct S3TestEndpoint: Sendable {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    public let endpoint: String
    public let accessKey: String
    public let secretKey: String
    /// The SigV4 region to sign with (RGW accepts any; `us-east-1` is what clients assume).
    public let region: String
    /// The cluster's scratch directory, or "" for a server given by `ARTIFACTFS_TEST_S3_URL`.
    public let directory: String

    public init(endpoint: String, accessKey: String, secretKey: String, region: String, directory: String) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
        self.directory = directory
    }

    /// `http://ACCESS:SECRET@127.0.0.1:PORT/<bucket>` with the keys percent-encoded; a prefix follows as `/<prefix>`.
    public func url(bucket: String, prefix: String? = nil) -> String {
        guard let schemeEnd = endpoint.range(of: "://") else { return endpoint }
        let scheme = endpoint[..<schemeEnd.upperBound]
        let hostPort = endpoint[schemeEnd.upperBound...]
        var url = "\(scheme)\(Self.userinfo(accessKey)):\(Self.userinfo(secretKey))@\(hostPort)/\(bucket)"
        if let prefix, !prefix.isEmpty { url += "/" + prefix }
        return url
    }

    private static func userinfo(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A RADOS Gateway fixture failure, with the script's output.
public struct RadosGatewayError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum RadosGateway {
    private enum State {
        case none
        case started(S3TestEndpoint)
        case external(S3TestEndpoint)
        case failed(RadosGatewayError)
    }

    private static let state = Mutex<State>(.none)
    /// Held while stopping or starting rgw, so outage tests in parallel do not interleave.
    private static let gatewayLock = Mutex<Void>(())

    /// Starts one cluster per test process on first use (via scripts/radosgw.sh start <tmpdir> --owner <getpid()>),
    /// reused by every later caller; thread-safe. If the environment variable ARTIFACTFS_TEST_S3_URL is set
    /// (http://KEY:SECRET@HOST:PORT/), uses that server instead and starts nothing.
    /// `shared()` from async code: starting the cluster blocks for seconds, on a thread of its own.
    public static func sharedFromAsync() async throws -> S3TestEndpoint {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try shared() }) }.start()
        }
    }

    public static func shared() throws -> S3TestEndpoint {
        try state.withLock { state in
            switch state {
            case .started(let endpoint), .external(let endpoint): return endpoint
            case .failed(let error): throw error
            case .none: break
            }
            do {
                if let external = ProcessInfo.processInfo.environment["ARTIFACTFS_TEST_S3_URL"], !external.isEmpty {
                    let endpoint = try parse(external)
                    state = .external(endpoint)
                    return endpoint
                }
                let endpoint = try start()
                state = .started(endpoint)
                return endpoint
            } catch let error as RadosGatewayError {
                state = .failed(error)
                throw error
            }
        }
    }

    /// Stops only rgw (for outage tests); throws if the gateway was not started by this process.
    public static func stopGateway() throws {
        let directory = try ownDirectory()
        try gatewayLock.withLock { _ in _ = try script(["stop-rgw", directory], directory: directory) }
    }

    /// Starts rgw again on the same port and returns once S3 answers; throws if the gateway was not started by this process.
    public static func startGateway() throws {
        let directory = try ownDirectory()
        try gatewayLock.withLock { _ in _ = try script(["start-rgw", directory], directory: directory) }
    }

    /// `<package>/scripts/radosgw.sh`, found from this source file's path.
    public static func scriptPath(filePath: String = #filePath) -> String {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/radosgw.sh").path
    }

    private static func ownDirectory() throws -> String {
        let current = state.withLock { state -> S3TestEndpoint? in
            if case .started(let endpoint) = state { return endpoint }
            return nil
        }
        guard let current else {
            throw RadosGatewayError("the RADOS Gateway was not started by this process (call RadosGateway.shared() first; "
                + "with ARTIFACTFS_TEST_S3_URL set nothing is started)")
        }
        return current.directory
    }

    private static func start() throws -> S3TestEndpoint {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let installed = (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin"]).contains {
            FileManager.default.isExecutableFile(atPath: $0 + "/radosgw")
        }
        guard installed else { throw RadosGatewayError("radosgw is not installed: run scripts/install-deps.sh (make test does)") }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("artifactfs-rgw-\(getpid())-\(UUID().uuidString.prefix(8))").path
        let output = try script(["start", directory, "--owner", String(getpid())], directory: directory)
        return try parseEnv(output, directory: directory)
    }

    /// Runs the script; returns its stdout, or throws with its stderr (which ends with the daemons' log tails).
    /// The output is kept in the cluster's directory, which the watchdog deletes even if this process is killed.
    private static func script(_ arguments: [String], directory: String) throws -> String {
        let script = scriptPath()
        guard FileManager.default.isExecutableFile(atPath: script) else { throw RadosGatewayError("\(script) is missing or not executable") }
        // Output goes to files, not pipes: nothing can block on a full pipe, and no daemon can hold one open.
        let capture = URL(fileURLWithPath: directory).appendingPathComponent("fixture-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: capture) }
        let outURL = capture.appendingPathComponent("stdout"), errURL = capture.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
              FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
            throw RadosGatewayError("cannot create files in \(capture.path)")
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw RadosGatewayError("cannot run \(script): \(error)") }
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let tail = stderr.split(separator: "\n", omittingEmptySubsequences: false).suffix(80).joined(separator: "\n")
            throw RadosGatewayError("radosgw.sh \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)):\n\(tail)")
        }
        return stdout
    }

    private static func parseEnv(_ output: String, directory: String) throws -> S3TestEndpoint {
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let endpoint = values["S3_ENDPOINT"], let access = values["S3_ACCESS_KEY"], let secret = values["S3_SECRET_KEY"] else {
            throw RadosGatewayError("radosgw.sh start printed no S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY:\n\(output)")
        }
        return S3TestEndpoint(endpoint: endpoint, accessKey: access, secretKey: secret, region: values["S3_REGION"] ?? "us-east-1",
                              directory: directory)
    }

    /// `http://KEY:SECRET@HOST:PORT/` → endpoint and keys; the region comes from ARTIFACTFS_TEST_S3_REGION, else us-east-1.
    private static func parse(_ text: String) throws -> S3TestEndpoint {
        guard let components = URLComponents(string: text), let scheme = components.scheme, let host = components.host,
              let access = components.user, let secret = components.password, !access.isEmpty else {
            throw RadosGatewayError("ARTIFACTFS_TEST_S3_URL must look like http://KEY:SECRET@HOST:PORT/, not \(text)")
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let region = ProcessInfo.processInfo.environment["ARTIFACTFS_TEST_S3_REGION"] ?? "us-east-1"
        return S3TestEndpoint(endpoint: "\(scheme)://\(host)\(port)", accessKey: access, secretKey: secret, region: region, directory: "")
    }
}

/// Shared use of the test gateway (any number of tests) versus exclusive use (a test that stops it).
/// Writers are preferred so an outage test is not starved by a stream of readers; hence a test takes one lease
/// only (a second shared one would wait behind a waiting writer that waits for the first).
public final class GatewayLease: Sendable {
    private static let condition = NSCondition()
    nonisolated(unsafe) private static var readers = 0
    nonisolated(unsafe) private static var writer = false
    nonisolated(unsafe) private static var writersWaiting = 0
    private let exclusive: Bool

    /// Blocks until the gateway may be used (shared) or owned (exclusive); released when the lease is freed.
    public init(exclusive: Bool = false) {
        self.exclusive = exclusive
        Self.condition.lock()
        defer { Self.condition.unlock() }
        if exclusive {
            Self.writersWaiting += 1
            while Self.writer || Self.readers > 0 { Self.condition.wait() }
            Self.writersWaiting -= 1
            Self.writer = true
        } else {
            while Self.writer || Self.writersWaiting > 0 { Self.condition.wait() }
            Self.readers += 1
        }
    }

    deinit {
        Self.condition.lock()
        if exclusive { Self.writer = false } else { Self.readers -= 1 }
        Self.condition.broadcast()
        Self.condition.unlock()
    }

    /// Takes a lease from async code: the wait happens on a thread of its own, never on the cooperative pool
    /// (two blocked pool threads on 2 cores would stall the test that holds the gateway).
    public static func acquire(exclusive: Bool = false) async -> GatewayLease {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: GatewayLease(exclusive: exclusive)) }.start()
        }
    }
}
