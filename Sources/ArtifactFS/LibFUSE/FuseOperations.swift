// The libfuse low-level callbacks: copy the arguments, call the model, reply. Nothing else lives here.
import CFuse3
import Core
import Foundation

enum FuseOperations {
    /// Builds the ops table. Callbacks are non-capturing closures (C function pointers); the model comes
    /// from the request's userdata.
    static func table() -> fuse_lowlevel_ops {
        var ops = fuse_lowlevel_ops()
        ops.`init` = { userdata, conn in
            guard let conn else { return }
            cfs_conn_want(conn, cfs_cap_export_support)
            cfs_conn_want(conn, cfs_cap_atomic_o_trunc)
            // readdirplus only when the kernel sees lookups follow a listing (ls -l), plain readdir otherwise
            // (ls -f, rsync's directory scan): a plain entry is a sixth of the size, so a sixth of the requests.
            cfs_conn_want(conn, cfs_cap_readdirplus)
            cfs_conn_want(conn, cfs_cap_readdirplus_auto)
            // Writes must reach us in order as they happen; the kernel's writeback cache would reorder and delay them.
            cfs_conn_unwant(conn, cfs_cap_writeback_cache)
            // Otherwise the kernel asks getxattr("security.capability") before every write (we answer
            // ENODATA, which it does not cache): one extra round trip per write request.
            cfs_conn_want(conn, cfs_cap_handle_killpriv)
            cfs_conn_limits(conn, 1 << 20, 1 << 20)
        }
        ops.lookup = { req, parent, name in
            let raw = name!
            FuseOperations.reply(req, "lookup") { fs in
                var entry = FuseAttributes.entry(try fs.lookup(parent: parent, name: try KernelName.existing(raw)))
                fuse_reply_entry(req, &entry)
            }
        }
        ops.forget = { req, ino, count in
            FuseSession.from(req).fileSystem.forget(ino, count: count)
            fuse_reply_none(req)
        }
        ops.forget_multi = { req, count, forgets in
            let fs = FuseSession.from(req).fileSystem
            for i in 0..<count { fs.forget(forgets![i].ino, count: forgets![i].nlookup) }
            fuse_reply_none(req)
        }
        ops.getattr = { req, ino, _ in
            FuseOperations.reply(req, "getattr") { fs in
                var st = FuseAttributes.stat(try fs.getattr(ino))
                fuse_reply_attr(req, &st, FuseAttributes.timeoutSeconds)
            }
        }
        ops.setattr = { req, ino, attr, toSet, _ in
            let changes = FuseAttributes.changes(attr!, toSet: toSet)
            FuseOperations.reply(req, "setattr") { fs in
                var st = FuseAttributes.stat(try fs.setattr(ino, changes))
                fuse_reply_attr(req, &st, FuseAttributes.timeoutSeconds)
            }
        }
        ops.mknod = { req, parent, name, mode, _ in
            let raw = name!
            FuseOperations.reply(req, "mknod") { fs in
                let attributes = try fs.mknod(parent: parent, name: try KernelName.new(raw),
                                              permissions: UInt16(mode & 0o7777), isRegularFile: mode & cfs_s_ifmt == cfs_s_ifreg)
                var entry = FuseAttributes.entry(attributes)
                fuse_reply_entry(req, &entry)
            }
        }
        ops.mkdir = { req, parent, name, _ in
            let raw = name!
            FuseOperations.reply(req, "mkdir") { fs in
                var entry = FuseAttributes.entry(try fs.mkdir(parent: parent, name: try KernelName.new(raw)))
                fuse_reply_entry(req, &entry)
            }
        }
        ops.unlink = { req, parent, name in
            let raw = name!
            FuseOperations.reply(req, "unlink") { fs in
                try fs.unlink(parent: parent, name: try KernelName.existing(raw))
                fuse_reply_err(req, 0)
            }
        }
        ops.rmdir = { req, parent, name in
            let raw = name!
            FuseOperations.reply(req, "rmdir") { fs in
                try fs.rmdir(parent: parent, name: try KernelName.existing(raw))
                fuse_reply_err(req, 0)
            }
        }
        ops.rename = { req, parent, name, newParent, newName, flags in
            let raw = name!, rawNew = newName!
            FuseOperations.reply(req, "rename") { fs in
                try fs.rename(parent: parent, name: try KernelName.existing(raw), newParent: newParent,
                              newName: try KernelName.new(rawNew),
                              noReplace: flags & cfs_rename_noreplace != 0, exchange: flags & cfs_rename_exchange != 0)
                fuse_reply_err(req, 0)
            }
        }
        ops.open = { req, ino, fi in
            let flags = cfs_fi_flags(fi)
            FuseOperations.reply(req, "open") { fs in
                let writing = flags & O_ACCMODE != O_RDONLY  // only writers need their process (a /proc read)
                let opened = try fs.open(ino, flags: flags, opener: writing ? FuseCaller.process(of: req) : nil)
                cfs_fi_set_fh(fi, opened.handle)
                cfs_fi_set_direct_io(fi, opened.directIO ? 1 : 0)
                cfs_fi_set_keep_cache(fi, opened.keepCache ? 1 : 0)
                if fuse_reply_open(req, fi) != 0 { fs.release(handle: opened.handle) }
            }
        }
        ops.create = { req, parent, name, mode, fi in
            let raw = name!
            FuseOperations.reply(req, "create") { fs in
                let (attributes, opened) = try fs.create(parent: parent, name: try KernelName.new(raw),
                                                         permissions: UInt16(mode & 0o7777), opener: FuseCaller.process(of: req))
                cfs_fi_set_fh(fi, opened.handle)
                var entry = FuseAttributes.entry(attributes)
                if fuse_reply_create(req, &entry, fi) != 0 { fs.release(handle: opened.handle) }
            }
        }
        ops.read = { req, _, size, offset, fi in
            let handle = cfs_fi_fh(fi)
            FuseOperations.reply(req, "read") { fs in
                let bytes = try fs.read(handle: handle, offset: Int64(offset), size: size)
                bytes.withUnsafeBytes { _ = fuse_reply_buf(req, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count) }
            }
        }
        ops.write = { req, _, buffer, size, offset, fi in
            let handle = cfs_fi_fh(fi)
            let bytes = UnsafeRawBufferPointer(start: buffer, count: size)
            FuseOperations.reply(req, "write") { fs in
                fuse_reply_write(req, try fs.write(handle: handle, bytes: bytes, offset: Int64(offset)))
            }
        }
        ops.flush = { req, _, fi in
            let handle = cfs_fi_fh(fi)
            FuseOperations.reply(req, "flush") { fs in
                try fs.flush(handle: handle, closer: FuseCaller.process(of: req))
                fuse_reply_err(req, 0)
            }
        }
        ops.release = { req, _, fi in
            FuseMetrics.count("release")
            FuseSession.from(req).fileSystem.release(handle: cfs_fi_fh(fi))
            fuse_reply_err(req, 0)
        }
        ops.fsync = { req, _, _, fi in
            let handle = cfs_fi_fh(fi)
            FuseOperations.reply(req, "fsync") { fs in try fs.fsync(handle: handle); fuse_reply_err(req, 0) }
        }
        ops.fsyncdir = { req, ino, _, _ in
            FuseOperations.reply(req, "fsyncdir") { fs in try fs.fsyncDirectory(ino); fuse_reply_err(req, 0) }
        }
        ops.readdir = { req, ino, size, offset, _ in
            FuseOperations.reply(req, "readdir") { fs in try FuseDirectoryReply.send(req, fs, ino, size: size, offset: offset, plus: false) }
        }
        ops.readdirplus = { req, ino, size, offset, _ in
            FuseOperations.reply(req, "readdirplus") { fs in try FuseDirectoryReply.send(req, fs, ino, size: size, offset: offset, plus: true) }
        }
        ops.statfs = { req, _ in
            let session = FuseSession.from(req)
            var info = session.fileSystem.statfs(path: session.dataDirectory)
            fuse_reply_statfs(req, &info)
        }
        ops.getxattr = { req, _, _, _ in fuse_reply_err(req, ENODATA) }
        ops.listxattr = { req, _, size in
            if size == 0 { fuse_reply_xattr(req, 0) } else { fuse_reply_buf(req, nil, 0) }
        }
        ops.setxattr = { req, _, _, _, _, _ in fuse_reply_err(req, ENOTSUP) }
        ops.removexattr = { req, _, _ in fuse_reply_err(req, ENODATA) }
        return ops
    }

    /// Runs one operation against the model; any error becomes `fuse_reply_err` with `Errno.of`.
    static func reply(_ req: fuse_req_t?, _ op: String, _ body: (ArtifactFileSystem) throws -> Void) {
        let session = FuseSession.from(req)
        FuseMetrics.count(op)
        do {
            try body(session.fileSystem)
        } catch {
            let code = Errno.of(error)
            FuseMetrics.countError(op, code)
            if code == EIO { session.logger.error("operation failed", metadata: ["fuse.op": "\(op)", "error": "\(error)"]) }
            else { session.logger.debug("operation refused", metadata: ["fuse.op": "\(op)", "errno": "\(code)", "error": "\(error)"]) }
            fuse_reply_err(req, code)
        }
    }
}

/// Fills one readdir/readdirplus reply buffer from the model's entries.
enum FuseDirectoryReply {
    static func send(_ req: fuse_req_t?, _ fs: ArtifactFileSystem, _ ino: UInt64, size: Int, offset: off_t, plus: Bool) throws {
        // Roughly how many entries fit (a plus entry carries attributes too); the buffer check below is the real bound.
        let entries = try fs.readdir(ino, after: UInt64(offset), limit: max(1, size / (plus ? 160 : 40)))
        var buffer = [CChar](repeating: 0, count: size)
        var used = 0
        for item in entries {
            let needed = buffer.withUnsafeMutableBufferPointer { raw -> Int in
                let remaining = size - used
                return item.name.withCString { name in
                    if plus {
                        var entry = FuseAttributes.entry(item.attributes)
                        return fuse_add_direntry_plus(req, raw.baseAddress! + used, remaining, name, &entry, off_t(item.cookie))
                    }
                    var st = FuseAttributes.stat(item.attributes)
                    return fuse_add_direntry(req, raw.baseAddress! + used, remaining, name, &st, off_t(item.cookie))
                }
            }
            if needed > size - used { break }
            used += needed
            if plus && !item.name.bytesEqual(".") && !item.name.bytesEqual("..") { fs.noteLookup(item.attributes.inode) }
        }
        buffer.withUnsafeBufferPointer { _ = fuse_reply_buf(req, $0.baseAddress, used) }
    }
}
