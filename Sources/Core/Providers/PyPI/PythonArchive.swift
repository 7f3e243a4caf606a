// The archive walk wheels and sdists share: container check, safe entry paths, bounded reads, errors in context.
import Foundation

/// One distribution being read entry by entry. Every entry must be read or drained, so a bad CRC or a
/// truncated stream surfaces; the decompressed-bytes budget is the `ArchiveReader`'s.
final class PythonArchive {
    struct Entry {
        let info: ArchiveEntryInfo
        /// The path split on '/', with empty and '.' components dropped; never absolute, never holding '..'.
        let components: [Substring]
        var path: String { info.path }
    }

    private let reader: ArchiveReader
    /// The first header, read early because libarchive reports the container only after it.
    private var firstEntry: ArchiveEntryInfo?
    private var firstTaken = false
    private var lastPath: String?

    /// Opens `path` and refuses it unless it is `container` with `compression` on the outside; `role` names
    /// what the file claims to be ("a wheel") for the message.
    init(path: String, role: String, container: ArchiveReader.Formats, compression: ArchiveReader.Compression,
         decompressedBytesMax: Int64) throws(PythonPackageError) {
        let wanted = Self.describe(container, compression)
        // Checked first so that a missing spool file is not reported to the uploader as "not an archive".
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw PythonPackageError("cannot read '\(Self.printable(path))': \(String(cString: strerror(errno)))")
        }
        do {
            // Both containers are offered so that the wrong one can be named rather than just "unrecognized".
            // Installers and `pip` building an sdist write every path under their target directory: the reader
            // refuses entries that could leave it, and checks all links together once the archive ends.
            reader = try ArchiveReader(path: path, formats: [.tar, .zip], entryPaths: .safeToExtract,
                                       decompressedBytesMax: decompressedBytesMax)
        } catch {
            throw PythonPackageError("\(role) must be \(wanted), but this file is not an archive (\(error.message))")
        }
        var failure: ArchiveError?
        do { firstEntry = try reader.next() } catch { failure = error }
        guard reader.format == container, reader.compression == compression else {
            let found = reader.format.map { Self.describe($0, reader.compression) } ?? "not an archive"
            throw PythonPackageError("\(role) must be \(wanted), but this file is \(found)")
        }
        if let failure {
            throw PythonPackageError(failure.isUnsafeEntry ? failure.message : "unreadable archive: \(failure.message)")
        }
    }

    /// The next entry, or nil at the end (after the reader's final check of all links). Throws on a corrupt header
    /// or an unsafe path.
    func next() throws(PythonPackageError) -> Entry? {
        let info: ArchiveEntryInfo?
        if !firstTaken {
            firstTaken = true
            info = firstEntry
        } else {
            do { info = try reader.next() } catch {
                if error.isUnsafeEntry { throw PythonPackageError(error.message) }
                throw PythonPackageError("unreadable archive" + (lastPath.map { " after '\(Self.printable($0))'" } ?? "")
                    + ": \(error.message)")
            }
        }
        guard let info else { return nil }
        lastPath = info.path
        do {
            return Entry(info: info, components: try ArchivePathPolicy.components(of: info.path))
        } catch {
            throw PythonPackageError(error.message)
        }
    }

    /// The entry's bytes, refused when it is not a regular file or larger than `maxBytes` (by its header when
    /// it declares a size, otherwise after `maxBytes` have been read: never more is held).
    func read(_ entry: Entry, maxBytes: Int) throws(PythonPackageError) -> [UInt8] {
        let shown = Self.printable(entry.path)
        guard entry.info.isRegularFile else { throw PythonPackageError("'\(shown)' is not a regular file") }
        guard entry.info.size <= Int64(maxBytes) else {
            throw PythonPackageError("'\(shown)' is larger than \(Self.describe(bytes: maxBytes)) (\(entry.info.size) bytes)")
        }
        do { return try reader.readData(maxBytes: maxBytes) } catch { throw PythonPackageError("'\(shown)': \(error.message)") }
    }

    /// Decompresses the entry to its end, checking its CRC (zip) or that it is all there (tar).
    func drain(_ entry: Entry) throws(PythonPackageError) {
        do { try reader.drainData() } catch {
            throw PythonPackageError("'\(Self.printable(entry.path))': \(error.message)")
        }
    }

    static func printable(_ raw: String) -> String { IdentifierError.printable(raw) }

    private static func describe(_ container: ArchiveReader.Formats, _ compression: ArchiveReader.Compression) -> String {
        let name = container == .zip ? "zip archive" : container == .tar ? "tar archive" : "ar archive"
        switch compression {
        case .none: return "a \(name)"
        case .xz: return "an xz-compressed \(name)"
        case .other: return "a compressed \(name)"
        default: return "a \(compression.rawValue)-compressed \(name)"
        }
    }

    static func describe(bytes: Int) -> String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        return bytes % (1 << 10) == 0 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}
