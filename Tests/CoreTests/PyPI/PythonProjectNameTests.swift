// Project names: PEP 508 validity, PEP 503 normalization, and equality by the normalized form.
import Core
import Testing

extension PyPITests {
    @Suite struct PythonProjectNameTests {
        // Goal: PEP 503's examples (and worse) all normalize to one name, which is what equality uses.
        @Test func normalizesAndComparesByNormalizedName() throws {
            let spellings = ["friendly-bard", "Friendly-Bard", "FRIENDLY-BARD", "friendly.bard", "friendly_bard",
                             "friendly--bard", "FrIeNdLy-._.-bArD"]
            let names = try spellings.map { try PythonProjectName($0) }
            #expect(names.allSatisfy { $0.normalized == "friendly-bard" })
            #expect(Set(names).count == 1)
            #expect(names.map(\.rawValue) == spellings)
            #expect(names[1].description == "Friendly-Bard")
            #expect(try PythonProjectName("zope.interface").normalized == "zope-interface")
            #expect(try PythonProjectName("Django") != PythonProjectName("django-x"))
        }

        // Goal: normalize() works on any string, valid name or not, as file-name checks need.
        @Test func normalizesAnyString() {
            #expect(PythonProjectName.normalize("python_dateutil") == "python-dateutil")
            #expect(PythonProjectName.normalize("-_Weird..Name_-") == "-weird-name-")
            #expect(PythonProjectName.normalize("") == "")
        }

        // Goal: names PEP 508 allows are accepted, including one character and exactly 128 bytes.
        @Test(arguments: ["a", "Z9", "zope.interface", "Django", "foo_bar-baz.2", String(repeating: "x", count: 128)])
        func accepts(raw: String) throws {
            #expect(try PythonProjectName(raw).rawValue == raw)
        }

        static let invalid: [(String, String)] = [
            ("", "must not be empty"), ("-foo", "start and end"), ("foo-", "start and end"), (".foo", "start and end"),
            ("foo_", "start and end"), ("foo bar", "only ASCII letters"), ("føo", "only ASCII letters"),
            ("foo/bar", "only ASCII letters"), ("foo+bar", "only ASCII letters"),
            (String(repeating: "x", count: 129), "at most 128 bytes"),
        ]

        // Goal: each broken rule is refused with a message naming the name and the rule.
        @Test(arguments: invalid)
        func refuses(raw: String, fragment: String) {
            #expect {
                _ = try PythonProjectName(raw)
            } throws: { error in
                let message = (error as? PythonPackageError)?.message ?? ""
                return message.hasPrefix("invalid project name '") && message.contains(fragment)
            }
        }
    }
}
