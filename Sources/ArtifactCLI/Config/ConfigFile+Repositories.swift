// The config file's `[repositories."PROVIDER/NAME"]` tables: one per repository the server should have.
import Core

extension ConfigFile {
    static func readRepositories(_ tables: TOMLTableReader) -> [RepositoryKey: RepositorySettings] {
        var repositories: [RepositoryKey: RepositorySettings] = [:]
        for name in tables.keys.sorted() {
            let key: RepositoryKey
            do { key = try RepositoryKey(parsing: name) } catch {
                tables.problem(name, "not a repository: \(error)")
                _ = tables.table(name)
                continue
            }
            guard let table = tables.table(name) else { continue }
            repositories[key] = readRepository(table, provider: key.provider)
            table.finish()
        }
        return repositories
    }

    private static func readRepository(_ table: TOMLTableReader, provider: ProviderKind) -> RepositorySettings {
        var settings = RepositorySettings()
        settings.allowOverwrite = table.bool("allow_overwrite")
        settings.isPrivate = table.bool("private")
        settings.uploadTokens = table.strings("upload_tokens").flatMap { readTokenNames(table, $0) }
        guard provider == .apt else { return settings }
        // apt-only keys stay unread for tar and pypi tables, so `finish()` reports them as unknown there.
        settings.defaultDist = table.checked("default_dist", table.string("default_dist")) { SettingsRules.aptDirectoryName($0, kind: "dist") }
        settings.components = table.checked("components", table.strings("components")) { names in
            names.isEmpty ? "needs at least one component" : names.lazy.compactMap { SettingsRules.aptDirectoryName($0, kind: "component") }.first
        }
        settings.architectures = table.checked("architectures", table.strings("architectures"), SettingsRules.architectures)
        settings.validDays = table.checked("valid_days", table.int("valid_days"), SettingsRules.days)
        if settings.components != nil, settings.defaultDist == nil {
            table.problem("components", "needs default_dist (the dist these components belong to)")
        }
        return settings
    }

    private static func readTokenNames(_ table: TOMLTableReader, _ names: [String]) -> [TokenName]? {
        var tokens: [TokenName] = []
        for name in names {
            do { tokens.append(try TokenName(name)) } catch {
                table.problem("upload_tokens", "'\(name)' is not a token name: \(error)")
                return nil
            }
        }
        return tokens
    }
}
