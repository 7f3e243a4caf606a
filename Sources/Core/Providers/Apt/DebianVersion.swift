// Debian package versions ([epoch:]upstream[-revision], Policy 5.6.12), ordered exactly as dpkg orders them.

/// Why a control field value (a version, an architecture) was refused.
public struct DebianFieldError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being read: "version", "architecture".
    public let field: String
    /// The rejected value, escaped for logs and HTTP bodies.
    public let value: String
    public let reason: String

    init(_ field: String, _ raw: String, _ reason: String) {
        self.field = field
        value = IdentifierError.printable(raw)
        self.reason = reason
    }

    public var description: String { "invalid Debian \(field) '\(value)': \(reason)" }
}

/// A validated Debian version. Equality and hashing follow dpkg's comparison, so `1.0` == `1.00` == `0:1.0`
/// (apt treats them as one version); `rawValue` keeps the spelling the package used.
public struct DebianVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let maxBytes = 128

    public let rawValue: String
    public let epoch: UInt32
    public let upstream: String
    /// Empty when the version has no '-'; dpkg then compares it as an empty revision.
    public let revision: String

    /// Throws naming the first rule of Policy 5.6.12 that `raw` breaks.
    public init(_ raw: String) throws(DebianFieldError) {
        func fail(_ reason: String) -> DebianFieldError { DebianFieldError("version", raw, reason) }
        if raw.isEmpty { throw fail("must not be empty") }
        if raw.utf8.count > Self.maxBytes { throw fail("must be at most \(Self.maxBytes) bytes") }
        if raw.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { throw fail("must not contain whitespace") }
        var rest = Substring(raw)
        var epoch: UInt32 = 0
        if let colon = rest.firstIndex(of: ":") {
            let digits = rest[..<colon]
            guard !digits.isEmpty, digits.allSatisfy(Self.isDigit) else { throw fail("the epoch before ':' must be digits") }
            guard let value = UInt32(digits) else { throw fail("the epoch is too large") }
            epoch = value
            rest = rest[rest.index(after: colon)...]
        }
        var revision = Substring()
        if let dash = rest.lastIndex(of: "-") {
            revision = rest[rest.index(after: dash)...]
            rest = rest[..<dash]
            if revision.isEmpty { throw fail("the revision after the last '-' must not be empty") }
            if let bad = revision.first(where: { !Self.isRevisionCharacter($0) }) {
                throw fail("the revision must not contain '\(IdentifierError.printable(String(bad)))'")
            }
        }
        guard let first = rest.first else { throw fail("the upstream version must not be empty") }
        guard Self.isDigit(first) else { throw fail("the upstream version must start with a digit") }
        // '-' and ':' can only be here when a revision and an epoch were split off, which is what Policy allows.
        if let bad = rest.first(where: { !Self.isRevisionCharacter($0) && $0 != "-" && $0 != ":" }) {
            throw fail("the upstream version must not contain '\(IdentifierError.printable(String(bad)))'")
        }
        rawValue = raw
        self.epoch = epoch
        upstream = String(rest)
        self.revision = String(revision)
    }

    /// One spelling per version as dpkg compares them (`1.0`, `1.00`, `0:1.0` and `1.0-0` share it): what
    /// a package's identity uses, since apt treats such versions as one.
    public var canonical: String {
        "\(epoch):\(DebianVersionOrder.canonical(upstream))-\(DebianVersionOrder.canonical(revision))"
    }

    public var description: String { rawValue }

    public static func < (lhs: DebianVersion, rhs: DebianVersion) -> Bool { compare(lhs, rhs) < 0 }

    public static func == (lhs: DebianVersion, rhs: DebianVersion) -> Bool { lhs.canonical == rhs.canonical }

    public func hash(into hasher: inout Hasher) { hasher.combine(canonical) }

    /// Negative, zero or positive, like dpkg's `dpkg_version_compare`.
    public static func compare(_ lhs: DebianVersion, _ rhs: DebianVersion) -> Int {
        if lhs.epoch != rhs.epoch { return lhs.epoch < rhs.epoch ? -1 : 1 }
        let upstream = DebianVersionOrder.compare(lhs.upstream, rhs.upstream)
        return upstream != 0 ? upstream : DebianVersionOrder.compare(lhs.revision, rhs.revision)
    }

    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    private static func isRevisionCharacter(_ c: Character) -> Bool {
        (c.isASCII && (c.isLetter || c.isNumber)) || c == "." || c == "+" || c == "~"
    }
}
