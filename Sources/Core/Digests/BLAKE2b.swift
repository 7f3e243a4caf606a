// BLAKE2b (RFC 7693), for the `blake2_256_digest` twine sends: swift-crypto and the system libraries lack it.

/// A streaming BLAKE2b hash with a digest of 1–64 bytes and an optional key of up to 64 bytes (RFC 7693).
/// BLAKE2b-256 is its own parameterization (the digest length is mixed into the first state word), not a
/// truncated BLAKE2b-512. Checked against RFC 7693's appendix A and E vectors and `b2sum` (`BLAKE2bTests`).
///
/// Why our own: swift-crypto has no BLAKE2; BoringSSL's `BLAKE2B256` inside it is not a product we may import;
/// OpenSSL 3.0's libcrypto offers only BLAKE2b-512 (a settable length came in 3.2) and libsodium is not a
/// dependency. Not thread-safe: one owner at a time.
public struct BLAKE2b {
    /// Bytes of the digest: 32 for BLAKE2b-256.
    public let digestByteCount: Int

    private static let blockBytes = 128
    private static let initialState: [UInt64] = [
        0x6A09_E667_F3BC_C908, 0xBB67_AE85_84CA_A73B, 0x3C6E_F372_FE94_F82B, 0xA54F_F53A_5F1D_36F1,
        0x510E_527F_ADE6_82D1, 0x9B05_688C_2B3E_6C1F, 0x1F83_D9AB_FB41_BD6B, 0x5BE0_CD19_137E_2179,
    ]
    /// The message word order of each of the 12 rounds (rounds 10 and 11 repeat 0 and 1).
    private static let sigma: [UInt8] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
    ]

    private var state: [UInt64]
    /// Bytes compressed so far (RFC 7693's 128-bit counter; 2^64 bytes is beyond any file here).
    private var compressedBytes: UInt64 = 0
    /// The last block, kept back because the final block is compressed differently.
    private var block: [UInt8]
    private var blockUsed = 0

    /// A hash of `digestByteCount` bytes; `key` (at most 64 bytes) makes it a MAC. Out-of-range values are
    /// clamped (1...64 for the digest, the first 64 key bytes), so no argument can trap.
    public init(digestByteCount: Int = 32, key: [UInt8] = []) {
        self.digestByteCount = min(max(digestByteCount, 1), 64)
        let key = Array(key.prefix(64))
        state = Self.initialState
        state[0] ^= 0x0101_0000 ^ (UInt64(key.count) << 8) ^ UInt64(self.digestByteCount)
        block = [UInt8](repeating: 0, count: Self.blockBytes)
        if !key.isEmpty {
            var padded = key
            padded += [UInt8](repeating: 0, count: Self.blockBytes - key.count)
            padded.withUnsafeBytes { update($0) }
        }
    }

    /// Feeds the next bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            if blockUsed == Self.blockBytes {
                compressedBytes &+= UInt64(Self.blockBytes)
                compress(last: false)
                blockUsed = 0
            }
            let count = min(Self.blockBytes - blockUsed, bytes.count - offset)
            let start = blockUsed, source = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
            block.withUnsafeMutableBytes { destination in
                UnsafeMutableRawBufferPointer(rebasing: destination[start..<(start + count)]).copyMemory(from: source)
            }
            blockUsed += count
            offset += count
        }
    }

    /// Feeds the next bytes.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything fed (the hash itself is left unchanged, so it can be finalized again).
    public func finalize() -> [UInt8] {
        var copy = self
        copy.compressedBytes &+= UInt64(copy.blockUsed)
        for index in copy.blockUsed..<Self.blockBytes { copy.block[index] = 0 }
        copy.compress(last: true)
        var digest: [UInt8] = []
        digest.reserveCapacity(64)
        for word in copy.state {
            for shift in stride(from: 0, to: 64, by: 8) { digest.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Array(digest.prefix(digestByteCount))
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8], digestByteCount: Int = 32, key: [UInt8] = []) -> [UInt8] {
        var hasher = BLAKE2b(digestByteCount: digestByteCount, key: key)
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// RFC 7693 §3.2, function F, over the full 128-byte `block`.
    private mutating func compress(last: Bool) {
        var m = [UInt64](repeating: 0, count: 16)
        for word in 0..<16 {
            var value: UInt64 = 0
            for byte in 0..<8 { value |= UInt64(block[word * 8 + byte]) << UInt64(8 * byte) }
            m[word] = value
        }
        var v = state + Self.initialState
        v[12] ^= compressedBytes
        if last { v[14] = ~v[14] }
        for round in 0..<12 {
            let s = round * 16
            Self.mix(&v, 0, 4, 8, 12, m[Int(Self.sigma[s])], m[Int(Self.sigma[s + 1])])
            Self.mix(&v, 1, 5, 9, 13, m[Int(Self.sigma[s + 2])], m[Int(Self.sigma[s + 3])])
            Self.mix(&v, 2, 6, 10, 14, m[Int(Self.sigma[s + 4])], m[Int(Self.sigma[s + 5])])
            Self.mix(&v, 3, 7, 11, 15, m[Int(Self.sigma[s + 6])], m[Int(Self.sigma[s + 7])])
            Self.mix(&v, 0, 5, 10, 15, m[Int(Self.sigma[s + 8])], m[Int(Self.sigma[s + 9])])
            Self.mix(&v, 1, 6, 11, 12, m[Int(Self.sigma[s + 10])], m[Int(Self.sigma[s + 11])])
            Self.mix(&v, 2, 7, 8, 13, m[Int(Self.sigma[s + 12])], m[Int(Self.sigma[s + 13])])
            Self.mix(&v, 3, 4, 9, 14, m[Int(Self.sigma[s + 14])], m[Int(Self.sigma[s + 15])])
        }
        for index in 0..<8 { state[index] ^= v[index] ^ v[index + 8] }
    }

    /// RFC 7693 §3.1, function G, with rotations 32, 24, 16 and 63.
    @inline(__always)
    private static func mix(_ v: inout [UInt64], _ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt64, _ y: UInt64) {
        v[a] = v[a] &+ v[b] &+ x
        v[d] = rotate(v[d] ^ v[a], 32)
        v[c] = v[c] &+ v[d]
        v[b] = rotate(v[b] ^ v[c], 24)
        v[a] = v[a] &+ v[b] &+ y
        v[d] = rotate(v[d] ^ v[a], 16)
        v[c] = v[c] &+ v[d]
        v[b] = rotate(v[b] ^ v[c], 63)
    }

    @inline(__always)
    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value >> count) | (value << (64 - count))
    }
}
