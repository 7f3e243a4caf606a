// What `serve` adds for operators: the Prometheus registry behind /metrics and the mount's readiness check.
import ArtifactFS
import ArtifactHTTP
import Foundation
import Metrics
import Prometheus

enum OperationsSupport {
    /// Makes swift-metrics record into a Prometheus registry (once per process) and returns the registry.
    static func bootstrapMetrics() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    /// The mount is in the mount table and its server answers: statvfs always reaches the FUSE loop (the kernel
    /// caches attributes and entries, never filesystem statistics).
    static func mountChecks(_ session: FuseSession?) -> [ReadinessCheck] {
        guard let mountPoint = session?.mountPoint else { return [] }
        return [ReadinessCheck(name: "mount") {
            guard MountTable.contains(mountPoint) else { throw CheckFailure("\(mountPoint) is not mounted") }
            var info = statvfs()
            guard statvfs(mountPoint, &info) == 0 else {
                throw CheckFailure("statvfs \(mountPoint): \(String(cString: strerror(errno)))")
            }
        }]
    }

    struct CheckFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
