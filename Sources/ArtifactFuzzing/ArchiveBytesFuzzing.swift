// Fuzz target `archive-bytes`: raw bytes read as a tarball would be (tar or zip, paths checked), then as an ar.
import Core
import Foundation

/// libarchive is C, uninstrumented here, but everything around it is ours: bounds, callbacks, name handling and
/// the path policy must never trap whatever libarchive returns. A refusal is not a finding; a crash is.
/// The bytes go through a file because the zip reader needs to seek (the tarball and wheel path).
enum ArchiveBytesFuzzing {
    /// One scratch file per process, rewritten for each input.
    private static let scratch =
        FileManager.default.temporaryDirectory.appendingPathComponent("artifactfs-fuzz-archive-\(getpid())").path

    static func run(_ bytes: [UInt8]) {
        guard FileManager.default.createFile(atPath: scratch, contents: Data(bytes)) else {
            fatalError("cannot write \(scratch)")
        }
        defer { unlink(scratch) }
        readAll(path: scratch, formats: [.tar, .zip], entryPaths: .safeToExtract)
        readAll(path: scratch, formats: .ar, entryPaths: .notExtracted)
        readAll(bytes: bytes)
    }

    /// Reads every entry to the end or to the first refusal.
    static func readAll(path: String, formats: ArchiveReader.Formats, entryPaths: ArchiveReader.EntryPaths) {
        guard let reader = try? ArchiveReader(path: path, formats: formats, entryPaths: entryPaths,
                                              decompressedBytesMax: 64 << 20) else { return }
        reader.entriesMax = 10_000
        while let entry = try? reader.next() {
            _ = entry.path
            guard (try? reader.drainData()) != nil else { return }
        }
    }

    /// The in-memory path (a .deb's control archive).
    static func readAll(bytes: [UInt8]) {
        guard let reader = try? ArchiveReader(bytes: bytes, formats: .tar, entryPaths: .safeToExtract,
                                              decompressedBytesMax: 64 << 20) else { return }
        reader.entriesMax = 10_000
        while (try? reader.next()) != nil {
            guard (try? reader.readData(maxBytes: 1 << 20)) != nil else { return }
        }
    }
}
