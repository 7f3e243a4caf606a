// Copies a directory tree of regular files (keys, blobs) with their permission bits; sockets and the like are skipped.
import ArgumentParser
import Foundation

enum TreeCopy {
    /// Copies `source` into a new `destination`, directories and regular files only (gpg-agent sockets in key
    /// homes are skipped), keeping each one's permission bits. A missing `source` copies nothing.
    static func copy(from source: String, to destination: String) throws -> (files: Int, bytes: Int64) {
        let manager = FileManager.default
        guard manager.fileExists(atPath: source) else { return (0, 0) }
        try makeDirectory(destination, like: source)
        var files = 0
        var bytes: Int64 = 0
        guard let walker = manager.enumerator(atPath: source) else { throw CLIFailure("cannot read \(source)") }
        while let relative = walker.nextObject() as? String {
            let from = source + "/" + relative, to = destination + "/" + relative
            let attributes = try manager.attributesOfItem(atPath: from)
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                try makeDirectory(to, like: from)
            case .typeRegular?:
                try manager.copyItem(atPath: from, toPath: to)
                try manager.setAttributes([.posixPermissions: attributes[.posixPermissions] ?? 0o600], ofItemAtPath: to)
                files += 1
                bytes += (attributes[.size] as? NSNumber)?.int64Value ?? 0
            default:
                continue
            }
        }
        return (files, bytes)
    }

    private static func makeDirectory(_ path: String, like source: String) throws {
        let mode = try FileManager.default.attributesOfItem(atPath: source)[.posixPermissions] ?? 0o700
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
    }
}
