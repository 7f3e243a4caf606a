// libarchive, wrapped: iterate the entries of a tar, zip or ar archive within bounds on bytes, entries and headers.
import CArchive
import Foundation

/// Why an archive could not be read.
public struct ArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// The archive was read, but an entry is unsafe to extract (`ArchivePathPolicy`), rather than unreadable.
    public let isUnsafeEntry: Bool
    public init(_ message: String, unsafeEntry: Bool = false) {
        self.message = message
        isUnsafeEntry = unsafeEntry
    }
    public var description: String { message }
}

/// One entry header.
public struct ArchiveEntryInfo: Sendable, Equatable {
    /// The name as UTF-8 text (invalid sequences shown as U+FFFD; a reader that checks paths refuses them).
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
///
/// What libarchive 3.6.2 reports as ARCHIVE_WARN is refused like an error, because each such header was not read as
/// written and another tool may read it otherwise:
/// | format | warning from `archive_read_next_header` | meaning |
/// |---|---|---|
/// | tar, pax, gnutar | "Pathname/Linkname/Uname/Gname can't be converted" | the name is not valid UTF-8 (we read under C.UTF-8); a zip's name is then missing altogether |
/// | pax | "Ignoring malformed pax extended attribute(s)", "Invalid pax extended attributes", "Rejecting pax extended attribute > 1MB" | the pax header was dropped part-way: the entry keeps its ustar name while tar and Python may use the pax one |
/// | tar | "Too many special headers" (more than 32 chained), "Unrecognized GNU sparse file format", malformed old GNU, Solaris or pax sparse maps, malformed Solaris ACLs | a crafted or damaged header |
/// | zip | "Pathname/Symlink cannot be converted", "Inconsistent CRC32 values / compressed size / uncompressed size" (central directory against local header) | a name not valid UTF-8, or the classic zip ambiguity: tools that trust one header or the other see different files |
/// | ar | (none) | |
/// From `archive_read_data`, every negative result (zip "bad CRC" and "data is wrong size" are ARCHIVE_WARN) fails
/// the read; a tar header with a bad checksum (ARCHIVE_RETRY, "Damaged tar archive") is refused too.
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

    /// Whether the entries will be unpacked by their paths, so each must stay inside (`ArchivePathPolicy`).
    public enum EntryPaths: Sendable {
        /// Checked entry by entry and, when the archive ends, all links together: `next()` returns nil only when
        /// every check passed, so a caller cannot accept the archive without the final check.
        case safeToExtract
        /// Not checked: members that are never unpacked by name (ar), or a .deb's data.tar, which dpkg unpacks
        /// with its own checks and where absolute symbolic links are normal.
        case notExtracted
    }

    /// Entries one archive may hold. The largest real packages hold a few hundred thousand (a Chromium source
    /// tarball about 500,000; big wheels and .debs tens of thousands), and libarchive keeps nothing per tar entry,
    /// so this stops header floods without refusing any of them.
    public static let entriesMax = 1_000_000
    /// Decompressed bytes one tar or ar header may take with its extensions (pax headers, GNU long names, sparse
    /// maps, the ar name table), all of which libarchive reads into memory before returning the entry. Real
    /// headers take a few kilobytes; libarchive's own limit for one pax header or long name is 1 MiB.
    public static let entryHeaderBytesMax: Int64 = 2 << 20

    private var handle: OpaquePointer?
    private var input: ArchiveStream?
    private var paths: ArchivePathPolicy?
    private let budget: Int64
    private var consumed: Int64 = 0
    private var entryCount = 0
    /// This reader's entry limit: `ArchiveReader.entriesMax` unless a test lowers it.
    public var entriesMax = ArchiveReader.entriesMax

    /// The compression of the outer stream.
    public let compression: Compression

    /// Opens a file. `decompressedBytesMax` bounds the bytes the whole decompressed stream, and the data of all
    /// entries together, may reach. Throws when the file is not one of `formats` (a zip is recognized by its first
    /// bytes, anything else is never read as one).
    public convenience init(path: String, formats: Formats, entryPaths: EntryPaths,
                            decompressedBytesMax: Int64) throws(ArchiveError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError("cannot open the archive: \(String(cString: strerror(errno)))") }
        var origin = ArchiveStream.Origin.file(fd), compression = Compression.none, containers = formats
        if formats.contains(.zip) && ArchiveStream.startsLikeZip(fd) {
            containers = .zip
        } else if formats.contains(.tar) {
            containers.remove(.zip)
            do {
                let (decompressor, detected) = try ArchiveStream.decompressor { archive_read_open_filename($0, path, 1 << 16) }
                if detected == .none { archive_read_free(decompressor) } else {
                    Foundation.close(fd)
                    origin = .decompressor(decompressor)
                    compression = detected
                }
            } catch {
                Foundation.close(fd)
                throw error
            }
        }
        let isZip = containers == .zip
        let stream = ArchiveStream(origin: origin, deliveredBytesMax: decompressedBytesMax,
                                   headerBytesMax: isZip ? nil : Self.entryHeaderBytesMax)
        try self.init(formats: containers, stream: stream, seekable: isZip, compression: compression,
                      entryPaths: entryPaths, decompressedBytesMax: decompressedBytesMax)
    }

    /// Reads an archive held in memory (a member of another archive). The bytes are copied, so the caller's
    /// array may go away; the copy is freed by `close()`.
    public convenience init(bytes: [UInt8], formats: Formats, entryPaths: EntryPaths,
                            decompressedBytesMax: Int64) throws(ArchiveError) {
        let copy = OwnedBytes(bytes)
        let (decompressor, compression) = try ArchiveStream.decompressor {
            archive_read_open_memory($0, copy.buffer.baseAddress, bytes.count)
        }
        let stream = ArchiveStream(origin: .decompressor(decompressor), input: copy,
                                   deliveredBytesMax: decompressedBytesMax, headerBytesMax: Self.entryHeaderBytesMax)
        try self.init(formats: formats.subtracting(.zip), stream: stream, seekable: false, compression: compression,
                      entryPaths: entryPaths, decompressedBytesMax: decompressedBytesMax)
    }

    /// Reads the current entry of `outer` as an archive of its own, streamed through `outer` (a .deb's
    /// data.tar, which may be far too large to hold in memory). Use it before `outer.next()`.
    public convenience init(entryOf outer: ArchiveReader, formats: Formats, entryPaths: EntryPaths,
                            decompressedBytesMax: Int64) throws(ArchiveError) {
        guard let outerHandle = outer.handle else { throw ArchiveError("the outer archive is closed") }
        let source = NestedEntrySource(outer: outerHandle)
        let (decompressor, compression) = try ArchiveStream.decompressor {
            archive_read_open($0, Unmanaged.passUnretained(source).toOpaque(), nil, nestedEntryRead, nil)
        }
        let stream = ArchiveStream(origin: .decompressor(decompressor), input: source,
                                   deliveredBytesMax: decompressedBytesMax, headerBytesMax: Self.entryHeaderBytesMax)
        try self.init(formats: formats.subtracting(.zip), stream: stream, seekable: false, compression: compression,
                      entryPaths: entryPaths, decompressedBytesMax: decompressedBytesMax)
    }

    private init(formats: Formats, stream: ArchiveStream, seekable: Bool, compression: Compression,
                 entryPaths: EntryPaths, decompressedBytesMax: Int64) throws(ArchiveError) {
        input = stream
        self.compression = compression
        budget = decompressedBytesMax
        if case .safeToExtract = entryPaths { paths = ArchivePathPolicy() }
        handle = archive_read_new()
        guard let a = handle else {
            close()
            throw ArchiveError("libarchive: out of memory")
        }
        if formats.contains(.tar) { archive_read_support_format_tar(a) }
        if formats.contains(.zip) { archive_read_support_format_zip(a) }
        if formats.contains(.ar) { archive_read_support_format_ar(a) }
        archive_read_set_read_callback(a, archiveStreamRead)
        archive_read_set_skip_callback(a, archiveStreamSkip)
        if seekable { archive_read_set_seek_callback(a, archiveStreamSeek) }
        archive_read_set_callback_data(a, Unmanaged.passUnretained(stream).toOpaque())
        stream.headerStart = 0
        let status = archive_read_open1(a)
        stream.headerStart = nil
        guard status == ARCHIVE_OK else {
            let error = currentError(default: "not a readable archive")
            close()
            throw error
        }
    }

    deinit { close() }

    /// Frees libarchive's state. Idempotent.
    public func close() {
        if let a = handle { archive_read_free(a) }
        handle = nil
        // After the handle: libarchive may read from the stream until `archive_read_free` returns.
        input = nil
    }

    /// The next entry header, or nil at a clean end, after which the archive has passed every check (with
    /// `.safeToExtract`, the links resolved together). Throws on a truncated or corrupt stream, a header libarchive
    /// only warned about (see the type's table), more than `entriesMax` entries, a header over
    /// `entryHeaderBytesMax`, a stream over the budget, or an entry unsafe to extract.
    public func next() throws(ArchiveError) -> ArchiveEntryInfo? {
        guard let a = handle, let stream = input else { throw ArchiveError("archive closed") }
        var e: OpaquePointer?
        stream.headerStart = stream.deliveredBytes
        let status = ArchiveLocale.run { archive_read_next_header(a, &e) }
        stream.headerStart = nil
        if status == ARCHIVE_EOF {
            do { try paths?.finish() } catch { throw ArchiveError(error.message, unsafeEntry: true) }
            return nil
        }
        guard status == ARCHIVE_OK, let e else { throw currentError(default: "unreadable entry header") }
        entryCount += 1
        guard entryCount <= entriesMax else {
            throw ArchiveError("the archive holds more than \(entriesMax) entries")
        }
        return try ArchiveLocale.run { () throws(ArchiveError) in try describe(e) }
    }

    /// The entry's fields; its name and link target as bytes for the path policy, which refuses them when they are
    /// not valid UTF-8. libarchive gives a name in two forms, each NULL when it could not convert it: the UTF-8 one,
    /// else the one in the current locale (raw bytes for tar); none at all is refused.
    private func describe(_ e: OpaquePointer) throws(ArchiveError) -> ArchiveEntryInfo {
        guard let path = Self.bytes(archive_entry_pathname_utf8(e) ?? archive_entry_pathname(e)) else {
            throw ArchiveError("the archive holds an entry whose name cannot be read")
        }
        let type = archive_entry_filetype(e)
        let hardLink = Self.bytes(archive_entry_hardlink_utf8(e) ?? archive_entry_hardlink(e))
        var symlink: [UInt8]?
        if type == cfs_ae_iflnk && hardLink == nil {
            guard let target = Self.bytes(archive_entry_symlink_utf8(e) ?? archive_entry_symlink(e)) else {
                throw ArchiveError("the archive holds a symbolic link whose target cannot be read: '\(ArchivePathPolicy.show(path))'")
            }
            symlink = target
        }
        let isSpecial = [cfs_ae_ifchr, cfs_ae_ifblk, cfs_ae_ififo, cfs_ae_ifsock].contains(type)
        if paths != nil {
            let kind: ArchivePathPolicy.Kind = hardLink.map { .hardLink(target: $0) } ?? symlink.map { .symlink(target: $0) }
                ?? (type == cfs_ae_ifdir ? .directory : isSpecial ? .special : .file)
            do { try paths?.check(path: path, kind: kind) } catch { throw ArchiveError(error.message, unsafeEntry: true) }
        }
        let target = hardLink ?? symlink
        return ArchiveEntryInfo(
            path: String(decoding: path, as: UTF8.self), size: archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0,
            isRegularFile: type == cfs_ae_ifreg, isSymlink: symlink != nil,
            isDirectory: type == cfs_ae_ifdir, linkTarget: target.map { String(decoding: $0, as: UTF8.self) },
            isHardLink: hardLink != nil, isSpecial: isSpecial)
    }

    private static func bytes(_ text: UnsafePointer<CChar>?) -> [UInt8]? {
        guard let text else { return nil }
        return Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
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

    /// Total bytes of entry data read so far.
    public var decompressedBytes: Int64 { consumed }

    /// Our own reason (a bound, a decompression error) when there is one, else libarchive's message.
    private func currentError(default fallback: String) -> ArchiveError {
        if let failure = input?.failure { return failure }
        guard let a = handle, let message = archive_error_string(a) else { return ArchiveError(fallback) }
        return ArchiveError(String(cString: message))
    }
}

/// A private copy of an in-memory archive; libarchive reads it in place until the reader is freed.
private final class OwnedBytes {
    let buffer: UnsafeMutableRawBufferPointer

    init(_ bytes: [UInt8]) {
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        buffer.copyBytes(from: bytes)
    }

    deinit { buffer.deallocate() }
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
