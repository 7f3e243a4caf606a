// Live PyPI tests: real wheels and sdists, real pip, uv and twine against the running server.
import Core
import Foundation
import Testing

@Suite(.serialized) struct PyPIEndToEndTests {
    /// Two projects of which one depends on the other, an sdist, and a version with a pre-release.
    static func makeDists(_ python: PythonClients) async throws -> [String] {
        var files = try await python.make("dists", ["--project", "Demo-Lib", "--version", "1.0", "--version", "2.0", "--version", "3.0rc1", "--sdist"])
        files += try await python.make("dists", ["--project", "demo_app", "--version", "1.0", "--requires", "demo-lib>=2.0"])
        files += try await python.make("dists", ["--project", "multi", "--version", "1.0",
                                                 "--tags", "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64,py2.py3-none-any"])
        return files
    }

    // Goal: pip and uv resolve and install from the simple index (JSON and PEP 658 metadata), with hashes
    // checked, dependencies resolved within the repository, an sdist built, and the older service's URL.
    @Test func pipAndUvInstall() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let python = try PythonClients(work)
        let files = try await Self.makeDists(python)
        try await EndToEndTests.withServer(binary, work) { server in
            for file in files {
                let answer = try await put(file, to: "\(server.url)/pypi/py/\(URL(fileURLWithPath: file).lastPathComponent)")
                #expect(answer.code == 201, "PUT \(file): \(answer.body)")
            }
            let index = "\(server.url)/pypi/py/simple/"

            let pip = try await python.run("pip", ["install", "--index-url", index, "--target", work.path("t-pip"), "demo-app"])
            #expect(pip.status == 0, "pip install: \(pip.stdout)\n\(pip.stderr)")
            #expect(PythonClients.installedVersion(work.path("t-pip"), module: "demo_lib") == "2.0", "pre-release 3.0rc1 must not win")
            #expect(PythonClients.installedVersion(work.path("t-pip"), module: "demo_app") == "1.0")

            let uv = try await python.run("uv", ["pip", "install", "--index-url", index, "--target", work.path("t-uv"), "demo-app", "multi"])
            #expect(uv.status == 0, "uv pip install: \(uv.stdout)\n\(uv.stderr)")
            #expect(PythonClients.installedVersion(work.path("t-uv"), module: "demo_lib") == "2.0")
            #expect(PythonClients.installedVersion(work.path("t-uv"), module: "multi") == "1.0")

            let wheel = try #require(files.first { $0.hasSuffix("demo_lib-1.0-py3-none-any.whl") })
            let requirements = try work.write("requirements.txt", Array("demo-lib==1.0 --hash=sha256:\(try await sha256(of: wheel))\n".utf8))
            let hashed = try await python.run("pip", ["install", "--index-url", index, "--target", work.path("t-hash"), "--require-hashes", "-r", requirements])
            #expect(hashed.status == 0, "pip --require-hashes: \(hashed.stderr)")
            _ = try work.write("requirements.txt", Array("demo-lib==1.0 --hash=sha256:\(String(repeating: "0", count: 64))\n".utf8))
            let wrongHash = try await python.run("pip", ["install", "--index-url", index, "--target", work.path("t-bad"), "--require-hashes", "-r", requirements])
            #expect(wrongHash.status != 0 && wrongHash.stderr.contains("HASHES"), "a wrong pinned hash must fail: \(wrongHash.stderr)")

            let sdist = try await python.run("pip", ["install", "--index-url", index, "--target", work.path("t-sdist"),
                                                     "--no-binary", "demo-lib", "demo-lib==1.0"])
            #expect(sdist.status == 0, "pip install from sdist: \(sdist.stderr)")
            #expect(PythonClients.installedVersion(work.path("t-sdist"), module: "demo_lib") == "1.0")

            let legacy = try await python.run("pip", ["install", "-i", "\(server.url)/repo/pypi/py/", "--target", work.path("t-legacy"), "demo-lib==1.0"])
            #expect(legacy.status == 0, "pip -i /repo/pypi/py/: \(legacy.stderr)")

            let download = try await python.run("pip", ["download", "--index-url", index, "--no-deps", "--dest", work.path("dl"), "demo-lib==2.0"])
            #expect(download.status == 0, "pip download: \(download.stderr)")
            let fetched = try #require(try FileManager.default.contentsOfDirectory(atPath: work.path("dl")).first)
            #expect(try Workspace.bytes(at: work.path("dl/" + fetched)) == Workspace.bytes(at: try #require(files.first { $0.hasSuffix(fetched) })))

            // Resolution from PEP 658 metadata alone: two projects never downloaded before (so no cache holds
            // them), their wheel bytes made unreadable on the server; a dry-run install still resolves both.
            let lazy = try await python.make("lazy", ["--project", "lazy-lib", "--version", "1.0"])
                + (try await python.make("lazy", ["--project", "lazy-app", "--version", "1.0", "--requires", "lazy-lib>=1.0"]))
            for file in lazy {
                #expect(try await put(file, to: "\(server.url)/pypi/py/\(URL(fileURLWithPath: file).lastPathComponent)").code == 201)
            }
            try corruptPackageBlobs(server.dataDirectory, lazy)
            let dryRun = try await python.run("pip", ["install", "--dry-run", "--ignore-installed", "--report", work.path("report.json"),
                                                      "--index-url", index, "--target", work.path("t-dry"), "lazy-app"])
            #expect(dryRun.status == 0, "pip --dry-run from metadata: \(dryRun.stderr)")
            let report = try String(contentsOfFile: work.path("report.json"), encoding: .utf8)
            #expect(report.contains("\"lazy-lib\"") && report.contains("\"lazy-app\""), "report: \(report.prefix(500))")
            let broken = try await python.run("pip", ["download", "--index-url", index, "--no-deps", "--dest", work.path("dl2"), "lazy-lib==1.0"])
            #expect(broken.status != 0, "downloading a corrupted wheel must fail (proves the dry run never read one)")
        }
    }

    // Goal: the simple API's HTTP contract: negotiation, redirects, 404s, Vary, and the hidden metadata file.
    @Test func simpleAPIContract() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let python = try PythonClients(work)
        let files = try await python.make("dists", ["--project", "Zope.Interface", "--version", "6.0"])
        try await EndToEndTests.withServer(binary, work) { server in
            let wheel = try #require(files.first)
            let name = URL(fileURLWithPath: wheel).lastPathComponent
            #expect(try await put(wheel, to: "\(server.url)/pypi/py/\(name)").code == 201)
            let project = "\(server.url)/pypi/py/simple/zope-interface/"
            let json = try await headers(project, accept: "application/vnd.pypi.simple.v1+json")
            #expect(json.code == 200 && json.headers["content-type"] == "application/vnd.pypi.simple.v1+json", "\(json)")
            #expect(json.headers["vary"] == "Accept")
            let html = try await headers(project, accept: "text/html")
            #expect(html.code == 200 && html.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(html.headers["etag"] != json.headers["etag"])
            #expect(try await headers(project, accept: "application/vnd.pypi.simple.v1+html").headers["content-type"] == "application/vnd.pypi.simple.v1+html")
            #expect(try await headers(project, accept: "image/png").code == 406)
            let redirect = try await headers("\(server.url)/pypi/py/simple/Zope.Interface/", accept: nil)
            #expect(redirect.code == 301 && redirect.headers["location"] == "/pypi/py/simple/zope-interface/")
            #expect(try await headers("\(server.url)/pypi/py/simple/zope-interface", accept: nil).code == 301)
            #expect(try await headers("\(server.url)/pypi/py/simple/nothing/", accept: nil).code == 404)
            #expect(try await headers("\(server.url)/pypi/nope/simple/zope-interface/", accept: nil).code == 404)
            let reserved = try await put(wheel, to: "\(server.url)/pypi/py/other-1.0-py3-none-any.whl.metadata")
            #expect(reserved.code == 403, "a .metadata name is reserved: \(reserved)")
            let metadata = try await fetchText("\(server.url)/pypi/py/\(name).metadata")
            #expect(metadata.hasPrefix("Metadata-Version: 2.1\nName: Zope.Interface\n"))
            let listing = try await fetchText("\(server.url)/pypi/py/")
            #expect(listing.contains(name) && !listing.contains(".metadata"))
            let page = try await fetchText(project)
            #expect(page.contains("data-core-metadata=\"sha256=\(SHA256Digest(of: Array(metadata.utf8)).hex)\""))
        }
    }

    // Goal: twine uploads with and without the token, --skip-existing on a conflict, a wrong sha256_digest is
    // refused, and yank/unyank through the CLI change what pip picks.
    @Test func twineUploadAndYank() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let python = try PythonClients(work)
        let first = try await python.make("v1", ["--project", "tw", "--version", "1.0", "--version", "1.1", "--sdist"])
        let changed = try await python.make("v1b", ["--project", "tw", "--version", "1.0", "--summary", "other bytes"])
        let token = "s3cret-token"
        try await EndToEndTests.withServer(binary, work, uploadToken: token) { server in
            let repository = "\(server.url)/pypi/tw/"
            let anonymous = try await python.run("twine", ["upload", "--repository-url", repository, "-u", "__token__", "-p", "wrong"] + first)
            #expect(anonymous.status != 0, "twine with a wrong token must fail")
            #expect(try await headers("\(server.url)/pypi/tw/simple/tw/", accept: nil).code == 404, "nothing published")

            let upload = try await python.run("twine", ["upload", "--repository-url", repository, "-u", "__token__", "-p", token] + first)
            #expect(upload.status == 0, "twine upload: \(upload.stdout)\n\(upload.stderr)")
            let again = try await python.run("twine", ["upload", "--repository-url", repository, "-u", "__token__", "-p", token] + first)
            #expect(again.status == 0, "re-uploading identical files succeeds: \(again.stdout)")

            let conflict = try await python.run("twine", ["upload", "--repository-url", repository, "-u", "__token__", "-p", token] + changed)
            #expect(conflict.status != 0 && (conflict.stdout + conflict.stderr).contains("409"), "\(conflict.stdout)\n\(conflict.stderr)")
            // twine 6.2 and 7 refuse --skip-existing for any index but pypi.org before sending; 6.1 sends and skips on 409.
            let skipped = try await python.run("twine6/bin/twine", ["upload", "--skip-existing", "--repository-url", repository,
                                                        "-u", "__token__", "-p", token] + changed)
            #expect(skipped.status == 0, "--skip-existing: \(skipped.stdout)\n\(skipped.stderr)")

            // A sha256_digest that disagrees with the content: 400, nothing stored.
            let extra = try await python.make("v2", ["--project", "tw", "--version", "2.0"])
            let form = ["-F", ":action=file_upload", "-F", "name=tw", "-F", "version=2.0", "-F", "sha256_digest=\(String(repeating: "a", count: 64))",
                        "-F", "content=@\(extra[0])", "-u", "__token__:\(token)"]
            let digest = try await curl(form + [repository])
            #expect(digest.code == 400 && digest.body.contains("sha256_digest"), "\(digest)")
            let declared = try await curl(["-F", ":action=file_upload", "-F", "name=other", "-F", "content=@\(extra[0])", "-u", "__token__:\(token)", repository])
            #expect(declared.code == 400, "a declared name that disagrees: \(declared)")
            #expect(!(try await fetchText("\(server.url)/pypi/tw/simple/tw/")).contains("2.0"))
            let remove = try await curl(["-F", ":action=remove_pkg", "-F", "content=@\(extra[0])", "-u", "__token__:\(token)", repository])
            #expect(remove.code == 400 && remove.body.contains("file_upload"), "\(remove)")
            let noFile = try await curl(["-F", ":action=file_upload", "-F", "name=tw", "-u", "__token__:\(token)", repository])
            #expect(noFile.code == 400 && noFile.body.contains("content"), "\(noFile)")
            let notMultipart = try await curl(["-X", "POST", "-d", "x=1", "-u", "__token__:\(token)", repository])
            #expect(notMultipart.code == 400, "\(notMultipart)")

            let cli = ["--server", server.url, "--token", token, "--repo", "tw"]
            let yank = try await run(["yank"] + cli + ["tw", "1.1", "--reason", "broken build"], executable: binary)
            #expect(yank.status == 0, "artifactfs yank: \(yank.stderr)")
            let page = try await fetchText("\(server.url)/pypi/tw/simple/tw/")
            #expect(page.contains("data-yanked=\"broken build\">tw-1.1"), "\(page)")
            let unpinned = try await python.run("pip", ["install", "--index-url", "\(server.url)/pypi/tw/simple/", "--target", work.path("t1"), "--only-binary", ":all:", "tw"])
            #expect(unpinned.status == 0 && PythonClients.installedVersion(work.path("t1"), module: "tw") == "1.0", "yanked 1.1 skipped: \(unpinned.stderr)")
            let pinned = try await python.run("pip", ["install", "--index-url", "\(server.url)/pypi/tw/simple/", "--target", work.path("t2"), "tw==1.1"])
            #expect(pinned.status == 0 && PythonClients.installedVersion(work.path("t2"), module: "tw") == "1.1", "pinned yanked 1.1: \(pinned.stderr)")
            #expect(pinned.stderr.contains("yanked"), "pip warns about the yank: \(pinned.stderr)")
            let unyank = try await run(["unyank"] + cli + ["tw", "1.1"], executable: binary)
            #expect(unyank.status == 0)
            #expect(!(try await fetchText("\(server.url)/pypi/tw/simple/tw/")).contains("data-yanked"))
            let noToken = try await run(["yank", "--server", server.url, "--repo", "tw", "tw", "1.1"], executable: binary)
            #expect(noToken.status != 0, "yank needs the token")
        }
    }

    // Goal: each kind of bad distribution gets a clear 400 over HTTP, and the published index stays byte-identical.
    @Test func badDistributionsAreRefused() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let python = try PythonClients(work)
        let good = try await python.make("good", ["--project", "ok", "--version", "1.0"])
        let bad = try await BadDistributions.make(python, good: good[0])
        try await EndToEndTests.withServer(binary, work) { server in
            #expect(try await put(good[0], to: "\(server.url)/pypi/py/\(URL(fileURLWithPath: good[0]).lastPathComponent)").code == 201)
            let before = try await fetchText("\(server.url)/pypi/py/simple/index.json")
            for (file, name, reason) in bad {
                let answer = try await put(file, to: "\(server.url)/pypi/py/\(name)")
                #expect(answer.code == 400, "\(name): \(answer.code) \(answer.body)")
                #expect(answer.body.contains(reason), "\(name): expected '\(reason)' in \(answer.body)")
                #expect(try await headers("\(server.url)/pypi/py/\(name)", accept: nil).code == 404, "\(name) must not appear")
            }
            #expect(try await fetchText("\(server.url)/pypi/py/simple/index.json") == before)
        }
    }
}

extension PyPIEndToEndTests {
    // Goal: a pypiserver packages directory moves over with `artifactfs import` (one spelling per distribution,
    // duplicates refused), the older `/addpkg?provider=pypi` upload checks the declared name and version, and
    // twine uploads to a server without a token whatever credentials it sends.
    @Test func importAndAddpkg() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let python = try PythonClients(work)
        let packages = try await python.make("packages", ["--project", "moved", "--version", "1.0", "--version", "1.1", "--sdist"])
        try FileManager.default.copyItem(atPath: packages[1], toPath: work.path("packages/Moved-1.0.tar.gz"))
        let data = work.path("data")
        let imported = try await run(["import", "--data", data, "--provider", "pypi", "--repo", "old", work.path("packages")], executable: binary)
        #expect(imported.status == 1 && imported.stdout.contains("4 stored, 0 unchanged, 1 rejected"), "\(imported.stdout)\n\(imported.stderr)")
        let server = try await ServerProcess.start(binary: binary, dataDirectory: data)
        do {
            let page = try await fetchText(server.url + "/pypi/old/simple/moved/")
            #expect(page.components(separatedBy: "<a ").count - 1 == 4, "\(page)")
            let extra = try await python.make("extra", ["--project", "moved", "--version", "2.0"])
            let wrong = try await curl(["-F", "f=@\(extra[0])", server.url + "/addpkg?provider=pypi&reponame=old&name=moved&version=2.1"])
            #expect(wrong.code == 400 && wrong.body.contains("2.1"), "\(wrong)")
            let right = try await curl(["-F", "f=@\(extra[0])", server.url + "/addpkg?provider=pypi&reponame=old&name=Moved&version=2.0.0"])
            #expect(right.code == 201, "\(right)")
            #expect(try await fetchText(server.url + "/pypi/old/simple/moved/").contains("moved-2.0-py3-none-any.whl"))
            // Without a token configured, twine's credentials are not checked (pypiserver's `-a .`).
            let open = try await python.make("open", ["--project", "moved", "--version", "3.0"])
            let twine = try await python.run("twine", ["upload", "--repository-url", server.url + "/pypi/old/", "-u", "anyone", "-p", "x"] + open)
            #expect(twine.status == 0, "\(twine.stdout)\n\(twine.stderr)")
            #expect(try await fetchText(server.url + "/pypi/old/simple/moved/").contains("moved-3.0-py3-none-any.whl"))
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
    }
}

/// Broken distributions, each with the file name to upload it under and a word the refusal must contain.
enum BadDistributions {
    static func make(_ python: PythonClients, good: String) async throws -> [(file: String, name: String, reason: String)] {
        let script = """
        import sys, zipfile, zlib
        out = sys.argv[1]
        with zipfile.ZipFile(out + "/notawheel.zip", "w") as z: z.writestr("hello.txt", "hi")
        with zipfile.ZipFile(out + "/nometa.zip", "w") as z:
            z.writestr("ok/__init__.py", "")
            z.writestr("ok-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\n")
        with zipfile.ZipFile(out + "/bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("ok-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: ok\\nVersion: 1.0\\n")
            z.writestr("ok-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\n")
            with z.open("ok/zeros.bin", "w", force_zip64=True) as f:
                block = bytes(1 << 20)
                for _ in range(600): f.write(block)
        """
        let out = python.work.path("bad")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let made = try await python.run("python", ["-c", script, out])
        guard made.status == 0 else { throw E2EFailure("building bad distributions: \(made.stderr)") }
        return [
            (out + "/notawheel.zip", "ok-1.0-cp311-none-any.whl", "dist-info"),
            (good, "other-1.0-py3-none-any.whl", "other"),
            (good, "ok-1.1-py3-none-any.whl", "1.1"),
            (out + "/nometa.zip", "ok-1.0-py2-none-any.whl", "METADATA"),
            (good, "ok-1.0.whl", "ok-1.0.whl"),
            (good, "ok-1.0-py3-none-any.egg", "egg"),
            (out + "/bomb.zip", "ok-1.0-py3-none-manylinux1_x86_64.whl", "decompress"),
        ]
    }
}

/// Overwrites each file's blob in the server's local store with garbage of the same length.
func corruptPackageBlobs(_ dataDirectory: String, _ files: [String]) throws {
    for file in files {
        let hex = SHA256Digest(of: try Workspace.bytes(at: file)).hex
        let blob = "\(dataDirectory)/blobs/sha256/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
        let size = try Workspace.bytes(at: blob).count
        try Data(repeating: 0x42, count: size).write(to: URL(fileURLWithPath: blob))
    }
}

/// A HEAD-like GET that keeps the status and response headers (lower-cased names).
func headers(_ url: String, accept: String?) async throws -> (code: Int, headers: [String: String]) {
    var arguments = ["-s", "-o", "/dev/null", "-D", "-", url]
    if let accept { arguments += ["-H", "Accept: \(accept)"] }
    let result = try await run(arguments, executable: Tools.curl)
    var code = 0
    var fields: [String: String] = [:]
    for line in result.stdout.split(separator: "\r\n") {
        if line.hasPrefix("HTTP/") { code = Int(line.split(separator: " ")[1]) ?? 0; continue }
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return (code, fields)
}

/// Runs curl with `arguments` and returns the HTTP code and body.
func curl(_ arguments: [String]) async throws -> (code: Int, body: String) {
    let result = try await run(["-s", "-o", "-", "-w", "\n%{http_code}"] + arguments, executable: Tools.curl)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}
