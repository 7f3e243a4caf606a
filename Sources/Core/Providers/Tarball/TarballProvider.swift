// Generic tarball repositories: flat drop directory, archives checked by reading them, a SHA256SUMS index.
import Foundation

/// `/tar/<repo>/`: any `.tar.{gz,xz,bz2,zst}`, `.tgz` or `.zip` whose content is what its extension says.
public struct TarballProvider: PackageProvider {
    /// Decompressed bytes allowed per compressed byte before a file counts as a bomb.
    public var expansionRatioMax: Int64 = 200
    /// Decompressed bytes always allowed, whatever the ratio (small archives of text compress very well).
    public var expansionFloorBytes: Int64 = 256 << 20

    public init() {}

    public var kind: ProviderKind { .tar }
    public var digestKinds: DigestKinds { [] }

    static let checksumsName = "SHA256SUMS"

    public func directoryKinds(for components: [String]) throws(ArtifactError) -> [NodeKind] {
        guard components.isEmpty else {
            throw .notADropDirectory("tar repositories are flat; '\(components.joined(separator: "/"))'")
        }
        return []
    }

    public func acceptsPackages(at components: [String]) -> Bool { components.isEmpty }

    public func isReserved(_ filename: Filename, at components: [String]) -> Bool {
        filename.rawValue.bytesEqual(Self.checksumsName)
    }

    public func inspect(fileAt path: String, filename: Filename, location: [String], declared: DeclaredIdentity?)
        throws(ArtifactError) -> PackageDescription {
        let identity = try identity(of: filename, declared: declared)
        // `identity` already refused names without a known extension.
        let format = TarballFormat.matching(filename.rawValue) ?? .tarGzip
        let entries: Int
        do {
            entries = try verifyArchive(at: path, format: format)
        } catch {
            throw .invalidPackage(filename: filename.rawValue, reason: error.message)
        }
        return PackageDescription(name: identity.name, version: identity.version,
                                  attributes: ["format": String(format.rawValue.dropFirst()), "entries": String(entries)])
    }

    /// Name and version from the filename; a declared name/version must agree, or stands in when the name has none.
    private func identity(of filename: Filename, declared: DeclaredIdentity?) throws(ArtifactError) -> (name: PackageName, version: PackageVersion) {
        do {
            let parsed = try TarballFilename(filename)
            if let name = declared?.name, !name.bytesEqual(parsed.name.rawValue) {
                throw ArtifactError.badRequest("declared name '\(IdentifierError.printable(name))' does not match the filename's '\(parsed.name)'")
            }
            if let version = declared?.version, !version.bytesEqual(parsed.version.rawValue) {
                throw ArtifactError.badRequest("declared version '\(IdentifierError.printable(version))' does not match the filename's '\(parsed.version)'")
            }
            return (parsed.name, parsed.version)
        } catch let error as IdentifierError {
            guard error.rule == .missingVersion, let name = declared?.name, let version = declared?.version else {
                throw .invalidName(error)
            }
            do { return (try PackageName(name), try PackageVersion(version)) } catch { throw .invalidName(error) }
        } catch let error as ArtifactError {
            throw error
        } catch {
            throw .badRequest("\(error)")
        }
    }

    /// Reads every entry to the end (so truncation and bad checksums surface), checks the content's format and
    /// refuses entries unsafe to extract (the reader's `ArchivePathPolicy`, whose final check runs at the end).
    private func verifyArchive(at path: String, format: TarballFormat) throws(ArchiveError) -> Int {
        var info = stat()
        let compressedSize = stat(path, &info) == 0 ? Int64(info.st_size) : 0
        let budget = max(expansionFloorBytes, compressedSize * expansionRatioMax)
        let reader = try ArchiveReader(path: path, formats: [.tar, .zip], entryPaths: .safeToExtract,
                                       decompressedBytesMax: budget)
        defer { reader.close() }
        var entries = 0
        while try reader.next() != nil {
            if entries == 0 { try checkDetected(reader, against: format) }
            try reader.drainData()
            entries += 1
        }
        guard entries > 0 else { throw ArchiveError("the archive contains no entries") }
        return entries
    }

    private func checkDetected(_ reader: ArchiveReader, against format: TarballFormat) throws(ArchiveError) {
        let container = reader.format
        guard container == format.expectedContainer else {
            throw ArchiveError("the extension says \(format == .zip ? "zip" : "tar") but the content is \(container.map(Self.name) ?? "something else")")
        }
        if reader.compression != format.expectedCompression {
            throw ArchiveError("the extension says \(format.expectedCompression == .none ? "no outer" : format.expectedCompression.rawValue) compression but the content is \(reader.compression.rawValue)-compressed")
        }
    }

    private static func name(_ format: ArchiveReader.Formats) -> String {
        switch format {
        case .zip: return "zip"
        case .tar: return "tar"
        case .ar: return "ar"
        default: return "raw data"
        }
    }

    public func buildIndexes(_ input: IndexInput) throws -> [GeneratedFile] {
        [GeneratedFile(path: [Self.checksumsName], bytes: Array(Self.checksums(input.packages).utf8))]
    }

    /// `sha256sum`-compatible lines, sorted by file name.
    static func checksums(_ packages: [PackageRecord]) -> String {
        packages.sorted { $0.filename < $1.filename }
            .map { "\($0.digests.sha256.hex)  \($0.filename.rawValue)\n" }
            .joined()
    }
}
