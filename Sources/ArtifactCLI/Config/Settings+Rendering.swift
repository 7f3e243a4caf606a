// The effective settings as TOML text (what `config check` prints), with secrets masked.
import Core
import Foundation

extension Settings {
    /// A TOML document of every setting in force; the upload token and the S3 secret key are never shown.
    func rendered() -> String {
        var lines = [
            "data = \(quoted(dataDirectory))",
            "listen = \(quoted(listen))",
            "public_url = \(quoted(publicURL ?? "")) # empty: derived from listen",
            "log_level = \(quoted(logLevel))",
            "# server-wide upload token: \(uploadToken == nil ? "none" : "set (********)")",
            "", "[s3]",
            "url = \(quoted(maskedS3URL)) # empty: blobs under <data>/blobs",
            "region = \(quoted(s3Region))",
            "", "[mount]",
            "enabled = \(mountEnabled)",
            "path = \(quoted(mountPath ?? "./mnt"))\(mountPath == nil ? " # default: a failed mount only warns" : "")",
            "allow_other = \(allowOther)",
            "options = \(quoted(mountOptions))",
            "", "[apt]",
            "valid_days = \(aptValidDays ?? 0) # 0: no Valid-Until",
            "key_expiry_days = \(aptKeyExpiryDays ?? 0) # 0: never",
            "architectures = \(list(aptArchitectures))",
        ]
        for key in repositories.keys.sorted() {
            lines += ["", "[repositories.\(quoted(key.description))]"] + repositoryLines(repositories[key]!)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func repositoryLines(_ settings: RepositorySettings) -> [String] {
        var lines: [String] = []
        if let value = settings.allowOverwrite { lines.append("allow_overwrite = \(value)") }
        if let value = settings.isPrivate { lines.append("private = \(value)") }
        if let value = settings.uploadTokens { lines.append("upload_tokens = \(list(value.map(\.rawValue)))") }
        if let value = settings.defaultDist { lines.append("default_dist = \(quoted(value))") }
        if let value = settings.components { lines.append("components = \(list(value))") }
        if let value = settings.architectures { lines.append("architectures = \(list(value))") }
        if let value = settings.validDays { lines.append("valid_days = \(value)") }
        return lines
    }

    /// The S3 URL through `S3Location`'s own description, which never contains the secret key.
    private var maskedS3URL: String {
        guard let s3URL else { return "" }
        return (try? S3Location(s3URL, region: s3Region)).map { "\($0)" } ?? "********"
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ", ") + "]" }
}
