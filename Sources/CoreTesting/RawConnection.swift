// A plain TCP client for tests that must send what HTTP clients never send: half a request, a trickle, a stall.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One blocking TCP connection to 127.0.0.1. Every call runs on a thread of its own, never the cooperative pool.
/// @unchecked Sendable: the descriptor is only used by one call at a time (each call is awaited).
public final class RawConnection: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// What `read` got: the bytes, and whether the server closed (or reset) the connection.
    public struct Received: Sendable {
        public var bytes: [UInt8] = []
        public var closed = false
        public init(bytes: [UInt8] = [], closed: Bool = false) {
            self.bytes = bytes
            self.closed = closed
        }
        public var text: String { String(decoding: bytes, as: UTF8.self) }
        /// The status code of the first answer line, or nil.
        public var status: Int? {
            guard text.hasPrefix("HTTP/1.1 ") else { return nil }
            return Int(text.dropFirst(9).prefix(3))
        }
    }

    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Connects to `port` on the loopback address.
    public static func connect(port: Int) async throws -> RawConnection {
        try await offThread {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else {
                close(fd)
                throw Failure(description: "connect: \(errno)")
            }
            return RawConnection(fd: fd)
        }
    }

    /// Sends all of `bytes`; false when the server closed the connection first.
    @discardableResult
    public func send(_ bytes: [UInt8]) async -> Bool {
        let fd = self.fd
        return (try? await Self.offThread { () -> Bool in
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }) ?? false
    }

    @discardableResult
    public func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// Sends `chunk` `count` times on one thread (a large body without holding it in memory); returns the bytes
    /// sent before the server closed the connection, or all of them.
    @discardableResult
    public func send(repeating chunk: [UInt8], count: Int) async -> Int {
        let fd = self.fd
        return (try? await Self.offThread { () -> Int in
            var total = 0
            for _ in 0..<count {
                var offset = 0
                while offset < chunk.count {
                    let sent = chunk[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if sent <= 0 { return total }
                    offset += sent
                    total += sent
                }
            }
            return total
        }) ?? 0
    }

    /// Reads until the server closes the connection, `until` holds for what arrived, or `timeout` passes.
    public func read(timeout: Duration, until done: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }) async -> Received {
        let fd = self.fd
        return (try? await Self.offThread { () -> Received in
            var received = Received()
            let deadline = ContinuousClock.now + timeout
            var buffer = [UInt8](repeating: 0, count: 65536)
            while ContinuousClock.now < deadline, !done(received.bytes) {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let left = deadline - ContinuousClock.now
                let milliseconds = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
                guard poll(&poller, 1, milliseconds) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 {
                    received.closed = true
                    break
                }
                received.bytes += buffer[0..<count]
            }
            return received
        }) ?? Received(closed: true)
    }

    /// Closes both directions (the server sees the connection end).
    public func shutdown() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Runs `body` on a new thread and resumes with its result.
    public static func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
