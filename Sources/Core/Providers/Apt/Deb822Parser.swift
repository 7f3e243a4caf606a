// The line-by-line deb822 reader behind `Deb822Paragraph.parseParagraphs` and `parseSingle`.

/// Splits bytes into paragraphs; every refusal names the 1-based line it happened on.
enum Deb822Parser {
    struct Parsed {
        var paragraph: Deb822Paragraph
        /// Where the paragraph starts, for "more than one paragraph" errors.
        var firstLine: Int
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    static func parse(_ bytes: [UInt8]) throws(Deb822Error) -> [Parsed] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // A final "\n" terminates the last line rather than starting an empty one.
        if lines.last?.isEmpty == true { lines.removeLast() }
        var builder = Builder()
        for (index, line) in lines.enumerated() {
            let number = index + 1
            let text = try decode(line, number: number)
            if isBlank(line) {
                builder.endParagraph()
            } else if line.first == UInt8(ascii: "#") {
                continue
            } else if line.first == space || line.first == tab {
                guard builder.pendingName != nil else { throw Deb822Error(line: number, "continuation line before any field") }
                builder.pendingValue += "\n" + trimmedTrailing(Substring(text).unicodeScalars)
            } else {
                try builder.startField(try parseField(text, number: number), line: number)
            }
        }
        builder.endParagraph()
        return builder.result
    }

    /// Accumulates in place: long multi-line values (a Description, a Packages file) stay linear to build.
    private struct Builder {
        var result: [Parsed] = []
        var fields: [Deb822Field] = []
        var names: Set<String> = []
        var firstLine = 0
        var pendingName: String?
        var pendingValue = ""

        mutating func startField(_ field: Deb822Field, line: Int) throws(Deb822Error) {
            guard names.insert(field.name.lowercased()).inserted else {
                throw Deb822Error(line: line, "duplicate field '\(field.name)'")
            }
            flushField()
            if fields.isEmpty { firstLine = line }
            pendingName = field.name
            pendingValue = field.value
        }

        mutating func flushField() {
            if let name = pendingName { fields.append(Deb822Field(name: name, value: pendingValue)) }
            pendingName = nil
            pendingValue = ""
        }

        mutating func endParagraph() {
            flushField()
            if !fields.isEmpty { result.append(Parsed(paragraph: Deb822Paragraph(fields: fields), firstLine: firstLine)) }
            fields = []
            names = []
        }
    }

    /// UTF-8 text of one line, refusing control characters other than tab ("\r" included: no CRLF files).
    private static func decode(_ line: ArraySlice<UInt8>, number: Int) throws(Deb822Error) -> String {
        // Decoding replaces invalid sequences with U+FFFD, so a round trip that changes the bytes means invalid UTF-8.
        let text = String(decoding: line, as: UTF8.self)
        guard text.utf8.elementsEqual(line) else { throw Deb822Error(line: number, "not valid UTF-8") }
        for scalar in text.unicodeScalars where scalar.value != 0x09 && (scalar.value < 0x20 || scalar.value == 0x7F) {
            let code = String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
            throw Deb822Error(line: number, "control character U+\(code) (only tab is allowed)")
        }
        return text
    }

    /// Works on code points, as dpkg works on bytes: a combining mark after ':' or a space must not hide it
    /// inside one grapheme cluster (which left such spaces untrimmed, found by fuzzing).
    private static func parseField(_ text: String, number: Int) throws(Deb822Error) -> Deb822Field {
        let scalars = Substring(text).unicodeScalars
        guard let colon = scalars.firstIndex(of: ":") else {
            throw Deb822Error(line: number, "expected 'Name: value' but the line has no ':'")
        }
        let name = String(scalars[..<colon])
        if let problem = Deb822Paragraph.nameProblem(name) { throw Deb822Error(line: number, problem) }
        let value = scalars[scalars.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        return Deb822Field(name: name, value: trimmedTrailing(value))
    }

    private static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == space || $0 == tab }
    }

    private static func trimmedTrailing(_ scalars: Substring.UnicodeScalarView) -> String {
        var end = scalars.endIndex
        while end > scalars.startIndex, case let before = scalars.index(before: end), scalars[before] == " " || scalars[before] == "\t" {
            end = before
        }
        return String(scalars[..<end])
    }
}
