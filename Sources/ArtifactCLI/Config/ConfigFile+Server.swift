// The config file's server-wide keys: top level, [s3], [mount] and [apt] (contrib/artifactfs.example.toml lists them).
import Foundation

extension ConfigFile {
    static func readServerSettings(_ root: TOMLTableReader) -> SettingsLayer {
        var layer = SettingsLayer()
        layer.dataDirectory = root.string("data")
        layer.listen = root.checked("listen", root.string("listen"), SettingsRules.listen)
        layer.publicURL = root.checked("public_url", root.nonEmptyString("public_url"), SettingsRules.publicURL)
        layer.logLevel = root.checked("log_level", root.string("log_level"), SettingsRules.logLevel)
        layer.uploadToken = root.nonEmptyString("upload_token_file").flatMap { readSecret(root, "upload_token_file", path: $0) }
        if let s3 = root.table("s3") {
            layer.s3URL = s3.checked("url", s3.nonEmptyString("url"), SettingsRules.s3URL)
            layer.s3Region = s3.string("region")
            s3.finish()
        }
        if let mount = root.table("mount") {
            layer.mountEnabled = mount.bool("enabled")
            layer.mountPath = mount.nonEmptyString("path")
            layer.allowOther = mount.bool("allow_other")
            layer.mountOptions = mount.checked("options", mount.string("options"), SettingsRules.mountOptions)
            mount.finish()
        }
        if let apt = root.table("apt") {
            layer.aptValidDays = apt.checked("valid_days", apt.int("valid_days"), SettingsRules.days)
            layer.aptKeyExpiryDays = apt.checked("key_expiry_days", apt.int("key_expiry_days"), SettingsRules.days)
            layer.aptArchitectures = apt.checked("architectures", apt.strings("architectures"), SettingsRules.architectures)
            apt.finish()
        }
        return layer
    }

    /// The first line of a secret's file (the secret itself never sits in the config file).
    private static func readSecret(_ reader: TOMLTableReader, _ key: String, path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            reader.problem(key, "cannot read '\(path)'")
            return nil
        }
        let secret = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !secret.isEmpty else {
            reader.problem(key, "'\(path)' is empty")
            return nil
        }
        return secret
    }
}
