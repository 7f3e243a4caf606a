// The multipart/form-data parser as seen from outside the module, for the fuzz target (`ArtifactFuzzing`).
import NIOCore

/// What `MultipartFormParser` makes of a body cut into given buffers, without exposing the parser or NIO types:
/// the parts in order with their bytes joined, the refusal if any, and the counters the limits apply to.
public struct MultipartFormTrace: Equatable, Sendable {
    /// One thing the parser reported; adjacent byte events are joined.
    public enum Step: Equatable, Sendable {
        case part(name: String, filename: String?)
        case bytes([UInt8])
        case partEnd
        case formEnd
    }

    /// The parser's limits, small ones for fuzzing so that each is reached.
    public struct Limits: Sendable {
        /// As `MultipartFormParser.Limits`: header section bytes per part.
        public var headerSectionBytesMax: Int
        /// Parts per form.
        public var partCountMax: Int
        /// Bytes per text field.
        public var fieldBytesMax: Int
        /// Bytes of all text field names and values.
        public var fieldBytesTotalMax: Int
        /// Bytes before the first boundary.
        public var preambleBytesMax: Int

        /// Limits with these values.
        public init(headerSectionBytesMax: Int, partCountMax: Int, fieldBytesMax: Int, fieldBytesTotalMax: Int, preambleBytesMax: Int) {
            self.headerSectionBytesMax = headerSectionBytesMax
            self.partCountMax = partCountMax
            self.fieldBytesMax = fieldBytesMax
            self.fieldBytesTotalMax = fieldBytesTotalMax
            self.preambleBytesMax = preambleBytesMax
        }
    }

    public private(set) var steps: [Step] = []
    /// The refusal's message, nil when the form was read to its closing delimiter.
    public private(set) var refusal: String?
    /// Whether the refusal is one of the size limits (HTTP 413).
    public private(set) var refusedForSize = false
    /// Byte events before joining (each a slice or the carry); bounded by about two per buffer.
    public private(set) var byteEventCount = 0
    /// Parts begun, text field bytes counted and epilogue bytes, as the parser reports them.
    public private(set) var partCount = 0
    /// See `partCount`.
    public private(set) var fieldBytesTotal = 0
    /// See `partCount`.
    public private(set) var epilogueBytes = 0

    /// Whether `boundary` is one the server accepts (RFC 2046).
    public static func acceptsBoundary(_ boundary: [UInt8]) -> Bool {
        (try? MultipartBoundary(boundary)) != nil
    }

    /// Parses `chunks` as one body with `boundary`; nil when the boundary is refused.
    public init?(boundary: [UInt8], chunks: [[UInt8]], limits: Limits) {
        guard let boundary = try? MultipartBoundary(boundary) else { return nil }
        var parser = MultipartFormParser(boundary: boundary, limits: MultipartFormParser.Limits(
            headerSectionBytesMax: limits.headerSectionBytesMax, partCountMax: limits.partCountMax, fieldBytesMax: limits.fieldBytesMax,
            fieldBytesTotalMax: limits.fieldBytesTotalMax, preambleBytesMax: limits.preambleBytesMax))
        do {
            for chunk in chunks {
                parser.append(ByteBuffer(bytes: chunk))
                while let event = try parser.next() { record(event) }
            }
            try parser.finish()
        } catch {
            refusal = error.description
            refusedForSize = error.isSizeLimit
        }
        partCount = parser.partCount
        fieldBytesTotal = parser.fieldBytesTotal
        epilogueBytes = parser.epilogueBytes
    }

    private mutating func record(_ event: MultipartFormParser.Event) {
        switch event {
        case .partBegan(let head):
            steps.append(.part(name: head.name, filename: head.filename))
        case .bytes(let buffer):
            byteEventCount += 1
            if case .bytes(let earlier) = steps.last {
                steps[steps.count - 1] = .bytes(earlier + buffer.readableBytesView)
            } else {
                steps.append(.bytes(Array(buffer.readableBytesView)))
            }
        case .partEnded:
            steps.append(.partEnd)
        case .formEnded:
            steps.append(.formEnd)
        }
    }
}
