// A hand-written scanner for PEP 440's permissive grammar (the PEP's appendix regex, one group at a time).

/// The pieces of a version as read, numbers already canonical.
struct PEP440Components {
    var epoch = PEP440Number.zero
    var release: [PEP440Number] = []
    var pre: PEP440PreRelease?
    var post: PEP440Number?
    var dev: PEP440Number?
    var local: [PEP440LocalPart]?
}

/// Reads `v? (N!)? N(.N)* pre? post? dev? (+local)?` over lowercased ASCII. Each optional group either matches
/// whole or leaves the position where it was, which is what the PEP's regex does: no later group can start
/// with what an earlier group's label starts with, so no other backtracking is ever needed.
struct PEP440Parser {
    private static let preLabels: [(String, PEP440PreRelease.Label)] = [
        ("alpha", .alpha), ("a", .alpha), ("beta", .beta), ("b", .beta),
        ("preview", .candidate), ("pre", .candidate), ("c", .candidate), ("rc", .candidate),
    ]
    private static let postLabels = ["post", "rev", "r"]

    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The components of `raw`, or an error naming where the text stops being a version.
    static func parse(_ raw: String) throws(PythonPackageError) -> PEP440Components {
        func fail(_ reason: String) -> PythonPackageError {
            PythonPackageError("invalid version '\(IdentifierError.printable(raw))': \(reason)")
        }
        guard raw.utf8.count <= PEP440Version.bytesMax else { throw fail("must be at most \(PEP440Version.bytesMax) bytes") }
        let trimmed = trimmingWhitespace(raw)
        guard !trimmed.isEmpty else { throw fail("must not be empty") }
        guard trimmed.utf8.allSatisfy({ $0 < 0x80 }) else { throw fail("only ASCII characters are allowed") }
        var parser = PEP440Parser(Array(trimmed.lowercased().utf8))
        if let reason = parser.readVersion() { throw fail(reason) }
        return parser.components
    }

    private var components = PEP440Components()

    /// Nil when the whole input was read, else why not.
    private mutating func readVersion() -> String? {
        if peek == UInt8(ascii: "v") { index += 1 }
        let start = index
        if let epoch = number(), peek == UInt8(ascii: "!") {
            index += 1
            components.epoch = epoch
        } else {
            index = start
        }
        guard let first = number() else { return "expected a release number such as 1.0, found \(whereStopped)" }
        components.release = [first]
        while peek == UInt8(ascii: "."), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            index += 1
            components.release.append(number()!)
        }
        components.pre = preRelease()
        components.post = postRelease()
        components.dev = devRelease()
        if peek == UInt8(ascii: "+") {
            index += 1
            guard let local = localParts() else {
                return "the local version after '+' must be letters and digits separated by single '.', '-' or '_'"
            }
            components.local = local
        }
        return index == bytes.count ? nil : "unexpected \(whereStopped)"
    }

    private var whereStopped: String {
        let found = index < bytes.count ? "'\(String(decoding: [bytes[index]], as: UTF8.self))'" : "the end"
        let read = String(decoding: bytes[..<index], as: UTF8.self)
        return index == 0 ? "\(found) at the start" : "\(found) after '\(read)'"
    }

    private mutating func preRelease() -> PEP440PreRelease? {
        let start = index
        skipSeparator()
        guard let label = longestWord(Self.preLabels) else {
            index = start
            return nil
        }
        skipSeparator()
        return PEP440PreRelease(label: label, number: number() ?? .zero)
    }

    /// `-N` (an implicit post release, as in `1.0-1`) or `[sep] post|rev|r [sep] [N]`.
    private mutating func postRelease() -> PEP440Number? {
        let start = index
        if peek == UInt8(ascii: "-") {
            index += 1
            if let implicit = number() { return implicit }
            index = start
        }
        skipSeparator()
        guard longestWord(Self.postLabels.map { ($0, ()) }) != nil else {
            index = start
            return nil
        }
        skipSeparator()
        return number() ?? .zero
    }

    private mutating func devRelease() -> PEP440Number? {
        let start = index
        skipSeparator()
        guard longestWord([("dev", ())]) != nil else {
            index = start
            return nil
        }
        skipSeparator()
        return number() ?? .zero
    }

    /// `[a-z0-9]+ ([-_.][a-z0-9]+)*`, or nil when a piece is empty.
    private mutating func localParts() -> [PEP440LocalPart]? {
        var parts: [PEP440LocalPart] = []
        while true {
            let start = index
            while let b = peek, isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) { index += 1 }
            let piece = bytes[start..<index]
            guard !piece.isEmpty else { return nil }
            parts.append(piece.allSatisfy(isDigit) ? .number(PEP440Number(ascii: piece))
                                                   : .text(String(decoding: piece, as: UTF8.self)))
            guard let b = peek, isSeparator(b) else { return parts }
            index += 1
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func number() -> PEP440Number? {
        let start = index
        while let b = peek, isDigit(b) { index += 1 }
        return index > start ? PEP440Number(ascii: bytes[start..<index]) : nil
    }

    private mutating func skipSeparator() {
        if let b = peek, isSeparator(b) { index += 1 }
    }

    /// The longest candidate spelled at the current position (so `preview` wins over `pre`), consumed.
    private mutating func longestWord<Value>(_ candidates: [(String, Value)]) -> Value? {
        let matches = candidates.filter { bytes[index...].starts(with: $0.0.utf8) }
        guard let best = matches.max(by: { $0.0.utf8.count < $1.0.utf8.count }) else { return nil }
        index += best.0.utf8.count
        return best.1
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private func isSeparator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }

    /// The PEP's regex allows any whitespace around the version (`\s*`), so a METADATA value may carry some.
    private static func trimmingWhitespace(_ raw: String) -> Substring {
        let scalars = raw.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return Substring(scalars[first...last])
    }
}
