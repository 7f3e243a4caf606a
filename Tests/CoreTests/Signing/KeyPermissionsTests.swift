// The startup check of the key directory: refuses what other users could read or change, names the fix.
import Core
import CoreTesting
import Foundation
import Testing

@Suite struct KeyPermissionsTests {
    /// A key tree as gpg leaves it: homes 0700, secret keys 0600, the public keyring 0644.
    static func makeTree(_ root: String) throws {
        try KeyPermissions.prepare(root)
        let home = root + "/apt/repo"
        try FileManager.default.createDirectory(atPath: home + "/private-keys-v1.d", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        chmod(root + "/apt", 0o700)
        chmod(home, 0o700)
        for (file, mode) in [("/private-keys-v1.d/ABC.key", 0o600), ("/pubring.kbx", 0o644), ("/trustdb.gpg", 0o600), ("/gpg.conf", 0o600)] {
            #expect(FileManager.default.createFile(atPath: home + file, contents: Data("x".utf8), attributes: [.posixPermissions: mode]))
        }
    }

    // Goal: a missing root is made 0700; a tree as gpg leaves it passes (the public keyring may be 0644).
    @Test func privateTreePasses() throws {
        let scratch = ScratchDirectory()
        let root = scratch.file("data/keys")
        try Self.makeTree(root)
        var status = stat()
        #expect(stat(root, &status) == 0 && status.st_mode & 0o777 == 0o700)
        #expect(KeyPermissions.problems(root) == [])
        try KeyPermissions.prepare(root)
    }

    // Goal: an open directory, a readable secret key, a writable file and a symbolic link are each refused, with
    // the path and the chmod (or removal) that fixes it.
    @Test(arguments: [
        ("/apt/repo", 0o755, "is a key directory accessible by group or others (mode 0755); fix: chmod 700"),
        ("", 0o750, "is a key directory accessible by group or others (mode 0750); fix: chmod 700"),
        ("/apt/repo/private-keys-v1.d/ABC.key", 0o644, "holds secret key material and is accessible by group or others (mode 0644); fix: chmod 600"),
        ("/apt/repo/private-keys-v1.d/ABC.key", 0o640, "holds secret key material and is accessible by group or others (mode 0640); fix: chmod 600"),
        ("/apt/repo/pubring.kbx", 0o666, "is writable by group or others (mode 0666); fix: chmod go-w"),
    ])
    func exposedPathsAreRefused(relative: String, mode: Int, message: String) throws {
        let scratch = ScratchDirectory()
        let root = scratch.file("keys")
        try Self.makeTree(root)
        let path = root + relative
        #expect(chmod(path, mode_t(mode)) == 0)
        let problems = KeyPermissions.problems(root)
        #expect(problems == ["\(path) \(message) '\(path)'"])
        #expect(throws: SigningError.self) { try KeyPermissions.prepare(root) }
    }

    // Goal: the layout earlier versions created (`keys` and `keys/apt` at 0755) is tightened to 0700 and passes;
    // any other mode of those two is still refused.
    @Test func legacyDirectoriesAreTightened() throws {
        let scratch = ScratchDirectory()
        let root = scratch.file("keys")
        try Self.makeTree(root)
        for directory in [root, root + "/apt"] { #expect(chmod(directory, 0o755) == 0) }
        #expect(try KeyPermissions.prepare(root) == [root, root + "/apt"])
        for directory in [root, root + "/apt"] {
            var status = stat()
            #expect(stat(directory, &status) == 0 && status.st_mode & 0o777 == 0o700)
        }
        #expect(chmod(root + "/apt", 0o775) == 0)
        #expect(throws: SigningError.self) { try KeyPermissions.prepare(root) }
    }

    // Goal: a symbolic link below the root is refused (it could lead to a directory nobody checked).
    @Test func symbolicLinksAreRefused() throws {
        let scratch = ScratchDirectory()
        let root = scratch.file("keys")
        try Self.makeTree(root)
        try FileManager.default.createSymbolicLink(atPath: root + "/apt/elsewhere", withDestinationPath: scratch.path)
        #expect(KeyPermissions.problems(root).first?.contains("/apt/elsewhere is a symbolic link") == true)
    }
}
