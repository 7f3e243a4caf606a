// `artifactfs mount`: the filesystem without the HTTP exporter (a mount-only node, or /etc/fstab).
import ArgumentParser
import ArtifactFS
import Foundation

struct MountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount the repositories at DIR without serving HTTP (foreground; SIGINT/SIGTERM unmount).")

    @Option(help: "Data directory. Env ARTIFACTFS_DATA.")
    var data: String?

    @OptionGroup var flags: MountFlags

    @Flag(help: "Mount, then detach into the background once the mount is up (what mount(8) helpers do).")
    var background = false

    @Argument(help: "Mount point (created if missing).")
    var mountPoint: String

    func run() throws {
        if background { try MountHelper.detach(CommandLine.arguments.filter { $0 != "--background" }, mountPoint: mountPoint) }
        let logger = Bootstrap.makeLogger("artifactfs")
        let dataDirectory = data ?? ProcessInfo.processInfo.environment["ARTIFACTFS_DATA"] ?? "./data"
        let bootstrap = try Bootstrap(dataDirectory: dataDirectory, logger: logger)
        let session = try bootstrap.mount(at: mountPoint, options: try flags.resolved(), handleSignals: true, logger: logger)
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

    /// Starts the same command in its own session and exits 0 once the mount point is mounted (or fails
    /// with the child's exit status).
    static func detach(_ arguments: [String], mountPoint: String) throws -> Never {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = Array(arguments.dropFirst())
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = FileHandle.nullDevice
        try child.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !child.isRunning { Foundation.exit(child.terminationStatus == 0 ? 1 : child.terminationStatus) }
            if isMounted(mountPoint) { Foundation.exit(0) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        FileHandle.standardError.write(Data("artifactfs: \(mountPoint) was not mounted within 30 s\n".utf8))
        Foundation.exit(1)
    }

    static func isMounted(_ path: String) -> Bool {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
        return table.split(separator: "\n").contains { $0.split(separator: " ").count > 4 && $0.split(separator: " ")[4] == absolute }
    }
}
