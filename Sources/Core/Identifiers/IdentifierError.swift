// Why a raw string was refused as an identifier: one case per rule, so messages and tests name the rule.

/// The rule an identifier broke. `description` names the kind of identifier, the value and the rule.
public struct IdentifierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One case per validation rule.
    public enum Rule: Equatable, Sendable {
        case empty
        case tooLong(maxBytes: Int)
        case containsSlash
        case containsBackslash
        case containsNUL
        case containsControlCharacter
        /// A bidirectional formatting character (`NameCharacters.isBidiControl`): it can make a name look like another.
        case containsBidiControl(Unicode.Scalar)
        /// A character with no visible form (`NameCharacters.isInvisible`).
        case containsInvisibleCharacter(Unicode.Scalar)
        /// Bytes that are not UTF-8 (a name through the mount): no view could show or serve them.
        case notUTF8
        case leadingDot
        case dotOrDotDot
        /// A scalar outside the kind's charset (scalars, not characters: their equality is exact).
        case invalidCharacter(Unicode.Scalar)
        case mustStartWithLetterOrDigit
        case containsWhitespace
        case missingVersion
        case unknownExtension
    }

    /// What was being validated ("repository name", "filename", …).
    public let kind: String
    /// The rejected value, escaped so control characters cannot reach a log line or HTTP body raw.
    public let value: String
    public let rule: Rule

    public init(kind: String, value: String, rule: Rule) {
        self.kind = kind
        self.value = Self.printable(value)
        self.rule = rule
    }

    public var description: String { "invalid \(kind) '\(value)': \(ruleText)" }

    /// Byte-exact, as names are: two errors about canonically equivalent spellings are two errors.
    public static func == (a: Self, b: Self) -> Bool {
        a.kind.bytesEqual(b.kind) && a.value.bytesEqual(b.value) && a.rule == b.rule
    }

    private var ruleText: String {
        switch rule {
        case .empty: return "must not be empty"
        case .tooLong(let max): return "must be at most \(max) bytes"
        case .containsSlash: return "must not contain '/'"
        case .containsBackslash: return "must not contain '\\'"
        case .containsNUL: return "must not contain NUL"
        case .containsControlCharacter: return "must not contain control characters"
        case .containsBidiControl(let scalar):
            return "must not contain bidirectional control characters (\(Self.codePoint(scalar)))"
        case .containsInvisibleCharacter(let scalar):
            return "must not contain invisible characters (\(Self.codePoint(scalar)))"
        case .notUTF8: return "must be valid UTF-8"
        case .leadingDot: return "must not start with '.'"
        case .dotOrDotDot: return "must not be '.' or '..'"
        case .invalidCharacter(let c):
            return "must not contain '\(Self.printable(String(c)))'" + (c.isASCII ? "" : " (\(Self.codePoint(c)))")
        case .mustStartWithLetterOrDigit: return "must start with a letter or digit"
        case .containsWhitespace: return "must not contain whitespace"
        case .missingVersion: return "expected <name>-<version>.<extension> with a version starting with a digit (or v and a digit)"
        case .unknownExtension: return "unsupported extension (expected .tar.gz, .tgz, .tar.xz, .tar.bz2, .tar.zst or .zip)"
        }
    }

    /// `U+202E`: how a character that shows as nothing, or as another, is named in a message.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
    }

    /// Escapes control, bidirectional and invisible characters as `\xNN` or `\u{NNNN}` and truncates, so the value
    /// is safe to echo back and shows what it holds.
    public static func printable(_ raw: String) -> String {
        var out = ""
        for scalar in raw.unicodeScalars.prefix(300) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: false).leftPadded(to: 2)
            } else if NameCharacters.disguises(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return raw.unicodeScalars.count > 300 ? out + "…" : out
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
