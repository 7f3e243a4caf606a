// A package version as a string; providers impose their own grammar (Debian, PEP 440) on top of these rules.

/// A validated version: ASCII letters, digits and `. _ - + ~ : !` (`!`: PEP 440 epochs); starts alphanumeric; at most 128 bytes.
public struct PackageVersion: Hashable, Sendable, CustomStringConvertible {
    public static let maxBytes = 128
    public let rawValue: String

    /// Throws `IdentifierError` naming the first rule `raw` breaks.
    public init(_ raw: String) throws(IdentifierError) {
        try NameRules.checkPathComponent(raw, kind: "version", maxBytes: Self.maxBytes)
        try NameRules.checkCharset(raw, kind: "version", extra: [".", "_", "-", "+", "~", ":", "!"])
        rawValue = raw
    }

    public var description: String { rawValue }
}
