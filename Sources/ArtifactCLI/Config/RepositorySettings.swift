// What the config file says about one repository (`[repositories."PROVIDER/NAME"]`); nil leaves the catalogue as it is.
import Core

/// One repository's table of the config file. `serve` creates the repository when it is missing and applies each
/// setting given; a setting left out keeps what the catalogue holds (set by `repo set`, the API, or an earlier file).
struct RepositorySettings: Equatable {
    /// A different file may replace one of the same name (otherwise: 409 / EEXIST).
    var allowOverwrite: Bool?
    /// HTTP reads need a token covering the repository.
    var isPrivate: Bool?
    /// Named tokens (`artifactfs token add`) whose scope is widened to cover this repository.
    var uploadTokens: [TokenName]?
    /// apt: a dist created at start (with `components`), so clients can point at it before the first upload.
    var defaultDist: String?
    /// apt: the components of `defaultDist` (default `["main"]`).
    var components: [String]?
    /// apt: architectures every dist publishes indexes for.
    var architectures: [String]?
    /// apt: `Valid-Until` this many days after `Date`; 0 turns it off for this repository.
    var validDays: Int?

    /// The apt publishing settings this table overrides, if any.
    var aptSettings: AptRepositorySettings? {
        guard architectures != nil || validDays != nil else { return nil }
        return AptRepositorySettings(architectures: architectures, validFor: validDays.map { .seconds($0 * 86400) })
    }
}
