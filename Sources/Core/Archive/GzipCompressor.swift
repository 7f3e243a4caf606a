// gzip compression of in-memory bytes through libarchive's raw writer (Packages.gz chunks).
import CArchive
import Foundation

/// gzip with deterministic output: no timestamp, no file name. (xz goes through `XZBlocks`.)
public enum GzipCompressor {
    /// Compresses `bytes` into one complete gzip member. Concatenated members are a valid gzip file
    /// (RFC 1952), which lets index builders reuse the members of unchanged chunks.
    public static func compress(_ bytes: [UInt8], level: Int) throws(ArchiveError) -> [UInt8] {
        guard let a = archive_write_new() else { throw ArchiveError("libarchive: out of memory") }
        defer { archive_write_free(a) }
        let sink = OutputSink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var status = archive_write_set_format_raw(a)
        if status == ARCHIVE_OK { status = addFilter(a, level: level) }
        // No padding of the last block: the output must be exactly the compressed stream.
        if status == ARCHIVE_OK { status = archive_write_set_bytes_per_block(a, 0) }
        if status == ARCHIVE_OK { status = archive_write_open(a, context, nil, sinkWrite, nil) }
        guard status == ARCHIVE_OK else { throw Self.error(a, "cannot start gzip compression") }
        let entry = archive_entry_new()
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, "data")
        archive_entry_set_filetype(entry, cfs_ae_ifreg)
        archive_entry_set_size(entry, Int64(bytes.count))
        guard archive_write_header(a, entry) == ARCHIVE_OK else { throw Self.error(a, "cannot start gzip stream") }
        let written = bytes.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw Self.error(a, "gzip compression failed") }
        guard archive_write_close(a) == ARCHIVE_OK else { throw Self.error(a, "gzip compression failed") }
        return sink.bytes
    }

    private static func addFilter(_ a: OpaquePointer, level: Int) -> Int32 {
        guard archive_write_add_filter_gzip(a) == ARCHIVE_OK else { return ARCHIVE_FATAL }
        // A timestamp in the header would make equal input give different bytes (and digests).
        guard archive_write_set_filter_option(a, "gzip", "timestamp", nil) == ARCHIVE_OK else { return ARCHIVE_FATAL }
        return archive_write_set_filter_option(a, "gzip", "compression-level", String(level))
    }

    private static func error(_ a: OpaquePointer, _ fallback: String) -> ArchiveError {
        ArchiveError(archive_error_string(a).map { "\(fallback): \(String(cString: $0))" } ?? fallback)
    }
}

/// Collects what libarchive writes.
private final class OutputSink {
    var bytes: [UInt8] = []
}

private func sinkWrite(_ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ buffer: UnsafeRawPointer?,
                       _ length: Int) -> Int {
    guard let context, let buffer else { return -1 }
    let sink = Unmanaged<OutputSink>.fromOpaque(context).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: length))
    return length
}
