// The `<name>-<version>.<ext>` rule for generic tarballs (documented in docs/SEMANTICS.md).

/// A tarball file name split into name, version and format.
///
/// Rule: the extension is the longest known suffix; the version starts after the first `-` that is
/// followed by a digit (or by `v` and a digit, the `v` kept). `cpython-3.8.0b1.tar.gz` → `cpython` / `3.8.0b1`;
/// `my-tool-2.0-rc1.zip` → `my-tool` / `2.0-rc1`; `tool-v1.2.tar.xz` → `tool` / `v1.2`.
public struct TarballFilename: Equatable, Sendable {
    public let name: PackageName
    public let version: PackageVersion
    public let format: TarballFormat

    /// Parses a file name; throws `IdentifierError` naming the rule that failed.
    public init(_ filename: Filename) throws(IdentifierError) {
        let raw = filename.rawValue
        guard let format = TarballFormat.matching(raw) else {
            throw IdentifierError(kind: "tarball filename", value: raw, rule: .unknownExtension)
        }
        let stem = Array(raw.dropLast(format.fileExtension.count))
        guard let dash = Self.versionSeparator(in: stem) else {
            throw IdentifierError(kind: "tarball filename", value: raw, rule: .missingVersion)
        }
        name = try PackageName(String(stem[..<dash]))
        version = try PackageVersion(String(stem[(dash + 1)...]))
        self.format = format
    }

    private static func versionSeparator(in stem: [Character]) -> Int? {
        for index in stem.indices.dropFirst() where stem[index] == "-" {
            let rest = stem[(index + 1)...]
            guard let first = rest.first else { return nil }
            if first.isASCII && first.isNumber { return index }
            if first == "v", rest.count > 1, let second = rest.dropFirst().first, second.isASCII && second.isNumber {
                return index
            }
        }
        return nil
    }
}

/// The archive formats a tar repository accepts, with what the content must turn out to be.
public enum TarballFormat: String, CaseIterable, Sendable {
    case tarGzip = ".tar.gz"
    case tgz = ".tgz"
    case tarXz = ".tar.xz"
    case tarBzip2 = ".tar.bz2"
    case tarZstd = ".tar.zst"
    case zip = ".zip"

    public var fileExtension: String { rawValue }

    /// The format whose extension ends `filename` (longest first, so `.tar.gz` wins over nothing shorter).
    static func matching(_ filename: String) -> TarballFormat? {
        allCases.sorted { $0.rawValue.count > $1.rawValue.count }.first { filename.hasSuffix($0.rawValue) && filename.count > $0.rawValue.count }
    }

    var expectedCompression: ArchiveReader.Compression {
        switch self {
        case .tarGzip, .tgz: return .gzip
        case .tarXz: return .xz
        case .tarBzip2: return .bzip2
        case .tarZstd: return .zstd
        case .zip: return .none
        }
    }

    var expectedContainer: ArchiveReader.Formats { self == .zip ? .zip : .tar }
}
