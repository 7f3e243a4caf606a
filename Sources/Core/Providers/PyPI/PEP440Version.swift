// PEP 440 versions: every spelling the PEP's normalization accepts, the canonical text, equality and order.

/// A validated PEP 440 version. `normalized` is the canonical spelling (trailing zeros kept); equality and
/// hashing follow PEP 440, so `1.0`, `1.0.0` and `v1.0` are one version, and `<` is the PEP's ordering.
public struct PEP440Version: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Longer input is refused: real versions are short, and it bounds what a version can cost to compare.
    public static let bytesMax = 256

    /// PEP 440 canonical text, e.g. `1!2.0rc1.post2.dev3+abc.4`.
    public let normalized: String
    let epoch: PEP440Number
    let release: [PEP440Number]
    let pre: PEP440PreRelease?
    let post: PEP440Number?
    let dev: PEP440Number?
    let local: [PEP440LocalPart]?
    /// `normalized` with the release's trailing zeros dropped: equal exactly when two versions are equal.
    private let identity: String

    /// Throws when `raw` is not a PEP 440 version in any spelling the PEP's normalization rules accept
    /// (case, a leading `v`, `-`/`_`/`.` separators, alternative labels, implicit numbers, surrounding whitespace).
    public init(_ raw: String) throws(PythonPackageError) {
        let parts = try PEP440Parser.parse(raw)
        let normalized = Self.render(parts, release: parts.release)
        // Normalizing can lengthen (`1-1` is `1.post1`): refused here, the normalized text always parses back.
        guard normalized.utf8.count <= Self.bytesMax else {
            throw PythonPackageError("invalid version '\(IdentifierError.printable(raw))': its normalized form must be at most "
                + "\(Self.bytesMax) bytes")
        }
        epoch = parts.epoch
        release = parts.release
        pre = parts.pre
        post = parts.post
        dev = parts.dev
        local = parts.local
        self.normalized = normalized
        identity = Self.render(parts, release: Self.droppingTrailingZeros(parts.release))
    }

    public var description: String { normalized }

    /// True for alpha, beta, release-candidate and development releases (installers skip them by default).
    public var isPrerelease: Bool { pre != nil || dev != nil }

    public static func == (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.identity == rhs.identity }

    public func hash(into hasher: inout Hasher) { hasher.combine(identity) }

    static func droppingTrailingZeros(_ release: [PEP440Number]) -> [PEP440Number] {
        var trimmed = release
        while trimmed.last == .zero { trimmed.removeLast() }
        return trimmed
    }

    private static func render(_ parts: PEP440Components, release: [PEP440Number]) -> String {
        var text = parts.epoch == .zero ? "" : parts.epoch.digits + "!"
        text += release.map(\.digits).joined(separator: ".")
        if let pre = parts.pre { text += pre.label.rawValue + pre.number.digits }
        if let post = parts.post { text += ".post" + post.digits }
        if let dev = parts.dev { text += ".dev" + dev.digits }
        if let local = parts.local { text += "+" + local.map(\.text).joined(separator: ".") }
        return text
    }
}

/// A run of ASCII digits as a number of any size: leading zeros dropped, so equal values have equal digits.
struct PEP440Number: Hashable, Comparable, Sendable {
    static let zero = PEP440Number(digits: "0")

    let digits: String

    init(ascii: ArraySlice<UInt8>) {
        let significant = ascii.drop { $0 == UInt8(ascii: "0") }
        digits = significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self)
    }

    private init(digits: String) { self.digits = digits }

    /// More digits is larger (no leading zeros); at equal length, ASCII order is numeric order.
    static func < (lhs: PEP440Number, rhs: PEP440Number) -> Bool {
        let lhsCount = lhs.digits.utf8.count, rhsCount = rhs.digits.utf8.count
        return lhsCount != rhsCount ? lhsCount < rhsCount : lhs.digits < rhs.digits
    }
}

/// `a`, `b` or `rc` and its number; labels order as declared.
struct PEP440PreRelease: Hashable, Comparable, Sendable {
    enum Label: String, CaseIterable, Sendable {
        case alpha = "a", beta = "b", candidate = "rc"
    }

    let label: Label
    let number: PEP440Number

    static func < (lhs: PEP440PreRelease, rhs: PEP440PreRelease) -> Bool {
        guard lhs.label == rhs.label else {
            return Label.allCases.firstIndex(of: lhs.label)! < Label.allCases.firstIndex(of: rhs.label)!
        }
        return lhs.number < rhs.number
    }
}

/// One dot-separated piece of a local version: numeric pieces compare as numbers and above any text.
enum PEP440LocalPart: Hashable, Comparable, Sendable {
    case text(String)
    case number(PEP440Number)

    var text: String {
        switch self {
        case .text(let text): return text
        case .number(let number): return number.digits
        }
    }
}
