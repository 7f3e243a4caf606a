// Moving a data directory's blobs from local disk to S3 as docs/OPERATIONS.md says: copy blobs/sha256/ to the bucket
// with a generic S3 client, then serve with --s3 (radosgw on loopback).
import Core
import CoreTesting
import Foundation
import Testing

@Suite(.serialized) struct S3MigrationTests {
    // Goal: after copying <data>/blobs/sha256/ to <bucket>/<prefix>/sha256/ with `aws s3 sync` (as OPERATIONS.md
    // says) and moving the local blobs away, fsck with --s3 is clean and the server serves every package
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

        let blobs = data + "/blobs/sha256"
        let files = try FileManager.default.subpathsOfDirectory(atPath: blobs).filter { $0.split(separator: "/").count == 3 }
        #expect(files.count >= 10, "packages and index files: \(files)")
        // The commands of docs/OPERATIONS.md, as written there (the endpoint and keys are the test gateway's).
        try await Self.aws(gateway, ["s3", "mb", "s3://\(bucket)"])
        try await Self.aws(gateway, ["s3", "sync", blobs + "/", "s3://\(bucket)/moved/sha256/"])
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

    /// Runs the AWS CLI against the test gateway (installed by scripts/install-deps.sh when missing).
    static func aws(_ gateway: S3TestEndpoint, _ arguments: [String]) async throws {
        let result = try await run(["aws", "--endpoint-url", gateway.endpoint] + arguments, executable: "/usr/bin/env",
                                   environment: ["AWS_ACCESS_KEY_ID": gateway.accessKey, "AWS_SECRET_ACCESS_KEY": gateway.secretKey,
                                                 "AWS_DEFAULT_REGION": gateway.region])
        guard result.status == 0 else { throw E2EFailure("aws \(arguments.joined(separator: " ")): \(result.stderr)") }
    }
}
