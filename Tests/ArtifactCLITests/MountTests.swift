// The mount with real tools: ls, stat, cat, cp, rsync, rm, mkdir/rmdir against a live server, compared with HTTP.
import CoreTesting
import Foundation
import Testing

/// Skipped, with this message, on machines without /dev/fuse.
let fuseAvailable = FileManager.default.fileExists(atPath: "/dev/fuse")

@Suite(.serialized, .enabled(if: fuseAvailable, "needs /dev/fuse (FUSE is not available on this machine)"))
struct MountTests {
    /// A server with its mount, the repository `r` created by mkdir, and tools run against both.
    struct Mounted {
        let work: Workspace
        let server: ServerProcess
        var mount: String { work.path("mnt") }
        var repo: String { mount + "/tar/r" }

        static func start(_ work: Workspace, extraArguments: [String] = []) async throws -> Mounted {
            let server = try await ServerProcess.start(binary: try EndToEndTests.binary(), dataDirectory: work.path("data"),
                                                       extraArguments: ["--mount", work.path("mnt")] + extraArguments)
            let mounted = Mounted(work: work, server: server)
            try await mounted.shell("mkdir \(mounted.repo)")
            return mounted
        }

        /// Runs a shell command line; fails the test with its output unless it exits 0.
        @discardableResult
        func shell(_ command: String, expectFailure: Bool = false) async throws -> (status: Int32, stdout: String, stderr: String) {
            let result = try await run(["-c", command], executable: "/bin/sh")
            if expectFailure {
                #expect(result.status != 0, "\(command) should fail")
            } else if result.status != 0 {
                throw E2EFailure("\(command) exited \(result.status): \(result.stderr)\nserver log:\n\(server.log.text)")
            }
            return result
        }

        func http(_ path: String) async throws -> [UInt8] {
            let out = work.path("http-\(UUID().uuidString)")
            try await shell("curl -sf -o \(out) \(server.url)\(path)")
            return try Workspace.bytes(at: out)
        }

        func stop() async throws {
            let end = try await server.stop()
            #expect(end.status == 0, "server log:\n\(server.log.text)")
            #expect(!(try String(contentsOfFile: "/proc/mounts", encoding: .utf8)).contains(mount), "still mounted after SIGTERM")
        }
    }

    static func withMount(extraArguments: [String] = [], _ body: (Mounted) async throws -> Void) async throws {
        let work = try Workspace()
        defer { work.remove() }
        let mounted = try await Mounted.start(work, extraArguments: extraArguments)
        do { try await body(mounted) } catch { mounted.server.forceKill(); throw error }
        try await mounted.stop()
    }

    // Goal: the apt flow through the mount: mkdir -p creates repository, dist and component; cp of .debs
    // publishes signed indexes apt-get trusts (a new package is in InRelease within 1 s); a bad .deb fails cp
    // and vanishes; rm republishes; generated files are read-only.
    @Test func aptThroughTheMount() async throws {
        try await Self.withMount { m in
            let debs = DebBuilder(work: m.work)
            let first = try await debs.build("mounted", "1.0-1", "amd64")
            let second = try await debs.build("mounted-data", "2:0.5~rc1", "all")
            let pool = m.mount + "/apt/deb/pool/bookworm/main"
            try await m.shell("mkdir -p \(pool) && cp \(first) \(pool)/")
            try await m.shell("cp \(second) \(pool)/mounted-data_0.5~rc1_all.deb")
            let copied = Date()
            let packagesPath = m.mount + "/apt/deb/dists/bookworm/main/binary-amd64/Packages"
            var listed = false
            // Polls with a long deadline; the 1 s promise is checked on the publish's own time (the generated
            // file's mtime), which a busy test machine cannot skew the way a late poll can.
            while !listed, Date().timeIntervalSince(copied) < 20 {
                listed = (try? String(contentsOfFile: packagesPath, encoding: .utf8))?.contains("Package: mounted-data\n") ?? false
                if !listed { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(listed, "the new package was not in the indexes")
            let published = try FileManager.default.attributesOfItem(atPath: packagesPath)[.modificationDate] as? Date
            #expect(try #require(published).timeIntervalSince(copied) < 1, "published more than 1 s after cp returned")
            let inRelease = try String(contentsOfFile: m.mount + "/apt/deb/dists/bookworm/InRelease", encoding: .utf8)
            #expect(String(decoding: try await m.http("/apt/deb/dists/bookworm/InRelease"), as: UTF8.self) == inRelease)

            // apt's gpgv runs as _apt, which a mount without allow_other keeps out: copy the keyring out first.
            let keyring = m.work.path("deb.gpg")
            try await m.shell("cp \(m.mount)/apt/deb/keyring.gpg \(keyring) && chmod 644 \(keyring)")
            let apt = try IsolatedApt(m.work)
            try apt.writeSource("deb [signed-by=\(keyring)] \(m.server.url)/apt/deb bookworm main")
            let update = try await apt.aptGet(["update"])
            #expect(update.status == 0, "apt-get update: \(update.stderr)")
            let download = try await apt.aptGet(["download", "mounted", "mounted-data"])
            #expect(download.status == 0, "apt-get download: \(download.stderr)")

            let bad = try m.work.write("broken.deb", Array("!<arch>\nnot really\n".utf8))
            let refused = try await m.shell("cp \(bad) \(pool)/", expectFailure: true)
            #expect(refused.stderr.contains("Invalid argument"), "\(refused.stderr)")
            #expect(try !FileManager.default.contentsOfDirectory(atPath: pool).contains("broken.deb"))
            try await m.shell("echo x > \(m.mount)/apt/deb/dists/bookworm/Release", expectFailure: true)

            try await m.shell("rm \(pool)/mounted_1.0-1_amd64.deb")
            try await Task.sleep(for: .milliseconds(800))
            let after = try String(contentsOfFile: m.mount + "/apt/deb/dists/bookworm/main/binary-amd64/Packages", encoding: .utf8)
            #expect(!after.contains("Package: mounted\n") && after.contains("Package: mounted-data\n"))
        }
    }

    // Goal: a PyPI repository through the mount: mkdir, cp and rsync ingest, the simple index follows within
    // a second, `.metadata` opens by name but is not listed, a bad wheel fails cp, the index is read-only,
    // and pip installs from the same tree over HTTP.
    @Test func pypiThroughTheMount() async throws {
        try await Self.withMount { m in
            let python = try PythonClients(m.work)
            let dists = try await python.make("dists", ["--project", "Mounted", "--version", "1.0", "--version", "2.0", "--sdist"])
            let repo = m.mount + "/pypi/mnt"
            try await m.shell("mkdir \(repo) && cp \(dists[0]) \(repo)/ && rsync -a \(m.work.path("dists"))/ \(repo)/")
            let copied = Date()
            let page = repo + "/simple/mounted/index.html"
            var listed = false
            while !listed, Date().timeIntervalSince(copied) < 20 {
                listed = (try? String(contentsOfFile: page, encoding: .utf8)).map { text in dists.allSatisfy { text.contains(URL(fileURLWithPath: $0).lastPathComponent) } } ?? false
                if !listed { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(listed, "the simple page does not list every file")
            let published = try FileManager.default.attributesOfItem(atPath: page)[.modificationDate] as? Date
            #expect(try #require(published).timeIntervalSince(copied) < 1, "published more than 1 s after rsync returned")
            let wheel = URL(fileURLWithPath: dists[0]).lastPathComponent
            let metadata = try String(contentsOfFile: "\(repo)/\(wheel).metadata", encoding: .utf8)
            #expect(metadata.contains("Name: Mounted\n"))
            let names = try FileManager.default.contentsOfDirectory(atPath: repo).sorted()
            #expect(names == (dists.map { URL(fileURLWithPath: $0).lastPathComponent } + ["simple"]).sorted())
            #expect(try await m.http("/pypi/mnt/simple/mounted/") == Array(try String(contentsOfFile: page, encoding: .utf8).utf8))

            let bad = try m.work.write("bad-1.0-py3-none-any.whl", Array("PK not a zip".utf8))
            let refused = try await m.shell("cp \(bad) \(repo)/", expectFailure: true)
            #expect(refused.stderr.contains("Invalid argument"), "\(refused.stderr)")
            #expect(try !FileManager.default.contentsOfDirectory(atPath: repo).contains("bad-1.0-py3-none-any.whl"))
            try await m.shell("echo x > \(page)", expectFailure: true)
            try await m.shell("mkdir \(repo)/sub", expectFailure: true)

            let pip = try await python.run("pip", ["install", "--index-url", "\(m.server.url)/pypi/mnt/simple/", "--target", m.work.path("t"), "mounted"])
            #expect(pip.status == 0 && PythonClients.installedVersion(m.work.path("t"), module: "mounted") == "2.0", "pip: \(pip.stderr)")
            try await m.shell("rm \(repo)/\(URL(fileURLWithPath: dists[2]).lastPathComponent)")
            try await Task.sleep(for: .milliseconds(800))
            #expect(try !String(contentsOfFile: page, encoding: .utf8).contains(URL(fileURLWithPath: dists[2]).lastPathComponent))
        }
    }

    // Goal: cp into the mount ingests; the file reads back identically through the mount and over HTTP.
    @Test func copyInReadBackEverywhere() async throws {
        try await Self.withMount { m in
            let file = try await m.work.tarball("tool-1.0.tar.gz", seed: 1)
            try await m.shell("cp \(file) \(m.repo)/")
            try await m.shell("cmp \(file) \(m.repo)/tool-1.0.tar.gz")
            #expect(try await m.http("/tar/r/tool-1.0.tar.gz") == Workspace.bytes(at: file))
            let listing = try await m.shell("ls -la \(m.repo)").stdout
            #expect(listing.contains("tool-1.0.tar.gz") && listing.contains("SHA256SUMS"))
            let stat = try await m.shell("stat -c '%s %a %F' \(m.repo)/tool-1.0.tar.gz").stdout
            #expect(stat.trimmingCharacters(in: .whitespacesAndNewlines) == "\(try Workspace.bytes(at: file).count) 644 regular file")
            // The generated index lists it within a second and reads the same through both views.
            try await Task.sleep(for: .seconds(1))
            let sums = try await m.shell("cat \(m.repo)/SHA256SUMS").stdout
            #expect(sums.contains(try await sha256(of: file)))
            #expect(Array(sums.utf8) == (try await m.http("/tar/r/SHA256SUMS")))
            try await m.shell("touch \(m.repo)/SHA256SUMS", expectFailure: true)
            // statfs reports the data directory's disk; extended attributes answer ENODATA (what Samba expects).
            let blocks = try await m.shell("stat -f -c '%b %S' \(m.mount)").stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect(blocks.count == 2 && blocks[0] > 0 && blocks[1] > 0)
            let xattr = try await m.shell("python3 -c 'import os, errno, sys\ntry:\n    os.getxattr(sys.argv[1], \"user.x\")\nexcept OSError as e:\n    print(errno.errorcode[e.errno])' \(m.repo)/tool-1.0.tar.gz").stdout
            #expect(xattr.trimmingCharacters(in: .whitespacesAndNewlines) == "ENODATA")
        }
    }

    // Goal: a package deleted and an index replaced while a reader holds them open keep reading as they were at
    // open until the reader closes, also after the kernel's cached attributes expired (1 s) and fstat asked again.
    @Test func openFilesOutliveDeleteAndRepublish() async throws {
        try await Self.withMount { m in
            let file = try await m.work.tarball("held-1.0.tar.gz", seed: 11, noiseBytes: 4 << 20)
            try await m.shell("cp \(file) \(m.repo)/")
            try await Task.sleep(for: .seconds(1))
            let sums = m.work.path("sums-at-open")
            try await m.shell("cp \(m.repo)/SHA256SUMS \(sums) && grep -q held-1.0 \(sums)")
            let script = """
                import os, subprocess, sys, time
                package, index, url, out = sys.argv[1:5]
                fds = [os.open(package, os.O_RDONLY), os.open(index, os.O_RDONLY)]
                parts = [[os.read(fd, 10)] for fd in fds]
                subprocess.run(["curl", "-sf", "-o", "/dev/null", "-X", "DELETE", url], check=True)
                time.sleep(2.5)
                for fd, part in zip(fds, parts):
                    os.fstat(fd)
                    while chunk := os.read(fd, 1 << 20):
                        part.append(chunk)
                for name, part in zip(["package", "index"], parts):
                    with open(out + "." + name, "wb") as f:
                        f.write(b"".join(part))
                """
            try script.write(toFile: m.work.path("hold.py"), atomically: true, encoding: .utf8)
            let out = m.work.path("held")
            try await m.shell("python3 \(m.work.path("hold.py")) \(m.repo)/held-1.0.tar.gz \(m.repo)/SHA256SUMS "
                + "\(m.server.url)/tar/r/held-1.0.tar.gz \(out)")
            try await m.shell("cmp \(file) \(out).package && cmp \(sums) \(out).index")
            try await m.shell("test ! -e \(m.repo)/held-1.0.tar.gz")
            try await m.shell("! grep -q held-1.0 \(m.repo)/SHA256SUMS")
        }
    }

    // Goal: a bad file makes cp fail, leaves nothing behind, and the server keeps working.
    @Test func badFileIsRefused() async throws {
        try await Self.withMount { m in
            let bad = try m.work.write("bad-1.0.tar.gz", Array("not a tarball\n".utf8))
            let result = try await m.shell("cp \(bad) \(m.repo)/", expectFailure: true)
            #expect(result.stderr.contains("Invalid argument"))
            try await m.shell("test ! -e \(m.repo)/bad-1.0.tar.gz")
            #expect(m.server.log.text.contains("bad-1.0.tar.gz") && m.server.log.text.contains("package rejected"))
            let good = try await m.work.tarball("good-1.0.tar.gz", seed: 2)
            try await m.shell("cp \(good) \(m.repo)/")
            try await m.shell("cp \(try await m.work.tarball("other.tar.gz", seed: 3)) \(m.repo)/good-1.0.tar.gz", expectFailure: true)
            try await m.shell("cmp \(good) \(m.repo)/good-1.0.tar.gz")
        }
    }

    // Goal: a child that inherited the descriptor (any fork while the file is open) closes it first; that close
    // must not ingest what the parent is still writing, and the parent's own close still reports the outcome.
    @Test func closeInAnInheritingChildDoesNotIngest() async throws {
        try await Self.withMount { m in
            let good = try Workspace.bytes(at: try await m.work.tarball("inherit.tar.gz", seed: 4))
            let repo = m.repo
            let (goodClosed, badClosed) = try await offCooperativePool { () -> (Int32, Int32) in
                let half = good.count / 2
                let goodClose = Self.writeWithChildInBetween(repo + "/inherited-1.0.tar.gz", Array(good[..<half]), Array(good[half...]))
                let badClose = Self.writeWithChildInBetween(repo + "/garbage-1.0.tar.gz", Array("not a tarball\n".utf8), [])
                return (goodClose, badClose)
            }
            #expect(goodClosed == 0, "close of the complete file failed: errno \(goodClosed)\n\(m.server.log.text)")
            #expect(try Workspace.bytes(at: repo + "/inherited-1.0.tar.gz") == good)
            #expect(badClosed == EINVAL, "close of a refused file must fail with EINVAL, got errno \(badClosed)")
            #expect(!FileManager.default.fileExists(atPath: repo + "/garbage-1.0.tar.gz"))
        }
    }

    /// open, write `first`, let a child inherit the descriptor and exit (its close comes first), write `rest`,
    /// close: returns 0 or close's errno.
    static func writeWithChildInBetween(_ path: String, _ first: [UInt8], _ rest: [UInt8]) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return errno }
        _ = first.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var child: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        if posix_spawn(&child, "/bin/true", nil, nil, argv, environ) == 0 {
            var status: Int32 = 0
            waitpid(child, &status, 0)
        }
        _ = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        return close(fd) == 0 ? 0 : errno
    }

    // Goal: rsync -a of a directory ingests every file, and a second run transfers nothing.
    @Test func rsyncTwiceTransfersNothingTheSecondTime() async throws {
        try await Self.withMount { m in
            let source = m.work.path("src")
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            for i in 1...5 {
                let file = try await m.work.tarball("pkg-\(i).0.tar.gz", seed: UInt64(10 + i))
                try FileManager.default.moveItem(atPath: file, toPath: source + "/pkg-\(i).0.tar.gz")
            }
            let first = try await m.shell("rsync -a --stats \(source)/ \(m.repo)/").stdout
            #expect(first.contains("Number of regular files transferred: 5"))
            let second = try await m.shell("rsync -a --stats \(source)/ \(m.repo)/").stdout
            #expect(second.contains("Number of regular files transferred: 0"), "\(second)")
            let packages = try await m.http("/api/tar/r/packages")
            #expect(String(decoding: packages, as: UTF8.self).components(separatedBy: "\"filename\"").count - 1 == 5)
            try await m.shell("diff -r \(source) \(m.repo) --exclude=SHA256SUMS")
        }
    }

    // Goal: rm deletes a package everywhere; mkdir/rmdir create and remove repositories.
    @Test func removeAndDirectories() async throws {
        try await Self.withMount { m in
            let file = try await m.work.tarball("gone-1.0.tar.gz", seed: 4)
            try await m.shell("cp \(file) \(m.repo)/ && rm \(m.repo)/gone-1.0.tar.gz")
            let status = try await m.shell("curl -s -o /dev/null -w '%{http_code}' \(m.server.url)/tar/r/gone-1.0.tar.gz").stdout
            #expect(status == "404")
            try await m.shell("mkdir \(m.mount)/tar/second && test -d \(m.mount)/tar/second")
            #expect(String(decoding: try await m.http("/api/repos"), as: UTF8.self).contains("\"second\""))
            try await m.shell("cp \(file) \(m.mount)/tar/second/")
            try await m.shell("rmdir \(m.mount)/tar/second", expectFailure: true)
            try await m.shell("rm \(m.mount)/tar/second/gone-1.0.tar.gz && rmdir \(m.mount)/tar/second")
            try await m.shell("test ! -e \(m.mount)/tar/second")
            try await m.shell("mkdir \(m.repo)/sub", expectFailure: true)
            try await m.shell("mv \(m.repo)/SHA256SUMS \(m.repo)/x", expectFailure: true)
        }
    }

    // Goal: through the kernel, names that are not safe file names are refused by cp, mkdir and mv: control
    // characters and backslashes with "Invalid argument", names over 255 bytes (or a repository name over 64)
    // with "File name too long"; nothing of them is stored and the original of a failed mv stays.
    @Test func hostileNamesAreRefused() async throws {
        try await Self.withMount { m in
            let file = try await m.work.tarball("tool-1.0.tar.gz", seed: 31)
            try await m.shell("cp \(file) \(m.repo)/")
            let long = String(repeating: "x", count: 300) + "-1.0.tar.gz"
            let tooLong = try await m.shell("cp \(file) \(m.repo)/\(long)", expectFailure: true)
            #expect(tooLong.stderr.contains("File name too long"), "\(tooLong.stderr)")
            // Names go through printf inside double quotes, so the shell neither splits nor globs them.
            for name in [#""$(printf 'a\001b-1.0.tar.gz')""#, #""$(printf 'new\nline-1.0.tar.gz')""#, #"'back\slash-1.0.tar.gz'"#,
                         #""$(printf 'del\177-1.0.tar.gz')""#] {
                let refused = try await m.shell("cp \(file) \(m.repo)/\(name)", expectFailure: true)
                #expect(refused.stderr.contains("Invalid argument"), "cp to \(name): \(refused.stderr)")
                // rename(2) answers EINVAL, which mv words as "cannot move … to a subdirectory of itself".
                try await m.shell("mv \(m.repo)/tool-1.0.tar.gz \(m.repo)/\(name)", expectFailure: true)
            }
            for name in [#""$(printf 'bad\tname')""#, #"'a\b'"#, #""$(printf 'esc\033[31m')""#, #"'..\..'"#] {
                try await m.shell("mkdir \(m.mount)/tar/\(name)", expectFailure: true)
            }
            let longRepository = try await m.shell("mkdir \(m.mount)/tar/\(String(repeating: "r", count: 65))", expectFailure: true)
            #expect(longRepository.stderr.contains("File name too long"), "\(longRepository.stderr)")
            // Out of the repository: EXDEV, then mv's copy into a provider directory is refused, and the source stays.
            try await m.shell("mv \(m.repo)/tool-1.0.tar.gz \(m.mount)/tar/", expectFailure: true)
            try await m.shell("cmp \(file) \(m.repo)/tool-1.0.tar.gz")
            let names = try FileManager.default.contentsOfDirectory(atPath: m.repo).sorted()
            #expect(names == ["SHA256SUMS", "tool-1.0.tar.gz"], "\(names)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: m.mount + "/tar") == ["r"])
        }
    }

    // Goal: `uid=`/`gid=` set the owner every node reports, and with allow_other (which turns on
    // default_permissions) the kernel enforces the modes: another user reads but cannot create a file or a
    // repository, while the owner can.
    @Test(.enabled(if: getuid() == 0, "needs root (to mount with allow_other and to switch users)"))
    func ownersAndPermissionsAreEnforced() async throws {
        try await Self.withMount(extraArguments: ["--options", "allow_other,default_permissions,uid=4242,gid=4343"]) { m in
            let file = try await m.work.tarball("own-1.0.tar.gz", seed: 32)
            chmod(m.work.root.path, 0o755)
            let owners = try await m.shell("stat -c '%u:%g %a' \(m.mount) \(m.mount)/tar \(m.repo) \(m.repo)/SHA256SUMS").stdout
            #expect(owners.split(separator: "\n") == ["4242:4343 755", "4242:4343 755", "4242:4343 755", "4242:4343 444"], "\(owners)")
            let nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups"
            try await m.shell("\(nobody) cat \(m.repo)/SHA256SUMS")
            let denied = try await m.shell("\(nobody) sh -c 'cat > \(m.repo)/own-1.0.tar.gz' < \(file)", expectFailure: true)
            #expect(denied.stderr.contains("Permission denied"), "\(denied.stderr)")
            let noRepository = try await m.shell("\(nobody) mkdir \(m.mount)/tar/theirs", expectFailure: true)
            #expect(noRepository.stderr.contains("Permission denied"), "\(noRepository.stderr)")
            try await m.shell("test ! -e \(m.mount)/tar/theirs && test ! -e \(m.repo)/own-1.0.tar.gz")
            try await m.shell("setpriv --reuid=4242 --regid=4343 --clear-groups sh -c 'cat > \(m.repo)/own-1.0.tar.gz' < \(file)")
            try await m.shell("cmp \(file) \(m.repo)/own-1.0.tar.gz")
        }
    }

    // Goal: eight concurrent cp all land, each exactly once.
    @Test func eightConcurrentCopies() async throws {
        try await Self.withMount { m in
            var files: [String] = []
            for i in 1...8 { files.append(try await m.work.tarball("par-\(i).0.tar.gz", seed: UInt64(100 + i))) }
            // Eight processes started from here at once (a shell's `&` + `wait` hangs when the test runner
            // ignores SIGCHLD, which children inherit).
            let repo = m.repo
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for file in files { group.addTask { try await run([file, repo + "/"], executable: "/bin/cp").status } }
                for try await status in group { #expect(status == 0) }
            }
            for file in files { try await m.shell("cmp \(file) \(m.repo)/\((file as NSString).lastPathComponent)") }
            try await Task.sleep(for: .seconds(1))
            let sums = try await m.shell("cat \(m.repo)/SHA256SUMS").stdout
            #expect(sums.split(separator: "\n").count == 8)
        }
    }

    // Goal: inode numbers are catalogue ids: the same after an unmount and a new server process.
    @Test func inodesSurviveRemount() async throws {
        let work = try Workspace()
        defer { work.remove() }
        let first = try await Mounted.start(work)
        let file = try await work.tarball("tool-1.0.tar.gz", seed: 5)
        try await first.shell("cp \(file) \(first.repo)/")
        let before = try await first.shell("stat -c '%i %n' \(first.repo)/* \(first.repo)").stdout
        try await first.stop()
        let server = try await ServerProcess.start(binary: try EndToEndTests.binary(), dataDirectory: work.path("data"),
                                                   extraArguments: ["--mount", work.path("mnt")])
        let second = Mounted(work: work, server: server)
        let after = try await second.shell("stat -c '%i %n' \(second.repo)/* \(second.repo)").stdout
        #expect(before == after)
        try await second.stop()
    }

    // Goal: the mount(8) helper form (`artifactfs SOURCE DIR -o OPTIONS`, what an fstab line runs) returns once
    // mounted, leaves a working mount behind, and its process ends when the mount is unmounted.
    @Test func fstabHelperForm() async throws {
        let work = try Workspace()
        defer { work.remove() }
        let binary = try EndToEndTests.binary()
        let mount = work.path("mnt")
        let helper = try await run([work.path("data"), mount, "-o", "rw,nofail,_netdev,default_permissions"], executable: binary,
                                   timeout: .seconds(40))
        #expect(helper.status == 0, "\(helper.stderr)")
        let listing = try await run(["-c", "ls \(mount)"], executable: "/bin/sh")
        #expect(listing.stdout.split(separator: "\n") == ["apt", "pypi", "tar"])
        let unmount = try await run(["-u", mount], executable: "/bin/fusermount3")
        #expect(unmount.status == 0)
        var stillRunning = true
        for _ in 0..<100 where stillRunning {
            stillRunning = try await run(["-f", "mount --data \(work.path("data"))"], executable: "/usr/bin/pgrep").status == 0
            if stillRunning { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!stillRunning, "the mount process did not exit after fusermount3 -u")
    }
}
