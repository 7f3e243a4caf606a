// A failed system call, with errno captured at the point of failure.
import Foundation

/// A system call that failed: the call, the path it touched, and `errno` as it was right after.
public struct POSIXFailure: Error, CustomStringConvertible, Sendable {
    public let op: String
    public let path: String
    public let code: Int32

    public init(op: String, path: String, code: Int32 = errno) {
        self.op = op
        self.path = path
        self.code = code
    }

    /// True when the failure means the disk is full (`ENOSPC`, `EDQUOT`).
    public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }

    public var description: String { "\(op) \(path): \(String(cString: strerror(code)))" }
}
