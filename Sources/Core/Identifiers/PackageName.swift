// A package's name as its provider reports it (a tarball's prefix, a Debian Package, a Python project).

/// A validated package name: ASCII letters, digits, `.`, `_`, `-`, `+`; starts alphanumeric; at most 128 bytes.
public struct PackageName: Hashable, Sendable, CustomStringConvertible, Comparable {
    public static let maxBytes = 128
    public let rawValue: String

    /// Throws `IdentifierError` naming the first rule `raw` breaks.
    public init(_ raw: String) throws(IdentifierError) {
        try NameRules.checkPathComponent(raw, kind: "package name", maxBytes: Self.maxBytes)
        try NameRules.checkCharset(raw, kind: "package name", extra: "._-+")
        rawValue = raw
    }

    /// A name the catalogue holds, as stored. It was validated when it was stored, but the rules may have tightened
    /// since (bidirectional controls were allowed in names before): reading a row must neither fail nor trap.
    init(catalogued raw: String) { rawValue = raw }

    public var description: String { rawValue }

    // Byte-exact, not canonical equivalence (`ByteString` says why): sets and dictionaries of names keep apart what
    // the catalogue keeps apart, and sorting is byte order, as the catalogue's.
    public static func == (a: Self, b: Self) -> Bool { a.rawValue.bytesEqual(b.rawValue) }
    public func hash(into hasher: inout Hasher) { rawValue.hashBytes(into: &hasher) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue.bytesPrecede(b.rawValue) }
}
