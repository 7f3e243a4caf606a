// apt repositories: .deb files dropped into pool/<dist>/<component>/, signed indexes under dists/<dist>/.
import Foundation

/// `/apt/<repo>/`. Packages are identified by (dist, component, name, version, architecture).
public final class AptProvider: PackageProvider {
    /// Publishing settings shared by every apt repository of a server.
    public struct Configuration: Sendable {
        /// Architectures every dist publishes indexes for, besides those its packages bring.
        public var defaultArchitectures: [String] = ["amd64", "arm64"]
        /// When set, `Release` carries `Valid-Until` this far after its `Date`.
        public var validFor: Duration?
        /// Base URL clients use (`http://host:port`), baked into `dists/<dist>/install`.
        public var publicURL: String?
        /// Key type of new repositories unless one is asked for.
        public var defaultKeyAlgorithm: KeyAlgorithm = .ed25519
        /// Repositories that publish with settings of their own (the config file's `[repositories."apt/NAME"]`).
        public var repositories: [RepositoryName: AptRepositorySettings] = [:]
        public init() {}
    }

    let configuration: Configuration
    let keys: any SigningKeyStore
    public var signingKeys: (any SigningKeyStore)? { keys }
    let chunks = CompressedChunkCache()

    public init(keys: any SigningKeyStore, configuration: Configuration = .init()) {
        self.keys = keys
        self.configuration = configuration
    }

    public var kind: ProviderKind { .apt }
    public var digestKinds: DigestKinds { .apt }

    public func directoryKinds(for components: [String]) throws(ArtifactError) -> [NodeKind] {
        guard !components.isEmpty, components.count <= 3, components[0].bytesEqual(AptLayout.pool) else {
            throw .notADropDirectory("apt packages go into pool/<dist>/<component>/; '\(components.joined(separator: "/"))'")
        }
        if components.count > 1 { try AptLayout.checkName(components[1], kind: "dist") }
        if components.count > 2 { try AptLayout.checkName(components[2], kind: "component") }
        return Array([NodeKind.directory, .directory, .dropDirectory].prefix(components.count))
    }

    public func acceptsPackages(at components: [String]) -> Bool {
        AptLayout.distAndComponent(of: components) != nil
    }

    public func isReserved(_ filename: Filename, at components: [String]) -> Bool { false }

    public func inspect(fileAt path: String, filename: Filename, location: [String], declared: DeclaredIdentity?)
        throws(ArtifactError) -> PackageDescription {
        guard filename.rawValue.hasSuffix(".deb") else {
            throw .invalidPackage(filename: filename.rawValue, reason: "apt repositories take .deb files")
        }
        let deb: DebPackage
        do { deb = try DebPackageReader.read(path: path) } catch {
            throw .invalidPackage(filename: filename.rawValue, reason: error.description)
        }
        if let name = declared?.name, !name.bytesEqual(deb.name) {
            throw .badRequest("declared name '\(IdentifierError.printable(name))' does not match the package's '\(deb.name)'")
        }
        if let version = declared?.version, !version.bytesEqual(deb.version.rawValue) {
            throw .badRequest("declared version '\(IdentifierError.printable(version))' does not match the package's '\(deb.version.rawValue)'")
        }
        do {
            return PackageDescription(
                name: try PackageName(deb.name), version: try PackageVersion(deb.version.rawValue),
                attributes: [AptAttribute.architecture: deb.architecture,
                             AptAttribute.control: AptServerFields.removed(from: deb.control.rendered())],
                // Versions dpkg compares as equal (1.0, 1.00, 0:1.0) are one package to apt, so one identity.
                identity: "\(deb.name)_\(deb.version.canonical)_\(deb.architecture)")
        } catch {
            throw .invalidPackage(filename: filename.rawValue, reason: error.description)
        }
    }

    public func repositoryCreated(_ repository: RepositoryRecord, options: RepositoryOptions) throws {
        try keys.ensureKey(for: repository, algorithm: options.keyAlgorithm ?? configuration.defaultKeyAlgorithm)
    }

    public func repositoryDeleted(_ repository: RepositoryRecord) {
        keys.removeKey(for: repository)
        chunks.forget(repository: repository.id)
    }

    public func buildIndexes(_ input: IndexInput) throws -> [GeneratedFile] {
        let signer = try keys.signer(for: input.repository)
        var builder = AptIndexBuilder(input: input, configuration: configuration, signer: signer, chunks: chunks)
        return try builder.build()
    }
}

/// Keys of `PackageRecord.attributes` for apt packages.
enum AptAttribute {
    static let architecture = "architecture"
    /// The control paragraph as the package had it (field order kept), ending with a newline.
    static let control = "control"
}
