// `artifactfs serve`: the main job — open the data directory and serve the tree over HTTP.
import ArgumentParser
import ArtifactHTTP
import Core
import Foundation
import Hummingbird
import ArtifactFS
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the repositories over HTTP (foreground; SIGINT/SIGTERM stop it cleanly).")

    @OptionGroup var data: DataDirectoryOption

    @Option(help: "HOST:PORT to listen on (port 0 picks a free one). Env ARTIFACTFS_LISTEN.")
    var listen: String?

    @Option(name: .customLong("upload-token"), help: "A token for every repository, besides those of `artifactfs token`. Env ARTIFACTFS_UPLOAD_TOKEN.")
    var uploadToken: String?

    @Option(help: "Mount point of the filesystem view (created if missing; default ./mnt). Env ARTIFACTFS_MOUNT.")
    var mount: String?

    @Flag(name: .customLong("no-mount"), help: "Serve HTTP only.")
    var noMount = false

    @OptionGroup var mountFlags: MountFlags

    @Option(name: .customLong("public-url"), help: "Base URL clients use (http://host:port), written into apt install scripts. Env ARTIFACTFS_PUBLIC_URL.")
    var publicURL: String?

    @Option(name: .customLong("apt-valid-days"), help: "apt: Release files carry Valid-Until this many days ahead (default: none; 0: none).")
    var aptValidDays: Int?

    @Option(name: .customLong("apt-key-expiry-days"), help: "apt: keys generated for new repositories expire after this many days (default: never; 0: never).")
    var aptKeyExpiryDays: UInt?

    @Option(name: .customLong("idle-timeout"), help: "HTTP: seconds a connection may wait for its next request before it is closed (default 60).")
    var idleTimeout: UInt?

    @Option(name: .customLong("request-timeout"), help: "HTTP: seconds for a request head, and the longest pause in a body, before 408 (default 30).")
    var requestTimeout: UInt?

    @Option(name: .customLong("request-min-rate"), help: "HTTP: bytes per second a body must arrive at while the server waits for it, else 408 (default 1024).")
    var requestMinRate: UInt?

    func validate() throws {
        _ = try data.settings(adding: flagLayer)
    }

    /// What this command's own flags say; `data.settings` stacks it over environment, config file and defaults.
    var flagLayer: SettingsLayer {
        var layer = SettingsLayer()
        layer.listen = listen
        layer.uploadToken = uploadToken
        layer.mountPath = mount
        layer.mountEnabled = noMount ? false : nil
        layer.allowOther = mountFlags.allowOther ? true : nil
        layer.mountOptions = mountFlags.mountOptions
        layer.publicURL = publicURL
        layer.aptValidDays = aptValidDays
        layer.aptKeyExpiryDays = aptKeyExpiryDays.map { Int($0) }
        return layer
    }

    func run() async throws {
        let settings = try data.settings(adding: flagLayer)
        let logger = Bootstrap.makeLogger("artifactfs", level: settings.level)
        let metrics = OperationsSupport.bootstrapMetrics()  // before the stores: metrics made earlier would record nowhere
        let address = try settings.listenAddress()
        let dataDirectory = settings.dataDirectory
        let bootstrap = try Bootstrap(settings, listening: address, logger: logger)
        defer { bootstrap.shutdown() }
        try bootstrap.startWriting(logger: logger)
        MemoryTrimmer.start()
        try bootstrap.apply(settings.repositories, logger: logger)
        let access = try accessSummary(bootstrap, token: settings.uploadToken, logger: logger)
        let session = try mountIfWanted(bootstrap, settings, logger: logger)
        defer { session?.unmount() }
        let configuration = HTTPExporter.Configuration(host: address.host, port: address.port, uploadToken: settings.uploadToken,
                                                       metricsRegistry: metrics,
                                                       readinessChecks: OperationsSupport.mountChecks(session),
                                                       connectionLimits: connectionLimits)
        let app = HTTPExporter.application(
            repositories: bootstrap.repositories, executor: bootstrap.executor, ingestExecutor: bootstrap.ingestExecutor,
            configuration: configuration, logger: logger
        ) { host, port in
            logger.notice("ready", metadata: ["http.url": "http://\(host):\(port)/", "data.dir": "\(dataDirectory)",
                                               "access": "\(access)"])
        }
        try await app.runService()
        logger.notice("stopped")
    }

    /// The connection limits with the `--idle-timeout`, `--request-timeout` and `--request-min-rate` given.
    var connectionLimits: ConnectionLimits {
        var limits = ConnectionLimits()
        if let idleTimeout { limits.idleTimeout = .seconds(max(1, idleTimeout)) }
        if let requestTimeout {
            limits.headTimeout = .seconds(max(1, requestTimeout))
            limits.bodyReadTimeout = .seconds(max(1, requestTimeout))
        }
        if let requestMinRate { limits.bodyBytesPerSecondMin = Int(clamping: requestMinRate) }
        return limits
    }

    /// How writes are guarded, for the ready line (never a secret): `open`, or the number of tokens. Warns when a
    /// repository is private but no token exists (its files can then be read through the mount only).
    private func accessSummary(_ bootstrap: Bootstrap, token: String?, logger: Logger) throws -> String {
        let named = try bootstrap.repositories.tokens().count
        let total = named + (token.map { $0.isEmpty ? 0 : 1 } ?? 0)
        if total == 0 {
            if try bootstrap.repositories.metadata.repositories().contains(where: \.isPrivate) {
                logger.warning("a repository is private but no token exists: nobody can read it over HTTP (artifactfs token add)")
            }
            return "open"
        }
        return "tokens required (\(total))"
    }

    /// Mounts unless turned off. A failure is fatal when a mount point was asked for (by any source), and a warning
    /// when it is only the default (so `serve` still runs HTTP on a machine without FUSE).
    private func mountIfWanted(_ bootstrap: Bootstrap, _ settings: Settings, logger: Logger) throws -> FuseSession? {
        guard settings.mountEnabled else { return nil }
        do {
            return try bootstrap.mount(at: settings.mountPath ?? "./mnt", options: try settings.mountOptionsValue(), handleSignals: false, logger: logger)
        } catch where settings.mountPath == nil {
            logger.warning("not mounted; serving HTTP only (use --no-mount to silence this)", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

/// `HOST:PORT`, with `[v6]:PORT` accepted.
struct ListenAddress {
    let host: String
    let port: Int

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen must be HOST:PORT (got '\(text)')")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen needs a host (got '\(text)')") }
        self.host = host
        self.port = port
    }
}
