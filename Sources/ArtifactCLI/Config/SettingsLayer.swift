// One source of serve/mount settings (flags, environment or config file); nil means "this source says nothing".

/// The settings one source gives. `Settings.resolve` stacks layers: flags over environment over file over defaults.
struct SettingsLayer: Equatable {
    var dataDirectory: String?
    var s3URL: String?
    var s3Region: String?
    var listen: String?
    var publicURL: String?
    var uploadToken: String?
    var logLevel: String?
    var mountEnabled: Bool?
    var mountPath: String?
    var allowOther: Bool?
    var mountOptions: String?
    var aptValidDays: Int?
    var aptKeyExpiryDays: Int?
    var aptArchitectures: [String]?

    /// This layer, with every field it leaves unset taken from `lower`.
    func over(_ lower: SettingsLayer) -> SettingsLayer {
        var merged = self
        merged.fill(\.dataDirectory, from: lower)
        merged.fill(\.s3URL, from: lower)
        merged.fill(\.s3Region, from: lower)
        merged.fill(\.listen, from: lower)
        merged.fill(\.publicURL, from: lower)
        merged.fill(\.uploadToken, from: lower)
        merged.fill(\.logLevel, from: lower)
        merged.fill(\.mountEnabled, from: lower)
        merged.fill(\.mountPath, from: lower)
        merged.fill(\.allowOther, from: lower)
        merged.fill(\.mountOptions, from: lower)
        merged.fill(\.aptValidDays, from: lower)
        merged.fill(\.aptKeyExpiryDays, from: lower)
        merged.fill(\.aptArchitectures, from: lower)
        return merged
    }

    private mutating func fill<Value>(_ field: WritableKeyPath<SettingsLayer, Value?>, from lower: SettingsLayer) {
        if self[keyPath: field] == nil { self[keyPath: field] = lower[keyPath: field] }
    }
}

extension SettingsLayer {
    /// The variables `serve` and `mount` have always read; an empty value counts as unset.
    init(environment: [String: String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        self.init()
        dataDirectory = value("ARTIFACTFS_DATA")
        s3URL = value("S3_URL")
        s3Region = value("S3_REGION")
        listen = value("ARTIFACTFS_LISTEN")
        publicURL = value("ARTIFACTFS_PUBLIC_URL")
        uploadToken = value("ARTIFACTFS_UPLOAD_TOKEN")
        logLevel = value("LOG_LEVEL")
        mountPath = value("ARTIFACTFS_MOUNT")
    }
}
