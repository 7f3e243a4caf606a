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
        self.dataDirectory = dataDirectory
        let metadata = try SQLiteMetadataStore(path: dataDirectory + "/catalogue.sqlite")
        let blobs = try LocalBlobStore(root: dataDirectory + "/blobs")
        let spool = try Spool(directory: dataDirectory + "/spool")
        keys = try GPGKeyStore(root: dataDirectory + "/keys/apt", expiresAfterSeconds: keyExpirySeconds)
        repositories = Repositories(metadata: metadata, blobs: blobs, spool: spool,
                                    providers: [TarballProvider(), AptProvider(keys: keys, configuration: apt)], logger: logger)
        executor = BlockingExecutor(threadCount: 8)
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
