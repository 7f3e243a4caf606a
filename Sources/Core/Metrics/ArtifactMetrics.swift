// Names and recording helpers of every metric artifactfs emits (swift-metrics API; the backend is chosen at start).
import Foundation
import CoreMetrics
import Metrics

/// The one list of metric names, so docs/OPERATIONS.md, the exporter and the tests agree. Without a backend
/// (tests, `import`) recording is a no-op.
public enum ArtifactMetrics {
    public static let ingests = "artifactfs_ingests_total"
    public static let ingestSeconds = "artifactfs_ingest_duration_seconds"
    public static let publishes = "artifactfs_publishes_total"
    public static let publishSeconds = "artifactfs_publish_duration_seconds"
    public static let blobBytesWritten = "artifactfs_blob_written_bytes_total"
    public static let blobBytesRead = "artifactfs_blob_read_bytes_total"
    public static let blobErrors = "artifactfs_blob_errors_total"
    public static let s3RequestFailures = "artifactfs_s3_request_failures_total"
    public static let httpRequests = "artifactfs_http_requests_total"
    public static let httpRequestSeconds = "artifactfs_http_request_duration_seconds"
    public static let fuseOperations = "artifactfs_fuse_operations_total"
    public static let fuseErrors = "artifactfs_fuse_errors_total"
    public static let catalogueRepositories = "artifactfs_catalogue_repositories"
    public static let cataloguePackages = "artifactfs_catalogue_packages"
    public static let cataloguePackageBytes = "artifactfs_catalogue_package_bytes"
    public static let catalogueFileBytes = "artifactfs_catalogue_file_bytes"

    /// How an ingest ended: `stored`, `unchanged`, or the kind of refusal or failure.
    static func outcome(of error: ArtifactError) -> String {
        switch error {
        case .invalidPackage, .invalidName, .badRequest: return "rejected"
        case .conflict, .alreadyExists: return "conflict"
        case .outOfSpace, .storageUnavailable: return "failed"
        case .readOnly, .notADropDirectory, .crossDirectory, .unsupportedProvider, .notFound, .notEmpty,
             .unauthorized, .forbidden:
            return "refused"
        }
    }

    static func recordIngest(provider: ProviderKind, outcome: String, since start: ContinuousClock.Instant) {
        countIngest(provider: provider, outcome: outcome)
        CoreMetrics.Timer(label: ingestSeconds, dimensions: [("provider", provider.rawValue)]).recordInterval(since: start)
    }

    static func countIngest(provider: ProviderKind, outcome: String) {
        Counter(label: ingests, dimensions: [("provider", provider.rawValue), ("outcome", outcome)]).increment()
    }

    static func recordPublish(provider: ProviderKind, succeeded: Bool, since start: ContinuousClock.Instant) {
        Counter(label: publishes, dimensions: [("provider", provider.rawValue), ("outcome", succeeded ? "published" : "failed")]).increment()
        CoreMetrics.Timer(label: publishSeconds, dimensions: [("provider", provider.rawValue)]).recordInterval(since: start)
    }
}

extension CoreMetrics.Timer {
    /// Records the time elapsed since `start` on the continuous clock.
    public func recordInterval(since start: ContinuousClock.Instant) {
        recordNanoseconds((ContinuousClock.now - start).nanoseconds)
    }
}
