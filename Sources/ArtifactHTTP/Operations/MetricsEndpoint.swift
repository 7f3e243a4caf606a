// GET /metrics: the Prometheus text exposition of every counter and histogram, plus catalogue gauges.
import Core
import Hummingbird
import NIOCore
import Prometheus

/// Renders the registry the process bootstrapped swift-metrics with. Catalogue totals are read at scrape
/// time (one small query), so they are never stale and cost nothing between scrapes.
struct MetricsEndpoint: Sendable {
    let registry: PrometheusCollectorRegistry
    let repositories: Repositories
    let executor: BlockingExecutor

    func render() async throws -> Response {
        let statistics = try await executor.run { [repositories] in try repositories.metadata.statistics() }
        update(with: statistics)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    private func update(with statistics: CatalogueStatistics) {
        for provider in ProviderKind.allCases {
            let totals = statistics.byProvider[provider] ?? .init()
            let labels = [("provider", provider.rawValue)]
            registry.makeGauge(name: ArtifactMetrics.catalogueRepositories, labels: labels).set(Double(totals.repositories))
            registry.makeGauge(name: ArtifactMetrics.cataloguePackages, labels: labels).set(Double(totals.packages))
            registry.makeGauge(name: ArtifactMetrics.cataloguePackageBytes, labels: labels).set(Double(totals.packageBytes))
        }
        registry.makeGauge(name: ArtifactMetrics.catalogueFileBytes).set(Double(statistics.databaseBytes))
    }
}
