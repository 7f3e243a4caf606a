// Reads `value *( ";" name "=" ( token / quoted-string ) )` header values: Content-Type and Content-Disposition.

/// A cursor over the bytes of one header field value (RFC 9110 §5.6.6 parameters, §5.6.4 quoted strings).
/// Works on bytes, never indexes a table with one, and refuses control characters instead of guessing.
struct HeaderValueReader {
    /// Why a value does not parse, in words for the client.
    struct Malformed: Error, Equatable {
        /// What is wrong, for the client.
        let reason: String
    }

    /// One `name=value` parameter: the name lower-cased (names are case-insensitive), the value unquoted.
    struct Parameter: Equatable {
        /// Lower-cased.
        let name: String
        /// Unquoted, escapes resolved.
        let value: [UInt8]
    }

    private let bytes: [UInt8]
    private var index = 0

    /// A reader at the start of `bytes`.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The value before the first `;` (a media type, a disposition type), without surrounding whitespace.
    mutating func leadingValue() -> [UInt8] {
        skipWhitespace()
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
        var end = index
        while end > start, Self.isWhitespace(bytes[end - 1]) { end -= 1 }
        return Array(bytes[start..<end])
    }

    /// Every parameter after the leading value, in order. A trailing `;` is tolerated.
    mutating func parameters() throws(Malformed) -> [Parameter] {
        var found: [Parameter] = []
        while true {
            skipWhitespace()
            guard index < bytes.count else { return found }
            guard bytes[index] == UInt8(ascii: ";") else { throw Malformed(reason: "expected ';' between parameters") }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { return found }
            let name = try parameterName()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw Malformed(reason: "parameter '\(name)' has no '='")
            }
            index += 1
            skipWhitespace()
            found.append(Parameter(name: name, value: try parameterValue()))
        }
    }

    private mutating func parameterName() throws(Malformed) -> String {
        let start = index
        while index < bytes.count, Self.isTokenCharacter(bytes[index]) { index += 1 }
        guard index > start else { throw Malformed(reason: "expected a parameter name") }
        return String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
    }

    /// A quoted string, or else everything up to the next `;` without trailing whitespace. The unquoted form is
    /// wider than RFC 9110's token on purpose: clients send boundaries with `/`, `=` or `:` unquoted.
    private mutating func parameterValue() throws(Malformed) -> [UInt8] {
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") { return try quotedString() }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ";") {
            guard Self.isTextCharacter(bytes[index]), bytes[index] != UInt8(ascii: "\"") else {
                throw Malformed(reason: "an unquoted parameter value holds a control character or a quote")
            }
            index += 1
        }
        var end = index
        while end > start, Self.isWhitespace(bytes[end - 1]) { end -= 1 }
        return Array(bytes[start..<end])
    }

    /// `DQUOTE *( qdtext / quoted-pair ) DQUOTE`: a backslash takes the next byte as it is.
    private mutating func quotedString() throws(Malformed) -> [UInt8] {
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return value
            case UInt8(ascii: "\\"):
                guard index < bytes.count, Self.isTextCharacter(bytes[index]) else {
                    throw Malformed(reason: "a quoted string ends in a lone backslash or escapes a control character")
                }
                value.append(bytes[index])
                index += 1
            default:
                guard Self.isTextCharacter(byte) else { throw Malformed(reason: "a quoted string holds a control character") }
                value.append(byte)
            }
        }
        throw Malformed(reason: "a quoted string has no closing quote")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
    }

    /// SP or HTAB.
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// HTAB, SP, visible ASCII and obs-text (bytes ≥ 0x80): what a header value may hold.
    static func isTextCharacter(_ byte: UInt8) -> Bool { byte == 0x09 || (byte >= 0x20 && byte != 0x7F) }

    /// RFC 9110 `tchar`, by comparison rather than a lookup table, so any byte is a safe argument.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"),
             UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
