// An access token's name: what `token list` shows and `token remove` takes; the secret is never its name.

/// A validated token name, with the rules of repository names (ASCII letters, digits, `.`, `_`, `-`; starts
/// alphanumeric; at most 64 bytes), so a name is safe in a terminal, a log line and a URL.
public struct TokenName: Hashable, Sendable, CustomStringConvertible, Comparable {
    public static let maxBytes = 64
    public let rawValue: String

    /// Throws `IdentifierError` naming the first rule `raw` breaks.
    public init(_ raw: String) throws(IdentifierError) {
        try NameRules.checkPathComponent(raw, kind: "token name", maxBytes: Self.maxBytes)
        try NameRules.checkCharset(raw, kind: "token name", extra: "._-")
        rawValue = raw
    }

    public var description: String { rawValue }

    // Byte-exact, not canonical equivalence (`ByteString` says why): sets and dictionaries of names keep apart what
    // the catalogue keeps apart, and sorting is byte order, as the catalogue's.
    public static func == (a: Self, b: Self) -> Bool { a.rawValue.bytesEqual(b.rawValue) }
    public func hash(into hasher: inout Hasher) { rawValue.hashBytes(into: &hasher) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue.bytesPrecede(b.rawValue) }
}
