// Mount options shared by `serve` and `mount`, and the step that builds and mounts the filesystem.
import ArgumentParser
import ArtifactFS
import Core
import Foundation
import Logging

struct MountFlags: ParsableArguments {
    @Flag(name: .customLong("allow-other"), help: "Let other users (Samba, NFS servers) see the mount; implies default_permissions.")
    var allowOther = false

    @Option(name: .customLong("options"), help: "Comma-separated mount options: allow_other, default_permissions, uid=N, gid=N.")
    var mountOptions: String?

    /// The options, with `-o`-style ones merged in (unknown generic ones such as rw or _netdev are ignored).
    func resolved() throws -> MountOptions {
        try Self.options(from: mountOptions ?? "", allowOther: allowOther)
    }

    /// Parses comma-separated `-o`-style options (also the config file's `mount.options`).
    static func options(from text: String, allowOther: Bool) throws -> MountOptions {
        var options = MountOptions()
        options.allowOther = allowOther
        for option in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !option.isEmpty {
            let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
            switch (parts[0], parts.count == 2 ? parts[1] : nil) {
            case ("allow_other", nil): options.allowOther = true
            case ("default_permissions", nil): options.defaultPermissions = true
            case ("uid", let value?):
                guard let uid = UInt32(value) else { throw ValidationError("uid= needs a number") }
                options.ownership.uid = uid
            case ("gid", let value?):
                guard let gid = UInt32(value) else { throw ValidationError("gid= needs a number") }
                options.ownership.gid = gid
            default:
                continue
            }
        }
        return options
    }
}

extension Bootstrap {
    /// Builds the filesystem over this data directory and mounts it at `mountPoint`.
    func mount(at mountPoint: String, options: MountOptions, handleSignals: Bool, logger: Logger) throws -> FuseSession {
        var configuration = ArtifactFileSystem.Configuration()
        configuration.ownership = options.ownership
        let fileSystem = ArtifactFileSystem(repositories: repositories, configuration: configuration, logger: logger)
        let session = FuseSession(fileSystem: fileSystem, mountPoint: mountPoint, dataDirectory: dataDirectory, logger: logger)
        try session.mount(options, handleSignals: handleSignals)
        return session
    }
}
