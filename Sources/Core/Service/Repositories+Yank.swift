// PEP 592 yanking: files stay downloadable by exact pin but resolvers skip them.
import Foundation

/// Which files of a PyPI repository a yank applies to.
public enum YankSelection: Sendable, Equatable {
    case file(String)
    /// Every file of a release, as PyPI yanks (project and version compared after normalization).
    case release(project: String, version: String)
}

extension Repositories {
    /// Marks the selected files yanked with `reason` (empty is allowed), or not yanked when `reason` is nil, and
    /// schedules the publish. Returns the files whose state changed (an already-yanked file with the same
    /// reason does not count) and the publish ticket. Throws `.notFound` when nothing matches.
    public func setYanked(_ name: RepositoryName, _ selection: YankSelection, reason: String?) throws(ArtifactError)
        -> (changed: [PackageRecord], publishTicket: UInt64) {
        guard let repository = try storage("lookup", { try metadata.repository(provider: .pypi, name: name) }) else {
            throw .notFound("repository pypi/\(name)")
        }
        if let reason { try Self.checkYankReason(reason) }
        let packages = try storage("lookup", { try metadata.packages(repository: repository.id) })
        let selected = try Self.select(selection, from: packages)
        var changed: [PackageRecord] = []
        for package in selected where package.attributes[PyPIAttribute.yanked] != reason {
            let updated = try storage("catalogue") { try metadata.updatePackageAttributes(id: package.id, [PyPIAttribute.yanked: reason]) }
            snapshots.replace(updated)
            changed.append(updated)
        }
        logger.info(reason == nil ? "files unyanked" : "files yanked", metadata: [
            "repo.name": "\(name)", "files": "\(changed.map(\.filename.rawValue).joined(separator: ","))",
        ])
        return (changed, changed.isEmpty ? 0 : publisher.schedule(repository.id))
    }

    static func select(_ selection: YankSelection, from packages: [PackageRecord]) throws(ArtifactError) -> [PackageRecord] {
        switch selection {
        case .file(let filename):
            let matches = packages.filter { $0.filename.rawValue.bytesEqual(filename) }
            guard !matches.isEmpty else { throw .notFound("file '\(IdentifierError.printable(filename))'") }
            return matches
        case .release(let project, let version):
            let normalized = PythonProjectName.normalize(project)
            guard let wanted = try? PEP440Version(version) else {
                throw .badRequest("'\(IdentifierError.printable(version))' is not a PEP 440 version")
            }
            let matches = packages.filter {
                $0.name.rawValue.bytesEqual(normalized) && (try? PEP440Version($0.version.rawValue)) == wanted
            }
            guard !matches.isEmpty else {
                throw .notFound("release \(IdentifierError.printable(project)) \(IdentifierError.printable(version))")
            }
            return matches
        }
    }

    /// A reason is shown by pip in a warning: one line of printable text.
    static func checkYankReason(_ reason: String) throws(ArtifactError) {
        guard reason.utf8.count <= 1024 else { throw .badRequest("the yank reason is longer than 1024 bytes") }
        guard !reason.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .badRequest("the yank reason contains control characters")
        }
    }
}
