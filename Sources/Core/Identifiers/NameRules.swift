// The checks shared by every identifier type, applied in a fixed order so the first broken rule is reported.

/// Common structural checks: empty, length, separators, NUL, control, bidirectional and invisible characters, dots.
/// Checks go scalar by scalar, never through `Character` or `String` equality, which are canonical equivalence:
/// a name is the bytes it was given (docs/SEMANTICS.md, Identifiers).
enum NameRules {
    /// Fails with the first rule `raw` breaks among those every path component must satisfy.
    static func checkPathComponent(_ raw: String, kind: String, maxBytes: Int) throws(IdentifierError) {
        func fail(_ rule: IdentifierError.Rule) -> IdentifierError { IdentifierError(kind: kind, value: raw, rule: rule) }
        if raw.isEmpty { throw fail(.empty) }
        if raw.bytesEqual(".") || raw.bytesEqual("..") { throw fail(.dotOrDotDot) }
        if raw.utf8.count > maxBytes { throw fail(.tooLong(maxBytes: maxBytes)) }
        for scalar in raw.unicodeScalars {
            if let rule = scalarRule(scalar) { throw fail(rule) }
        }
        if raw.utf8.first == UInt8(ascii: ".") { throw fail(.leadingDot) }
    }

    /// The rule one scalar breaks wherever it appears in a name, if any.
    private static func scalarRule(_ scalar: Unicode.Scalar) -> IdentifierError.Rule? {
        switch scalar.value {
        case 0: return .containsNUL
        case 0x2F: return .containsSlash
        case 0x5C: return .containsBackslash
        case 0x20...0x7E: return nil
        default:
            if NameCharacters.isControl(scalar) { return .containsControlCharacter }
            if NameCharacters.isBidiControl(scalar) { return .containsBidiControl(scalar) }
            if NameCharacters.isInvisible(scalar) { return .containsInvisibleCharacter(scalar) }
            return nil
        }
    }

    /// Fails unless every scalar is an ASCII letter, digit or one of `extra` (ASCII), and the first is alphanumeric.
    static func checkCharset(_ raw: String, kind: String, extra: String) throws(IdentifierError) {
        for scalar in raw.unicodeScalars where !isASCIIAlphanumeric(scalar) && !isExtra(scalar, extra) {
            let rule: IdentifierError.Rule = scalar.properties.isWhitespace ? .containsWhitespace : .invalidCharacter(scalar)
            throw IdentifierError(kind: kind, value: raw, rule: rule)
        }
        if let first = raw.unicodeScalars.first, !isASCIIAlphanumeric(first) {
            throw IdentifierError(kind: kind, value: raw, rule: .mustStartWithLetterOrDigit)
        }
    }

    private static func isExtra(_ scalar: Unicode.Scalar, _ extra: String) -> Bool {
        scalar.isASCII && extra.unicodeScalars.contains(scalar)
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}
