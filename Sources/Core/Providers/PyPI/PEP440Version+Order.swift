// PEP 440 ordering: epoch, release, then dev < pre < final < post, with local versions after their public one.

extension PEP440Version {
    public static func < (lhs: PEP440Version, rhs: PEP440Version) -> Bool { compare(lhs, rhs) < 0 }

    /// Negative, zero or positive. Zero exactly when `==` holds, as both ignore the release's trailing zeros.
    static func compare(_ lhs: PEP440Version, _ rhs: PEP440Version) -> Int {
        let steps = [
            threeWay(lhs.epoch, rhs.epoch),
            threeWay(droppingTrailingZeros(lhs.release), droppingTrailingZeros(rhs.release)),
            threeWay(lhs.preKey, rhs.preKey),
            threeWay(bounded(lhs.post, missing: .below), bounded(rhs.post, missing: .below)),
            threeWay(bounded(lhs.dev, missing: .above), bounded(rhs.dev, missing: .above)),
            threeWay(lhs.localKey, rhs.localKey),
        ]
        return steps.first { $0 != 0 } ?? 0
    }

    /// A bare `1.0.dev1` sorts before `1.0a1`; a final or post release (no pre segment) after every pre release.
    private var preKey: Bounded<PEP440PreRelease> {
        if let pre { return .value(pre) }
        return post == nil && dev != nil ? .below : .above
    }

    /// No local segment sorts before any local segment of the same public version.
    private var localKey: Bounded<LocalSegments> { local.map { .value(LocalSegments(parts: $0)) } ?? .below }
}

/// A value with a bottom and a top below and above every value, as PEP 440 uses for missing segments.
private enum Bounded<Value: Comparable>: Comparable {
    case below
    case value(Value)
    case above
}

/// Segment by segment; when one is a prefix of the other, the shorter sorts first.
private struct LocalSegments: Comparable {
    let parts: [PEP440LocalPart]
    static func < (lhs: LocalSegments, rhs: LocalSegments) -> Bool { lhs.parts.lexicographicallyPrecedes(rhs.parts) }
}

private func bounded<T: Comparable>(_ value: T?, missing: Bounded<T>) -> Bounded<T> {
    value.map { .value($0) } ?? missing
}

private func threeWay<T: Comparable>(_ lhs: T, _ rhs: T) -> Int { lhs < rhs ? -1 : (rhs < lhs ? 1 : 0) }

private func threeWay<T: Comparable>(_ lhs: [T], _ rhs: [T]) -> Int {
    lhs.lexicographicallyPrecedes(rhs) ? -1 : (rhs.lexicographicallyPrecedes(lhs) ? 1 : 0)
}
