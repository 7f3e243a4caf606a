// Real archives made with the system's tar/zip, and a temporary directory per test.
import Core
import CoreTesting
import Foundation
import Logging

/// A scratch directory removed when the value is released.
final class ScratchDirectory: Sendable {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("artifactfs-test-" + UUID().uuidString).path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

enum Fixtures {
    /// Runs a tool and fails loudly if it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Bytes of a real archive: `flag` is tar's compression flag (`z`, `J`, `j`, `--zstd`) or "zip".
    static func archive(_ kind: String, files: [String: String] = ["hello.txt": "hello world\n"]) throws -> [UInt8] {
        let scratch = ScratchDirectory()
        let content = scratch.file("content")
        try FileManager.default.createDirectory(atPath: content, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: content + "/" + name)) }
        let out = scratch.file("out")
        switch kind {
        case "zip": try run("/usr/bin/zip", ["-qr", out, "."], in: content)
        case "--zstd": try run("/usr/bin/tar", ["--zstd", "-cf", out, "-C", content, "."])
        default: try run("/usr/bin/tar", ["-c\(kind)f", out, "-C", content, "."])
        }
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + (kind == "zip" ? ".zip" : ""))))
    }

    /// A staged file holding `bytes`, written sequentially.
    static func stage(_ bytes: [UInt8], in spool: Spool, kinds: DigestKinds = []) throws -> StagedFile {
        let staged = try spool.create(digestKinds: kinds)
        try bytes.withUnsafeBytes { try staged.append($0) }
        return staged
    }

    /// Repositories over an in-memory catalogue and blob store with a real spool directory.
    static func repositories(_ scratch: ScratchDirectory, blobs: InMemoryBlobStore = InMemoryBlobStore()) throws -> Repositories {
        var configuration = Repositories.Configuration()
        configuration.publishQuietDelay = .milliseconds(20)
        configuration.publishMaxDelay = .milliseconds(100)
        return Repositories(metadata: try SQLiteMetadataStore(), blobs: blobs, spool: try Spool(directory: scratch.file("spool")),
                            providers: [TarballProvider()], configuration: configuration, logger: Logger(label: "test"))
    }
}
