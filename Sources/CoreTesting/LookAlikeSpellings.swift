// Spellings that look alike (several are one string to Swift's `==`): the table every name-equivalence test runs.

/// Pairs of different byte strings a hostile client may use for one another. Some are canonically equivalent, so
/// Swift's `String` equality and hashing call them equal (KELVIN SIGN and `K`, NFC and NFD, ANGSTROM SIGN and `Å`,
/// combining marks in either order); the others are only compatibility-equivalent or look-alikes (fullwidth letters,
/// ligatures, dotless and dotted i). Names must keep each pair apart.
public enum LookAlikeSpellings {
    /// One pair; `description` (the label) is what a test's argument list shows.
    public struct Pair: Sendable, CustomStringConvertible {
        public let label: String
        /// The spelling that is stored.
        public let plain: String
        /// The other spelling, which must never reach what `plain` names.
        public let other: String

        public var description: String { label }
    }

    public static let pairs: [Pair] = [
        Pair(label: "KELVIN SIGN", plain: "K", other: "\u{212A}"),
        Pair(label: "NFC and NFD", plain: "\u{E9}", other: "e\u{301}"),
        Pair(label: "NFD and NFC", plain: "e\u{301}", other: "\u{E9}"),
        Pair(label: "ANGSTROM SIGN", plain: "\u{C5}", other: "\u{212B}"),
        Pair(label: "A and COMBINING RING", plain: "\u{C5}", other: "A\u{30A}"),
        Pair(label: "OHM SIGN", plain: "\u{3A9}", other: "\u{2126}"),
        Pair(label: "GREEK QUESTION MARK", plain: ";", other: "\u{37E}"),
        Pair(label: "combining marks reordered", plain: "a\u{323}\u{301}", other: "a\u{301}\u{323}"),
        Pair(label: "fullwidth letter", plain: "f", other: "\u{FF46}"),
        Pair(label: "ligature", plain: "fi", other: "\u{FB01}"),
        Pair(label: "dotless i", plain: "i", other: "\u{131}"),
        Pair(label: "dotted capital I", plain: "I", other: "\u{130}"),
    ]

    /// Whether Swift's `==` calls the pair equal: the cases a `String`-keyed table would confuse.
    public static func swiftCallsEqual(_ pair: Pair) -> Bool { pair.plain == pair.other }
}
