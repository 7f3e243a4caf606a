// Moving a data directory's blobs from local disk to S3 as docs/OPERATIONS.md says: copy blobs/sha256/ to the bucket
// with a generic S3 client, then serve with --s3 (radosgw on loopback).
import Core
import CoreTesting
import Foundation
import Testing

@Suite(.serialized) struct S3MigrationTests {
    // Goal: after copying <data>/blobs/sha256/ to <bucket>/<prefix>/sha256/ with curl's SigV4 (standing in for
    // `aws s3 sync`) and moving the local blobs away, fsck with --s3 is clean and the server serves every package
    // and signed index from S3, and takes new uploads there.
    @Test func localBlobsMoveToS3() async throws {
        let binary = try EndToEndTests.binary()
        let gateway = try await RadosGateway.sharedFromAsync()
        let lease = await GatewayLease.acquire()
        defer { withExtendedLifetime(lease) {} }
        let work = try Workspace()
        defer { work.remove() }
        let data = work.path("data"), bucket = S3EndToEndTests.bucketName()
        let tarball = try await work.tarball("tool-1.0.tar.gz", seed: 31)
        let deb = try await DebBuilder(work: work).build("moved", "1.0", "amd64")
        let trusted = work.path("trusted.gpg")
        try await EndToEndTests.withServer(binary, work) { server in
            #expect(try await put(tarball, to: server.url + "/tar/t/tool-1.0.tar.gz").code == 201)
            #expect(try await put(deb, to: server.url + "/apt/a/pool/stable/main/moved_1.0_amd64.deb").code == 201)
            try await fetch(server.url + "/apt/a/keyring.gpg", to: trusted)
        }

        try await Self.request(gateway, "PUT", "/\(bucket)")
        let blobs = data + "/blobs/sha256"
        let files = try FileManager.default.subpathsOfDirectory(atPath: blobs).filter { $0.split(separator: "/").count == 3 }
        #expect(files.count >= 10, "packages and index files: \(files)")
        for relative in files {
            try await Self.request(gateway, "PUT", "/\(bucket)/moved/sha256/\(relative)", file: blobs + "/" + relative)
        }
        try FileManager.default.moveItem(atPath: data + "/blobs", toPath: work.path("blobs.old"))

        let s3 = ["--s3", gateway.url(bucket: bucket, prefix: "moved"), "--s3-region", gateway.region]
        let fsck = try await run(["fsck", "--data", data, "--verify"] + s3, executable: binary)
        #expect(fsck.status == 0 && fsck.stdout.contains("0 missing, 0 unreferenced"), "\(fsck.stdout)\n\(fsck.stderr)")

        let server = try await ServerProcess.start(binary: binary, dataDirectory: data, extraArguments: s3)
        do {
            for (file, path) in [(tarball, "/tar/t/tool-1.0.tar.gz"), (deb, "/apt/a/pool/stable/main/moved_1.0_amd64.deb")] {
                let copy = work.path("download-\(UUID().uuidString)")
                try await fetch(server.url + path, to: copy)
                #expect(try Workspace.bytes(at: copy) == Workspace.bytes(at: file), "GET \(path) from S3")
            }
            try await AptEndToEndTests.verifySignatures(server.url + "/apt/a/dists/stable", keyring: trusted, work: work)
            let later = try await work.tarball("later-1.0.tar.gz", seed: 32)
            #expect(try await put(later, to: server.url + "/tar/t/later-1.0.tar.gz").code == 201)
            let local = (try? FileManager.default.subpathsOfDirectory(atPath: data + "/blobs")) ?? []
            #expect(!local.contains { $0.count > 60 }, "new blobs go to S3 only: \(local)")
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
    }

    /// A SigV4-signed request with curl; with `file`, its bytes are the body and its name (a blob's SHA-256) the payload hash.
    static func request(_ gateway: S3TestEndpoint, _ method: String, _ path: String, file: String? = nil) async throws {
        let payloadHash = file.map { URL(fileURLWithPath: $0).lastPathComponent }
            ?? "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, "--aws-sigv4", "aws:amz:\(gateway.region):s3",
                         "--user", "\(gateway.accessKey):\(gateway.secretKey)", "-H", "x-amz-content-sha256: \(payloadHash)"]
        if let file { arguments += ["-T", file] }
        let result = try await run(arguments + [gateway.endpoint + path], executable: Tools.curl)
        guard result.stdout == "200" else { throw E2EFailure("\(method) \(path): HTTP \(result.stdout) \(result.stderr)") }
    }
}
