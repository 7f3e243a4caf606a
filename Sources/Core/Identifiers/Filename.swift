// The name a file was given in a drop directory: kept exactly as given, within what is safe on every view.

/// A validated file name: one path component, no control, bidirectional or invisible characters (`NameCharacters`),
/// no leading dot, at most 255 bytes. Any other Unicode is kept byte for byte, never normalized: NFC and NFD
/// spellings of a name are two names, as on ext4.
/// Names with a leading dot are temporary names (rsync's `.name.XXXXXX`): see `isTemporaryName`.
public struct Filename: Hashable, Sendable, CustomStringConvertible, Comparable {
    public static let maxBytes = 255
    public let rawValue: String

    /// Throws `IdentifierError` naming the first rule `raw` breaks.
    public init(_ raw: String) throws(IdentifierError) {
        try NameRules.checkPathComponent(raw, kind: "filename", maxBytes: Self.maxBytes)
        rawValue = raw
    }

    /// A name the catalogue holds, as stored. It was validated when it was stored, but the rules may have tightened
    /// since (bidirectional controls were allowed in names before): reading a row must neither fail nor trap.
    init(catalogued raw: String) { rawValue = raw }

    /// True for names that are staged but never ingested: a leading dot marks a temporary file.
    public static func isTemporaryName(_ raw: String) -> Bool {
        raw.utf8.first == UInt8(ascii: ".") && !raw.bytesEqual(".") && !raw.bytesEqual("..")
    }

    public var description: String { rawValue }

    // Byte-exact, not canonical equivalence (`ByteString` says why): sets and dictionaries of names keep apart what
    // the catalogue keeps apart, and sorting is byte order, as the catalogue's.
    public static func == (a: Self, b: Self) -> Bool { a.rawValue.bytesEqual(b.rawValue) }
    public func hash(into hasher: inout Hasher) { rawValue.hashBytes(into: &hasher) }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue.bytesPrecede(b.rawValue) }
}
