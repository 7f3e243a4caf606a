// Fuzz target `debian-version`: up to three "\n"-separated Debian versions, parsed and ordered.
import Core

/// Versions decide which package apt installs and which rows count as one package, so the order must be a
/// total order that agrees with equality (`==` compares the canonical spelling, `compare` runs dpkg's
/// algorithm: two implementations that must never disagree).
enum DebianVersionFuzzing {
    static func run(_ bytes: [UInt8]) {
        let versions = FuzzInput.lines(bytes, limit: 3).compactMap { try? DebianVersion($0) }
        for version in versions { checkAlone(version) }
        for a in versions {
            for b in versions { checkPair(a, b) }
        }
        if versions.count == 3 { checkTransitive(versions) }
    }

    private static func checkAlone(_ v: DebianVersion) {
        require(DebianVersion.compare(v, v) == 0, "\(v) does not compare equal to itself")
        require(!v.rawValue.isEmpty && v.rawValue.utf8.count <= DebianVersion.maxBytes, "\(v) breaks the length limit")
        require(v.upstream.utf8.first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } == true,
                "upstream of \(v) does not start with a digit")
        // The parts are exactly the raw spelling taken apart: nothing added, nothing lost.
        let body = v.upstream + (v.revision.isEmpty ? "" : "-" + v.revision)
        let raw = v.rawValue
        if let colon = raw.firstIndex(of: ":") {
            require(UInt32(raw[..<colon]) == v.epoch && raw[raw.index(after: colon)...] == body,
                    "\(raw.debugDescription) is not epoch \(v.epoch), upstream \(v.upstream), revision \(v.revision)")
        } else {
            require(v.epoch == 0 && raw == body, "\(raw.debugDescription) is not upstream \(v.upstream), revision \(v.revision)")
        }
        let reread = try? DebianVersion(v.rawValue)
        require(reread.map { $0 == v && $0.canonical == v.canonical } == true, "\(v) does not read back as itself")
    }

    private static func checkPair(_ a: DebianVersion, _ b: DebianVersion) {
        let ab = sign(DebianVersion.compare(a, b)), ba = sign(DebianVersion.compare(b, a))
        require(ab == -ba, "compare(\(a), \(b)) = \(ab) but compare(\(b), \(a)) = \(ba)")
        require((ab == 0) == (a == b), "compare(\(a), \(b)) = \(ab) but == says \(a == b) (canonical \(a.canonical), \(b.canonical))")
        require((a < b) == (ab < 0), "< disagrees with compare for \(a), \(b)")
        if a == b { require(a.hashValue == b.hashValue, "\(a) == \(b) but their hashes differ") }
    }

    private static func checkTransitive(_ v: [DebianVersion]) {
        for i in v.indices {
            for j in v.indices {
                for k in v.indices where v[i] <= v[j] && v[j] <= v[k] {
                    require(v[i] <= v[k], "\(v[i]) <= \(v[j]) <= \(v[k]) but not \(v[i]) <= \(v[k])")
                }
            }
        }
    }
}
