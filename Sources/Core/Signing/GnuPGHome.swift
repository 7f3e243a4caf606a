// The files around gpgme: a private home directory, its gpg.conf, the agent socket limit, stopping the agent.
import Foundation

/// File-system side of a GnuPG home: creation with mode 0700, the fixed configuration, agent shutdown, removal.
enum GnuPGHome {
    /// Longest socket path `bind()` accepts on Linux (`sun_path` is 108 bytes with the NUL).
    static let socketPathBytesMax = 107

    /// What gpg reads from the home: signatures with SHA-512 (gpg 2.2 picks SHA-256 for ed25519 otherwise),
    /// no network, no prompts, no trust-database work, and armored output without version or comment lines.
    static let gpgConf = """
        # Written by artifactfs: this home holds one unattended signing key.
        no-greeting
        batch
        no-tty
        pinentry-mode loopback
        personal-digest-preferences SHA512 SHA384 SHA256
        cert-digest-algo SHA512
        default-preference-list SHA512 SHA384 SHA256 AES256 AES192 AES ZLIB BZIP2 ZIP Uncompressed
        trust-model always
        no-auto-key-retrieve
        no-emit-version
        no-comments

        """

    /// The agent must accept passphrases from gpg (the loopback callback refuses them, so no prompt ever shows).
    static let agentConf = """
        # Written by artifactfs.
        allow-loopback-pinentry

        """

    /// Makes `path` absolute against the current directory and drops a trailing slash.
    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// Creates `path` with mode 0700 (its parents as needed) unless it exists; checks nothing about it.
    static func createPrivateDirectory(_ path: String) throws(SigningError) {
        let parent = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw SigningError("cannot create directory \(parent): \(error)")
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw SigningError("cannot create directory \(path): \(POSIXFailure(op: "mkdir", path: path))")
        }
    }

    /// Creates `path` (and missing parents) with mode 0700, then refuses it unless it is a directory owned by us
    /// that group and others cannot access.
    static func makePrivateDirectory(_ path: String) throws(SigningError) {
        try createPrivateDirectory(path)
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw SigningError("cannot inspect \(path): \(POSIXFailure(op: "lstat", path: path))")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw SigningError("\(path) exists and is not a directory") }
        guard status.st_uid == getuid() else {
            throw SigningError("\(path) belongs to uid \(status.st_uid), not to this process (uid \(getuid()))")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw SigningError("\(path) is accessible by group or others (mode \(String(permissions, radix: 8))); "
                               + "it holds secret keys: chmod 700 it")
        }
    }

    /// Refuses a home whose agent socket path would be too long for `bind()`: gpg puts the sockets in the home
    /// unless `/run/user/<uid>` exists, and then fails to start its agent.
    static func checkSocketPath(_ home: String) throws(SigningError) {
        let socket = home + "/S.gpg-agent.extra"
        guard socket.utf8.count > socketPathBytesMax else { return }
        var isDirectory: ObjCBool = false
        let runtimeDirectory = "/run/user/\(getuid())"
        if FileManager.default.fileExists(atPath: runtimeDirectory, isDirectory: &isDirectory), isDirectory.boolValue {
            return
        }
        throw SigningError("GnuPG home \(home) is too long: its agent socket \(socket) would exceed "
                           + "\(socketPathBytesMax) bytes and \(runtimeDirectory) does not exist; use a shorter data path")
    }

    /// Creates a usable home at `home`: checks, directory, configuration files.
    static func prepare(_ home: String) throws(SigningError) {
        try checkSocketPath(home)
        try makePrivateDirectory(home)
        try writeIfChanged(home + "/gpg.conf", gpgConf)
        try writeIfChanged(home + "/gpg-agent.conf", agentConf)
    }

    /// A new empty home next to `home` (same parent, a name starting with `.`) for trying out key material.
    static func makeTemporarySibling(of home: String) throws(SigningError) -> String {
        let parent = (home as NSString).deletingLastPathComponent
        let suffix = UInt32.random(in: 0...UInt32.max)
        let path = parent + "/.try-" + String(suffix, radix: 16)
        try prepare(path)
        return path
    }

    /// Writes `text` to `path` (mode 0600) unless it already holds exactly that.
    private static func writeIfChanged(_ path: String, _ text: String) throws(SigningError) {
        let bytes = Data(text.utf8)
        if FileManager.default.contents(atPath: path) == bytes { return }
        do {
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } catch {
            throw SigningError("cannot write \(path): \(error)")
        }
    }

    /// Stops every GnuPG daemon (gpg-agent) of `home` and waits briefly for its socket to go away.
    /// Does nothing when gpgconf is not installed.
    static func stopAgent(_ home: String) {
        guard let gpgconf = ["/usr/bin/gpgconf", "/usr/local/bin/gpgconf", "/bin/gpgconf"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gpgconf)
        process.arguments = ["--homedir", home, "--kill", "all"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return }
        process.waitUntilExit()
        // gpgconf returns once the agent accepted KILLAGENT; the agent removes its socket as it exits.
        let deadline = Date().addingTimeInterval(2)
        while FileManager.default.fileExists(atPath: home + "/S.gpg-agent") && Date() < deadline {
            usleep(10_000)
        }
    }

    /// Stops the home's agent, then deletes the directory and everything in it.
    static func remove(_ home: String) {
        stopAgent(home)
        try? FileManager.default.removeItem(atPath: home)
    }
}
