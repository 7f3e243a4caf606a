// BLAKE2b against RFC 7693's vectors and independent tools, in one call and streamed at every cut.
import Core
import Testing

@Suite struct BLAKE2bTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).leftPadded() }.joined() }

    /// RFC 7693 appendix E's deterministic input (a Fibonacci generator).
    static func sequence(_ count: Int, seed: UInt32) -> [UInt8] {
        var a = 0xDEAD_4BAD &* seed, b: UInt32 = 1
        return (0..<count).map { _ in
            let t = a &+ b
            a = b
            b = t
            return UInt8(truncatingIfNeeded: t >> 24)
        }
    }

    // Goal: RFC 7693 appendix A: BLAKE2b-512 of "abc".
    @Test func appendixA() {
        #expect(Self.hex(BLAKE2b.hash(Array("abc".utf8), digestByteCount: 64))
                == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
    }

    // Goal: RFC 7693 appendix E's self-test: digest lengths 20–64, inputs 0–1024 bytes, keyed and not, hashed together.
    @Test func appendixESelfTest() {
        var total = BLAKE2b(digestByteCount: 32)
        for digestLength in [20, 32, 48, 64] {
            for inputLength in [0, 3, 128, 129, 255, 1024] {
                let input = Self.sequence(inputLength, seed: UInt32(inputLength))
                total.update(BLAKE2b.hash(input, digestByteCount: digestLength))
                let key = Self.sequence(digestLength, seed: UInt32(digestLength))
                total.update(BLAKE2b.hash(input, digestByteCount: digestLength, key: key))
            }
        }
        #expect(Self.hex(total.finalize()) == "c23a7800d98123bd10f506c61e29da5603d763b8bbad2e737f5e765a7bccd475")
    }

    // Goal: BLAKE2b-256 (its own parameterization, not truncated BLAKE2b-512) matches `b2sum -l 256` and Python's
    // hashlib.blake2b(digest_size=32).
    @Test func blake2b256KnownAnswers() {
        #expect(Self.hex(BLAKE2b.hash([])) == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
        #expect(Self.hex(BLAKE2b.hash(Array("abc".utf8))) == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319")
        let pattern = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        #expect(Self.hex(BLAKE2b.hash(pattern)) == "65c804268df52a2d78034f9a50113d0c5d9a5e592ea3735012ebc798f3271a6b")
        #expect(BLAKE2b.hash(Array("abc".utf8)) != Array(BLAKE2b.hash(Array("abc".utf8), digestByteCount: 64).prefix(32)))
    }

    // Goal: feeding the input in two pieces, cut anywhere (block edges included), gives the one-call digest, and
    // MultiHasher reports the same value.
    @Test func streamingAtEveryCut() {
        let input = Self.sequence(300, seed: 7)
        let whole = BLAKE2b.hash(input)
        for cut in 0...input.count {
            var hasher = BLAKE2b()
            hasher.update(Array(input[..<cut]))
            hasher.update(Array(input[cut...]))
            #expect(hasher.finalize() == whole, "cut at \(cut)")
        }
        var multi = MultiHasher(kinds: [.blake2b256, .md5])
        input.withUnsafeBytes { multi.update($0) }
        #expect(multi.finalize().blake2b256 == Self.hex(whole))
    }

    // Goal: out-of-range parameters are clamped rather than trapping.
    @Test func parametersAreClamped() {
        #expect(BLAKE2b.hash([1], digestByteCount: 0).count == 1)
        #expect(BLAKE2b.hash([1], digestByteCount: 1000).count == 64)
        #expect(BLAKE2b.hash([1], key: [UInt8](repeating: 9, count: 100)) == BLAKE2b.hash([1], key: [UInt8](repeating: 9, count: 64)))
    }
}

extension String {
    fileprivate func leftPadded() -> String { count < 2 ? "0" + self : self }
}
