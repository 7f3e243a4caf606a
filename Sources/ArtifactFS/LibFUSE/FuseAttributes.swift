// Conversions between the model's attribute types and libfuse's C structs.
import CFuse3
import Foundation

enum FuseAttributes {
    /// Seconds the kernel may cache attributes and names: short (generated files change), never zero.
    static let timeoutSeconds = 1.0
    /// Process start: the generation of staged inodes, whose numbers restart with the process.
    static let stagedGeneration = UInt64(Date().timeIntervalSince1970)

    static func stat(_ attributes: NodeAttributes) -> stat {
        var st = Glibc.stat()
        st.st_ino = UInt(attributes.inode)
        st.st_mode = attributes.mode
        st.st_nlink = UInt(attributes.linkCount)
        st.st_size = Int(attributes.size)
        // cp and other tools size their buffers from st_blksize: 1 MiB means one FUSE write per MiB, not per 128 KiB.
        st.st_blksize = 1 << 20
        st.st_blocks = Int((attributes.size + 511) / 512)
        st.st_uid = attributes.uid
        st.st_gid = attributes.gid
        let seconds = attributes.modified.timeIntervalSince1970
        let spec = timespec(tv_sec: Int(seconds.rounded(.down)), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        st.st_mtim = spec
        st.st_ctim = spec
        st.st_atim = spec
        return st
    }

    static func entry(_ attributes: NodeAttributes) -> fuse_entry_param {
        var entry = fuse_entry_param()
        entry.ino = attributes.inode
        entry.generation = attributes.inode >= ArtifactFileSystem.stagedInodeBase ? stagedGeneration : 1
        entry.attr = stat(attributes)
        entry.attr_timeout = timeoutSeconds
        entry.entry_timeout = timeoutSeconds
        return entry
    }

    /// The changes a setattr call asks for, from libfuse's `to_set` bits.
    static func changes(_ attr: UnsafeMutablePointer<Glibc.stat>, toSet: Int32) -> AttributeChanges {
        var changes = AttributeChanges()
        if toSet & cfs_set_attr_size != 0 { changes.size = Int64(attr.pointee.st_size) }
        if toSet & cfs_set_attr_mode != 0 { changes.permissions = UInt16(attr.pointee.st_mode & 0o7777) }
        if toSet & cfs_set_attr_mtime_now != 0 {
            changes.modified = Date()
        } else if toSet & cfs_set_attr_mtime != 0 {
            let t = attr.pointee.st_mtim
            changes.modified = Date(timeIntervalSince1970: Double(t.tv_sec) + Double(t.tv_nsec) / 1e9)
        }
        if toSet & (cfs_set_attr_uid | cfs_set_attr_gid) != 0 { changes.ownerChanged = true }
        return changes
    }
}
