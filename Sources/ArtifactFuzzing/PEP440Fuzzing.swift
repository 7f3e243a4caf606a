// Fuzz target `pep440`: up to three "\n"-separated PEP 440 versions, normalized and ordered.
import Core

/// Versions come from wheel and sdist names and from METADATA, and decide equality of releases and the
/// order of the simple index. The normalized text is what the index publishes, so it must read back as the
/// same version; `==`, `<` and hashing must form one total order.
enum PEP440Fuzzing {
    static func run(_ bytes: [UInt8]) {
        let versions = FuzzInput.lines(bytes, limit: 3).compactMap(checkedVersion)
        for a in versions {
            for b in versions { checkPair(a, b) }
        }
        if versions.count == 3 { checkTransitive(versions) }
    }

    /// The parsed version of `raw`, after checking what parsing alone promises.
    private static func checkedVersion(_ raw: String) -> PEP440Version? {
        guard let v = try? PEP440Version(raw) else { return nil }
        let text = v.normalized
        require(text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) },
                "normalized \(text.debugDescription) of \(raw.debugDescription) is not lowercase printable ASCII")
        guard let reread = try? PEP440Version(text) else {
            fatalError("fuzz property violated: normalized \(text.debugDescription) of \(raw.debugDescription) does not parse")
        }
        require(reread == v && reread.normalized == text && reread.isPrerelease == v.isPrerelease,
                "normalized \(text.debugDescription) of \(raw.debugDescription) reads back as \(reread.normalized.debugDescription)")
        // Spelling is case-insensitive and a leading 'v' is allowed (PEP 440, "Normalization").
        if raw.utf8.allSatisfy({ $0 < 0x80 }) {
            require((try? PEP440Version(raw.uppercased()))?.normalized == text, "upper-casing \(raw.debugDescription) changes it")
        }
        if text.utf8.count < PEP440Version.bytesMax {
            require((try? PEP440Version("v" + text))?.normalized == text, "'v' before \(text.debugDescription) changes it")
        }
        return v
    }

    private static func checkPair(_ a: PEP440Version, _ b: PEP440Version) {
        let outcomes = [a < b, a == b, b < a].filter { $0 }.count
        require(outcomes == 1, "\(a) and \(b): < \(a < b), == \(a == b), > \(b < a)")
        if a == b { require(a.hashValue == b.hashValue, "\(a) == \(b) but their hashes differ") }
    }

    private static func checkTransitive(_ v: [PEP440Version]) {
        for i in v.indices {
            for j in v.indices {
                for k in v.indices where v[i] <= v[j] && v[j] <= v[k] {
                    require(v[i] <= v[k], "\(v[i]) <= \(v[j]) <= \(v[k]) but not \(v[i]) <= \(v[k])")
                }
            }
        }
    }
}
