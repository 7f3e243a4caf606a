// A repository's name: one path component of the tree, kept to a charset every client and URL accepts.

/// A validated repository name: ASCII letters, digits, `.`, `_`, `-`; starts alphanumeric; at most 64 bytes.
public struct RepositoryName: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public static let maxBytes = 64
    public let rawValue: String

    /// Throws `IdentifierError` naming the first rule `raw` breaks.
    public init(_ raw: String) throws(IdentifierError) {
        try NameRules.checkPathComponent(raw, kind: "repository name", maxBytes: Self.maxBytes)
        try NameRules.checkCharset(raw, kind: "repository name", extra: "._-")
        rawValue = raw
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        try self.init(raw)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    // Byte-exact, not canonical equivalence (`ByteString` says why): sets and dictionaries of names keep apart what
    // the catalogue keeps apart, and sorting is byte order, as the catalogue's.
    public static func == (a: Self, b: Self) -> Bool { a.rawValue.bytesEqual(b.rawValue) }
    public func hash(into hasher: inout Hasher) { rawValue.hashBytes(into: &hasher) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue.bytesPrecede(b.rawValue) }
}
