// How raw fuzz bytes become the strings the server would have been handed.

enum FuzzInput {
    /// Text the way the server first gets it from bytes: invalid UTF-8 repaired to U+FFFD, as
    /// `String(decoding:as:)` and `String(cString:)` do for request paths, FUSE names and archive members.
    static func text<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Up to `limit` strings separated by "\n": several values from one input, so ordering properties
    /// can relate two or three versions. Later newlines stay inside the last value.
    static func lines(_ bytes: [UInt8], limit: Int) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n"), maxSplits: limit - 1, omittingEmptySubsequences: false).map(text)
    }
}
