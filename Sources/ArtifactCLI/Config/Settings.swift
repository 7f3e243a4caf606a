// The effective settings of `serve` and `mount`, resolved in one place: flags > environment > config file > defaults.
import ArgumentParser
import ArtifactFS
import Core
import Logging

/// Every setting with its value in force. Built only by `resolve`, which checks the merged values with `SettingsRules`.
struct Settings: Equatable {
    var dataDirectory = "./data"
    var s3URL: String?
    var s3Region = "us-east-1"
    var listen = "127.0.0.1:8080"
    var publicURL: String?
    var uploadToken: String?
    var logLevel = "info"
    var mountEnabled = true
    /// nil: `./mnt`, where a failed mount only warns; a path given by any source must mount.
    var mountPath: String?
    var allowOther = false
    var mountOptions = ""
    /// nil: Release files carry no Valid-Until.
    var aptValidDays: Int?
    /// nil: generated apt keys never expire.
    var aptKeyExpiryDays: Int?
    var aptArchitectures = ["amd64", "arm64"]
    var repositories: [RepositoryKey: RepositorySettings] = [:]

    /// Stacks the sources (each field from the first that sets it) and checks the result; a bad value is a
    /// usage error naming the setting, its flag and its variable.
    static func resolve(flags: SettingsLayer, environment: SettingsLayer, file: ConfigFile?) throws -> Settings {
        let merged = flags.over(environment).over(file?.layer ?? SettingsLayer())
        try check(merged)
        var settings = Settings()
        settings.dataDirectory = merged.dataDirectory ?? settings.dataDirectory
        settings.s3URL = merged.s3URL
        settings.s3Region = merged.s3Region ?? settings.s3Region
        settings.listen = merged.listen ?? settings.listen
        settings.publicURL = merged.publicURL
        settings.uploadToken = merged.uploadToken
        settings.logLevel = merged.logLevel ?? settings.logLevel
        settings.mountEnabled = merged.mountEnabled ?? settings.mountEnabled
        settings.mountPath = merged.mountPath
        settings.allowOther = merged.allowOther ?? settings.allowOther
        settings.mountOptions = merged.mountOptions ?? settings.mountOptions
        settings.aptValidDays = merged.aptValidDays.flatMap { $0 == 0 ? nil : $0 }
        settings.aptKeyExpiryDays = merged.aptKeyExpiryDays.flatMap { $0 == 0 ? nil : $0 }
        settings.aptArchitectures = merged.aptArchitectures ?? settings.aptArchitectures
        settings.repositories = file?.repositories ?? [:]
        return settings
    }

    /// Flags and variables are checked here; the file's values were checked (with line numbers) when it was read.
    /// A message starts with the first of `sources` (the flag, as before there was a file) and names the others.
    private static func check(_ merged: SettingsLayer) throws {
        func require<Value>(_ value: Value?, _ sources: [String], _ rule: (Value) -> String?) throws {
            guard let value, let problem = rule(value) else { return }
            throw ValidationError("\(sources[0]) \(problem) (set by \(sources.joined(separator: ", ")))")
        }
        try require(merged.listen, ["--listen", "ARTIFACTFS_LISTEN", "listen"], SettingsRules.listen)
        try require(merged.publicURL, ["--public-url", "ARTIFACTFS_PUBLIC_URL", "public_url"], SettingsRules.publicURL)
        try require(merged.logLevel, ["LOG_LEVEL", "log_level"], SettingsRules.logLevel)
        try require(merged.s3URL, ["--s3", "S3_URL", "s3.url"], SettingsRules.s3URL)
        try require(merged.mountOptions, ["--options", "mount.options"], SettingsRules.mountOptions)
        try require(merged.aptValidDays, ["--apt-valid-days", "apt.valid_days"], SettingsRules.days)
        try require(merged.aptKeyExpiryDays, ["--apt-key-expiry-days", "apt.key_expiry_days"], SettingsRules.days)
    }
}

extension Settings {
    /// The S3 location blobs go to, or nil for `<data>/blobs`.
    func s3Location() throws -> S3Location? {
        guard let s3URL else { return nil }
        do { return try S3Location(s3URL, region: s3Region) } catch { throw ValidationError("--s3 / S3_URL / s3.url: \(error)") }
    }

    func listenAddress() throws -> ListenAddress { try ListenAddress(listen) }

    func mountOptionsValue() throws -> MountOptions { try MountFlags.options(from: mountOptions, allowOther: allowOther) }

    var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    /// Per-repository apt publishing settings, for `AptProvider.Configuration.repositories`.
    var aptRepositorySettings: [RepositoryName: AptRepositorySettings] {
        var settings: [RepositoryName: AptRepositorySettings] = [:]
        for (key, repository) in repositories where key.provider == .apt {
            settings[key.name] = repository.aptSettings
        }
        return settings
    }
}
