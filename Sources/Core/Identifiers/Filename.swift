// The name a file was given in a drop directory: kept exactly as given, within what is safe on every view.

/// A validated file name: one path component, no control characters, no leading dot, at most 255 bytes.
/// Names with a leading dot are temporary names (rsync's `.name.XXXXXX`): see `isTemporaryName`.
public struct Filename: Hashable, Sendable, CustomStringConvertible, Comparable {
    public static let maxBytes = 255
    public let rawValue: String

    /// Throws `IdentifierError` naming the first rule `raw` breaks.
    public init(_ raw: String) throws(IdentifierError) {
        try NameRules.checkPathComponent(raw, kind: "filename", maxBytes: Self.maxBytes)
        rawValue = raw
    }

    /// True for names that are staged but never ingested: a leading dot marks a temporary file.
    public static func isTemporaryName(_ raw: String) -> Bool { raw.hasPrefix(".") && raw != "." && raw != ".." }

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
