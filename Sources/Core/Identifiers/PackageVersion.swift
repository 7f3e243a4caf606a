// A package version as a string; providers impose their own grammar (Debian, PEP 440) on top of these rules.

/// A validated version: ASCII letters, digits and `. _ - + ~ : !` (`!`: PEP 440 epochs); starts alphanumeric; at most 128 bytes.
public struct PackageVersion: Hashable, Sendable, CustomStringConvertible, Comparable {
    public static let maxBytes = 128
    public let rawValue: String

    /// Throws `IdentifierError` naming the first rule `raw` breaks.
    public init(_ raw: String) throws(IdentifierError) {
        try NameRules.checkPathComponent(raw, kind: "version", maxBytes: Self.maxBytes)
        try NameRules.checkCharset(raw, kind: "version", extra: "._-+~:!")
        rawValue = raw
    }

    /// A version the catalogue holds, as stored. It was validated when it was stored, but the rules may have tightened
    /// since (bidirectional controls were allowed in names before): reading a row must neither fail nor trap.
    init(catalogued raw: String) { rawValue = raw }

    public var description: String { rawValue }

    // Byte-exact, not canonical equivalence (`ByteString` says why): sets and dictionaries of names keep apart what
    // the catalogue keeps apart, and sorting is byte order, as the catalogue's.
    public static func == (a: Self, b: Self) -> Bool { a.rawValue.bytesEqual(b.rawValue) }
    public func hash(into hasher: inout Hasher) { rawValue.hashBytes(into: &hasher) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue.bytesPrecede(b.rawValue) }
}
