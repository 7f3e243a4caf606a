// A streaming multipart/form-data parser: a pure state machine fed network buffers, handing out parts and body slices.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Core
import NIOCore

/// Reads a multipart/form-data body (RFC 7578 over RFC 2046) from buffers in arrival order, however they are cut.
///
/// Body bytes are handed out as slices of the buffers appended (no copy), found by searching for the delimiter
/// `CR LF - - boundary` with `memchr` over CR bytes; at most `delimiter.count - 1` bytes that might begin a
/// delimiter are carried from one buffer to the next. Memory is bounded by the limits whatever the input: a header
/// section, the boundary line and the carry are the only bytes kept. Every limit is checked before the bytes that
/// would exceed it are handed out, so events never carry more than the limits allow.
///
/// Use: `append` a buffer, call `next()` until it returns nil, repeat; at the end of the body call `finish()`.
/// Refusals are thrown as `MultipartFormError`; once one is thrown every later call throws it again.
struct MultipartFormParser {
    /// Bounds on what a form may hold, besides the body's own limit (which the caller counts).
    struct Limits: Equatable, Sendable {
        /// Bytes of one part's header section (and of the padding after a boundary).
        var headerSectionBytesMax = 8 << 10
        /// Parts in one form (twine sends one per metadata value: ~40 for a package with many classifiers).
        var partCountMax = 256
        /// Bytes of one text field (a part without a file name): twine's `description` is a whole README.
        var fieldBytesMax = 1 << 20
        /// Bytes of every text field's name and value together.
        var fieldBytesTotalMax = 4 << 20
        /// Bytes before the first boundary (clients send none).
        var preambleBytesMax = 16 << 10

        /// The server's limits by default.
        init(headerSectionBytesMax: Int = 8 << 10, partCountMax: Int = 256, fieldBytesMax: Int = 1 << 20,
             fieldBytesTotalMax: Int = 4 << 20, preambleBytesMax: Int = 16 << 10) {
            self.headerSectionBytesMax = headerSectionBytesMax
            self.partCountMax = partCountMax
            self.fieldBytesMax = fieldBytesMax
            self.fieldBytesTotalMax = fieldBytesTotalMax
            self.preambleBytesMax = preambleBytesMax
        }
    }

    /// What the parser found, in body order: each part's head, its bytes in one or more slices, its end; then the
    /// end of the form (bytes after it are epilogue, counted and dropped).
    enum Event: Equatable, Sendable {
        case partBegan(MultipartPartHead)
        case bytes(ByteBuffer)
        case partEnded
        case formEnded
    }

    private enum State: Equatable {
        /// Before the first delimiter: bytes are dropped and counted.
        case preamble
        /// After a delimiter: `--` ends the form; optional spaces or tabs and CR LF begin a part.
        case boundaryLine(BoundaryLine)
        case headers
        case body
        case epilogue
        case failed(MultipartFormError)
    }

    private enum BoundaryLine: Equatable {
        case start, oneDash, padding, carriageReturn
    }

    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dash = UInt8(ascii: "-")

    /// The limits this parser enforces.
    let limits: Limits
    /// `CR LF - - boundary`.
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var input = ByteBuffer()
    /// Bytes from earlier buffers that may begin a delimiter; fewer than `delimiter.count`. It starts as the CR LF
    /// that RFC 2046 lets the first delimiter do without, so one search finds the first and every later delimiter.
    private var carry: [UInt8] = [cr, lf]
    /// Of the carry, how many bytes are that virtual CR LF (not counted as preamble).
    private var virtualCarryBytes = 2
    /// The header section so far.
    private var section: [UInt8] = []
    /// Bytes of `CR LF CR LF` matched at the end of the section (the line break before the section counts).
    private var terminatorMatched = 2
    private var paddingBytes = 0
    private var pending: [Event] = []
    /// The text field being read: its name and bytes so far (nil in a file part or outside parts).
    private var field: (name: String, bytes: Int)?
    private var inPart = false
    /// Parts begun, text field bytes (names and values) and preamble bytes so far; never beyond their limits.
    private(set) var partCount = 0
    private(set) var fieldBytesTotal = 0
    private(set) var preambleBytes = 0
    /// Bytes after the closing delimiter (counted, not handed out).
    private(set) var epilogueBytes = 0

    /// A parser at the start of a body with `boundary`.
    init(boundary: MultipartBoundary, limits: Limits = Limits()) {
        delimiter = [Self.cr, Self.lf, Self.dash, Self.dash] + boundary.bytes
        self.limits = limits
    }

    /// Whether the closing delimiter was seen.
    var isComplete: Bool { state == .epilogue }

    /// Adds the next buffer of the body. Meant to be called once `next()` returned nil (then no copy is made).
    mutating func append(_ buffer: ByteBuffer) {
        if input.readableBytes == 0 {
            input = buffer
        } else {
            var buffer = buffer
            input.writeBuffer(&buffer)
        }
    }

    /// The next event, or nil when the bytes appended so far are used up.
    mutating func next() throws(MultipartFormError) -> Event? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            if case .failed(let error) = state { throw error }
            guard input.readableBytes > 0 else { return nil }
            do { try step() } catch {
                state = .failed(error)
                input = ByteBuffer()
                throw error
            }
        }
    }

    /// The body ended: throws the refusal already met, or `.truncated` without a closing delimiter.
    func finish() throws(MultipartFormError) {
        if case .failed(let error) = state { throw error }
        guard state == .epilogue else { throw .truncated }
    }

    private mutating func step() throws(MultipartFormError) {
        switch state {
        case .preamble, .body: try searchDelimiter()
        case .boundaryLine(let progress): try readBoundaryLine(progress)
        case .headers: try readHeaders()
        case .epilogue:
            epilogueBytes += input.readableBytes
            input.moveReaderIndex(forwardBy: input.readableBytes)
        case .failed: return
        }
    }

    // MARK: - Delimiter search

    /// Where the body ends in `carry + input`: the delimiter, or the start of a possible one at the very end.
    private enum Search {
        /// Body bytes are `carry[..<carryBody]` and `input[..<inputBody]`; the delimiter ends at input offset `inputEnd`.
        case delimiter(carryBody: Int, inputBody: Int, inputEnd: Int)
        /// Those bytes are body; the rest (a proper prefix of the delimiter) becomes the carry.
        case undecided(carryBody: Int, inputBody: Int)
    }

    private mutating func searchDelimiter() throws(MultipartFormError) {
        switch search() {
        case .delimiter(let carryBody, let inputBody, let inputEnd):
            try handOut(carryBody: carryBody, inputBody: inputBody)
            input.moveReaderIndex(forwardBy: inputEnd)
            carry.removeAll()
            virtualCarryBytes = 0
            if inPart { pending.append(.partEnded) }
            inPart = false
            field = nil
            state = .boundaryLine(.start)
        case .undecided(let carryBody, let inputBody):
            try handOut(carryBody: carryBody, inputBody: inputBody)
            carry.removeFirst(carryBody)
            carry += input.readableBytesView.dropFirst(inputBody)
            input.moveReaderIndex(forwardBy: input.readableBytes)
        }
    }

    /// A candidate delimiter starts at each CR; since the boundary holds no CR, the candidates' matched prefixes
    /// never overlap and the search is linear in the bytes searched.
    private func search() -> Search {
        let delimiter = self.delimiter, carry = self.carry
        return input.withUnsafeReadableBytes { raw -> Search in
            let total = carry.count + raw.count
            func byte(_ offset: Int) -> UInt8 { offset < carry.count ? carry[offset] : raw[offset - carry.count] }
            func candidate(_ start: Int) -> Search? {
                let length = min(delimiter.count, total - start)
                for index in 0..<length where byte(start + index) != delimiter[index] { return nil }
                let carryBody = min(start, carry.count), inputBody = max(0, start - carry.count)
                guard length == delimiter.count else { return .undecided(carryBody: carryBody, inputBody: inputBody) }
                return .delimiter(carryBody: carryBody, inputBody: inputBody, inputEnd: start + delimiter.count - carry.count)
            }
            for start in carry.indices where carry[start] == Self.cr {
                if let found = candidate(start) { return found }
            }
            guard let base = raw.baseAddress else { return .undecided(carryBody: carry.count, inputBody: 0) }
            var offset = 0
            while offset < raw.count, let hit = memchr(base + offset, Int32(Self.cr), raw.count - offset) {
                let position = base.distance(to: UnsafeRawPointer(hit))
                if let found = candidate(carry.count + position) { return found }
                offset = position + 1
            }
            return .undecided(carryBody: carry.count, inputBody: raw.count)
        }
    }

    /// Hands out body bytes (as events in a part, dropped and counted in the preamble), checking the limits first.
    private mutating func handOut(carryBody: Int, inputBody: Int) throws(MultipartFormError) {
        let count = carryBody + inputBody
        guard count > 0 else { return }
        guard state == .body else {
            let virtual = min(virtualCarryBytes, carryBody)
            virtualCarryBytes -= virtual
            guard preambleBytes + count - virtual <= limits.preambleBytesMax else { throw .preambleTooLong(bytesMax: limits.preambleBytesMax) }
            preambleBytes += count - virtual
            return
        }
        if let current = field {
            // The limit reported is the one the stream crosses first, so it does not depend on how it was cut.
            let fieldRoom = limits.fieldBytesMax - current.bytes, totalRoom = limits.fieldBytesTotalMax - fieldBytesTotal
            if count > min(fieldRoom, totalRoom) {
                guard fieldRoom > totalRoom else {
                    throw .fieldTooLarge(name: IdentifierError.printable(String(current.name.prefix(64))), bytesMax: limits.fieldBytesMax)
                }
                throw .fieldsTooLarge(bytesMax: limits.fieldBytesTotalMax)
            }
            fieldBytesTotal += count
            field = (current.name, current.bytes + count)
        }
        if carryBody > 0 { pending.append(.bytes(ByteBuffer(bytes: carry[..<carryBody]))) }
        if inputBody > 0, let slice = input.getSlice(at: input.readerIndex, length: inputBody) { pending.append(.bytes(slice)) }
    }

    private mutating func addFieldBytes(_ count: Int) throws(MultipartFormError) {
        guard fieldBytesTotal + count <= limits.fieldBytesTotalMax else { throw .fieldsTooLarge(bytesMax: limits.fieldBytesTotalMax) }
        fieldBytesTotal += count
    }

    // MARK: - Boundary line and headers

    /// After `CR LF - - boundary`: `--` closes the form; `*(SP / HTAB) CR LF` opens the next part.
    private mutating func readBoundaryLine(_ start: BoundaryLine) throws(MultipartFormError) {
        var progress = start
        while let byte = input.readInteger(as: UInt8.self) {
            switch (progress, byte) {
            case (.start, Self.dash):
                progress = .oneDash
            case (.oneDash, Self.dash):
                state = .epilogue
                pending.append(.formEnded)
                return
            case (.start, Self.cr), (.padding, Self.cr):
                progress = .carriageReturn
            case (.start, _) where HeaderValueReader.isWhitespace(byte), (.padding, _) where HeaderValueReader.isWhitespace(byte):
                paddingBytes += 1
                guard paddingBytes <= limits.headerSectionBytesMax else { throw .headerSectionTooLarge(bytesMax: limits.headerSectionBytesMax) }
                progress = .padding
            case (.carriageReturn, Self.lf):
                try beginPart()
                return
            default:
                throw .malformedBoundaryLine
            }
        }
        state = .boundaryLine(progress)
    }

    private mutating func beginPart() throws(MultipartFormError) {
        guard partCount < limits.partCountMax else { throw .tooManyParts(countMax: limits.partCountMax) }
        partCount += 1
        paddingBytes = 0
        section.removeAll(keepingCapacity: true)
        terminatorMatched = 2
        state = .headers
    }

    /// Collects the header section up to the empty line, then parses it.
    private mutating func readHeaders() throws(MultipartFormError) {
        let terminator: [UInt8] = [Self.cr, Self.lf, Self.cr, Self.lf]
        while let byte = input.readInteger(as: UInt8.self) {
            section.append(byte)
            guard section.count <= limits.headerSectionBytesMax + 4 else {
                throw .headerSectionTooLarge(bytesMax: limits.headerSectionBytesMax)
            }
            if byte == terminator[terminatorMatched] {
                terminatorMatched += 1
            } else {
                terminatorMatched = byte == Self.cr ? 1 : 0
            }
            if terminatorMatched == terminator.count {
                try endHeaders()
                return
            }
        }
    }

    /// The section is complete: `CR LF` alone (no headers) or the lines followed by `CR LF CR LF`.
    private mutating func endHeaders() throws(MultipartFormError) {
        let head = try MultipartPartHead(section: section.dropLast(section.count == 2 ? 2 : 4))
        if head.isTextField {
            try addFieldBytes(head.name.utf8.count)
            field = (head.name, 0)
        } else {
            field = nil
        }
        inPart = true
        pending.append(.partBegan(head))
        state = .body
    }
}
