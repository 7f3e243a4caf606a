// Fuzz target `deb822`: control data (DEBIAN/control, Packages, Release) through the strict deb822 parser.
import Core

/// Control data comes from .deb uploads, so it is hostile. Whatever is accepted must be what dpkg would
/// read: valid field names, unique ignoring case, continuation lines kept, whitespace around values trimmed,
/// and a rendering that reads back as the same paragraphs (indexes are built from rendered paragraphs).
enum Deb822Fuzzing {
    static func run(_ bytes: [UInt8]) {
        let lineCount = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
        let paragraphs: [Deb822Paragraph]
        do {
            paragraphs = try Deb822Paragraph.parseParagraphs(bytes)
        } catch {
            if let line = error.line { require(line >= 1 && line <= lineCount, "error line \(line) of \(lineCount): \(error)") }
            checkSingleRefusal(bytes, expected: error)
            return
        }
        require(!paragraphs.isEmpty, "parseParagraphs returned no paragraph")
        paragraphs.forEach(checkParagraph)
        let rendered = paragraphs.map { $0.rendered() }.joined(separator: "\n")
        let reread = try? Deb822Paragraph.parseParagraphs(Array(rendered.utf8))
        require(reread == paragraphs, "rendered paragraphs do not read back as themselves: \(rendered.debugDescription)")
        let single = try? Deb822Paragraph.parseSingle(bytes)
        require(single == (paragraphs.count == 1 ? paragraphs[0] : nil), "parseSingle disagrees with parseParagraphs")
    }

    /// Input that no paragraph reading accepts is refused by `parseSingle` with the same error.
    private static func checkSingleRefusal(_ bytes: [UInt8], expected: Deb822Error) {
        do {
            _ = try Deb822Paragraph.parseSingle(bytes)
            fatalError("fuzz property violated: parseSingle accepted what parseParagraphs refused (\(expected))")
        } catch {
            require(error == expected, "parseSingle refused with '\(error)', parseParagraphs with '\(expected)'")
        }
    }

    private static func checkParagraph(_ paragraph: Deb822Paragraph) {
        require(!paragraph.fields.isEmpty, "empty paragraph")
        var seen: Set<String> = []
        for field in paragraph.fields {
            checkName(field.name)
            require(seen.insert(field.name.lowercased()).inserted, "duplicate field \(field.name)")
            require(paragraph[field.name.uppercased()] == field.value, "lookup of \(field.name) finds another value")
            checkValue(field)
        }
    }

    /// Debian Policy 5.1: printable ASCII without spaces or ':', not starting with '-' or '#'.
    private static func checkName(_ name: String) {
        let bytes = Array(name.utf8)
        require(!bytes.isEmpty, "empty field name")
        require(bytes[0] != UInt8(ascii: "-") && bytes[0] != UInt8(ascii: "#"), "field name \(name.debugDescription) starts with - or #")
        require(bytes.allSatisfy { $0 >= 0x21 && $0 <= 0x7E && $0 != UInt8(ascii: ":") },
                "field name \(name.debugDescription) is not printable ASCII without ':'")
    }

    /// The first line holds no surrounding whitespace, every later line is a non-blank continuation line,
    /// no line ends in whitespace, and no control character but tab survives.
    private static func checkValue(_ field: Deb822Field) {
        let context = "field \(field.name): \(field.value.debugDescription)"
        let lines = field.value.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index == 0 {
                require(!(line.first.map(isBlank) ?? false), "value starts with whitespace in \(context)")
            } else {
                require(line.first.map(isBlank) == true, "continuation line without leading whitespace in \(context)")
                require(!line.allSatisfy(isBlank), "blank continuation line in \(context)")
            }
            require(!(line.last.map(isBlank) ?? false), "line ends in whitespace in \(context)")
            require(line.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }, "control character in \(context)")
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
}
