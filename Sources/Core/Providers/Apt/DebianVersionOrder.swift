// dpkg's verrevcmp: alternating non-digit and digit runs; '~' sorts before everything, even the end.

/// Version-part comparison shared by upstream and revision, and a spelling that agrees with it.
enum DebianVersionOrder {
    /// dpkg's `verrevcmp` on two validated parts (ASCII only), negative/zero/positive.
    static func compare(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            // Non-digit run: character by character, a missing character weighing 0.
            while (i < a.count && !isDigit(a[i])) || (j < b.count && !isDigit(b[j])) {
                let ac = order(i < a.count ? a[i] : nil), bc = order(j < b.count ? b[j] : nil)
                if ac != bc { return ac - bc }
                i += 1
                j += 1
            }
            // Digit run: numerically, so leading zeros do not count and an absent run equals 0.
            while i < a.count && a[i] == UInt8(ascii: "0") { i += 1 }
            while j < b.count && b[j] == UInt8(ascii: "0") { j += 1 }
            var firstDifference = 0
            while i < a.count && isDigit(a[i]) && j < b.count && isDigit(b[j]) {
                if firstDifference == 0 { firstDifference = Int(a[i]) - Int(b[j]) }
                i += 1
                j += 1
            }
            if i < a.count && isDigit(a[i]) { return 1 }
            if j < b.count && isDigit(b[j]) { return -1 }
            if firstDifference != 0 { return firstDifference }
        }
        return 0
    }

    /// The runs `compare` looks at, normalised so that parts comparing equal are spelled alike: digit runs
    /// without leading zeros (an empty one written `0`), trailing (empty, zero) runs dropped. Every run ends
    /// in a digit, so the spelling reads back unambiguously.
    static func canonical(_ part: String) -> String {
        var runs: [(letters: Substring.UTF8View, digits: Substring.UTF8View)] = []
        var rest = Substring(part).utf8
        while !rest.isEmpty {
            let letters = rest.prefix { !isDigit($0) }
            rest = rest.dropFirst(letters.count)
            let digits = rest.prefix(while: isDigit)
            rest = rest.dropFirst(digits.count)
            runs.append((letters, digits.drop { $0 == UInt8(ascii: "0") }))
        }
        while let last = runs.last, last.letters.isEmpty, last.digits.isEmpty { runs.removeLast() }
        return runs.map { String(Substring($0.letters)) + ($0.digits.isEmpty ? "0" : String(Substring($0.digits))) }.joined()
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// dpkg's `order`: digits and the end weigh 0, letters their code, '~' -1, other symbols after letters.
    private static func order(_ byte: UInt8?) -> Int {
        guard let byte, !isDigit(byte) else { return 0 }
        if (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) {
            return Int(byte)
        }
        return byte == UInt8(ascii: "~") ? -1 : Int(byte) + 256
    }
}
