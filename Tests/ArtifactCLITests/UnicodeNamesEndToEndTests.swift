// Look-alike names against the real binary: curl over HTTP (the hostile run's scenario and its class) and cp through the mount.
import CoreTesting
import Foundation
import Testing

@Suite(.serialized) struct UnicodeNamesEndToEndTests {
    /// GETs (or HEADs) `path` from `server` with curl, sending the request target byte for byte (`--request-target`:
    /// curl would percent-encode raw UTF-8 in a URL); returns the status, the body's bytes and the Location header.
    static func fetch(_ server: String, _ path: String, token: String? = nil, head: Bool = false, in work: Workspace) async throws
        -> (code: Int, bytes: [UInt8], location: String?) {
        let body = work.path("body-\(UUID().uuidString)"), headers = work.path("headers-\(UUID().uuidString)")
        var arguments = ["-s", "--request-target", path, "-o", body, "-D", headers, "-w", "%{http_code}", server + "/"]
        if head { arguments.insert("-I", at: 0) }
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        let result = try await run(arguments, executable: Tools.curl)
        let bytes = (try? Workspace.bytes(at: body)) ?? []
        let headerText = (try? String(contentsOfFile: headers, encoding: .utf8)) ?? ""
        let location = headerText.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") }.map(String.init)
        return (Int(result.stdout) ?? 0, bytes, location)
    }

    /// `%E2%84%AA`-style encoding of every byte outside unreserved ASCII.
    static func percentEncoded(_ segment: String, lowercase: Bool = false) -> String {
        segment.utf8.map { byte in
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "-._~".utf8.contains(byte)
            return unreserved ? String(UnicodeScalar(byte)) : String(format: lowercase ? "%%%02x" : "%%%02X", byte)
        }.joined()
    }

    /// The percent-encoded request targets of `/tar/<repository>/<file>`, in upper- and lowercase hex (as curl
    /// writes a URL with raw UTF-8), directly and under `/repo/`.
    static func paths(_ repository: String, _ file: String) -> [String] {
        let upper = "/tar/\(percentEncoded(repository))/\(percentEncoded(file))"
        let lower = "/tar/\(percentEncoded(repository, lowercase: true))/\(percentEncoded(file, lowercase: true))"
        return [upper, lower, "/repo" + upper, "/repo" + lower]
    }

    /// The request targets with raw UTF-8 bytes: the HTTP parser refuses them (400) before any lookup.
    static func rawPaths(_ repository: String, _ file: String) -> [String] {
        ["/tar/\(repository)/\(file)", "/repo/tar/\(repository)/\(file)"]
    }

    // Goal: the hostile run's exact scenario and its class against the real server: after a token holder reads
    // /tar/Kpriv/secret-1.0.tar.gz, no anonymous look-alike request (U+212A for K, percent-encoded or raw, directly or
    // under /repo/, GET or HEAD) returns its bytes or a redirect; anonymous look-alike requests for a public file
    // leave the real path serving it; NFC and NFD uploads through /addpkg are two packages with their own bytes. Raw
    // UTF-8 in the request target is refused by the HTTP parser (400) before anything is looked up.
    @Test func lookAlikeSpellingsOverHTTP() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let admin = try await AccessEndToEndTests.addToken(binary, work.path("data"), "admin")
        let secret = try await work.tarball("secret-1.0.tar.gz", seed: 700)
        let tool = try await work.tarball("Kit-1.0.tar.gz", seed: 701)
        let nfcFile = try await work.tarball("nfc.tar.gz", seed: 702), nfdFile = try await work.tarball("nfd.tar.gz", seed: 703)
        try await EndToEndTests.withServer(binary, work) { server in
            let create = try await run(["repo", "create", "--server", server.url, "--provider", "tar", "--private", "Kpriv", "--token", admin],
                                       executable: binary)
            #expect(create.status == 0, "\(create.stderr)")
            #expect(try await put(secret, to: server.url + "/tar/Kpriv/secret-1.0.tar.gz", token: admin).code == 201)
            #expect(try await put(tool, to: server.url + "/tar/Kpub/Kit-1.0.tar.gz", token: admin).code == 201)
            let secretBytes = try Workspace.bytes(at: secret), toolBytes = try Workspace.bytes(at: tool)

            let read = try await Self.fetch(server.url, "/tar/Kpriv/secret-1.0.tar.gz", token: admin, in: work)
            #expect(read.code == 200 && read.bytes == secretBytes, "the token holder reads it (and the caches hold it)")
            let spellings = [(Self.paths("\u{212A}priv", "secret-1.0.tar.gz"), 404), (Self.rawPaths("\u{212A}priv", "secret-1.0.tar.gz"), 400)]
            for (urls, status) in spellings {
                for url in urls {
                    for head in [false, true] {
                        let anonymous = try await Self.fetch(server.url, url, head: head, in: work)
                        #expect(anonymous.code == status && anonymous.bytes != secretBytes && anonymous.location == nil, "\(url) head=\(head)")
                    }
                }
            }
            let direct = try await Self.fetch(server.url, "/tar/Kpriv/secret-1.0.tar.gz", in: work)
            #expect(direct.code == 401 && direct.bytes != secretBytes)

            let publicSpellings = Self.paths("\u{212A}pub", "Kit-1.0.tar.gz") + Self.paths("Kpub", "\u{212A}it-1.0.tar.gz")
                + Self.rawPaths("\u{212A}pub", "Kit-1.0.tar.gz")
            for url in publicSpellings {
                #expect([400, 404].contains(try await Self.fetch(server.url, url, in: work).code), "\(url)")
                let real = try await Self.fetch(server.url, "/tar/Kpub/Kit-1.0.tar.gz", in: work)
                #expect(real.code == 200 && real.bytes == toolBytes, "the real path still serves the file after \(url)")
            }

            let names = ["\u{E9}.tar.gz", "e\u{301}.tar.gz"]
            for (name, file) in zip(names, [nfcFile, nfdFile]) {
                let upload = try await run(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(admin)",
                                            "-F", "f=@\(file);filename=\(name)",
                                            server.url + "/addpkg?provider=tar&reponame=spell&name=accent&version=1.0"], executable: Tools.curl)
                #expect(upload.stdout == "201", "upload \(name.debugDescription): \(upload.stdout)")
            }
            for (name, file) in zip(names, [nfcFile, nfdFile]) {
                for url in Self.paths("spell", name) {
                    let got = try await Self.fetch(server.url, url, in: work), expected = try Workspace.bytes(at: file)
                    #expect(got.code == 200 && got.bytes == expected, "\(url)")
                }
            }
        }
    }
}

extension MountTests {
    // Goal: through the kernel, names are bytes as on ext4: cp to the NFC and the NFD spelling of one name makes two
    // files, as do two files written at once under Å and U+212B ANGSTROM SIGN; `ls` shows exactly the names given,
    // each holds its own bytes (through the mount and over HTTP); a name with a bidirectional control, an invisible
    // character or bytes that are not UTF-8 is refused with "Invalid argument" and leaves nothing behind (no U+FFFD
    // look-alike either).
    @Test func lookAlikeNamesAreTwoFiles() async throws {
        try await Self.withMount { m in
            let debs = DebBuilder(work: m.work)
            var files: [String] = []
            for package in ["accent-nfc", "accent-nfd", "ring", "angstrom"] { files.append(try await debs.build(package, "1.0", "all")) }
            let pool = m.mount + "/apt/spell/pool/d/main"
            try await m.shell("mkdir -p \(pool)")
            let names = ["\u{E9}.deb", "e\u{301}.deb", "\u{C5}.deb", "\u{212B}.deb"]
            for index in 0..<2 { try await m.shell("cp \(files[index]) '\(pool)/\(names[index])'") }
            // Two files open at once, so both are staged together: one inode for both names would mix their bytes.
            try await m.shell("exec 3>'\(pool)/\(names[2])' 4>'\(pool)/\(names[3])'; cat \(files[2]) >&3; cat \(files[3]) >&4; exec 3>&- 4>&-")
            let listed = try await m.shell("ls -1 \(pool)").stdout.split(separator: "\n").map { Array($0.utf8) }
            #expect(listed.count == 4 && names.allSatisfy { listed.contains(Array($0.utf8)) }, "ls: \(listed)")
            for (name, deb) in zip(names, files) {
                try await m.shell("cmp \(deb) '\(pool)/\(name)'")
                let http = try await m.http("/apt/spell/pool/d/main/" + UnicodeNamesEndToEndTests.percentEncoded(name))
                let expected = try Workspace.bytes(at: deb)
                #expect(http == expected, "\(name.debugDescription) over HTTP")
            }
            let first = files[0]

            for name in [#""$(printf 'evil\342\200\256gpj.deb')""#, #""$(printf 'caf\351.deb')""#, #""$(printf 'zero\342\200\213width.deb')""#] {
                let refused = try await m.shell("cp \(first) \(pool)/\(name)", expectFailure: true)
                #expect(refused.stderr.contains("Invalid argument"), "cp to \(name): \(refused.stderr)")
            }
            let after = try await m.shell("ls -1 \(pool)").stdout.split(separator: "\n")
            #expect(after.count == 4 && !after.contains { $0.unicodeScalars.contains("\u{FFFD}") }, "\(after)")
        }
    }
}
