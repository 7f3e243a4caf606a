// The RADOS Gateway fixture: a real S3 server that stores objects, and goes away and comes back on request.
import CoreTesting
import Foundation
import Testing

@Suite struct RadosGatewayTests {
    // Goal: the shared gateway stores and returns an object under SigV4, refuses connections while stopped,
    // and serves the same object again once restarted.
    @Test(.timeLimit(.minutes(2))) func putGetAndOutage() async throws {
        // Blocking waits (the lease, the cluster start, curl) run off the cooperative pool, which timing tests need.
        try await offCooperativePool {
            // Stopping the gateway must wait for the S3 tests using it (see GatewayLease in CoreTesting).
            let lease = GatewayLease(exclusive: true)
            defer { withExtendedLifetime(lease) {} }
            let s3 = try RadosGateway.shared()
            #expect(try RadosGateway.shared().endpoint == s3.endpoint)
            let scratch = ScratchDirectory()
            let bucket = "rgw-test-" + UUID().uuidString.prefix(8).lowercased()
            let body = scratch.file("body")
            try Data("hello from artifactfs\n".utf8).write(to: URL(fileURLWithPath: body))

            #expect(try curl(s3, ["-X", "PUT", "\(s3.endpoint)/\(bucket)"]).status == 0)
            #expect(try curl(s3, ["-T", body, "\(s3.endpoint)/\(bucket)/dir/a%2Bb.txt"]).status == 0)
            let got = scratch.file("got")
            #expect(try curl(s3, ["-o", got, "\(s3.endpoint)/\(bucket)/dir/a%2Bb.txt"]).status == 0)
            #expect(try String(contentsOfFile: got, encoding: .utf8) == "hello from artifactfs\n")

            let url = s3.url(bucket: bucket, prefix: "p/q")
            #expect(url.hasPrefix("http://") && url.hasSuffix("@\(s3.endpoint.dropFirst("http://".count))/\(bucket)/p/q"))

            guard !s3.directory.isEmpty else { return }  // an external server (ARTIFACTFS_TEST_S3_URL) is not ours to stop
            try RadosGateway.stopGateway()
            let down = try curl(s3, ["-o", got, "\(s3.endpoint)/\(bucket)/dir/a%2Bb.txt"])
            #expect(down.status != 0, "a GET succeeded while the gateway was stopped")
            try RadosGateway.startGateway()
            try FileManager.default.removeItem(atPath: got)
            #expect(try curl(s3, ["-o", got, "\(s3.endpoint)/\(bucket)/dir/a%2Bb.txt"]).status == 0)
            #expect(try String(contentsOfFile: got, encoding: .utf8) == "hello from artifactfs\n")
        }
    }

    /// A signed curl request; `status` is curl's exit status (`-f`: an HTTP error is 22).
    private func curl(_ s3: S3TestEndpoint, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "-f", "--max-time", "20", "--aws-sigv4", "aws:amz:\(s3.region):s3",
                             "--user", "\(s3.accessKey):\(s3.secretKey)", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"] + arguments
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }
}
