// `artifactfs backup DEST`: a restorable copy of a data directory (catalogue, keys, local blobs), safe while serve runs.
import ArgumentParser
import Core
import Foundation

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the catalogue, signing keys and local blobs into a new directory (safe while the server runs).",
        discussion: """
            The catalogue is copied first with SQLite's online backup (one committed state), then keys/ and blobs/: \
            blobs never change once written, so every blob the copied catalogue names is there unless the server \
            deleted it meanwhile (a package removed during the backup); `artifactfs fsck` on the restored directory \
            tells. With blobs in S3 only the catalogue and keys are copied: back the bucket up with S3's own tools. \
            Restore: stop the server, copy DEST's contents into an empty data directory, start it (docs/OPERATIONS.md).
            """)

    @OptionGroup var data: DataDirectoryOption

    @Argument(help: "Directory to create for the backup (must not exist yet).") var destination: String

    func run() throws {
        let settings = try data.settings()
        let source = settings.dataDirectory
        guard !FileManager.default.fileExists(atPath: destination) else { throw CLIFailure("\(destination) already exists") }
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try SQLiteMetadataStore.backup(catalogue: source + "/catalogue.sqlite", to: destination + "/catalogue.sqlite")
        print("catalogue: \(destination)/catalogue.sqlite")
        let keys = try TreeCopy.copy(from: source + "/keys", to: destination + "/keys")
        print("keys: \(keys.files) files")
        if settings.s3URL == nil {
            let blobs = try TreeCopy.copy(from: source + "/blobs", to: destination + "/blobs")
            print("blobs: \(blobs.files) files, \(blobs.bytes) bytes")
        } else {
            print("blobs: in S3, not copied (back the bucket up with S3 tools)")
        }
    }
}
