// The fuzz targets by name: what `ARTIFACTFS_FUZZ_TARGET` selects and what the seed corpus is sorted by.

/// One parser under fuzzing. `run` feeds it one input and crashes (`fatalError`) when a property the parser
/// promises does not hold, so libFuzzer records the input; a refused input is not a finding.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case deb822
    case debianVersion = "debian-version"
    case pep440
    case wheelFilename = "wheel-filename"
    case httpPath = "http-path"
    case archivePaths = "archive-paths"
    case archiveBytes = "archive-bytes"
    case multipart

    /// The environment variable that picks the target in the libFuzzer build and in replay.
    public static let environmentVariable = "ARTIFACTFS_FUZZ_TARGET"

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .deb822: Deb822Fuzzing.run(bytes)
        case .debianVersion: DebianVersionFuzzing.run(bytes)
        case .pep440: PEP440Fuzzing.run(bytes)
        case .wheelFilename: WheelFilenameFuzzing.run(bytes)
        case .httpPath: HTTPPathFuzzing.run(bytes)
        case .archivePaths: ArchivePathsFuzzing.run(bytes)
        case .archiveBytes: ArchiveBytesFuzzing.run(bytes)
        case .multipart: MultipartFuzzing.run(bytes)
        }
    }

    /// The names accepted, for usage messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: "|") }
}
