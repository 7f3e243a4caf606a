// Strings told apart by their UTF-8 bytes: how every name is compared, hashed and sorted (docs/SEMANTICS.md, Identifiers).

/// A string whose equality, hash and order are those of its UTF-8 bytes.
///
/// Why not `String`: Swift's `==` and hashing are canonical equivalence, so "\u{E9}" (é) equals "e\u{301}" and
/// U+212A KELVIN SIGN equals "K". A dictionary keyed by `String` would put two names the catalogue (SQLite's BINARY
/// collation), the kernel and every client keep apart into one slot, and answer for one with the other. Keys, sets
/// and comparisons of names use this type (or the identifier types, which compare the same way).
public struct ByteString: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The string, unchanged (never normalized).
    public let string: String

    /// Wraps `string` as it is; nothing can fail.
    public init(_ string: String) { self.string = string }

    public init(stringLiteral value: String) { string = value }

    public var description: String { string }

    /// Equal exactly when the UTF-8 bytes are.
    public static func == (a: Self, b: Self) -> Bool { a.string.bytesEqual(b.string) }

    /// Hashes the UTF-8 bytes, consistent with `==`.
    public func hash(into hasher: inout Hasher) { string.hashBytes(into: &hasher) }

    /// Byte order: what `LC_ALL=C sort` and SQLite's `ORDER BY` on TEXT give.
    public static func < (a: Self, b: Self) -> Bool { a.string.bytesPrecede(b.string) }
}

extension StringProtocol {
    /// Whether both have exactly the same UTF-8 bytes (`==` on strings is canonical equivalence instead).
    public func bytesEqual(_ other: some StringProtocol) -> Bool { utf8.elementsEqual(other.utf8) }

    /// Whether the UTF-8 bytes sort before `other`'s (`<` on strings compares normalized scalars instead).
    public func bytesPrecede(_ other: some StringProtocol) -> Bool { utf8.lexicographicallyPrecedes(other.utf8) }

    /// Feeds the UTF-8 bytes and their count to `hasher`, consistent with `bytesEqual`.
    public func hashBytes(into hasher: inout Hasher) {
        hasher.combine(utf8.count)
        let done: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { for byte in utf8 { hasher.combine(byte) } }
    }
}
