// Test fixtures shared by the test targets: scratch directories, real archives, in-memory service setups.
import Core
import Foundation
import Logging

/// A scratch directory removed when the value is released.
public final class ScratchDirectory: Sendable {
    public let path: String
    public init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("artifactfs-test-" + UUID().uuidString).path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }
}

public enum Fixtures {
    /// Deterministic incompressible bytes (xorshift), so an archive of them can be cut to a truncated one.
    public static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var state = (seed &+ 1) &* 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 29)
        }
    }

    /// Runs a tool and returns its exit status.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Bytes of a real archive made by the system's tools: `kind` is tar's compression flag
    /// (`z`, `J`, `j`, `--zstd`) or `zip`.
    public static func archive(_ kind: String, files: [String: String] = ["hello.txt": "hello world\n"]) throws -> [UInt8] {
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

    /// Waits up to `seconds` for `condition`, checking every 20 ms; returns whether it became true. Blocks: call it
    /// off the cooperative pool.
    public static func eventually(within seconds: Double = 3, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            if Date() > deadline { return false }
            usleep(20_000)
        }
        return true
    }

    /// A staged file holding `bytes`, written sequentially.
    public static func stage(_ bytes: [UInt8], in spool: Spool, kinds: DigestKinds = []) throws -> StagedFile {
        let staged = try spool.create(digestKinds: kinds)
        try bytes.withUnsafeBytes { try staged.append($0) }
        return staged
    }

    /// Repositories over an in-memory catalogue and blob store with a real spool directory, publishing fast.
    public static func repositories(_ scratch: ScratchDirectory, blobs: InMemoryBlobStore = InMemoryBlobStore(),
                                    keys: FakeKeyStore = FakeKeyStore()) throws -> Repositories {
        var configuration = Repositories.Configuration()
        configuration.publishQuietDelay = .milliseconds(20)
        configuration.publishMaxDelay = .milliseconds(100)
        return Repositories(metadata: try SQLiteMetadataStore(), blobs: blobs, spool: try Spool(directory: scratch.file("spool")),
                            providers: [TarballProvider(), AptProvider(keys: keys), PyPIProvider()], configuration: configuration,
                            logger: Logger(label: "test"))
    }
}
