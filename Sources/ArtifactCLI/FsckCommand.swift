// `artifactfs fsck`: check the catalogue against the blob store (local or S3) in both directions.
import ArgumentParser
import Core
import Foundation

struct FsckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck",
        abstract: "Check that every blob the catalogue references is stored, and that nothing stored is unreferenced.",
        discussion: """
            Works on the data directory directly, so the server must be stopped. Missing blobs are listed with the \
            files that need them (upload those files again); unreferenced blobs are listed, and deleted with \
            --delete-orphans, which also aborts unfinished S3 multipart uploads (so no server may be writing to the \
            bucket meanwhile). Exit status 0 when clean (after deleting orphans, if asked), 1 otherwise.
            """)

    @OptionGroup var data: DataDirectoryOption
    @Flag(help: "Also read every referenced blob and check its SHA-256 (reads everything).") var verify = false
    @Flag(name: .customLong("delete-orphans"), help: "Delete stored blobs that nothing references.") var deleteOrphans = false

    func run() throws {
        let bootstrap = try Bootstrap(dataDirectory: data.resolved, s3: try data.s3Location(), logger: Bootstrap.makeLogger("artifactfs"))
        defer { bootstrap.shutdown() }
        let meter = ProgressMeter(label: "verify")
        let report = try bootstrap.repositories.fsck(verify: verify, deleteOrphans: deleteOrphans) { checked, total in
            if meter.isEnabled { meter.update(sent: Int64(checked), total: Int64(total)) }
        }
        meter.finish()
        print("fsck: \(report.referenced) referenced, \(report.stored) stored, \(report.missing.count) missing, "
              + "\(report.orphans.count) unreferenced, \(report.corrupt.count) corrupt"
              + (deleteOrphans ? ", \(report.orphansDeleted) deleted" : "")
              + (report.incompleteUploads > 0 ? ", \(report.incompleteUploads) unfinished S3 uploads (\(report.uploadsAborted) aborted)" : ""))
        for missing in report.missing { print("missing \(missing.digest.hex): \(missing.usedBy.joined(separator: ", "))") }
        for digest in report.corrupt { print("corrupt \(digest.hex)") }
        for digest in report.orphans { print("unreferenced \(digest.hex)") }
        if !report.isClean { throw ExitCode(1) }
    }
}
