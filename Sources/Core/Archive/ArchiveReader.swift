// libarchive, wrapped: iterate the entries of a tar, zip or ar archive with a bound on decompressed bytes.
import CArchive
import Foundation

/// Why an archive could not be read.
public struct ArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One entry header.
public struct ArchiveEntryInfo: Sendable, Equatable {
    public let path: String
    /// Declared size (0 when the format does not say).
    public let size: Int64
    public let isRegularFile: Bool
    public let isSymlink: Bool
    public let isDirectory: Bool
    /// Where a symbolic link points (relative to its own directory), or a hard link's target path.
    public var linkTarget: String? = nil
    public var isHardLink = false
    /// A device node, FIFO or socket.
    public var isSpecial = false
}

/// A streaming reader over one archive. Not thread-safe; close with `close()` or let it deinit.
public final class ArchiveReader {
    /// Container formats a caller accepts; nothing else is even tried.
    public struct Formats: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let tar = Formats(rawValue: 1)
        public static let zip = Formats(rawValue: 2)
        public static let ar = Formats(rawValue: 4)
    }

    /// The compression libarchive detected on the outer stream.
    public enum Compression: String, Sendable {
        case none, gzip, bzip2, xz, lzma, zstd, other
    }

    private var handle: OpaquePointer?
    private var entry: OpaquePointer?
    private let budget: Int64
    private var consumed: Int64 = 0
    /// A memory-backed reader's private copy of its input: libarchive reads it in place, so it lives until `close()`.
    private var ownedBytes: UnsafeMutableRawBufferPointer?
    /// A nested reader's source (the outer archive and a buffer); libarchive holds only an unretained pointer.
    private var nestedSource: NestedEntrySource?

    /// Opens a file. `decompressedBytesMax` bounds the bytes all entries together may expand to.
    public convenience init(path: String, formats: Formats, decompressedBytesMax: Int64) throws(ArchiveError) {
        try self.init(formats: formats, decompressedBytesMax: decompressedBytesMax) { a in
            archive_read_open_filename(a, path, 1 << 20)
        }
    }

    /// Reads an archive held in memory (a member of another archive). The bytes are copied, so the caller's
    /// array may go away; the copy is freed by `close()`.
    public convenience init(bytes: [UInt8], formats: Formats, decompressedBytesMax: Int64) throws(ArchiveError) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        copy.copyBytes(from: bytes)
        let count = bytes.count
        try self.init(formats: formats, decompressedBytesMax: decompressedBytesMax, owning: copy) { a in
            archive_read_open_memory(a, copy.baseAddress, count)
        }
    }

    /// Reads the current entry of `outer` as an archive of its own, streamed through `outer` (a .deb's
    /// data.tar, which may be far too large to hold in memory). Use it before `outer.next()`.
    public convenience init(entryOf outer: ArchiveReader, formats: Formats, decompressedBytesMax: Int64) throws(ArchiveError) {
        guard let outerHandle = outer.handle else { throw ArchiveError("the outer archive is closed") }
        let source = NestedEntrySource(outer: outerHandle)
        try self.init(formats: formats, decompressedBytesMax: decompressedBytesMax, source: source) { a in
            archive_read_open(a, Unmanaged.passUnretained(source).toOpaque(), nil, nestedEntryRead, nil)
        }
    }

    private init(formats: Formats, decompressedBytesMax: Int64, owning bytes: UnsafeMutableRawBufferPointer? = nil,
                 source: NestedEntrySource? = nil, open: (OpaquePointer) -> Int32) throws(ArchiveError) {
        handle = archive_read_new()
        budget = decompressedBytesMax
        ownedBytes = bytes
        nestedSource = source
        guard let a = handle else {
            close()
            throw ArchiveError("libarchive: out of memory")
        }
        // Only in-process decoders: `filter_all` could fall back to running external programs.
        archive_read_support_filter_gzip(a)
        archive_read_support_filter_bzip2(a)
        archive_read_support_filter_xz(a)
        archive_read_support_filter_lzma(a)
        archive_read_support_filter_zstd(a)
        if formats.contains(.tar) { archive_read_support_format_tar(a) }
        if formats.contains(.zip) { archive_read_support_format_zip(a) }
        if formats.contains(.ar) { archive_read_support_format_ar(a) }
        guard open(a) == ARCHIVE_OK else {
            let error = currentError(default: "not a readable archive")
            // Freed here rather than left to deinit, so a failed open never holds the input copy.
            close()
            throw error
        }
    }

    deinit { close() }

    /// Frees libarchive's state. Idempotent.
    public func close() {
        if let a = handle { archive_read_free(a) }
        handle = nil
        entry = nil
        // After the handle: libarchive may touch the input until `archive_read_free` returns.
        ownedBytes?.deallocate()
        ownedBytes = nil
        nestedSource = nil
    }

    /// The next entry header, or nil at a clean end. A truncated or corrupt stream throws.
    public func next() throws(ArchiveError) -> ArchiveEntryInfo? {
        guard let a = handle else { throw ArchiveError("archive closed") }
        var e: OpaquePointer?
        let status = archive_read_next_header(a, &e)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let e else { throw currentError(default: "unreadable entry header") }
        entry = e
        let type = archive_entry_filetype(e)
        let path = archive_entry_pathname(e).map { String(cString: $0) } ?? ""
        let hardLink = archive_entry_hardlink(e).map { String(cString: $0) }
        let symlink = type == cfs_ae_iflnk ? archive_entry_symlink(e).map { String(cString: $0) } ?? "" : nil
        return ArchiveEntryInfo(
            path: path, size: archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0,
            isRegularFile: type == cfs_ae_ifreg, isSymlink: type == cfs_ae_iflnk, isDirectory: type == cfs_ae_ifdir,
            linkTarget: hardLink ?? symlink, isHardLink: hardLink != nil,
            isSpecial: [cfs_ae_ifchr, cfs_ae_ifblk, cfs_ae_ififo, cfs_ae_ifsock].contains(type))
    }

    /// Reads the current entry's data; throws when it exceeds `maxBytes` or the archive's budget.
    public func readData(maxBytes: Int) throws(ArchiveError) -> [UInt8] {
        var out: [UInt8] = []
        try stream { chunk throws(ArchiveError) in
            guard out.count + chunk.count <= maxBytes else { throw ArchiveError("entry larger than \(maxBytes) bytes") }
            out.append(contentsOf: chunk)
        }
        return out
    }

    /// Decompresses and discards the current entry's data, so checksums and truncation are detected.
    public func drainData() throws(ArchiveError) {
        try stream { _ in }
    }

    private func stream(_ sink: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) {
        guard let a = handle else { throw ArchiveError("archive closed") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = archive_read_data(a, buffer.baseAddress, buffer.count)
            if n == 0 { return }
            guard n > 0 else { throw currentError(default: "corrupt entry data") }
            consumed += Int64(n)
            guard consumed <= budget else { throw ArchiveError("decompresses to more than \(budget) bytes") }
            try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// The compression of the outer stream (valid after the first `next()`).
    public var compression: Compression {
        guard let a = handle else { return .other }
        switch archive_filter_code(a, 0) {
        case ARCHIVE_FILTER_NONE: return .none
        case ARCHIVE_FILTER_GZIP: return .gzip
        case ARCHIVE_FILTER_BZIP2: return .bzip2
        case ARCHIVE_FILTER_XZ: return .xz
        case ARCHIVE_FILTER_LZMA: return .lzma
        case ARCHIVE_FILTER_ZSTD: return .zstd
        default: return .other
        }
    }

    /// The container format detected (valid after the first `next()`).
    public var format: Formats? {
        guard let a = handle else { return nil }
        switch archive_format(a) & ARCHIVE_FORMAT_BASE_MASK {
        case ARCHIVE_FORMAT_TAR: return .tar
        case ARCHIVE_FORMAT_ZIP: return .zip
        case ARCHIVE_FORMAT_AR: return .ar
        default: return nil
        }
    }

    /// Total decompressed bytes read so far.
    public var decompressedBytes: Int64 { consumed }

    private func currentError(default fallback: String) -> ArchiveError {
        guard let a = handle, let message = archive_error_string(a) else { return ArchiveError(fallback) }
        return ArchiveError(String(cString: message))
    }
}

/// Feeds a nested archive from the current entry of an outer one.
private final class NestedEntrySource {
    let outer: OpaquePointer
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)

    init(outer: OpaquePointer) { self.outer = outer }
    deinit { buffer.deallocate() }
}

private func nestedEntryRead(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?,
                             _ output: UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int {
    guard let context, let output else { return -1 }
    let source = Unmanaged<NestedEntrySource>.fromOpaque(context).takeUnretainedValue()
    let count = archive_read_data(source.outer, source.buffer, 1 << 16)
    output.pointee = UnsafeRawPointer(source.buffer)
    return count
}
