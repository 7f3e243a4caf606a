// The server on a real S3 (Ceph radosgw on loopback): uploads land as objects, clients install from them,
// and an outage fails uploads cleanly (503 / EIO, nothing published) until the gateway is back.
import Core
import CoreTesting
import Foundation
import Testing

@Suite(.serialized) struct S3EndToEndTests {
    /// `--s3` arguments for a fresh bucket of the shared gateway.
    static func s3Arguments(_ gateway: S3TestEndpoint, bucket: String) -> [String] {
        ["--s3", gateway.url(bucket: bucket, prefix: "blobs"), "--s3-region", gateway.region]
    }

    static func bucketName() -> String { "e2e-" + UUID().uuidString.lowercased().prefix(12) }

    /// Whether the object of a file's blob is in the bucket (a signed HEAD with curl).
    static func objectExists(_ gateway: S3TestEndpoint, bucket: String, file: String) async throws -> Bool {
        let hex = SHA256Digest(of: try Workspace.bytes(at: file)).hex
        let url = "\(gateway.endpoint)/\(bucket)/blobs/sha256/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
        let result = try await run(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-I", "--aws-sigv4", "aws:amz:\(gateway.region):s3",
                                    "--user", "\(gateway.accessKey):\(gateway.secretKey)",
                                    "-H", "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", url],
                                   executable: Tools.curl)
        return result.stdout == "200"
    }

    // Goal: PUT over HTTP stores objects in the bucket (nothing under <data>/blobs), and pip and apt install
    // from a repository whose blobs are all in S3.
    @Test func clientsInstallFromS3() async throws {
        let binary = try EndToEndTests.binary()
        let gateway = try await RadosGateway.sharedFromAsync()
        let lease = await GatewayLease.acquire()
        defer { withExtendedLifetime(lease) {} }
        let work = try Workspace()
        defer { work.remove() }
        let bucket = Self.bucketName()
        let python = try PythonClients(work)
        let wheels = try await python.make("dists", ["--project", "s3-lib", "--version", "1.0"])
        let debs = DebBuilder(work: work)
        let deb = try await debs.build("s3tool", "1.0", "amd64")
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"),
                                                   extraArguments: Self.s3Arguments(gateway, bucket: bucket))
        do {
            let wheel = wheels[0]
            let stored = try await put(wheel, to: "\(server.url)/pypi/s3/\(URL(fileURLWithPath: wheel).lastPathComponent)")
            #expect(stored.code == 201, "\(stored.body)\n\(server.log.text)")
            let debAnswer = try await put(deb, to: "\(server.url)/apt/s3/pool/stable/main/\(URL(fileURLWithPath: deb).lastPathComponent)")
            #expect(debAnswer.code == 201, "\(debAnswer.body)")
            #expect(try await Self.objectExists(gateway, bucket: bucket, file: wheel))
            #expect(try await Self.objectExists(gateway, bucket: bucket, file: deb))
            let local = (try? FileManager.default.subpathsOfDirectory(atPath: work.path("data/blobs"))) ?? []
            #expect(!local.contains { $0.count > 60 }, "no blob may be stored locally: \(local)")

            let pip = try await python.run("pip", ["install", "--index-url", "\(server.url)/pypi/s3/simple/", "--target", work.path("t"), "s3-lib"])
            #expect(pip.status == 0 && PythonClients.installedVersion(work.path("t"), module: "s3_lib") == "1.0", "pip: \(pip.stderr)")

            let keyring = work.path("s3.gpg")
            try await fetch(server.url + "/apt/s3/keyring.gpg", to: keyring)
            let apt = try IsolatedApt(work)
            try apt.writeSource("deb [signed-by=\(keyring)] \(server.url)/apt/s3 stable main")
            let update = try await apt.aptGet(["update"])
            #expect(update.status == 0, "apt-get update: \(update.stderr)")
            let download = try await apt.aptGet(["download", "s3tool"])
            #expect(download.status == 0, "apt-get download: \(download.stderr)")
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
    }

    // Goal: with the gateway stopped, an HTTP upload gets 503 and nothing is published or left in the
    // catalogue; after a restart the same upload succeeds; fsck finds the store clean.
    @Test func outageFailsCleanlyThenRecovers() async throws {
        let binary = try EndToEndTests.binary()
        let gateway = try await RadosGateway.sharedFromAsync()
        let lease = await GatewayLease.acquire(exclusive: true)
        defer { withExtendedLifetime(lease) {} }
        let work = try Workspace()
        defer { work.remove() }
        let bucket = Self.bucketName()
        let first = try await work.tarball("first-1.0.tar.gz", seed: 1)
        let second = try await work.tarball("second-1.0.tar.gz", seed: 2)
        let arguments = Self.s3Arguments(gateway, bucket: bucket)
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"), extraArguments: arguments)
        do {
            #expect(try await put(first, to: "\(server.url)/tar/r/first-1.0.tar.gz").code == 201)
            let before = try await fetchText("\(server.url)/tar/r/SHA256SUMS")
            try RadosGateway.stopGateway()
            let failed: (code: Int, body: String)
            do {
                failed = try await put(second, to: "\(server.url)/tar/r/second-1.0.tar.gz")
            } catch {
                try? RadosGateway.startGateway()
                throw error
            }
            try RadosGateway.startGateway()
            #expect(failed.code == 503, "\(failed.body)")
            #expect(try await fetchText("\(server.url)/tar/r/SHA256SUMS") == before, "nothing published")
            #expect(!(try await fetchText("\(server.url)/api/tar/r/packages")).contains("second-1.0"), "no catalogue row")
            let retried = try await put(second, to: "\(server.url)/tar/r/second-1.0.tar.gz")
            #expect(retried.code == 201, "\(retried.body)")
            #expect(try await fetchText("\(server.url)/tar/r/SHA256SUMS").contains("second-1.0.tar.gz"))
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
        let fsck = try await run(["fsck", "--data", work.path("data")] + arguments, executable: binary)
        #expect(fsck.status == 0 && fsck.stdout.contains("0 missing, 0 unreferenced"), "\(fsck.stdout)\n\(fsck.stderr)")
    }
}

extension MountTests {
    // Goal: cp into the mount of a server on S3 stores the object; with the gateway down cp fails with EIO
    // and the file does not appear; once it is back the same cp works and reads back identically.
    @Test func copyIntoTheMountOnS3() async throws {
        let gateway = try await RadosGateway.sharedFromAsync()
        let lease = await GatewayLease.acquire(exclusive: true)
        defer { withExtendedLifetime(lease) {} }
        let bucket = S3EndToEndTests.bucketName()
        try await Self.withMount(extraArguments: S3EndToEndTests.s3Arguments(gateway, bucket: bucket)) { m in
            let file = try await m.work.tarball("tool-1.0.tar.gz", seed: 3)
            try await m.shell("cp \(file) \(m.repo)/")
            #expect(try await S3EndToEndTests.objectExists(gateway, bucket: bucket, file: file))
            let other = try await m.work.tarball("tool-2.0.tar.gz", seed: 4)
            try RadosGateway.stopGateway()
            let refused: (status: Int32, stdout: String, stderr: String)
            do {
                refused = try await m.shell("cp \(other) \(m.repo)/", expectFailure: true)
            } catch {
                try? RadosGateway.startGateway()
                throw error
            }
            try RadosGateway.startGateway()
            #expect(refused.stderr.contains("Input/output error"), "\(refused.stderr)")
            #expect(try !FileManager.default.contentsOfDirectory(atPath: m.repo).contains("tool-2.0.tar.gz"))
            try await m.shell("cp \(other) \(m.repo)/ && cmp \(other) \(m.repo)/tool-2.0.tar.gz")
            #expect(try await m.http("/tar/r/tool-1.0.tar.gz") == Workspace.bytes(at: file))
        }
    }
}
