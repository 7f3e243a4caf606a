// `artifactfs mount`: the filesystem without the HTTP exporter (a mount-only node, or /etc/fstab).
import ArgumentParser
import ArtifactFS
import Foundation

struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount the repositories at DIR without serving HTTP (foreground; SIGINT/SIGTERM unmount).")

    @OptionGroup var data: DataDirectoryOption

    @OptionGroup var flags: MountFlags

    @Flag(help: "Mount, then detach into the background once the mount is up (what mount(8) helpers do).")
    var background = false

    @Argument(help: "Mount point (created if missing; default: the config file's mount.path, else ARTIFACTFS_MOUNT).")
    var mountPoint: String?

    /// The mount flags over environment, config file and defaults (`Settings`).
    func settings() throws -> Settings {
        var layer = SettingsLayer()
        layer.mountPath = mountPoint
        layer.allowOther = flags.allowOther ? true : nil
        layer.mountOptions = flags.mountOptions
        return try data.settings(adding: layer)
    }

    func validate() throws {
        guard try settings().mountPath != nil else { throw ValidationError("a mount point is needed (argument, ARTIFACTFS_MOUNT or mount.path)") }
    }

    func run() throws {
        let settings = try settings()
        let dataDirectory = settings.dataDirectory
        let mountPoint = settings.mountPath!  // validate() refused a missing one
        if background {
            // The child runs in the foreground form, never with --background (it would detach again).
            var child = ["mount", "--data", dataDirectory, mountPoint]
            if let config = data.configPath { child += ["--config", config] }
            if flags.allowOther { child.append("--allow-other") }
            if let options = flags.mountOptions { child += ["--options", options] }
            try MountHelper.detach(child, mountPoint: mountPoint)
        }
        let logger = Bootstrap.makeLogger("artifactfs", level: settings.level)
        // A mount-only node publishes too: with the same apt settings and repositories as `serve`.
        let bootstrap = try Bootstrap(settings, logger: logger)
        defer { bootstrap.shutdown() }
        try bootstrap.startWriting(logger: logger)
        MemoryTrimmer.start()
        try bootstrap.apply(settings.repositories, logger: logger)
        let session = try bootstrap.mount(at: mountPoint, options: try settings.mountOptionsValue(), handleSignals: true, logger: logger)
        session.wait()
    }
}

/// The `mount.fuse3` convention: `artifactfs SOURCE MOUNTPOINT -o OPTIONS` mounts and returns once mounted.
enum MountHelper {
    /// Rewrites a helper-style command line into `mount --data SOURCE MOUNTPOINT --options OPTIONS --background`,
    /// or returns nil when the arguments are an ordinary subcommand invocation.
    static func rewrite(_ arguments: [String]) -> [String]? {
        guard arguments.count >= 2, let first = arguments.first, first.hasPrefix("/") || first.hasPrefix(".") else { return nil }
        var rewritten = ["mount", "--data", arguments[0], arguments[1], "--background"]
        var rest = arguments.dropFirst(2)
        while let next = rest.first {
            rest = rest.dropFirst()
            if next == "-o", let value = rest.first { rewritten += ["--options", value]; rest = rest.dropFirst() }
        }
        return rewritten
    }

    /// Starts `artifactfs <arguments>` (a foreground mount) and exits 0 once the mount point is mounted,
    /// or 1 when the child exits or 30 s pass first.
    static func detach(_ arguments: [String], mountPoint: String) throws -> Never {
        let child = Process()
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !child.isRunning { Foundation.exit(child.terminationStatus == 0 ? 1 : child.terminationStatus) }
            if MountTable.contains(mountPoint) { Foundation.exit(0) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        FileHandle.standardError.write(Data("artifactfs: \(mountPoint) was not mounted within 30 s\n".utf8))
        Foundation.exit(1)
    }
}

