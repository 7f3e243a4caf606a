// /metrics, /healthz and /readyz of a real server after real traffic through HTTP and the mount.
import CoreTesting
import Foundation
import Testing

@Suite(.serialized, .enabled(if: fuseAvailable, "needs /dev/fuse (FUSE is not available on this machine)"))
struct OperationsEndpointsTests {
    // Goal: every counter family the issue names moves with the traffic that should move it, and the probes
    // answer JSON (readiness covering catalogue, blob store and mount).
    @Test func countersMoveWithTraffic() async throws {
        try await MountTests.withMount { m in
            let before = try await Scrape(m.server.url)
            let good = try await m.work.tarball("good-1.0.tar.gz", seed: 7)
            let bad = try m.work.write("bad-1.0.tar.gz", Array("not a tarball\n".utf8))
            try await m.shell("curl -sf -T \(good) \(m.server.url)/tar/r/good-1.0.tar.gz")
            try await m.shell("curl -s -T \(bad) \(m.server.url)/tar/r/bad-1.0.tar.gz")
            try await m.shell("cp \(good) \(m.repo)/mounted-1.0.tar.gz")
            try await m.shell("cp \(bad) \(m.repo)/", expectFailure: true)
            try await m.shell("curl -sf -o /dev/null \(m.server.url)/tar/r/good-1.0.tar.gz")
            try await m.shell("curl -s -o /dev/null \(m.server.url)/tar/r/missing-1.0.tar.gz")
            let size = Double(try Workspace.bytes(at: good).count)
            let after = try await Scrape(m.server.url)

            func moved(_ series: String) -> Double { after.value(series) - before.value(series) }
            #expect(moved(#"artifactfs_ingests_total{provider="tar",outcome="stored"}"#) == 2)
            #expect(moved(#"artifactfs_ingests_total{provider="tar",outcome="rejected"}"#) == 2)
            #expect(moved(#"artifactfs_ingest_duration_seconds_count{provider="tar"}"#) == 4)
            #expect(moved(#"artifactfs_publish_duration_seconds_count{provider="tar"}"#) >= 1)
            #expect(moved(#"artifactfs_http_requests_total{route="upload",status="201"}"#) == 1)
            #expect(moved(#"artifactfs_http_requests_total{route="upload",status="400"}"#) == 1)
            #expect(moved(#"artifactfs_http_requests_total{route="package",status="200"}"#) == 1)
            #expect(moved(#"artifactfs_http_requests_total{route="package",status="404"}"#) == 1)
            #expect(moved(#"artifactfs_fuse_operations_total{operation="create"}"#) >= 2)
            #expect(moved(#"artifactfs_fuse_operations_total{operation="write"}"#) >= 2)
            #expect(moved(#"artifactfs_fuse_errors_total{operation="flush",errno="EINVAL"}"#) == 1)
            #expect(moved("artifactfs_blob_written_bytes_total") >= 2 * size)
            #expect(moved("artifactfs_blob_read_bytes_total") >= size)
            #expect(after.value(#"artifactfs_catalogue_packages{provider="tar"}"#) == 2)
            #expect(after.value(#"artifactfs_catalogue_package_bytes{provider="tar"}"#) == 2 * size)
            #expect(after.value("artifactfs_catalogue_file_bytes") > 0)
            #expect(after.text.contains("# TYPE artifactfs_ingest_duration_seconds histogram"))

            let health = try await curl(["\(m.server.url)/healthz"])
            #expect(health.code == 200 && health.body.contains(#""status":"ok""#))
            let ready = try await curl(["\(m.server.url)/readyz"])
            #expect(ready.code == 200, "\(ready.body)")
            let checks = try #require(try JSONSerialization.jsonObject(with: Data(ready.body.utf8)) as? [String: Any])
            #expect(checks["status"] as? String == "ready")
            #expect(Set(((checks["checks"] as? [String: Any]) ?? [:]).keys) == ["catalogue", "blobStore", "mount"])
        }
    }
}

/// One scrape of /metrics, parsed into series → value.
struct Scrape {
    let text: String
    let values: [String: Double]

    init(_ baseURL: String) async throws {
        let response = try await curl(["\(baseURL)/metrics"])
        guard response.code == 200 else { throw E2EFailure("/metrics answered \(response.code): \(response.body)") }
        text = response.body
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    /// A series' value; 0 when it does not exist yet (counters appear on first use).
    func value(_ series: String) -> Double { values[series] ?? 0 }
}
