// Builds the Hummingbird application that serves the tree and accepts uploads.
import Core
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// The HTTP exporter's configuration and application factory.
public enum HTTPExporter {
    /// Settings of the exporter.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (the ready callback reports the real one).
        public var port: Int
        /// A token for every repository besides the named ones in the catalogue (`serve --upload-token`). With
        /// neither, writes need no token; reads need one only in private repositories.
        public var uploadToken: String?
        /// Largest upload accepted, in bytes.
        public var uploadBytesMax: Int64
        /// The registry swift-metrics was bootstrapped with; `/metrics` renders it (404 without one).
        public var metricsRegistry: PrometheusCollectorRegistry?
        /// Checks `/readyz` runs besides the catalogue and the blob store (the mount, when there is one).
        public var readinessChecks: [ReadinessCheck]
        /// How long a connection may take to send a request (idle, head, body rate) and how much is read after an
        /// early refusal.
        public var connectionLimits: ConnectionLimits

        public init(host: String = "127.0.0.1", port: Int = 8080, uploadToken: String? = nil, uploadBytesMax: Int64 = 64 << 30,
                    metricsRegistry: PrometheusCollectorRegistry? = nil, readinessChecks: [ReadinessCheck] = [],
                    connectionLimits: ConnectionLimits = ConnectionLimits()) {
            self.host = host
            self.port = port
            self.uploadToken = uploadToken
            self.uploadBytesMax = uploadBytesMax
            self.metricsRegistry = metricsRegistry
            self.readinessChecks = readinessChecks
            self.connectionLimits = connectionLimits
        }
    }

    /// The application; `onReady` gets the bound host and port once the server listens. Reads (and staging writes)
    /// run on `executor`; validation and ingestion of uploads on `ingestExecutor` (give it its own threads and a
    /// bounded queue, so a slow validation never delays a read; nil shares `executor`, for tests).
    public static func application(
        repositories: Repositories, executor: BlockingExecutor, ingestExecutor: BlockingExecutor? = nil,
        configuration: Configuration, logger: Logger,
        onReady: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let access = AccessPolicy(repositories: repositories, executor: executor, uploadToken: configuration.uploadToken)
        let responder = ArtifactResponder(
            files: TreeFileServer(repositories: repositories, executor: executor, access: access),
            uploads: UploadHandlers(repositories: repositories, executor: executor, ingestExecutor: ingestExecutor ?? executor,
                                    access: access, uploadBytesMax: configuration.uploadBytesMax),
            api: RepositoryAPI(repositories: repositories, executor: executor, access: access),
            health: HealthEndpoints(probe: ReadinessProbe(checks: ReadinessProbe.storageChecks(repositories) + configuration.readinessChecks)),
            metrics: configuration.metricsRegistry.map { MetricsEndpoint(registry: $0, repositories: repositories, executor: executor) })
        return Application(
            responder: responder,
            server: GuardedHTTP1Channel.builder(limits: configuration.connectionLimits),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "artifactfs"),
            onServerRunning: { channel in
                let address = channel.localAddress
                await onReady(address?.ipAddress ?? configuration.host, address?.port ?? configuration.port)
            },
            logger: logger)
    }
}
