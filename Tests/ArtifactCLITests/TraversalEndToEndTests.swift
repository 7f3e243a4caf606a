// Hostile request paths against a real server: encoded dots and separators, NUL, bad UTF-8, for every method.
import Foundation
import Testing

@Suite(.serialized) struct TraversalEndToEndTests {
    /// Paths that try to leave the tree or smuggle a separator, sent byte for byte (`--path-as-is`, no globbing).
    static let hostileGets = [
        "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/tar/r/../../secret.txt", "/tar/r/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/tar/r/..%2f..%2fsecret.txt", "/tar/r/..%5c..%5csecret.txt", #"/tar/r/..\..\secret.txt"#, "//secret.txt",
        "/tar//r/tool-1.0.tar.gz", "/tar/r/tool-1.0.tar.gz%00.txt", "/tar/r/%00", "/tar/r/%c0%ae%c0%ae/secret.txt",
        "/tar/r/%e0%80%ae%e0%80%ae/secret.txt", "/tar/r/%ff%fe", "/repo/../secret.txt", "/repo/%2e%2e/secret.txt",
        "/tar/r/.%2e/.%2e/secret.txt", "/tar/r/%2e/tool-1.0.tar.gz", "/api/tar/%2e%2e/packages", "/tar/r/%252e%252e%252fsecret.txt",
        "/tar/r/x%0d%0aSet-Cookie:%20a=b", "/tar/r/%2fsecret.txt", "/%5c../secret.txt",
    ]

    static let hostilePuts = [
        "/tar/r/..%2fevil-1.0.tar.gz", "/tar/r/%2e%2e/evil-1.0.tar.gz", "/tar/%2e%2e/r/evil-1.0.tar.gz", "/../evil-1.0.tar.gz",
        "/tar/r/..%5cevil-1.0.tar.gz", #"/tar/r/..\evil-1.0.tar.gz"#, "/tar/r/evil%00-1.0.tar.gz", "//tar/r/evil-1.0.tar.gz",
        "/tar/r/%c0%afevil-1.0.tar.gz", "/repo/../tar/r/evil-1.0.tar.gz", "/tar/r/%2e%2e%2f%2e%2e%2f%2e%2e%2fevil-1.0.tar.gz",
        "/tar/r/evil%0a-1.0.tar.gz", "/tar/r/.evil-1.0.tar.gz",
    ]

    static let hostileDeletes = [
        "/tar/r/..%2ftool-1.0.tar.gz", "/tar/r/%2e%2e/secret.txt", "/../secret.txt", "/tar/r/tool-1.0.tar.gz%00", "/api/tar/%2e%2e",
        "/tar/r/%2e/tool-1.0.tar.gz", "//tar/r/tool-1.0.tar.gz", "/repo/%2e%2e/secret.txt",
    ]

    /// Sends one request with curl exactly as written and returns the HTTP code and the body.
    static func send(_ method: String, _ url: String, file: String? = nil, extra: [String] = []) async throws -> (code: Int, body: String) {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--path-as-is", "-g", "-X", method, "-H", "Expect:"]
        if let file { arguments += ["--data-binary", "@\(file)"] }
        let result = try await run(arguments + extra + [url], executable: Tools.curl)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// Every file below `root`, relative to it.
    static func files(under root: String) -> Set<String> {
        Set((FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? [])
    }

    // Goal: every hostile GET, HEAD, PUT and DELETE path gets 400 or 404, never a file from outside the tree
    // (a secret placed in the data directory and next to it stays unread and untouched), nothing is written
    // outside the blob store, and the one real package is still there afterwards.
    @Test func hostilePathsNeverLeaveTheTree() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let tool = try await work.tarball("tool-1.0.tar.gz", seed: 51)
        let evil = try await work.tarball("evil-1.0.tar.gz", seed: 52)
        let secret = "top secret \(UUID().uuidString)"
        try await EndToEndTests.withServer(binary, work) { server in
            #expect(try await put(tool, to: server.url + "/tar/r/tool-1.0.tar.gz").code == 201)
            for place in [server.dataDirectory + "/secret.txt", work.path("secret.txt"), server.dataDirectory + "/blobs/secret.txt"] {
                try Data(secret.utf8).write(to: URL(fileURLWithPath: place))
            }
            let before = Self.files(under: work.root.path)

            for path in Self.hostileGets {
                for method in ["GET", "HEAD"] {
                    let answer = try await Self.send(method, server.url + path, extra: method == "HEAD" ? ["-I"] : [])
                    #expect([400, 404].contains(answer.code), "\(method) \(path) → \(answer.code)")
                    #expect(!answer.body.contains(secret), "\(method) \(path) read a file outside the tree")
                }
            }
            let absoluteForm = try await Self.send("GET", server.url + "/", extra: ["--request-target", "http://localhost/../secret.txt"])
            #expect(absoluteForm.code == 400, "absolute-form target → \(absoluteForm.code)")
            for path in Self.hostilePuts {
                let answer = try await Self.send("PUT", server.url + path, file: evil)
                #expect([400, 404].contains(answer.code), "PUT \(path) → \(answer.code): \(answer.body)")
            }
            for path in Self.hostileDeletes {
                let answer = try await Self.send("DELETE", server.url + path)
                #expect([400, 404].contains(answer.code), "DELETE \(path) → \(answer.code): \(answer.body)")
            }
            // The older upload API and twine take names from the query and the multipart form instead of the path.
            let query = ["provider=tar&reponame=..&name=evil&version=1.0", "provider=tar&reponame=..%2Fx", "provider=apt&reponame=d&dist=..",
                         "provider=apt&reponame=d&dist=stable&component=..%2F..%2Fx", "provider=tar&reponame=%2e%2e%2fr"]
            for parameters in query {
                let answer = try await Self.send("POST", server.url + "/addpkg?" + parameters, extra: ["-F", "f=@\(evil)"])
                #expect(answer.code == 400, "addpkg \(parameters) → \(answer.code): \(answer.body)")
            }
            for name in ["../../evil-1.0.tar.gz", #"..\evil-1.0.tar.gz"#, "/etc/evil-1.0.tar.gz", ".evil-1.0.tar.gz"] {
                let answer = try await Self.send("POST", server.url + "/addpkg?provider=tar&reponame=r", extra: ["-F", "f=@\(evil);filename=\(name)"])
                #expect(answer.code == 400, "addpkg filename \(name) → \(answer.code): \(answer.body)")
                let twine = try await Self.send("POST", server.url + "/pypi/p/", extra: ["-F", ":action=file_upload", "-F", "content=@\(evil);filename=\(name)"])
                #expect(twine.code == 400, "twine filename \(name) → \(twine.code): \(twine.body)")
            }

            let after = Self.files(under: work.root.path)
            let added = after.subtracting(before).filter { !$0.hasPrefix("data/blobs/") && !$0.hasPrefix("data/catalogue.sqlite") }
            #expect(added.isEmpty, "files written outside the blob store: \(added.sorted())")
            #expect(!after.subtracting(before).contains { $0.contains("evil") }, "an evil file was written")
            for place in [server.dataDirectory + "/secret.txt", work.path("secret.txt")] {
                #expect(try String(contentsOfFile: place, encoding: .utf8) == secret)
            }
            let repos = try await curl([server.url + "/api/repos"])
            #expect(repos.body.contains("\"name\":\"r\"") && !repos.body.contains("evil"))
            let packages = try await curl([server.url + "/api/tar/r/packages"])
            #expect(packages.body.contains("tool-1.0.tar.gz") && !packages.body.contains("evil"), "\(packages.body)")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: server.dataDirectory + "/spool")) ?? [] == [])
        }
    }
}
