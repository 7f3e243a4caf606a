// The bytes a container reader (tar, zip, ar) reads: the file itself, or a separate decompressor's output, counted.
import CArchive
import Foundation

/// Feeds libarchive's container reader through callbacks, so every decompressed byte passes here and is counted as
/// libarchive asks for it, also in the middle of one header: libarchive reads a whole GNU sparse map, ar name table
/// or chain of tar extension headers inside one `archive_read_next_header`, and allocates as it goes (a 6 KB
/// .tar.xz holding a 40 MB sparse map took 525 MB). Decompression runs in a reader of its own (libarchive's "raw"
/// format) because libarchive's filters inside one reader are invisible to its callbacks.
final class ArchiveStream {
    enum Origin {
        /// The file itself: a zip, which libarchive reads by seeking to its central directory, or an uncompressed
        /// tar or ar archive.
        case file(Int32)
        /// A raw-format libarchive reader that decompresses (or passes through) its own input.
        case decompressor(OpaquePointer)
    }

    static let chunkBytes = 64 << 10

    private let origin: Origin
    private let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkBytes, alignment: 16)
    /// Keeps alive what the decompressor reads from: an in-memory copy or an outer archive's entry.
    private let input: AnyObject?
    let deliveredBytesMax: Int64
    /// Bytes one header may take while it is read; nil for zips, whose central directory is read as a whole at
    /// the first header (and bounded by the file's size, as zips are never compressed outside).
    let headerBytesMax: Int64?
    private(set) var deliveredBytes: Int64 = 0
    /// Where the header being read started, or nil between headers.
    var headerStart: Int64?
    /// Why the last read failed, when the reason is ours or the decompressor's rather than the container reader's.
    private(set) var failure: ArchiveError?

    init(origin: Origin, input: AnyObject? = nil, deliveredBytesMax: Int64, headerBytesMax: Int64?) {
        self.origin = origin
        self.input = input
        self.deliveredBytesMax = deliveredBytesMax
        self.headerBytesMax = headerBytesMax
    }

    deinit {
        switch origin {
        case .file(let fd): Foundation.close(fd)
        case .decompressor(let handle): archive_read_free(handle)
        }
        buffer.deallocate()
    }

    /// The next chunk, or -1 (with `failure` set) past a bound or on a read or decompression error.
    func read(_ output: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        output.pointee = UnsafeRawPointer(buffer)
        let count: Int
        switch origin {
        case .file(let fd):
            count = Foundation.read(fd, buffer, Self.chunkBytes)
            if count < 0 { return fail("read error: \(String(cString: strerror(errno)))") }
        case .decompressor(let handle):
            count = archive_read_data(handle, buffer, Self.chunkBytes)
            if count < 0 {
                return fail(archive_error_string(handle).map { String(cString: $0) } ?? "corrupt compressed data")
            }
        }
        guard deliveredBytes + Int64(count) <= deliveredBytesMax else {
            return fail("decompresses to more than \(deliveredBytesMax) bytes")
        }
        if let start = headerStart, let limit = headerBytesMax, deliveredBytes + Int64(count) - start > limit {
            return fail("an entry header (with its extensions) is larger than \(limit) bytes")
        }
        deliveredBytes += Int64(count)
        return count
    }

    /// Skips file bytes without reading them (libarchive skips padding and unread data this way); they are neither
    /// decompressed nor held, so they are not counted. A decompressor's output cannot be skipped: 0 makes
    /// libarchive read (and count) it instead.
    func skip(_ request: Int64) -> Int64 {
        guard case .file(let fd) = origin, request > 0 else { return 0 }
        let before = lseek(fd, 0, SEEK_CUR)
        guard before >= 0, lseek(fd, off_t(request), SEEK_CUR) >= 0 else { return 0 }
        return request
    }

    /// Moves within the file (zips only); libarchive's `whence` is lseek's.
    func seek(_ offset: Int64, _ whence: Int32) -> Int64 {
        guard case .file(let fd) = origin else { return Int64(ARCHIVE_FATAL) }
        let position = lseek(fd, off_t(offset), whence)
        return position < 0 ? Int64(ARCHIVE_FATAL) : Int64(position)
    }

    private func fail(_ message: String) -> Int {
        failure = failure ?? ArchiveError(message)
        return -1
    }

    /// A raw-format reader over `open`'s input that undoes the outer compression (gzip, bzip2, xz, lzma, zstd: only
    /// in-process decoders, never libarchive's fallback to external programs), positioned at its one entry.
    static func decompressor(_ open: (OpaquePointer) -> Int32) throws(ArchiveError) -> (OpaquePointer, ArchiveReader.Compression) {
        guard let handle = archive_read_new() else { throw ArchiveError("libarchive: out of memory") }
        archive_read_support_filter_gzip(handle)
        archive_read_support_filter_bzip2(handle)
        archive_read_support_filter_xz(handle)
        archive_read_support_filter_lzma(handle)
        archive_read_support_filter_zstd(handle)
        archive_read_support_format_raw(handle)
        var entry: OpaquePointer?
        guard open(handle) == ARCHIVE_OK, archive_read_next_header(handle, &entry) == ARCHIVE_OK else {
            let message = archive_error_string(handle).map { String(cString: $0) } ?? "not a readable archive"
            archive_read_free(handle)
            throw ArchiveError(message)
        }
        return (handle, ArchiveReader.Compression(filterCode: archive_filter_code(handle, 0)))
    }

    /// Whether a file starts as a zip does (a local file header, or the end record of an empty zip). Zips are read
    /// by the zip reader alone and other files never by it, so no file is read as both (libarchive would pick by
    /// bids, and another tool might pick the other reading).
    static func startsLikeZip(_ fd: Int32) -> Bool {
        var magic = [UInt8](repeating: 0, count: 4)
        let count = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, 0) }
        return count == 4 && magic[0] == 0x50 && magic[1] == 0x4B
            && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6))
    }
}

extension ArchiveReader.Compression {
    init(filterCode: Int32) {
        switch filterCode {
        case ARCHIVE_FILTER_NONE: self = .none
        case ARCHIVE_FILTER_GZIP: self = .gzip
        case ARCHIVE_FILTER_BZIP2: self = .bzip2
        case ARCHIVE_FILTER_XZ: self = .xz
        case ARCHIVE_FILTER_LZMA: self = .lzma
        case ARCHIVE_FILTER_ZSTD: self = .zstd
        default: self = .other
        }
    }
}

func archiveStreamRead(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?,
                       _ output: UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int {
    guard let context, let output else { return -1 }
    return Unmanaged<ArchiveStream>.fromOpaque(context).takeUnretainedValue().read(output)
}

func archiveStreamSkip(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ request: Int64) -> Int64 {
    guard let context else { return 0 }
    return Unmanaged<ArchiveStream>.fromOpaque(context).takeUnretainedValue().skip(request)
}

func archiveStreamSeek(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ offset: Int64,
                       _ whence: Int32) -> Int64 {
    guard let context else { return Int64(ARCHIVE_FATAL) }
    return Unmanaged<ArchiveStream>.fromOpaque(context).takeUnretainedValue().seek(offset, whence)
}

/// Runs libarchive calls with a UTF-8 character type for this thread only. libarchive converts entry names "to the
/// current locale"; the server never calls setlocale, so that is C (ASCII), where every zip entry with a UTF-8 name
/// fails to convert (ARCHIVE_WARN and no name at all) and pax names come back unconverted. Under C.UTF-8 a valid
/// UTF-8 name converts to itself and only an invalid one fails. Without that locale (not on Debian 12, where glibc
/// builds it in), calls run as they are and such names are refused for having no name.
enum ArchiveLocale {
    nonisolated(unsafe) private static let utf8: locale_t? = newlocale(Int32(1 << LC_CTYPE), "C.UTF-8", nil)

    static func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        guard let locale = utf8 else { return try body() }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        return try body()
    }
}
