// A consistent copy of a catalogue file while a server may be writing to it (SQLite's online backup).
import Foundation
import GRDB

extension SQLiteMetadataStore {
    /// Copies the catalogue at `path` into a new file at `destination` with SQLite's online backup API: the copy is
    /// one committed state, even while another process writes. Runs no migration and changes no row; as the last
    /// connection to close (server stopped), SQLite may fold the write-ahead log into `path`, which changes no content.
    /// Fails when `destination` exists or either file cannot be opened.
    public static func backup(catalogue path: String, to destination: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ArtifactError.notFound("catalogue \(path)") }
        guard !FileManager.default.fileExists(atPath: destination) else { throw ArtifactError.alreadyExists(destination) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let source = try DatabaseQueue(path: path, configuration: configuration)
        let target = try DatabaseQueue(path: destination)
        try source.backup(to: target)
        try target.close()
        try source.close()
    }
}
