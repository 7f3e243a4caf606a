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

    @Option(name: .customLong("apt-valid-days"), help: "apt: Release files carry Valid-Until this many days ahead (default: none).")
    var aptValidDays: Int?

    @Option(name: .customLong("apt-key-expiry-days"), help: "apt: keys generated for new repositories expire after this many days (default: never).")
    var aptKeyExpiryDays: UInt?

    func validate() throws {
        _ = try ListenAddress(resolvedListen)
    }

    var resolvedListen: String { listen ?? ProcessInfo.processInfo.environment["ARTIFACTFS_LISTEN"] ?? "127.0.0.1:8080" }
    var resolvedToken: String? { uploadToken ?? ProcessInfo.processInfo.environment["ARTIFACTFS_UPLOAD_TOKEN"] }
    var explicitMount: String? { mount ?? ProcessInfo.processInfo.environment["ARTIFACTFS_MOUNT"] }

    func run() async throws {
        let logger = Bootstrap.makeLogger("artifactfs")
        let metrics = OperationsSupport.bootstrapMetrics()  // first: metrics made before it would record nowhere
        let address = try ListenAddress(resolvedListen)
        let dataDirectory = data.resolved
        let bootstrap = try Bootstrap(dataDirectory: dataDirectory, s3: try data.s3Location(), apt: try aptConfiguration(address),
                                      keyExpirySeconds: aptKeyExpiryDays.map { $0 * 86400 }, logger: logger)
        defer { bootstrap.shutdown() }
        try bootstrap.startWriting(logger: logger)
        let access = try accessSummary(bootstrap, logger: logger)
        let session = try mountIfWanted(bootstrap, logger: logger)
        defer { session?.unmount() }
        let configuration = HTTPExporter.Configuration(host: address.host, port: address.port, uploadToken: resolvedToken,
                                                       metricsRegistry: metrics,
                                                       readinessChecks: OperationsSupport.mountChecks(session))
        let app = HTTPExporter.application(
            repositories: bootstrap.repositories, executor: bootstrap.executor, configuration: configuration, logger: logger
        ) { host, port in
            logger.notice("ready", metadata: ["http.url": "http://\(host):\(port)/", "data.dir": "\(dataDirectory)",
                                               "access": "\(access)"])
        }
        try await app.runService()
        logger.notice("stopped")
    }

    /// How writes are guarded, for the ready line (never a secret): `open`, or the number of tokens. Warns when a
    /// repository is private but no token exists (its files can then be read through the mount only).
    private func accessSummary(_ bootstrap: Bootstrap, logger: Logger) throws -> String {
        let named = try bootstrap.repositories.tokens().count
        let total = named + (resolvedToken.map { $0.isEmpty ? 0 : 1 } ?? 0)
        if total == 0 {
            if try bootstrap.repositories.metadata.repositories().contains(where: \.isPrivate) {
                logger.warning("a repository is private but no token exists: nobody can read it over HTTP (artifactfs token add)")
            }
            return "open"
        }
        return "tokens required (\(total))"
    }

    /// apt publishing settings from the flags; the public URL defaults to the listen address when it is fixed.
    private func aptConfiguration(_ address: ListenAddress) throws -> AptProvider.Configuration {
        var apt = AptProvider.Configuration()
        if let days = aptValidDays {
            guard days > 0 else { throw ValidationError("--apt-valid-days must be positive") }
            apt.validFor = .seconds(days * 86400)
        }
        if let url = publicURL ?? ProcessInfo.processInfo.environment["ARTIFACTFS_PUBLIC_URL"] {
            // It is pasted into a shell script: only characters a URL needs, nothing a shell would expand.
            let safe = url.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ":/.-_[]%".unicodeScalars.contains($0)) }
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), safe else {
                throw ValidationError("--public-url must be an http:// or https:// URL of letters, digits and : / . - _ [ ] %")
            }
            apt.publicURL = url
        } else if address.port != 0 {
            let wildcard = ["0.0.0.0", "::", "*"].contains(address.host)
            let host = wildcard ? ProcessInfo.processInfo.hostName : address.host
            apt.publicURL = "http://\(host.contains(":") ? "[\(host)]" : host):\(address.port)"
        }
        return apt
    }

    /// Mounts unless --no-mount. A failure is fatal when a mount point was asked for, and a warning when
    /// it is only the default (so `serve` still runs HTTP on a machine without FUSE).
    private func mountIfWanted(_ bootstrap: Bootstrap, logger: Logger) throws -> FuseSession? {
        guard !noMount else { return nil }
        do {
            return try bootstrap.mount(at: explicitMount ?? "./mnt", options: try mountFlags.resolved(), handleSignals: false, logger: logger)
        } catch where explicitMount == nil {
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
