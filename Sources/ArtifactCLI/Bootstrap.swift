// The one place that picks concrete stores and providers from configuration.
import ArgumentParser
import Core
import Foundation
import Logging
import Synchronization

/// `--data DIR`, where blobs go and `--config FILE`, shared by the commands that open the data directory
/// (flag > environment > config file > default: ./data, blobs in <data>/blobs; see `Settings`).
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data"), help: "Data directory: catalogue, blobs, spool. Env ARTIFACTFS_DATA.")
    var path: String?

    @Option(name: .customLong("s3"), help: "Keep blobs in S3: http(s)://KEY:SECRET@host[:port]/bucket[/prefix]. Env S3_URL.")
    var s3URL: String?

    @Option(name: .customLong("s3-region"), help: "Region S3 requests are signed for (default us-east-1). Env S3_REGION.")
    var s3Region: String?

    @Option(name: .customLong("config"), help: "Config file (TOML; contrib/artifactfs.example.toml). Flags and environment override it. Env ARTIFACTFS_CONFIG.")
    var configPath: String?

    /// A config file that does not parse stops every command before it runs, with each problem and its line.
    func validate() throws {
        _ = try configFile()
    }

    /// The config file named by `--config` or `ARTIFACTFS_CONFIG`, parsed; nil when none is named.
    func configFile() throws -> ConfigFile? {
        guard let path = configPath ?? ProcessInfo.processInfo.environment["ARTIFACTFS_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return nil
        }
        do { return try ConfigFile.load(path: path) } catch { throw ValidationError(error.description) }
    }

    /// The effective settings: `flags` (a command's own) and this group's flags over environment, file and defaults.
    func settings(adding flags: SettingsLayer = SettingsLayer()) throws -> Settings {
        try Settings.resolve(flags: flags.over(ownFlags), environment: environment, file: try configFile())
    }

    /// The data directory in force. Only `data` is looked at, so a bad unrelated value (LOG_LEVEL, say) cannot
    /// send `token` or `fsck` to another directory; `validate()` has already rejected a file that does not parse.
    var resolved: String {
        ownFlags.over(environment).over((try? configFile())?.layer ?? SettingsLayer()).dataDirectory ?? Settings().dataDirectory
    }

    private var ownFlags: SettingsLayer {
        var own = SettingsLayer()
        own.dataDirectory = path
        own.s3URL = s3URL
        own.s3Region = s3Region
        return own
    }

    private var environment: SettingsLayer { SettingsLayer(environment: ProcessInfo.processInfo.environment) }

    /// The S3 location, when `--s3`, `S3_URL` or the file's `s3.url` names one; a malformed URL is a usage error
    /// that never echoes the secret.
    func s3Location() throws -> S3Location? {
        try settings().s3Location()
    }
}

/// Everything a running server needs, built from the data directory.
struct Bootstrap {
    let repositories: Repositories
    let executor: BlockingExecutor
    /// Validation and ingestion of HTTP uploads, apart from `executor` (reads): a slow archive never delays a read.
    let ingestExecutor: BlockingExecutor
    let dataDirectory: String
    let keys: GPGKeyStore
    let marker: RunningMarker

    /// Opens (creating if needed) `<data>/catalogue.sqlite`, the blob store (`<data>/blobs/`, or the S3
    /// bucket with its read cache in `<data>/s3-cache/`), `<data>/spool/` and `<data>/keys/` (0700: apt signing keys).
    /// Refuses to go on when anything under `<data>/keys/` is open to other users (`KeyPermissions`).
    init(dataDirectory: String, s3: S3Location? = nil, apt: AptProvider.Configuration = .init(), keyExpirySeconds: UInt? = nil,
         logger: Logger) throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try Self.lock(dataDirectory)
        for path in try KeyPermissions.prepare(dataDirectory + "/keys") {
            logger.notice("key directory made private (chmod 700): earlier versions created it 0755", metadata: ["path": "\(path)"])
        }
        self.dataDirectory = dataDirectory
        marker = RunningMarker(path: dataDirectory + "/running")
        let metadata = try SQLiteMetadataStore(path: dataDirectory + "/catalogue.sqlite")
        let blobs: any BlobStore
        if let s3 {
            blobs = try S3BlobStore(location: s3, cacheDirectory: dataDirectory + "/s3-cache")
            logger.info("blobs in S3", metadata: ["s3.location": "\(s3)"])
        } else {
            blobs = try LocalBlobStore(root: dataDirectory + "/blobs")
        }
        let spool = try Spool(directory: dataDirectory + "/spool", earlyUploads: blobs as? any EarlyUploading)
        keys = try GPGKeyStore(root: dataDirectory + "/keys/apt", expiresAfterSeconds: keyExpirySeconds)
        repositories = Repositories(metadata: metadata, blobs: MeteredBlobStore(blobs), spool: spool,
                                    providers: [TarballProvider(), AptProvider(keys: keys, configuration: apt), PyPIProvider()], logger: logger)
        executor = BlockingExecutor(threadCount: 8)
        ingestExecutor = BlockingExecutor(threadCount: Self.ingestThreadCount, name: "artifactfs.ingest",
                                          queuedJobCountMax: Self.ingestQueuedCountMax)
    }

    /// Validations running at once: libarchive work is CPU-bound, so about one per core (at least two).
    static let ingestThreadCount = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Uploads waiting for a validation thread before more are refused with 503 (`BlockingExecutor.Saturated`).
    static let ingestQueuedCountMax = 64

    /// The stores and apt publishing settings `settings` names; `listening` is the address the apt install script
    /// names when no public URL is set (`serve` only).
    init(_ settings: Settings, listening: ListenAddress? = nil, logger: Logger) throws {
        try self.init(dataDirectory: settings.dataDirectory, s3: try settings.s3Location(),
                      apt: settings.aptConfiguration(listening: listening), keyExpirySeconds: settings.keyExpirySeconds, logger: logger)
    }

    /// Takes `<data>/lock` for the life of the process: opening the stores empties the spool, which would
    /// destroy a running server's uploads, so a second process on the same data directory must stop here.
    static func lock(_ dataDirectory: String) throws {
        let path = dataDirectory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ValidationError("\(dataDirectory) is in use by another artifactfs process (serve, mount or import); stop it first")
        }
        // The descriptor stays open (and locked) until the process exits.
    }

    /// The catalogue alone, under the data directory's lock (the `token` commands need nothing else).
    static func openCatalogue(dataDirectory: String) throws -> SQLiteMetadataStore {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try lock(dataDirectory)
        return try SQLiteMetadataStore(path: dataDirectory + "/catalogue.sqlite")
    }

    /// Runs the publishes still owed, stops publishing and the gpg-agents signing started (they would outlive the
    /// process otherwise), and clears the running marker when everything owed was published.
    func shutdown() {
        let published = repositories.publisher.stopAfterPendingPublishes()
        keys.stopAgents()
        if published { marker.clear() }
    }

    /// For commands that write (serve, mount, import): when the last one did not stop cleanly, repairs what it
    /// left (`Repositories.recoverFromUncleanStop`) before anything is served; then marks this one running.
    func startWriting(logger: Logger) throws {
        if marker.isPresent {
            logger.warning("the last run did not stop cleanly: publishing every repository again and removing leftovers")
            let report = try repositories.recoverFromUncleanStop()
            logger.notice("recovered", metadata: ["blobs.deleted": "\(report.orphansDeleted)", "uploads.aborted": "\(report.uploadsAborted)"])
            if report.orphans.count > report.orphansDeleted || report.incompleteUploads > report.uploadsAborted {
                // A shared bucket: what looks left over may be another server's upload in progress.
                logger.warning("unreferenced blobs or unfinished uploads left in the shared blob store (remove them with `artifactfs fsck --delete-orphans` while no server writes to it)",
                               metadata: ["blobs": "\(report.orphans.count)", "uploads": "\(report.incompleteUploads)"])
            }
            for missing in report.missing {
                logger.error("a blob the catalogue needs is missing (upload it again)", metadata: [
                    "blob.sha256": "\(missing.digest)", "used.by": "\(missing.usedBy.joined(separator: ", "))"])
            }
        }
        try marker.set()
    }

    /// Logs to standard error; `level` (from `Settings`), else `LOG_LEVEL` (trace…critical), sets the level, default info.
    static func makeLogger(_ label: String, level: Logger.Level? = nil) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level ?? ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        return Logger(label: label)
    }
}

/// `<data>/running`: present while a writing command runs, removed when it stops cleanly. Finding it at start
/// means the last writer crashed (or was killed) and recovery must run.
final class RunningMarker: Sendable {
    let path: String
    private let owned = Mutex(false)

    init(path: String) { self.path = path }

    var isPresent: Bool { FileManager.default.fileExists(atPath: path) }

    func set() throws {
        guard FileManager.default.createFile(atPath: path, contents: Data("\(getpid())\n".utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot create \(path)")
        }
        owned.withLock { $0 = true }
    }

    /// Removes the marker if this process set it (fsck, which only reads, never does).
    func clear() {
        if owned.withLock({ $0 }) { unlink(path) }
    }
}
