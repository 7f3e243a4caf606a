// The RFC 822-style header block that METADATA, PKG-INFO and WHEEL share, read strictly.

/// Header fields in file order, then the body after the first empty line.
struct MetadataHeaders {
    let fields: [CoreMetadata.Field]
    /// Nil when there is no empty line or nothing follows it.
    let body: String?

    /// Errors name the 1-based line: not UTF-8, a control character, no ':', a bad field name, or a continuation
    /// line with nothing to continue. Lines end in LF or CRLF.
    static func parse(_ bytes: [UInt8]) throws(PythonPackageError) -> MetadataHeaders {
        var fields: [(name: String, value: String)] = []
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            let number = offset + 1
            let line = try text(rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine, line: number)
            if line.isEmpty {
                let body = try self.body(lines[(offset + 1)...], firstLine: number + 1, from: bytes)
                return MetadataHeaders(fields: fields.map(finished), body: body)
            }
            if let control = line.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\r" }) {
                let code = String(control.value, radix: 16, uppercase: true).leftPadded(to: 4)
                throw PythonPackageError("line \(number): control character U+\(code) in a header")
            }
            if line.first == " " || line.first == "\t" {
                guard !fields.isEmpty else { throw PythonPackageError("line \(number): continuation line before any field") }
                fields[fields.count - 1].value += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                let shown = IdentifierError.printable(line)
                throw PythonPackageError("line \(number): expected 'Field: value', found no ':' in '\(shown)'")
            }
            let name = String(line[..<colon])
            // As Python's email parser: a name is printable ASCII without space or ':'; anything else is not a header.
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw PythonPackageError("line \(number): invalid field name '\(IdentifierError.printable(name))'")
            }
            fields.append((name, String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })))
        }
        return MetadataHeaders(fields: fields.map(finished), body: nil)
    }

    private static func finished(_ field: (name: String, value: String)) -> CoreMetadata.Field {
        var value = Substring(field.value)
        // A whitespace-only continuation line leaves a trailing "\n" behind; it goes too.
        while let last = value.last, last == " " || last == "\t" || last == "\r" || last == "\n" { value = value.dropLast() }
        return CoreMetadata.Field(name: field.name, value: String(value))
    }

    /// The lines after the header block: only checked to be UTF-8 (a description may hold anything else).
    private static func body(_ lines: ArraySlice<ArraySlice<UInt8>>, firstLine: Int,
                             from bytes: [UInt8]) throws(PythonPackageError) -> String? {
        guard let first = lines.first, first.startIndex < bytes.endIndex else { return nil }
        // UTF-8 never encodes a character with a 0x0A byte inside, so line by line finds the first bad line.
        for (offset, line) in lines.enumerated() { _ = try text(line, line: firstLine + offset) }
        return String(decoding: bytes[first.startIndex...], as: UTF8.self)
    }

    private static func text(_ bytes: ArraySlice<UInt8>, line: Int) throws(PythonPackageError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PythonPackageError("line \(line): not valid UTF-8")
        }
        return text
    }
}
