// The checks shared by every identifier type, applied in a fixed order so the first broken rule is reported.

/// Common structural checks: empty, length, separators, NUL, control characters, dots.
enum NameRules {
    /// Fails with the first rule `raw` breaks among those every path component must satisfy.
    static func checkPathComponent(_ raw: String, kind: String, maxBytes: Int) throws(IdentifierError) {
        func fail(_ rule: IdentifierError.Rule) -> IdentifierError { IdentifierError(kind: kind, value: raw, rule: rule) }
        if raw.isEmpty { throw fail(.empty) }
        if raw == "." || raw == ".." { throw fail(.dotOrDotDot) }
        if raw.utf8.count > maxBytes { throw fail(.tooLong(maxBytes: maxBytes)) }
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0: throw fail(.containsNUL)
            case 0x2F: throw fail(.containsSlash)
            case 0x5C: throw fail(.containsBackslash)
            case 0x01...0x1F, 0x7F, 0x80...0x9F: throw fail(.containsControlCharacter)
            default: continue
            }
        }
        if raw.hasPrefix(".") { throw fail(.leadingDot) }
    }

    /// Fails unless every character is an ASCII letter, digit or one of `extra`, and the first is alphanumeric.
    static func checkCharset(_ raw: String, kind: String, extra: Set<Character>) throws(IdentifierError) {
        for c in raw where !(c.isASCII && (c.isLetter || c.isNumber)) && !extra.contains(c) {
            throw IdentifierError(kind: kind, value: raw, rule: c.isWhitespace ? .containsWhitespace : .invalidCharacter(c))
        }
        if let first = raw.first, !(first.isASCII && (first.isLetter || first.isNumber)) {
            throw IdentifierError(kind: kind, value: raw, rule: .mustStartWithLetterOrDigit)
        }
    }
}
