// deb822 control paragraphs (DEBIAN/control, Packages, Release): parsed strictly, rendered byte-for-byte.

/// Why control data was refused; `line` is 1-based when the problem has a place.
public struct Deb822Error: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int?
    public let message: String

    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// One `Name: value` field. `value` keeps continuation lines verbatim (with their leading space), joined by "\n".
public struct Deb822Field: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One paragraph (stanza): fields in their original order, names unique ignoring case.
public struct Deb822Paragraph: Sendable, Equatable {
    public private(set) var fields: [Deb822Field]

    public init(fields: [Deb822Field] = []) { self.fields = fields }

    /// The value of the field called `name`, compared case-insensitively as Debian Policy 5.1 requires.
    public subscript(_ name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    /// `Name: value` lines, each ending in "\n", no trailing blank line. A value whose first line is empty
    /// (`Conffiles:` followed by continuation lines) is written without the space after the colon.
    public func rendered() -> String {
        var out = ""
        for field in fields {
            out += field.name + ":"
            if !field.value.isEmpty && !field.value.hasPrefix("\n") { out += " " }
            out += field.value + "\n"
        }
        return out
    }

    /// Every paragraph in `bytes`; throws on the first malformed line, or when there is no paragraph at all.
    public static func parseParagraphs(_ bytes: [UInt8]) throws(Deb822Error) -> [Deb822Paragraph] {
        let parsed = try Deb822Parser.parse(bytes)
        guard !parsed.isEmpty else { throw Deb822Error(line: nil, "no paragraph: the control data has no fields") }
        return parsed.map(\.paragraph)
    }

    /// Exactly one paragraph, as a binary package's DEBIAN/control must hold.
    public static func parseSingle(_ bytes: [UInt8]) throws(Deb822Error) -> Deb822Paragraph {
        let parsed = try Deb822Parser.parse(bytes)
        guard let first = parsed.first else { throw Deb822Error(line: nil, "no paragraph: the control data has no fields") }
        if parsed.count > 1 {
            throw Deb822Error(line: parsed[1].firstLine, "expected one paragraph, found \(parsed.count) (a blank line ends a paragraph)")
        }
        return first.paragraph
    }

    /// Why `name` cannot be a field name (Debian Policy 5.1), or nil when it can.
    static func nameProblem(_ name: String) -> String? {
        guard let first = name.utf8.first else { return "empty field name" }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "#") { return "field name '\(name)' must not start with '-' or '#'" }
        for byte in name.utf8 where byte < 0x21 || byte > 0x7E || byte == UInt8(ascii: ":") {
            return "field name '\(IdentifierError.printable(name))' must be printable ASCII without spaces or ':'"
        }
        return nil
    }
}
