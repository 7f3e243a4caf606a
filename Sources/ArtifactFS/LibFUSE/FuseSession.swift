// A mounted libfuse session: mount, run the multi-threaded loop on its own thread, unmount.
import CFuse3
import Core
import Foundation
import Logging
import Synchronization

/// Mount options a user can choose.
public struct MountOptions: Sendable {
    /// Let other users (Samba's guest, an NFS server) see the mount.
    public var allowOther = false
    /// Let the kernel check permissions against the reported modes (on whenever allowOther is).
    public var defaultPermissions = false
    public var ownership = Ownership()
    public init() {}
}

/// Owns one FUSE session. `mount` returns once the kernel accepted the mount; `unmount` ends the loop.
public final class FuseSession: @unchecked Sendable {
    // @unchecked: `session` is set once in mount() before the loop thread starts and read-only after.
    let fileSystem: ArtifactFileSystem
    let logger: Logger
    let dataDirectory: String
    public let mountPoint: String
    private var session: OpaquePointer?
    private let finished = DispatchSemaphore(value: 0)
    private let live = Atomic<Bool>(false)
    /// Kernel notifications run here, never on a request thread (one could wait on the inode being invalidated).
    let notifications = DispatchQueue(label: "artifactfs.fuse.notify")

    public init(fileSystem: ArtifactFileSystem, mountPoint: String, dataDirectory: String, logger: Logger) {
        self.fileSystem = fileSystem
        self.mountPoint = mountPoint
        self.dataDirectory = dataDirectory
        self.logger = logger
    }

    /// Mounts and starts serving. Clears a stale mount (left by a crash) first.
    public func mount(_ options: MountOptions, handleSignals: Bool = false) throws {
        try StaleMount.clear(mountPoint, logger: logger)
        var flags = ["fsname=artifactfs", "subtype=artifactfs"]
        if options.allowOther { flags.append("allow_other") }
        if options.defaultPermissions || options.allowOther { flags.append("default_permissions") }
        let arguments = ["artifactfs", "-o", flags.joined(separator: ",")]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var ops = FuseOperations.table()
        let userdata = Unmanaged.passUnretained(self).toOpaque()
        let created = argv.withUnsafeMutableBufferPointer { buffer -> OpaquePointer? in
            var args = cfs_args(Int32(arguments.count), buffer.baseAddress)
            return fuse_session_new(&args, &ops, MemoryLayout<fuse_lowlevel_ops>.size, userdata)
        }
        guard let session = created else { throw MountError("cannot create a FUSE session (is /dev/fuse there?)") }
        guard fuse_session_mount(session, mountPoint) == 0 else {
            fuse_session_destroy(session)
            throw MountError("cannot mount \(mountPoint)")
        }
        if handleSignals { fuse_set_signal_handlers(session) }
        self.session = session
        live.store(true, ordering: .releasing)
        fileSystem.onEntryChanged { [weak self] parent, name in self?.invalidateEntry(parent: parent, name: name) }
        fileSystem.repositories.observePublishes { [weak self] published in self?.invalidate(published.nodes) }
        nonisolated(unsafe) let loopSession = session
        let thread = Thread { [self] in
            let session = loopSession
            let status = cfs_session_loop_mt(session, 16)
            live.store(false, ordering: .releasing)
            notifications.sync {}
            if handleSignals { fuse_remove_signal_handlers(session) }
            fuse_session_unmount(session)
            fuse_session_destroy(session)
            logger.notice("unmounted", metadata: ["fuse.mountpoint": "\(mountPoint)", "fuse.loop.status": "\(status)"])
            finished.signal()
        }
        thread.name = "artifactfs.fuse.loop"
        thread.start()
        logger.notice("mounted", metadata: ["fuse.mountpoint": "\(mountPoint)"])
    }

    /// Blocks until the loop ended (an unmount, or a signal when `handleSignals`).
    public func wait() { finished.wait(); finished.signal() }

    /// Unmounts (lazily, so open files do not keep the process alive) and waits for the loop to end.
    public func unmount() {
        guard live.load(ordering: .acquiring) else { return }
        StaleMount.detach(mountPoint)
        if finished.wait(timeout: .now() + 10) == .timedOut {
            logger.warning("FUSE loop did not end within 10 s of the unmount", metadata: ["fuse.mountpoint": "\(mountPoint)"])
        } else {
            finished.signal()
        }
    }

    // MARK: - Kernel cache invalidation

    func invalidate(_ nodes: [NodeID]) {
        notifications.async { [self] in
            guard live.load(ordering: .acquiring), let session else { return }
            for node in nodes { _ = fuse_lowlevel_notify_inval_inode(session, UInt64(node), 0, 0) }
        }
    }

    func invalidateEntry(parent: UInt64, name: String) {
        notifications.async { [self] in
            guard live.load(ordering: .acquiring), let session else { return }
            _ = name.withCString { fuse_lowlevel_notify_inval_entry(session, parent, $0, strlen($0)) }
        }
    }

    static func from(_ req: fuse_req_t?) -> FuseSession {
        Unmanaged<FuseSession>.fromOpaque(fuse_req_userdata(req)!).takeUnretainedValue()
    }
}

/// A mount that could not be set up.
public struct MountError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Detects and clears a mount point whose FUSE server died ("Transport endpoint is not connected", or
/// "Software caused connection abort" when the connection was aborted).
enum StaleMount {
    static func clear(_ mountPoint: String, logger: Logger) throws {
        let status = cfs_stat_errno(mountPoint)
        if status == 0 {
            if MountTable.contains(mountPoint) { throw MountError("\(mountPoint) is already mounted") }
            return
        }
        switch status {
        case ENOTCONN, ECONNABORTED:  // the server died, or its connection was aborted
            logger.warning("clearing a stale mount left by a previous process", metadata: ["fuse.mountpoint": "\(mountPoint)"])
            detach(mountPoint)
        case ENOENT:
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        default:
            throw MountError("\(mountPoint): \(String(cString: strerror(status)))")
        }
    }

    /// Lazy unmount: root uses umount2 directly, everyone else fusermount3.
    static func detach(_ mountPoint: String) {
        if getuid() == 0, umount2(mountPoint, Int32(MNT_DETACH)) == 0 { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/fusermount3")
        process.arguments = ["-u", "-z", mountPoint]
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
    }
}

