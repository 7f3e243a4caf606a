// Publishing settings one apt repository can set apart from the server-wide defaults (from the config file).

/// What one apt repository publishes differently from `AptProvider.Configuration`'s defaults. `nil` keeps the default.
public struct AptRepositorySettings: Sendable, Equatable {
    /// Architectures every dist of the repository publishes indexes for, besides those its packages bring.
    public var architectures: [String]?
    /// How far `Valid-Until` lies after `Date`; `.zero` means no `Valid-Until` even when the server sets one.
    public var validFor: Duration?

    public init(architectures: [String]? = nil, validFor: Duration? = nil) {
        self.architectures = architectures
        self.validFor = validFor
    }
}

extension AptProvider.Configuration {
    /// The architectures `repository` publishes for every dist.
    func architectures(for repository: RepositoryName) -> [String] {
        repositories[repository]?.architectures ?? defaultArchitectures
    }

    /// `Valid-Until`'s distance from `Date` for `repository`, or nil for none.
    func validFor(for repository: RepositoryName) -> Duration? {
        guard let own = repositories[repository]?.validFor else { return validFor }
        return own == .zero ? nil : own
    }
}

extension AptProvider {
    /// Checks a dist (`kind: "dist"`) or component name as `mkdir pool/<dist>/<component>` would, for settings read
    /// before any repository exists (the config file's `default_dist` and `components`).
    public static func checkDirectoryName(_ name: String, kind: String) throws(ArtifactError) {
        try AptLayout.checkName(name, kind: kind)
    }
}
