// Test-only fault injection: the process kills itself at a named step, so crash recovery can be tested exactly.
import Foundation
import Synchronization

/// Steps of ingestion and publishing where a crash leaves different state behind. With
/// `ARTIFACTFS_CRASH_AT=<step>[:<n>]` in the environment the process sends itself SIGKILL the n-th time (default
/// the first) it reaches that step; without it (always, outside tests) `reached()` is one atomic load.
public enum CrashPoint: String, CaseIterable, Sendable {
    /// The upload is fully staged and hashed; nothing validated or stored.
    case ingestStaged = "ingest.staged"
    /// The blob is stored; its catalogue row is not committed.
    case ingestStored = "ingest.stored"
    /// The row is committed; the answer is not sent and the publish not run.
    case ingestCommitted = "ingest.committed"
    /// Every index file of a new generation is stored; the generation is not committed.
    case publishWritten = "publish.written"
    /// The new generation is committed; blobs it no longer needs are not deleted.
    case publishFlipped = "publish.flipped"

    /// Kills the process when this is the armed step and its count is reached.
    public func reached() {
        guard let armed = Self.armed, armed.point == self else { return }
        if Self.hits.add(1, ordering: .relaxed).newValue == armed.count { kill(getpid(), SIGKILL) }
    }

    private static let armed: (point: CrashPoint, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["ARTIFACTFS_CRASH_AT"], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1)
        guard let point = CrashPoint(rawValue: String(parts[0])) else { return nil }
        return (point, parts.count == 2 ? max(1, Int(parts[1]) ?? 1) : 1)
    }()

    private static let hits = Atomic<Int>(0)
}
