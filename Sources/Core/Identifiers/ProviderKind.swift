// The three repository formats; their raw values are the top-level directories of the tree.

/// A repository format. `rawValue` is the tree's first path component (`/apt`, `/pypi`, `/tar`).
public enum ProviderKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case apt
    case pypi
    case tar

    /// Parses a provider name as the tree and the older `/addpkg` API spell it.
    public init?(pathComponent: String) { self.init(rawValue: pathComponent) }

    public var description: String { rawValue }
}
