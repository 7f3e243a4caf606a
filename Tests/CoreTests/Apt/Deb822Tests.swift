// deb822 paragraphs: what the parser keeps, what it refuses (with the line), and that rendering is byte-exact.
import Core
import Testing

@Suite struct Deb822Tests {
    static let control = """
        Package: hello-tool
        Version: 1:2.0-1
        architecture:   amd64\t
        Conffiles:
         /etc/hello.conf 0123456789abcdef
        Description: greets people
         Long text, kept verbatim.
         .
           indented line

        """

    // Goal: fields keep their order, lookups ignore case, and values follow the trimming rules.
    @Test func parsesOneParagraph() throws {
        let paragraph = try Deb822Paragraph.parseSingle(Array(Self.control.utf8))
        #expect(paragraph.fields.map(\.name) == ["Package", "Version", "architecture", "Conffiles", "Description"])
        #expect(paragraph["PACKAGE"] == "hello-tool")
        #expect(paragraph["Architecture"] == "amd64")
        #expect(paragraph["Conffiles"] == "\n /etc/hello.conf 0123456789abcdef")
        #expect(paragraph["Description"] == "greets people\n Long text, kept verbatim.\n .\n   indented line")
        #expect(paragraph["Missing"] == nil)
    }

    // Goal: rendering gives back the input byte for byte once trailing whitespace is gone.
    @Test func rendersByteForByte() throws {
        let paragraph = try Deb822Paragraph.parseSingle(Array(Self.control.utf8))
        #expect(paragraph.rendered() == Self.control.replacingOccurrences(of: ":   amd64\t", with: ": amd64"))
        #expect(try Deb822Paragraph.parseSingle(Array(paragraph.rendered().utf8)) == paragraph)
    }

    // Goal: blank (whitespace-only) lines separate paragraphs, runs of them count once, comments vanish.
    @Test func splitsParagraphs() throws {
        let text = "# generated\nPackage: a\nVersion: 1\n\n \t\n\nPackage: b\n# note\nVersion: 2\n\n"
        let paragraphs = try Deb822Paragraph.parseParagraphs(Array(text.utf8))
        #expect(paragraphs.map { $0["Package"] } == ["a", "b"])
        #expect(paragraphs[1].fields.count == 2)
        #expect(paragraphs.map { $0.rendered() } == ["Package: a\nVersion: 1\n", "Package: b\nVersion: 2\n"])
    }

    // Goal: a last line without "\n" still counts.
    @Test func acceptsMissingFinalNewline() throws {
        let paragraph = try Deb822Paragraph.parseSingle(Array("Package: a\nDescription: x\n y".utf8))
        #expect(paragraph["Description"] == "x\n y")
    }

    // Goal: whitespace is trimmed and ':' found by code point, as dpkg does on bytes. Found by fuzzing (a space
    // before U+200D ZERO WIDTH JOINER stayed in the value): trimming went by grapheme cluster, where a space
    // followed by a joiner or combining mark, or preceded by a prepended mark (U+0600), is no space.
    @Test func trimsByCodePoint() throws {
        let text = "Zwj: \u{200D}x\nLead: \u{301}x\nTrail: x\u{600} \nColon:\u{301}v\nMore: a\n b\u{600} \n"
        let paragraph = try Deb822Paragraph.parseSingle(Array(text.utf8))
        #expect(paragraph["Zwj"] == "\u{200D}x")
        #expect(paragraph["Lead"] == "\u{301}x")
        #expect(paragraph["Trail"] == "x\u{600}")
        #expect(paragraph["Colon"] == "\u{301}v")
        #expect(paragraph["More"] == "a\n b\u{600}")
        #expect(try Deb822Paragraph.parseSingle(Array(paragraph.rendered().utf8)) == paragraph)
    }

    static let refused: [(String, Int?, String)] = [
        ("Package a\n", 1, "no ':'"),
        (" leading\nPackage: a\n", 1, "continuation line before any field"),
        ("Package: a\n\n more\n", 3, "continuation line before any field"),
        (": value\n", 1, "empty field name"),
        ("-Name: x\n", 1, "must not start with '-'"),
        ("Pack age: x\n", 1, "printable ASCII"),
        ("Packäge: x\n", 1, "printable ASCII"),
        ("Package: a\nVersion: 1\npackage: b\n", 3, "duplicate field 'package'"),
        ("Package: a\r\n", 1, "control character U+000D"),
        ("Package: a\nDescription: x\n y\u{1}\n", 3, "control character U+0001"),
        ("", nil, "no paragraph"),
        ("# only a comment\n\n", nil, "no paragraph"),
    ]

    // Goal: each malformed input is refused with the right line and a message naming the problem.
    @Test(arguments: refused)
    func refuses(text: String, line: Int?, fragment: String) {
        #expect {
            _ = try Deb822Paragraph.parseParagraphs(Array(text.utf8))
        } throws: { error in
            guard let error = error as? Deb822Error else { return false }
            return error.line == line && error.description.contains(fragment)
        }
    }

    // Goal: bytes that are not UTF-8 are refused on their line.
    @Test func refusesInvalidUTF8() {
        #expect(throws: Deb822Error(line: 2, "not valid UTF-8")) {
            try Deb822Paragraph.parseParagraphs([UInt8]("Package: a\nDescription: ".utf8) + [0xFF, 0x0A])
        }
    }

    // Goal: a binary package's control file must hold one paragraph, and the error points at the second.
    @Test func singleRefusesTwoParagraphs() {
        #expect(throws: Deb822Error(line: 3, "expected one paragraph, found 2 (a blank line ends a paragraph)")) {
            try Deb822Paragraph.parseSingle(Array("Package: a\n\nPackage: b\n".utf8))
        }
    }
}
