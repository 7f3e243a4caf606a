// At `serve` start: the config file's repositories are created when missing and their settings applied.
import Core
import Logging

extension Bootstrap {
    /// Brings each repository named in the file to its settings. Repositories the file does not name, and settings
    /// a table leaves out, keep what the catalogue holds: the file adds and sets, it never deletes or revokes.
    /// A named token that does not exist is logged and skipped (create it with `artifactfs token add`).
    func apply(_ configured: [RepositoryKey: RepositorySettings], logger: Logger) throws {
        for key in configured.keys.sorted() {
            let settings = configured[key]!
            let record = try existingOrNew(key, settings, logger: logger)
            if let isPrivate = settings.isPrivate, isPrivate != record.isPrivate {
                try repositories.setPrivate(key.provider, key.name, isPrivate)
            }
            if let allow = settings.allowOverwrite, allow != record.allowOverwrite {
                try repositories.setAllowOverwrite(key.provider, key.name, allow)
            }
            if let dist = settings.defaultDist {
                for component in settings.components ?? ["main"] {
                    _ = try repositories.dropTarget(key.provider, key.name, directory: ["pool", dist, component], create: true)
                }
            }
            for token in settings.uploadTokens ?? [] {
                do { try repositories.grant(token, key) } catch ArtifactError.notFound {
                    logger.warning("the config file names a token that does not exist (artifactfs token add)",
                                   metadata: ["token.name": "\(token)", "repo": "\(key)"])
                }
            }
            // Architectures, Valid-Until and new dists change what the indexes say: publish with them now.
            try repositories.publishNow(repositoryID: record.id)
        }
    }

    private func existingOrNew(_ key: RepositoryKey, _ settings: RepositorySettings, logger: Logger) throws -> RepositoryRecord {
        if let record = try repositories.repository(key.provider, key.name) { return record }
        let options = RepositoryOptions(allowOverwrite: settings.allowOverwrite ?? false, isPrivate: settings.isPrivate ?? false)
        let record = try repositories.createRepository(key.provider, key.name, options: options)
        logger.notice("repository created from the config file", metadata: ["repo": "\(key)"])
        return record
    }
}
