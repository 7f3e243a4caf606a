// The three repository formats; their raw values are the top-level directories of the tree.

/// A repository format. `rawValue` is the tree's first path component (`/apt`, `/pypi`, `/tar`).
public enum ProviderKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case apt
    case pypi
    case tar

    /// Parses a provider name as the tree and the older `/addpkg` API spell it, byte for byte.
    public init?(pathComponent: String) {
        guard let kind = Self.allCases.first(where: { $0.rawValue.bytesEqual(pathComponent) }) else { return nil }
        self = kind
    }

    public var description: String { rawValue }
}
