// The digests of one file: SHA-256 always, MD5/SHA-1/SHA-512 when a provider (apt) lists them in indexes.

/// Which digests besides SHA-256 a provider needs for its indexes.
public struct DigestKinds: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let md5 = DigestKinds(rawValue: 1 << 0)
    public static let sha1 = DigestKinds(rawValue: 1 << 1)
    public static let sha512 = DigestKinds(rawValue: 1 << 2)
    /// BLAKE2b-256, which twine sends as `blake2_256_digest` (checked, never stored).
    public static let blake2b256 = DigestKinds(rawValue: 1 << 3)
    /// Everything apt lists in `Packages` and `Release`.
    public static let apt: DigestKinds = [.md5, .sha1, .sha512]
}

/// The size and digests of a file, computed in one streaming pass.
public struct FileDigests: Hashable, Sendable, Codable {
    public var size: Int64
    public var sha256: SHA256Digest
    public var md5: String?
    public var sha1: String?
    public var sha512: String?
    /// Hex BLAKE2b-256 when asked for (`DigestKinds.blake2b256`); not kept in the catalogue.
    public var blake2b256: String?

    public init(size: Int64, sha256: SHA256Digest, md5: String? = nil, sha1: String? = nil, sha512: String? = nil,
                blake2b256: String? = nil) {
        self.size = size
        self.sha256 = sha256
        self.md5 = md5
        self.sha1 = sha1
        self.sha512 = sha512
        self.blake2b256 = blake2b256
    }
}
