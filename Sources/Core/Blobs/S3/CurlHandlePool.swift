// Idle libcurl handles kept for reuse, so each request finds a warm keep-alive connection.
import Synchronization

/// Hands each calling thread a handle of its own for one request; returns it to the pool afterwards.
/// At most `idleMax` handles (and their connections) are kept; more are created under load and then freed.
final class CurlHandlePool: Sendable {
    private let idle = Mutex<[CurlEasy]>([])
    private let idleMax: Int

    init(idleMax: Int) {
        self.idleMax = idleMax
    }

    /// Runs `body` with a handle no other thread is using.
    func withHandle<T, E: Error>(_ body: (CurlEasy) throws(E) -> T) throws -> T {
        let handle = try idle.withLock { $0.popLast() } ?? CurlEasy()
        defer { idle.withLock { if $0.count < idleMax { $0.append(handle) } } }
        return try body(handle)
    }
}
