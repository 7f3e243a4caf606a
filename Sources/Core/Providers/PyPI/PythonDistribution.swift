// What ingestion learns from a wheel or an sdist once it has been read completely.

/// A validated Python distribution: identity from its metadata (already checked against the file name) and
/// the metadata file itself.
public struct PythonDistribution: Sendable {
    /// `rawValue` is twine's `filetype` form field.
    public enum Kind: String, Sendable {
        case wheel = "bdist_wheel"
        case sdist = "sdist"
    }

    public let kind: Kind
    /// From the metadata's Name.
    public let project: PythonProjectName
    /// From the metadata's Version.
    public let version: PEP440Version
    /// Wheel: the file name's python tag as written (`py3`, `py2.py3`, `cp311`); sdist: `source`.
    public let pythonTag: String
    public let metadata: CoreMetadata
    /// METADATA or PKG-INFO byte for byte, to serve as the PEP 658 `.metadata` file.
    public let metadataBytes: [UInt8]

    public init(kind: Kind, project: PythonProjectName, version: PEP440Version, pythonTag: String,
                metadata: CoreMetadata, metadataBytes: [UInt8]) {
        self.kind = kind
        self.project = project
        self.version = version
        self.pythonTag = pythonTag
        self.metadata = metadata
        self.metadataBytes = metadataBytes
    }
}
