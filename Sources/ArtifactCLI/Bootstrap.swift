// The one place that picks concrete stores and providers from configuration.
import ArgumentParser
import Core
import Foundation
import Logging

/// `--data DIR`, shared by the commands that open the data directory (flag > ARTIFACTFS_DATA > ./data).
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data"), help: "Data directory: catalogue, blobs, spool. Env ARTIFACTFS_DATA.")
    var path: String?

    var resolved: String { path ?? ProcessInfo.processInfo.environment["ARTIFACTFS_DATA"] ?? "./data" }
}

/// Everything a running server needs, built from the data directory.
struct Bootstrap {
    let repositories: Repositories
    let executor: BlockingExecutor
    let dataDirectory: String
    let keys: GPGKeyStore

    /// Opens (creating if needed) `<data>/catalogue.sqlite`, `<data>/blobs/`, `<data>/spool/` and
    /// `<data>/keys/` (0700: apt signing keys).
    init(dataDirectory: String, apt: AptProvider.Configuration = .init(), keyExpirySeconds: UInt? = nil, logger: Logger) throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try Self.lock(dataDirectory)
        self.dataDirectory = dataDirectory
        let metadata = try SQLiteMetadataStore(path: dataDirectory + "/catalogue.sqlite")
        let blobs = try LocalBlobStore(root: dataDirectory + "/blobs")
        let spool = try Spool(directory: dataDirectory + "/spool")
        keys = try GPGKeyStore(root: dataDirectory + "/keys/apt", expiresAfterSeconds: keyExpirySeconds)
        repositories = Repositories(metadata: metadata, blobs: blobs, spool: spool,
                                    providers: [TarballProvider(), AptProvider(keys: keys, configuration: apt), PyPIProvider()], logger: logger)
        executor = BlockingExecutor(threadCount: 8)
    }

    /// Takes `<data>/lock` for the life of the process: opening the stores empties the spool, which would
    /// destroy a running server's uploads, so a second process on the same data directory must stop here.
    private static func lock(_ dataDirectory: String) throws {
        let path = dataDirectory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ValidationError("\(dataDirectory) is in use by another artifactfs process (serve, mount or import); stop it first")
        }
        // The descriptor stays open (and locked) until the process exits.
    }

    /// Stops publishing and the gpg-agents signing started (they would outlive the process otherwise).
    func shutdown() {
        repositories.publisher.stop()
        keys.stopAgents()
    }

    /// Logs to standard error; `LOG_LEVEL` (trace…critical) sets the level, default info.
    static func makeLogger(_ label: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        return Logger(label: label)
    }
}
