// Runs the readiness checks (catalogue, blob store, mount) each on its own thread, with a deadline.
import Core
import Foundation
import Synchronization

/// One dependency `/readyz` looks at; `run` blocks and throws when the dependency cannot serve.
public struct ReadinessCheck: Sendable {
    public let name: String
    public let run: @Sendable () throws -> Void

    public init(name: String, run: @escaping @Sendable () throws -> Void) {
        self.name = name
        self.run = run
    }
}

/// What one check found.
struct ReadinessResult: Sendable {
    let name: String
    let ok: Bool
    let milliseconds: Int
    let detail: String?
}

/// Evaluates checks in parallel. A check runs on a thread of its own, not the blocking executor: a hung
/// dependency (a FUSE mount whose server stopped answering, an S3 endpoint black-holing packets) must not take
/// threads uploads need. A check still running from an earlier probe is reported as failing, not started again,
/// so a hung dependency costs one thread however often the probe is scraped.
final class ReadinessProbe: Sendable {
    let checks: [ReadinessCheck]
    let deadline: Duration
    private let inFlight = Mutex<Set<String>>([])

    init(checks: [ReadinessCheck], deadline: Duration = .seconds(3)) {
        self.checks = checks
        self.deadline = deadline
    }

    func evaluate() async -> [ReadinessResult] {
        await withTaskGroup(of: ReadinessResult.self) { group in
            for check in checks { group.addTask { await self.evaluate(check) } }
            var results: [ReadinessResult] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.name < $1.name }
        }
    }

    private func evaluate(_ check: ReadinessCheck) async -> ReadinessResult {
        guard inFlight.withLock({ $0.insert(check.name).inserted }) else {
            return ReadinessResult(name: check.name, ok: false, milliseconds: 0, detail: "the previous check has not returned yet")
        }
        let started = ContinuousClock.now
        let outcome: String?? = await withCheckedContinuation { continuation in
            let answer = FirstAnswer(continuation)
            Thread.detachNewThread { [self] in
                let failure: String?
                do { try check.run(); failure = nil } catch { failure = "\(error)" }
                inFlight.withLock { _ = $0.remove(check.name) }
                answer.resume(returning: .some(failure))
            }
            Task { [deadline] in
                try? await Task.sleep(for: deadline)
                answer.resume(returning: .none)
            }
        }
        let milliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
        switch outcome {
        case .none:
            return ReadinessResult(name: check.name, ok: false, milliseconds: milliseconds, detail: "no answer within \(deadline)")
        case .some(let failure):
            return ReadinessResult(name: check.name, ok: failure == nil, milliseconds: milliseconds, detail: failure)
        }
    }

    /// The catalogue answers a read (one row by key: probes come often, so nothing that scans) and the blob store
    /// answers a lookup (a missing blob is an answer).
    static func storageChecks(_ repositories: Repositories) -> [ReadinessCheck] {
        [
            ReadinessCheck(name: "catalogue") { _ = try repositories.metadata.entry(id: WellKnownNode.root) },
            ReadinessCheck(name: "blobStore") { _ = try repositories.blobs.contains(SHA256Digest(of: [UInt8]())) },
        ]
    }
}

/// Resumes a continuation with whichever answer comes first (the check or its deadline) and ignores the other.
private final class FirstAnswer<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, Never>?>

    init(_ continuation: CheckedContinuation<T, Never>) { self.continuation = Mutex(continuation) }

    func resume(returning value: T) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
