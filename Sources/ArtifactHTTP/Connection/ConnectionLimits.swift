// How long a client connection may take to send a request, and how much is read after an early answer.

/// Time limits on one HTTP connection, so a client that sends half a request, or a body one byte at a time, cannot
/// hold a connection (and an upload's spool file) forever. The body size limit is `HTTPExporter.Configuration`'s.
///
/// - A connection waits at most `idleTimeout` for the first byte of a request (after it opened or after the last
///   response); then it is closed without an answer.
/// - From the first byte of a request, its head must be complete within `headTimeout`: else `408` and close.
/// - While a body is read, the server measures only the time it waits for the client (a read is outstanding and
///   nothing arrives), never the time the client waits for the server. Waiting `bodyReadTimeout` without a byte,
///   or, over a window of `bodyReadTimeout` in which the server waited at least half the time, receiving fewer than
///   `bodyBytesPerSecondMin` per second, is `408` and close. A trickle of one byte every few seconds therefore ends
///   within two windows, while a client slowed down by the server (back-pressure) is never cut off.
/// - An answer sent before the whole request was read (401, 403, 404, 413, …) says `Connection: close`; the server
///   then half-closes, discards what still arrives for at most `lingerTimeout` or `lingerBytesMax` (so the client
///   reads the answer instead of a reset) and closes.
public struct ConnectionLimits: Sendable, Equatable {
    /// How long a connection waits for the first byte of its next request before it is closed.
    public var idleTimeout: Duration
    /// From a request's first byte to its complete head; then 408.
    public var headTimeout: Duration
    /// The longest wait for a body byte, and the window the body rate is measured over; then 408.
    public var bodyReadTimeout: Duration
    /// The slowest body accepted while the server waits for it, in bytes per second.
    public var bodyBytesPerSecondMin: Int
    /// After an answer sent before its request was read: how long what still arrives is read and dropped.
    public var lingerTimeout: Duration
    /// ... and at most how many bytes of it, before the connection closes.
    public var lingerBytesMax: Int

    /// Defaults: 60 s idle, 30 s for a head, 30 s body window at 1 KiB/s, 2 s or 8 MiB of lingering.
    public init(idleTimeout: Duration = .seconds(60), headTimeout: Duration = .seconds(30), bodyReadTimeout: Duration = .seconds(30),
                bodyBytesPerSecondMin: Int = 1024, lingerTimeout: Duration = .seconds(2), lingerBytesMax: Int = 8 << 20) {
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
        self.bodyReadTimeout = bodyReadTimeout
        self.bodyBytesPerSecondMin = bodyBytesPerSecondMin
        self.lingerTimeout = lingerTimeout
        self.lingerBytesMax = lingerBytesMax
    }
}
