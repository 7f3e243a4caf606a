// What the kernel is told about an inode: type, permissions, size, times, owner.
import Foundation

/// Attributes of one inode. `permissions` never includes the file type bits.
public struct NodeAttributes: Equatable, Sendable {
    public var inode: UInt64
    public var isDirectory: Bool
    public var permissions: UInt16
    public var linkCount: UInt32
    public var size: Int64
    public var modified: Date
    public var uid: UInt32
    public var gid: UInt32

    /// `st_mode`: type bits and permissions.
    public var mode: UInt32 { (isDirectory ? UInt32(S_IFDIR) : UInt32(S_IFREG)) | UInt32(permissions) }
}

/// The owner every node reports (the mount's `uid=`/`gid=` options, else the server's own ids).
public struct Ownership: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public init(uid: UInt32 = getuid(), gid: UInt32 = getgid()) {
        self.uid = uid
        self.gid = gid
    }
}

/// Changes a `setattr` asks for; nil fields stay as they are.
public struct AttributeChanges: Sendable, Equatable {
    public var size: Int64?
    public var permissions: UInt16?
    public var modified: Date?
    /// chown: accepted and ignored (every node reports the mount's owner), so `rsync -a` does not fail.
    public var ownerChanged = false

    public init(size: Int64? = nil, permissions: UInt16? = nil, modified: Date? = nil, ownerChanged: Bool = false) {
        self.size = size
        self.permissions = permissions
        self.modified = modified
        self.ownerChanged = ownerChanged
    }
}

/// One readdir entry: its name, attributes, and the cookie that resumes the listing after it.
public struct DirectoryEntry: Sendable, Equatable {
    public let name: String
    public let attributes: NodeAttributes
    public let cookie: UInt64
}

/// What opening a file decided.
public struct OpenedFile: Sendable, Equatable {
    public let handle: UInt64
    /// Generated files change under a stable inode: bypass the page cache.
    public let directIO: Bool
    /// Package files never change under an inode: keep cached pages across opens.
    public let keepCache: Bool
}

/// An error that is an errno by nature (not a domain failure), e.g. ENOTDIR.
public struct ErrnoError: Error, Equatable, Sendable {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }
}
