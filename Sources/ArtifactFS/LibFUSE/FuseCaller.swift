// The process behind a FUSE request: the kernel names the calling thread, the model wants its process.
import CFuse3
import Foundation

enum FuseCaller {
    /// The process (thread group id) of the thread that made `req`, or nil when it cannot be told: the
    /// kernel sends 0 for a caller outside the server's pid namespace, and /proc may not show it.
    /// Asked only while the caller is blocked in its system call, so its /proc entry exists.
    static func process(of req: fuse_req_t?) -> Int32? {
        guard let context = fuse_req_ctx(req), context.pointee.pid > 0 else { return nil }
        return threadGroup(of: context.pointee.pid)
    }

    /// The `Tgid:` line of /proc/THREAD/status (a thread's own id also names a /proc entry, unlisted).
    static func threadGroup(of thread: pid_t) -> Int32? {
        let fd = open("/proc/\(thread)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)  // Tgid is the fourth line, well within the first KiB
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Tgid:") }) else { return nil }
        return Int32(line.dropFirst("Tgid:".count).trimmingCharacters(in: .whitespaces))
    }
}
