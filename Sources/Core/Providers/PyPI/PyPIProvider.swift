// PyPI repositories: wheels and sdists dropped flat into /pypi/<repo>/, a PEP 503/691 simple index under simple/.
import Foundation

/// Keys of the attributes a PyPI package row carries (read by the simple index builder).
public enum PyPIAttribute {
    /// The project name as its metadata writes it (`Django`); the row's name is the normalized one.
    public static let project = "project"
    /// `bdist_wheel` or `sdist` (twine's `filetype`).
    public static let filetype = "filetype"
    /// The wheel's python tag (`py3`, `cp311`) or `source`.
    public static let pythonTag = "python-tag"
    public static let requiresPython = "requires-python"
    public static let summary = "summary"
    /// Present when the file is yanked (PEP 592); the value is the reason, possibly empty.
    public static let yanked = "yanked"
    /// The core metadata sidecar, served as `<file>.metadata` (PEP 658).
    public static let metadataSidecar = "metadata"
}

/// `/pypi/<repo>/`: `.whl`, `.tar.gz` and `.zip` distributions whose metadata agrees with their file name.
public struct PyPIProvider: PackageProvider {
    /// Decompressed bytes allowed per compressed byte before a file counts as a bomb.
    public var expansionRatioMax: Int64 = 100
    /// Decompressed bytes always allowed, whatever the ratio.
    public var expansionFloorBytes: Int64 = 256 << 20
    /// Characters of `Summary` kept for listings.
    static let summaryCharactersMax = 512

    public init() {}

    public var kind: ProviderKind { .pypi }
    public var digestKinds: DigestKinds { [] }

    public func directoryKinds(for components: [String]) throws(ArtifactError) -> [NodeKind] {
        guard components.isEmpty else {
            throw .notADropDirectory("PyPI repositories are flat; '\(components.joined(separator: "/"))'")
        }
        return []
    }

    public func acceptsPackages(at components: [String]) -> Bool { components.isEmpty }

    /// `simple` is the index directory; `*.metadata` names are the PEP 658 files of the packages.
    public func isReserved(_ filename: Filename, at components: [String]) -> Bool {
        filename.rawValue.bytesEqual(SimpleIndexLayout.simple) || filename.rawValue.hasSuffix(SimpleIndexLayout.metadataSuffix)
    }

    public func inspect(fileAt path: String, filename: Filename, location: [String], declared: DeclaredIdentity?)
        throws(ArtifactError) -> PackageDescription {
        let distribution: PythonDistribution
        do {
            distribution = try PythonDistributionReader.read(path: path, filename: filename.rawValue,
                                                              decompressedBytesMax: decompressionBudget(forFileAt: path))
        } catch {
            throw .invalidPackage(filename: filename.rawValue, reason: error.message)
        }
        try Self.check(declared, against: distribution)
        do {
            return PackageDescription(
                name: try PackageName(distribution.project.normalized),
                version: try PackageVersion(distribution.version.normalized),
                attributes: Self.attributes(of: distribution),
                identity: Self.identity(of: distribution, filename: filename.rawValue),
                sidecars: [PyPIAttribute.metadataSidecar: distribution.metadataBytes])
        } catch {
            throw .invalidPackage(filename: filename.rawValue, reason: error.description)
        }
    }

    private func decompressionBudget(forFileAt path: String) -> Int64 {
        var info = stat()
        let size = stat(path, &info) == 0 ? Int64(info.st_size) : 0
        return max(expansionFloorBytes, size * expansionRatioMax)
    }

    /// A name and version stated next to the upload (twine's form fields, /addpkg's query) must agree with the metadata.
    static func check(_ declared: DeclaredIdentity?, against distribution: PythonDistribution) throws(ArtifactError) {
        if let name = declared?.name, !distribution.project.isSpelled(name) {
            throw .badRequest("declared name '\(IdentifierError.printable(name))' does not match the metadata's '\(distribution.project.rawValue)'")
        }
        if let version = declared?.version, (try? PEP440Version(version)) != distribution.version {
            throw .badRequest("declared version '\(IdentifierError.printable(version))' does not match the metadata's '\(distribution.version)'")
        }
    }

    static func attributes(of distribution: PythonDistribution) -> [String: String] {
        var attributes = [
            PyPIAttribute.project: distribution.project.rawValue,
            PyPIAttribute.filetype: distribution.kind.rawValue,
            PyPIAttribute.pythonTag: distribution.pythonTag,
        ]
        if let requires = distribution.metadata.requiresPython, !requires.isEmpty {
            attributes[PyPIAttribute.requiresPython] = requires
        }
        if let summary = distribution.metadata.summary, !summary.isEmpty {
            attributes[PyPIAttribute.summary] = String(summary.prefix(summaryCharactersMax))
        }
        return attributes
    }

    /// Two files that differ only in how the project or version is spelled (`Django-4.2.tar.gz`,
    /// `django-4.2.tar.gz`) are one distribution to pip, so they share an identity.
    static func identity(of distribution: PythonDistribution, filename: String) -> String {
        let stem = distribution.project.normalized + "-" + distribution.version.normalized
        switch distribution.kind {
        case .sdist:
            return stem + (SdistFilename.format(of: filename)?.rawValue ?? "")
        case .wheel:
            let parsed = try? WheelFilename(filename)
            let tags = parsed.map { [$0.buildTag].compactMap { $0 } + [$0.pythonTags, $0.abiTags, $0.platformTags].map { $0.joined(separator: ".") } }
            return ([stem] + (tags ?? [filename])).joined(separator: "-").lowercased() + ".whl"
        }
    }

    public func buildIndexes(_ input: IndexInput) throws -> [GeneratedFile] {
        SimpleIndexBuilder(packages: input.packages).files()
    }
}
