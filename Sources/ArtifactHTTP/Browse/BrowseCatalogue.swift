// The catalogue reads behind the browse pages. Every method blocks (SQLite, blob reads): call it on the executor.
import Core

/// Reads rows and turns them into page data; holds no state of its own.
struct BrowseCatalogue: Sendable {
    let repositories: Repositories

    /// A repository with its rows (as `PackageRow`s) and, for apt, each dist's components.
    struct RepositoryView: Sendable {
        let record: RepositoryRecord
        let rows: [PackageRow]
        let dists: [(dist: String, components: [String])]
    }

    /// A package with its repository, its row and its metadata.
    struct PackageView: Sendable {
        let repository: RepositoryRecord
        let row: PackageRow
        let metadata: PackageMetadata
    }

    func repository(id: NodeID) throws -> RepositoryView {
        guard let record = try repositories.metadata.repository(id: id) else { throw ArtifactError.notFound("repository") }
        let rows = try repositories.metadata.packages(repository: id).map { PackageRow($0, provider: record.provider) }
        let dists = record.provider == .apt ? Self.dists(try repositories.metadata.dropDirectories(repository: id)) : []
        return RepositoryView(record: record, rows: rows, dists: dists)
    }

    /// The repositories of `provider` (all when nil), sorted by provider and name, with their totals.
    func overview(provider: ProviderKind?) throws -> [OverviewPage.Entry] {
        let totals = try repositories.metadata.repositoryTotals()
        return try repositories.metadata.repositories()
            .filter { provider == nil || $0.provider == provider }
            .map { OverviewPage.Entry(record: $0, totals: totals[$0.id] ?? RepositoryTotals()) }
    }

    func package(id: NodeID) throws -> PackageView {
        guard let package = try repositories.metadata.package(id: id),
              let record = try repositories.metadata.repository(id: package.repositoryID) else {
            throw ArtifactError.notFound("package")
        }
        return PackageView(repository: record, row: PackageRow(package, provider: record.provider),
                           metadata: try metadata(of: package, provider: record.provider))
    }

    private func metadata(of package: PackageRecord, provider: ProviderKind) throws -> PackageMetadata {
        switch provider {
        case .apt:
            // The key of Core's (internal) AptAttribute.control.
            return package.attributes["control"].map(PackageMetadata.debian(control:)) ?? .attributes(package.attributes)
        case .pypi:
            guard let hex = package.attributes[PyPIAttribute.metadataSidecar + ".sha256"], let digest = SHA256Digest(hex: hex) else {
                return .attributes(package.attributes)
            }
            return .python(coreMetadata: try repositories.blobs.bytes(of: digest))
        case .tar:
            return .attributes(package.attributes)
        }
    }

    /// `pool/<dist>/<component>` drop directories grouped by dist, both sorted.
    static func dists(_ directories: [[String]]) -> [(dist: String, components: [String])] {
        // By bytes, as the catalogue tells names apart (`ByteString`).
        var byDist: [ByteString: [ByteString]] = [:]
        for location in directories where location.count == 3 {
            byDist[ByteString(location[1]), default: []].append(ByteString(location[2]))
        }
        return byDist.keys.sorted().map { ($0.string, byDist[$0]!.sorted().map(\.string)) }
    }
}
