// The startup check of `<data>/keys`: secret key material must be out of other users' reach, or nothing starts.
import Foundation

/// Checks the directory tree holding the signing keys. Rules, each with the `chmod` that fixes it:
/// - every directory is private to its owner (no group or other bits: `chmod 700`), so nothing inside can
///   even be reached by another user;
/// - secret key material (files in `private-keys-v1.d/`, `secring.gpg`, revocation certificates in
///   `openpgp-revocs.d/`) is 0600 besides (`chmod 600`), so a loosened directory alone does not expose it;
/// - no file is writable by group or others (`chmod go-w`). gpg itself writes the public keyring and its
///   lock files with the process umask (0644), which is fine: they hold nothing secret;
/// - nothing below the root is a symbolic link, which could lead outside the checked tree.
public enum KeyPermissions {
    /// Creates `root` (mode 0700, parents as needed) when it is missing, then throws unless it passes `problems`.
    /// Versions before the check created `root` and `root/apt` with mode 0755; those two, when they still have
    /// exactly that mode and belong to this user, are tightened to 0700 first (the returned paths, for the log)
    /// so an upgrade does not stop at a directory the server itself made.
    @discardableResult
    public static func prepare(_ root: String) throws(SigningError) -> [String] {
        try GnuPGHome.createPrivateDirectory(root)
        let tightened = [root, root + "/apt"].filter(tightenLegacyDirectory)
        let found = problems(root)
        guard found.isEmpty else {
            throw SigningError("refusing to start: the signing keys are exposed to other users\n" + found.joined(separator: "\n"))
        }
        return tightened
    }

    /// chmod 700 on a directory this user owns whose mode is exactly 0755 (what earlier versions created).
    private static func tightenLegacyDirectory(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, status.st_mode & 0o7777 == 0o755,
              status.st_uid == geteuid() else { return false }
        return chmod(path, 0o700) == 0
    }

    /// One line per broken rule under `root` (the root itself followed if it is a link), each naming the path
    /// and the command that fixes it; empty when everything is private.
    public static func problems(_ root: String) -> [String] {
        var found: [String] = []
        var status = stat()
        guard stat(root, &status) == 0 else { return ["\(root): cannot inspect: \(POSIXFailure(op: "stat", path: root))"] }
        guard status.st_mode & S_IFMT == S_IFDIR else { return ["\(root) is not a directory"] }
        check(root, status, secret: false, into: &found)
        walk(root, secret: false, into: &found)
        return found
    }

    private static func walk(_ directory: String, secret: Bool, into found: inout [String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted() {
            let path = directory + "/" + name
            var status = stat()
            // An entry can vanish meanwhile (a gpg-agent socket or lock file): nothing to check then.
            guard lstat(path, &status) == 0 else { continue }
            let holdsSecrets = secret || name == "private-keys-v1.d" || name == "openpgp-revocs.d"
            check(path, status, secret: holdsSecrets || name == "secring.gpg", into: &found)
            if status.st_mode & S_IFMT == S_IFDIR { walk(path, secret: holdsSecrets, into: &found) }
        }
    }

    private static func check(_ path: String, _ status: stat, secret: Bool, into found: inout [String]) {
        let mode = status.st_mode & 0o7777
        let octal = String(mode, radix: 8).leftPadded(to: 4)
        let quoted = "'" + path.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        switch status.st_mode & S_IFMT {
        case S_IFDIR where mode & 0o077 != 0:
            found.append("\(path) is a key directory accessible by group or others (mode \(octal)); fix: chmod 700 \(quoted)")
        case S_IFREG where secret && mode & 0o077 != 0:
            found.append("\(path) holds secret key material and is accessible by group or others (mode \(octal)); fix: chmod 600 \(quoted)")
        case S_IFREG where mode & 0o022 != 0:
            found.append("\(path) is writable by group or others (mode \(octal)); fix: chmod go-w \(quoted)")
        case S_IFLNK:
            found.append("\(path) is a symbolic link; the key directory must hold its files itself (remove the link)")
        default:
            break
        }
    }
}
