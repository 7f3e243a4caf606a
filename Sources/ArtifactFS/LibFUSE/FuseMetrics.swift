// Counts FUSE requests and their error replies by operation, for /metrics.
import Core
import Foundation
import Metrics

enum FuseMetrics {
    static func count(_ operation: String) {
        Counter(label: ArtifactMetrics.fuseOperations, dimensions: [("operation", operation)]).increment()
    }

    /// An error reply; ENOENT from lookup is an ordinary answer (every shell PATH search makes some) but is
    /// counted too, by its errno, so dashboards can leave it out.
    static func countError(_ operation: String, _ code: Int32) {
        Counter(label: ArtifactMetrics.fuseErrors, dimensions: [("operation", operation), ("errno", name(of: code))]).increment()
    }

    /// The symbolic name of the errno values the filesystem returns; others by number.
    static func name(of code: Int32) -> String { names[code] ?? "errno-\(code)" }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EIO: "EIO", EBADF: "EBADF", EACCES: "EACCES", EEXIST: "EEXIST",
        EXDEV: "EXDEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", ENOSPC: "ENOSPC", EROFS: "EROFS",
        ENAMETOOLONG: "ENAMETOOLONG", ENOTEMPTY: "ENOTEMPTY", ENODATA: "ENODATA", EOPNOTSUPP: "EOPNOTSUPP",
        ESTALE: "ESTALE", ENOSYS: "ENOSYS", ERANGE: "ERANGE",
    ]
}
