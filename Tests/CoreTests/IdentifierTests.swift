// Identifier validation tables: every rule rejects what it should and says which rule failed.
import Core
import CoreTesting
import Testing

@Suite struct IdentifierTests {
    static let rejectedFilenames: [(String, IdentifierError.Rule)] = [
        ("", .empty), (".", .dotOrDotDot), ("..", .dotOrDotDot), ("a/b", .containsSlash), ("a\\b", .containsBackslash),
        ("a\u{0}b", .containsNUL), ("a\nb", .containsControlCharacter), ("a\u{7F}", .containsControlCharacter),
        (".hidden", .leadingDot), (String(repeating: "x", count: 256), .tooLong(maxBytes: 255)),
    ]

    // Goal: unsafe file names are refused with the rule that failed.
    @Test(arguments: rejectedFilenames)
    func filenameRules(raw: String, rule: IdentifierError.Rule) {
        #expect(throws: IdentifierError(kind: "filename", value: raw, rule: rule)) { try Filename(raw) }
    }

    // Goal: ordinary package file names, including odd but safe characters, are kept exactly.
    @Test(arguments: ["tool-1.0.tar.gz", "a b & c.zip", "ünïcode-1.tar.xz", "x<y>-1.tgz", String(repeating: "x", count: 255)])
    func filenamesAccepted(raw: String) throws {
        #expect(try Filename(raw).rawValue == raw)
    }

    static let rejectedRepositoryNames: [(String, IdentifierError.Rule)] = [
        ("", .empty), ("..", .dotOrDotDot), ("a/b", .containsSlash), (".x", .leadingDot), ("a b", .containsWhitespace),
        ("a:b", .invalidCharacter(":")), ("-x", .mustStartWithLetterOrDigit), (String(repeating: "r", count: 65), .tooLong(maxBytes: 64)),
        ("é", .invalidCharacter("é")),
    ]

    // Goal: repository names stay within a URL- and path-safe charset.
    @Test(arguments: rejectedRepositoryNames)
    func repositoryNameRules(raw: String, rule: IdentifierError.Rule) {
        #expect(throws: IdentifierError(kind: "repository name", value: raw, rule: rule)) { try RepositoryName(raw) }
    }

    // Goal: error messages name the kind, the value and the rule, with control characters escaped.
    @Test func messagesSayWhichRuleFailed() {
        #expect(IdentifierError(kind: "filename", value: "..", rule: .dotOrDotDot).description == "invalid filename '..': must not be '.' or '..'")
        #expect(IdentifierError(kind: "filename", value: "a\nb", rule: .containsControlCharacter).description.contains("a\\x0ab"))
        #expect(IdentifierError(kind: "repository name", value: ".x", rule: .leadingDot).description.contains("must not start with '.'"))
    }

    // Goal: versions accept Debian/PEP 440 punctuation and refuse separators.
    @Test func versions() throws {
        #expect(try PackageVersion("1:2.0~rc1+dfsg-3").rawValue == "1:2.0~rc1+dfsg-3")
        #expect(throws: IdentifierError.self) { try PackageVersion("1.0/2") }
        #expect(throws: IdentifierError.self) { try PackageVersion("1.0 2") }
        #expect(throws: IdentifierError.self) { try PackageVersion(String(repeating: "1", count: 129)) }
    }

    // Goal: temporary names are recognised by their leading dot only.
    @Test func temporaryNames() {
        #expect(Filename.isTemporaryName(".tool-1.0.tar.gz.Xy12Ab"))
        #expect(!Filename.isTemporaryName("tool-1.0.tar.gz"))
        #expect(!Filename.isTemporaryName(".."))
    }
}
