// A content address: the SHA-256 of a blob, kept as lowercase hex.
import Crypto

/// A validated SHA-256 digest (64 lowercase hex characters).
public struct SHA256Digest: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let hex: String

    /// Parses 64 hex characters (either case); returns nil otherwise.
    public init?(hex raw: String) {
        guard raw.utf8.count == 64, raw.utf8.allSatisfy({ Self.isHexDigit($0) }) else { return nil }
        hex = raw.lowercased()
    }

    /// The digest of `bytes`.
    public init(of bytes: some Sequence<UInt8>) {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        self.init(hasher.finalize())
    }

    init(_ digest: Crypto.SHA256.Digest) {
        hex = digest.hexString
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = SHA256Digest(hex: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a SHA-256 hex digest"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    public var description: String { hex }
    public static func < (a: Self, b: Self) -> Bool { a.hex < b.hex }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex of the bytes.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
