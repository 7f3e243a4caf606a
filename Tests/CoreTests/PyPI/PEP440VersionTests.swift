// PEP 440 versions: the normalization section's spellings, the ordering, equality, refusals, and packaging's view.
import Core
import Foundation
import Testing

extension PyPITests {
    @Suite struct PEP440VersionTests {
        static let normalizations: [(String, String)] = [
            ("1.0", "1.0"), ("1.0.0", "1.0.0"), ("1", "1"), ("2012.04", "2012.4"), ("01.02.003", "1.2.3"),
            ("v1.0", "1.0"), ("V1.0", "1.0"), ("  1.0\n", "1.0"), ("\t1.0a1 ", "1.0a1"),
            ("0!1.0", "1.0"), ("1!2.0", "1!2.0"), ("01!1.0", "1!1.0"),
            ("1.1RC1", "1.1rc1"), ("1.0A1", "1.0a1"), ("1.0.a1", "1.0a1"), ("1.0-a1", "1.0a1"), ("1.0_a1", "1.0a1"),
            ("1.0a.1", "1.0a1"), ("1.0a-1", "1.0a1"), ("1.0a_1", "1.0a1"), ("1.0a01", "1.0a1"),
            ("1.0alpha1", "1.0a1"), ("1.0beta2", "1.0b2"), ("1.0B2", "1.0b2"), ("1.0c1", "1.0rc1"), ("1.0pre1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"), ("1.0a", "1.0a0"), ("1.0rc", "1.0rc0"), ("1.0.beta", "1.0b0"),
            ("1.0.post1", "1.0.post1"), ("1.0post1", "1.0.post1"), ("1.0-post1", "1.0.post1"), ("1.0_post1", "1.0.post1"),
            ("1.0.post.1", "1.0.post1"), ("1.0.POST-1", "1.0.post1"), ("1.0.rev1", "1.0.post1"), ("1.0r1", "1.0.post1"),
            ("1.0.post", "1.0.post0"), ("1.0-r", "1.0.post0"), ("1.0-1", "1.0.post1"), ("1.0-01", "1.0.post1"),
            ("1.0.dev1", "1.0.dev1"), ("1.0dev1", "1.0.dev1"), ("1.0-dev1", "1.0.dev1"), ("1.0_DEV_1", "1.0.dev1"),
            ("1.0.dev", "1.0.dev0"), ("1.0a1-1", "1.0a1.post1"), ("1.0rc1-dev2", "1.0rc1.dev2"),
            ("1.0+ubuntu-1", "1.0+ubuntu.1"), ("1.0+Ubuntu_1.2", "1.0+ubuntu.1.2"), ("1.0+01.a", "1.0+1.a"),
            ("1!2.0RC1.POST2.DEV3+ABC.4", "1!2.0rc1.post2.dev3+abc.4"),
            ("99999999999999999999999.0", "99999999999999999999999.0"),
        ]

        // Goal: every spelling the PEP's normalization section allows reads, and renders canonically.
        @Test(arguments: normalizations)
        func normalizes(raw: String, expected: String) throws {
            let version = try PEP440Version(raw)
            #expect(version.normalized == expected)
            #expect(version.description == expected)
            #expect(try PEP440Version(expected) == version)
        }

        /// Ascending, from the PEP's own example list plus epochs, locals and numbers of different widths.
        static let ascending = [
            "0.9", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
            "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc", "1.0+abc.5",
            "1.0+abc.7", "1.0+5", "1.0+5.1", "1.0.post456.dev34", "1.0.post456", "1.0.1a1", "1.0.15", "1.1.dev1",
            "2.0", "10.0", "1!0.1", "1!1.0",
        ]

        // Goal: every pair of the list orders as PEP 440 says, in both directions.
        @Test func orders() throws {
            let versions = try Self.ascending.map { try PEP440Version($0) }
            for (i, lower) in versions.enumerated() {
                for higher in versions[(i + 1)...] {
                    #expect(lower < higher, "\(lower) < \(higher)")
                    #expect(!(higher < lower), "\(higher) < \(lower)")
                    #expect(lower != higher)
                }
            }
            #expect(versions.shuffled().sorted() == versions)
        }

        // Goal: trailing zeros and spelling do not change a version's identity; the canonical text keeps them.
        @Test func equalSpellings() throws {
            let spellings = ["1.0", "1.0.0", "v1.0", "1", "01.0", " 1.0.0.0 "]
            let versions = try spellings.map { try PEP440Version($0) }
            #expect(Set(versions).count == 1)
            #expect(versions.allSatisfy { $0 == versions[0] && !($0 < versions[0]) })
            #expect(versions.map(\.normalized) == ["1.0", "1.0.0", "1.0", "1", "1.0", "1.0.0.0"])
            #expect(try PEP440Version("1.0+abc") != PEP440Version("1.0"))
            #expect(try PEP440Version("1.0+ABC-1") == PEP440Version("1.0.0+abc.01"))
            #expect(try PEP440Version("1.0a0") == PEP440Version("1.0a"))
            #expect(try PEP440Version("0!1.0") == PEP440Version("1.0"))
        }

        // Goal: pre and dev segments make a prerelease; post and local segments do not.
        @Test func prereleases() throws {
            #expect(try ["1.0a1", "1.0rc1", "1.0.dev0", "1.0.post1.dev1", "1.0b1+local"].allSatisfy { try PEP440Version($0).isPrerelease })
            #expect(try !["1.0", "1.0.post1", "1.0+local", "1!1.0"].contains { try PEP440Version($0).isPrerelease })
        }

        static let invalid: [(String, String)] = [
            ("", "must not be empty"), ("  ", "must not be empty"), ("1.0-", "unexpected '-' after '1.0'"),
            ("abc", "expected a release number"), ("1..0", "unexpected '.' after '1'"), ("1.0+", "local version"),
            ("1.0+a..b", "local version"), ("1.0+a-", "local version"), ("1.", "unexpected '.' after '1'"),
            ("1.0_1", "unexpected '_'"), ("1.0 beta", "unexpected ' '"), ("1.0a1b2", "unexpected 'b'"),
            ("1.0.post1.post2", "unexpected '.'"), ("1!", "expected a release number"), ("v", "expected a release number"),
            ("1.0--1", "unexpected '-'"), ("１.0", "only ASCII"), ("1.0+ab c", "unexpected ' '"),
            (String(repeating: "1", count: 257), "at most 256 bytes"),
            // Found writing the fuzz property "the normalized text parses back": 256 bytes whose normalized
            // form (`1…1.post1`) is longer, which the version's own parser then refused.
            (String(repeating: "1", count: 254) + "-1", "normalized form must be at most 256 bytes"),
        ]

        // Goal: strings outside the PEP's grammar are refused, and the message says where reading stopped.
        @Test(arguments: invalid)
        func refuses(raw: String, fragment: String) {
            #expect {
                _ = try PEP440Version(raw)
            } throws: { error in
                let message = (error as? PythonPackageError)?.message ?? ""
                return message.hasPrefix("invalid version '") && message.contains(fragment)
            }
        }

        /// Odd spellings on purpose: separators everywhere, implicit numbers, locals, and strings packaging refuses.
        static let crossCheckSample = [
            "1.0", "1.0.0", "1", "v1.0", "1.0a", "1.0a.", "1.0a1", "1.0A1", "1.0alpha", "1.0b2", "1.0c", "1.0rc1",
            "1.0pre", "1.0preview2", "1.0-1", "1.0-r", "1.0rev3", "1.0.post", "1.0.post.+abc", "1.0post-1",
            "1.0.dev", "1.0.dev.", "1.0-dev1", "1.0a1.dev1", "1.0.post1.dev1", "1.0rc1.post2.dev3",
            "1.0+abc", "1.0+ABC.5", "1.0+5", "1.0+01", "1.0+abc.5.x", "1.0+5.abc", "1!0.5", "0!1.0", "2012.04",
            "1.0_1", "1.0-", "1.", "1.0+", "1.0+a..b", "1..0", "abc", "", "1.0--1", "1.0-_1", "1.0+-a", " 1.0 ",
            "1.0.0.0.1", "0.0", "0", "1.0a0", "1.0b", "1.0rc",
        ]

        // Goal: normalization, validity and order agree with packaging.version.Version, which pip uses.
        @Test func agreesWithPackaging() throws {
            let script = """
                import json, sys
                from packaging.version import Version, InvalidVersion
                def parse(text):
                    try: return Version(text)
                    except InvalidVersion: return None
                versions = [parse(text) for text in sys.argv[1:]]
                order = [[(a > b) - (a < b) if a is not None and b is not None else None for b in versions] for a in versions]
                print(json.dumps({"normalized": [str(v) if v is not None else None for v in versions], "order": order}))
                """
            guard let output = try PyPIFixtures.pythonOutput(["-c", script] + Self.crossCheckSample) else {
                print("skipped: python3 cannot import packaging")
                return
            }
            let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
            let normalized = try #require(json["normalized"] as? [Any])
            let order = try #require(json["order"] as? [[Any]])
            let ours = Self.crossCheckSample.map { try? PEP440Version($0) }
            for (i, raw) in Self.crossCheckSample.enumerated() {
                #expect(ours[i]?.normalized == normalized[i] as? String, "'\(raw)'")
            }
            for i in ours.indices {
                for j in ours.indices {
                    guard let a = ours[i], let b = ours[j], let expected = order[i][j] as? Int else { continue }
                    let actual = a < b ? -1 : (b < a ? 1 : 0)
                    #expect(actual == expected, "'\(Self.crossCheckSample[i])' vs '\(Self.crossCheckSample[j])'")
                    #expect((a == b) == (expected == 0))
                }
            }
        }
    }
}
