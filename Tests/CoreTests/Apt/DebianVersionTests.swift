// Debian versions: Policy 5.6.12 syntax, and dpkg's ordering (checked against dpkg itself).
import Core
import CoreTesting
import Foundation
import Testing

@Suite struct DebianVersionTests {
    static let valid: [(String, UInt32, String, String)] = [
        ("1.0", 0, "1.0", ""),
        ("1:2.0-1", 1, "2.0", "1"),
        ("2.0+dfsg-1~bpo12+1", 0, "2.0+dfsg", "1~bpo12+1"),
        ("1.0~rc1", 0, "1.0~rc1", ""),
        ("0:1.2.3-0ubuntu1", 0, "1.2.3", "0ubuntu1"),
        ("1.2-3-4", 0, "1.2-3", "4"),
        ("2:1:0-1", 2, "1:0", "1"),
        ("4294967295:1", UInt32.max, "1", ""),
        ("9", 0, "9", ""),
    ]

    // Goal: epoch, upstream and revision are split where Policy says.
    @Test(arguments: valid)
    func parses(raw: String, epoch: UInt32, upstream: String, revision: String) throws {
        let version = try DebianVersion(raw)
        #expect(version.epoch == epoch)
        #expect(version.upstream == upstream)
        #expect(version.revision == revision)
        #expect(version.rawValue == raw)
        #expect(version.description == raw)
    }

    static let invalid: [(String, String)] = [
        ("a1.0", "must start with a digit"),
        ("1.0-", "revision after the last '-' must not be empty"),
        ("1:", "upstream version must not be empty"),
        (":1", "epoch before ':' must be digits"),
        ("x:1", "epoch before ':' must be digits"),
        ("4294967296:1", "epoch is too large"),
        ("1.0 beta", "whitespace"),
        ("1_0", "must not contain '_'"),
        ("1.0-1_2", "revision must not contain '_'"),
        ("", "must not be empty"),
        ("-1", "upstream version must not be empty"),
        ("1.0\n", "whitespace"),
        (String(repeating: "1", count: 129), "at most 128 bytes"),
    ]

    // Goal: each broken rule is refused with a reason that names it.
    @Test(arguments: invalid)
    func refuses(raw: String, reason: String) {
        #expect {
            _ = try DebianVersion(raw)
        } throws: { error in
            (error as? DebianFieldError)?.reason.contains(reason) == true
        }
    }

    static let ascending: [(String, String)] = [
        ("1.0~rc1", "1.0"), ("9.9", "1:0.1"), ("1.0~~", "1.0~"), ("1.0", "1.0a"), ("1.0a", "1.0+"),
        ("1.2.9", "1.2.10"), ("1.0", "1.0-1"), ("1.0-1", "1.0-1.1"), ("2.0+dfsg-1~bpo12+1", "2.0+dfsg-1"),
        ("1.0-1", "1.0.1-1"), ("1.0", "1.0.0"), ("0.9", "0.10"), ("1.0-9", "1.0-10"), ("1a", "1b"), ("1.0Z", "1.0a"),
    ]

    // Goal: dpkg's order: epoch first, '~' before everything, letters before other symbols, digits numerically.
    @Test(arguments: ascending)
    func orders(lower: String, higher: String) throws {
        let a = try DebianVersion(lower), b = try DebianVersion(higher)
        #expect(a < b)
        #expect(!(b < a))
        #expect(a != b)
    }

    // Goal: spellings dpkg compares as equal are equal and hash alike, so a Set holds one of them.
    @Test func equalSpellings() throws {
        let spellings = ["1.0", "1.00", "0:1.0", "1.0-0", "01.0", "1.0-00"]
        let versions = try spellings.map { try DebianVersion($0) }
        #expect(Set(versions).count == 1)
        #expect(versions.allSatisfy { $0 == versions[0] })
        #expect(try DebianVersion("1a") == DebianVersion("1a0"))
        #expect(try DebianVersion("1a0b") != DebianVersion("1ab"))
    }

    // Goal: the canonical spelling is shared exactly by versions dpkg calls equal.
    @Test func canonicalSpelling() throws {
        #expect(try DebianVersion("1:2.0-1").canonical == "1:2.0-1")
        #expect(try ["1.0", "1.00", "0:1.0", "1.0-0", "01.0"].map { try DebianVersion($0).canonical } == Array(repeating: "0:1.0-", count: 5))
        #expect(try DebianVersion("1a").canonical == DebianVersion("1a0").canonical)
        #expect(try DebianVersion("1a0b").canonical != DebianVersion("1ab").canonical)
    }

    // Goal: every pair of a varied sample orders the way `dpkg --compare-versions` does.
    @Test func agreesWithDpkg() throws {
        let sample = ["1.0", "1.0~rc1", "1:0.1", "1.0-1", "1.0+b1", "1.0a", "1.0.0", "2.0+dfsg-1~bpo12+1",
                      "2.0+dfsg-1", "0.10", "0.9", "1.0~~a", "1.0-1ubuntu0.1"]
        for (i, a) in sample.enumerated() {
            for b in sample[(i + 1)...] {
                let dpkgSaysLess = try Fixtures.run("/usr/bin/dpkg", ["--compare-versions", a, "lt", b]) == 0
                #expect((try DebianVersion(a) < DebianVersion(b)) == dpkgSaysLess, "\(a) vs \(b)")
            }
        }
        // Equal spellings too: the canonical form (a package's identity) must agree with dpkg's "eq".
        let spellings = ["1.0", "1.00", "1.0-0", "0:1.0", "1.0.0", "1a", "1a0", "1a0b", "1ab", "1.0~", "1.0-00", "2:1.0"]
        for (i, a) in spellings.enumerated() {
            for b in spellings[(i + 1)...] {
                let dpkgSaysEqual = try Fixtures.run("/usr/bin/dpkg", ["--compare-versions", a, "eq", b]) == 0
                #expect((try DebianVersion(a).canonical == DebianVersion(b).canonical) == dpkgSaysEqual, "\(a) vs \(b)")
            }
        }
    }
}
