// Names are bytes: look-alike and canonically equivalent spellings stay apart; disguising characters are refused.
import Core
import CoreTesting
import Testing

@Suite struct NameEquivalenceTests {
    // Goal: file names that differ only in a look-alike or canonically equivalent spelling are two names to every
    // comparison a set, a dictionary or a sort makes, and they order by bytes.
    @Test(arguments: LookAlikeSpellings.pairs)
    func filenamesAreBytes(pair: LookAlikeSpellings.Pair) throws {
        let (label, plain, other) = (pair.label, pair.plain, pair.other)
        let a = try Filename("tool-\(plain).tar.gz"), b = try Filename("tool-\(other).tar.gz")
        #expect(a != b, "\(label)")
        #expect(Set([a, b]).count == 2, "\(label)")
        #expect([a: 1, b: 2][a] == 1 && [a: 1, b: 2][b] == 2, "\(label)")
        #expect((a < b) == Array(a.rawValue.utf8).lexicographicallyPrecedes(Array(b.rawValue.utf8)), "\(label)")
        #expect((a < b) != (b < a), "\(label): byte order is total")
        #expect(a.rawValue.utf8.elementsEqual("tool-\(plain).tar.gz".utf8), "kept as given")
    }

    // Goal: the byte-keyed wrapper the caches use keeps every pair apart and sorts like `LC_ALL=C sort`.
    @Test(arguments: LookAlikeSpellings.pairs)
    func byteStringsAreBytes(pair: LookAlikeSpellings.Pair) {
        let (label, plain, other) = (pair.label, pair.plain, pair.other)
        let a = ByteString("tar/r/\(plain)"), b = ByteString("tar/r/\(other)")
        #expect(a != b && Set([a, b]).count == 2, "\(label)")
        #expect(a == ByteString("tar/r/\(plain)") && a.hashValue == ByteString("tar/r/\(plain)").hashValue)
        #expect(!plain.bytesEqual(other) && plain.bytesEqual(String(plain)))
        #expect([ByteString("b"), ByteString("\u{E9}"), ByteString("a"), ByteString("e\u{301}")].sorted().map(\.string)
            == ["a", "b", "e\u{301}", "\u{E9}"])
    }

    // Goal: the ASCII-only identifiers refuse every non-ASCII look-alike, naming the scalar by its code point, so a
    // spelling like U+212A cannot become another repository's, package's, version's or token's name.
    @Test(arguments: LookAlikeSpellings.pairs)
    func asciiIdentifiersRefuseLookAlikes(pair: LookAlikeSpellings.Pair) {
        let (label, other) = (pair.label, pair.other)
        guard other.unicodeScalars.contains(where: { !$0.isASCII }) else { return }
        let raw = "x\(other)y"
        let kinds: [(String, @Sendable (String) throws -> Void)] = [
            ("repository name", { _ = try RepositoryName($0) }), ("package name", { _ = try PackageName($0) }),
            ("version", { _ = try PackageVersion($0) }), ("token name", { _ = try TokenName($0) }),
        ]
        for (kind, make) in kinds {
            do {
                try make(raw)
                Issue.record("\(kind) accepted \(label)")
            } catch let error as IdentifierError {
                guard case .invalidCharacter(let scalar) = error.rule else { Issue.record("\(kind): \(error)"); continue }
                #expect(!scalar.isASCII)
                #expect(error.description.contains("U+"), "\(error)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    // Goal: identifier types compare by bytes (two spellings of one Kelvin-free name are the same, nothing else is).
    @Test func identifierEqualityIsExact() throws {
        #expect(try RepositoryName("Kpriv") == RepositoryName("Kpriv"))
        #expect(try RepositoryKey(.tar, RepositoryName("Kpriv")) != RepositoryKey(.tar, RepositoryName("kpriv")))
        #expect(try Set([PackageVersion("1.0"), PackageVersion("1.0"), PackageVersion("1.00")]).count == 2)
        #expect(ProviderKind(pathComponent: "tar") == .tar && ProviderKind(pathComponent: "t\u{61}r") == .tar)
        #expect(ProviderKind(pathComponent: "TAR") == nil && ProviderKind(pathComponent: "tar\u{301}") == nil)
    }

    static let bidiControls: [Unicode.Scalar] = ["\u{061C}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}",
                                                 "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}"]

    // Goal: every bidirectional control is refused in every kind of name, with the rule and the code point in the
    // message (a listing could otherwise show `evil\u{202E}gpj.exe` as `evilexe.jpg`).
    @Test(arguments: bidiControls)
    func bidiControlsAreRefused(scalar: Unicode.Scalar) {
        let raw = "evil\(Character(scalar))gpj.exe"
        for make in Self.everyKind {
            #expect {
                try make(raw)
            } throws: { error in
                guard let error = error as? IdentifierError, error.rule == .containsBidiControl(scalar) else { return false }
                return error.description.contains("bidirectional") && error.description.contains(Self.codePoint(scalar))
                    && !error.description.unicodeScalars.contains(scalar)
            }
        }
    }

    // Goal: the list above is exactly Unicode's Bidi_Control property: no bidi control is missed.
    @Test func bidiListIsTheUnicodeProperty() {
        let fromProperty = (0...UInt32(0x10FFFF)).compactMap { Unicode.Scalar($0) }.filter(\.properties.isBidiControl)
        #expect(fromProperty == Self.bidiControls)
        #expect(fromProperty.allSatisfy(NameCharacters.isBidiControl))
    }

    // Goal: characters with no visible form are refused in every kind of name; the ones real names need (ZWNJ, ZWJ,
    // variation selectors) and ordinary non-ASCII are kept in file names.
    @Test(arguments: ["\u{200B}", "\u{FEFF}", "\u{00AD}", "\u{2060}", "\u{180E}", "\u{034F}", "\u{3164}", "\u{115F}",
                      "\u{E0041}", "\u{0600}", "\u{2064}", "\u{FFF9}"] as [Unicode.Scalar])
    func invisibleCharactersAreRefused(scalar: Unicode.Scalar) {
        for make in Self.everyKind {
            #expect(throws: IdentifierError.self) { try make("a\(Character(scalar))b") }
        }
        #expect(throws: IdentifierError(kind: "filename", value: "a\(Character(scalar))b", rule: .containsInvisibleCharacter(scalar))) {
            try Filename("a\(Character(scalar))b")
        }
    }

    @Test(arguments: ["family-\u{1F468}\u{200D}\u{1F469}.zip", "\u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645}.zip",
                      "heart-\u{2764}\u{FE0F}.zip", "caf\u{E9}.zip", "cafe\u{301}.zip", "\u{3A9}.zip", "\u{FFFD}.zip"])
    func visibleUnicodeIsKept(raw: String) throws {
        #expect(try Filename(raw).rawValue.utf8.elementsEqual(raw.utf8))
    }

    // Goal: a leading dot is a byte: `.` + U+0301 starts with a dot (a temporary name, refused as a final name),
    // though as a Swift `Character` it is not ".".
    @Test func leadingDotIsAByte() {
        #expect(Filename.isTemporaryName(".\u{301}tool-1.0.tar.gz"))
        #expect(throws: IdentifierError(kind: "filename", value: ".\u{301}x", rule: .leadingDot)) { try Filename(".\u{301}x") }
    }

    // Goal: PEP 503 normalization folds ASCII case only, so no look-alike normalizes to (or redirects to) a real
    // project, while real spellings still match.
    @Test(arguments: LookAlikeSpellings.pairs)
    func projectNormalizationIsASCII(pair: LookAlikeSpellings.Pair) throws {
        let (label, other) = (pair.label, pair.other)
        let normalized = PythonProjectName.normalize("My_\(other)-Tool")
        #expect(Array(normalized.unicodeScalars.filter { !$0.isASCII }) == Array("My_\(other)-Tool".unicodeScalars.filter { !$0.isASCII }),
                "\(label): only ASCII letters fold")
        let project = try PythonProjectName("Kit.Tool")
        #expect(project.isSpelled("kit_tool") && project.isSpelled("KIT-TOOL"))
        #expect(!project.isSpelled("\u{212A}it-tool"), "KELVIN SIGN must not fold to k")
        #expect(!project.isSpelled("\u{130}t-tool") && PythonProjectName.normalize("\u{130}") == "\u{130}")
    }

    // Goal: pages show a disguising character as U+FFFD, so text never reverses or hides what follows.
    @Test func pagesShowDisguisingCharacters() {
        #expect(HTMLText.displayed("evil\u{202E}gpj.exe") == "evil\u{FFFD}gpj.exe")
        #expect(HTMLText.displayed("a\u{200B}b<c>") == "a\u{FFFD}b&lt;c&gt;")
        #expect(HTMLText.displayed("line\none\ttab") == "line\none\ttab")
        #expect(HTMLText.displayed("caf\u{E9} cafe\u{301} \u{1F468}\u{200D}\u{1F469}") == "caf\u{E9} cafe\u{301} \u{1F468}\u{200D}\u{1F469}")
        #expect(IdentifierError.printable("a\u{202E}b") == "a\\u{202E}b")
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static let everyKind: [@Sendable (String) throws -> Void] = [
        { _ = try Filename($0) }, { _ = try RepositoryName($0) }, { _ = try PackageName($0) },
        { _ = try PackageVersion($0) }, { _ = try TokenName($0) },
    ]
}
