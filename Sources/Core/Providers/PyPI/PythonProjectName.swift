// Python project names: PEP 508 syntax, compared the PEP 503 way ("Django" and "django" are one project).

/// A validated project name. Equality and hashing use `normalized`, as indexes and installers do, while
/// `rawValue` keeps the spelling the author used.
public struct PythonProjectName: Hashable, Sendable, CustomStringConvertible {
    /// Longer names are refused; PyPI's own names are far shorter and a bound keeps paths sane.
    public static let bytesMax = 128

    public let rawValue: String
    /// PEP 503: lowercased, every run of `-`, `_` and `.` replaced by one `-`.
    public let normalized: String

    /// Throws unless `raw` matches PEP 508's `^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$` and
    /// has at most `bytesMax` bytes.
    public init(_ raw: String) throws(PythonPackageError) {
        func fail(_ reason: String) -> PythonPackageError {
            PythonPackageError("invalid project name '\(IdentifierError.printable(raw))': \(reason)")
        }
        let bytes = Array(raw.utf8)
        guard let first = bytes.first, let last = bytes.last else { throw fail("must not be empty") }
        guard bytes.count <= Self.bytesMax else { throw fail("must be at most \(Self.bytesMax) bytes") }
        guard bytes.allSatisfy({ Self.isAlphanumeric($0) || Self.isSeparator($0) }) else {
            throw fail("only ASCII letters, digits, '.', '_' and '-' are allowed")
        }
        guard Self.isAlphanumeric(first), Self.isAlphanumeric(last) else {
            throw fail("must start and end with a letter or digit")
        }
        rawValue = raw
        normalized = Self.normalize(raw)
    }

    /// PEP 503 normalization of any string, valid name or not (used to compare spellings found in file names and
    /// requests). Only ASCII letters are lowercased: valid names are ASCII, and Unicode case mapping would turn
    /// U+212A KELVIN SIGN into `k` (and U+0130 into `i` and a combining dot), so a string that is no project name
    /// would normalize to one. Other scalars are kept as they are, so such a string never equals a real name.
    public static func normalize(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        var inSeparatorRun = false
        for scalar in name.unicodeScalars {
            if scalar == "-" || scalar == "_" || scalar == "." {
                if !inSeparatorRun { out.append("-") }
                inSeparatorRun = true
            } else {
                out.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 0x20)! : scalar)
                inSeparatorRun = false
            }
        }
        return String(out)
    }

    /// Whether `spelling` normalizes to this project's name, byte for byte.
    public func isSpelled(_ spelling: some StringProtocol) -> Bool {
        Self.normalize(String(spelling)).bytesEqual(normalized)
    }

    public var description: String { rawValue }

    public static func == (lhs: PythonProjectName, rhs: PythonProjectName) -> Bool {
        lhs.normalized.bytesEqual(rhs.normalized)
    }

    public func hash(into hasher: inout Hasher) { normalized.hashBytes(into: &hasher) }

    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    static func isSeparator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }
}
