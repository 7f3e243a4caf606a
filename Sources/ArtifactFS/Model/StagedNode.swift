// A file being written through the mount: its spool file, its name, and who still holds it.
import Core
import Foundation

/// State of one staged inode. Owned by `ArtifactFileSystem.State`; mutated only under its lock.
struct StagedNode {
    let inode: UInt64
    var parent: NodeID
    var name: String
    var file: StagedFile
    var permissions: UInt16 = 0o644
    var modified = Date()
    var openHandles = 0
    /// Open handles that may write; only the close of the last one ingests (NFS servers keep several).
    var writers = 0
    /// Kernel references (lookup count); the node is dropped when this and `openHandles` reach zero
    /// after it lost its name.
    var lookups: UInt64 = 0
    /// Bytes changed since the last ingest attempt (a new file counts as changed).
    var dirty = true
    /// True while an ingest of this node runs (flush on one fd, release on another).
    var ingesting = false
    /// The package it became; later getattr/setattr on this inode go there.
    var ingestedAs: NodeID?
    /// Whether a name in a directory still leads here.
    var linked = true

    var isTemporary: Bool { Filename.isTemporaryName(name) }
}

/// What an open file handle refers to.
enum OpenHandle {
    /// A stored blob (package or generated file), read as it was when opened, with the attributes it had then
    /// (what `getattr` answers for it after the file is deleted, until the handle is released).
    case blob(any BlobReader, NodeAttributes)
    /// A staged inode; only writable handles ingest when they close, and only on a close by `opener`, the
    /// process that opened it (nil: unknown, any close counts).
    case staged(UInt64, writable: Bool, opener: Int32?)
}
