// Media types by file name for packages and generated files.

enum ContentType {
    /// The media type served for a file named `name`.
    static func of(_ name: String) -> String {
        let table: [(suffix: String, type: String)] = [
            (".tar.gz", "application/gzip"), (".tgz", "application/gzip"), (".gz", "application/gzip"),
            (".tar.xz", "application/x-xz"), (".xz", "application/x-xz"),
            (".tar.bz2", "application/x-bzip2"), (".tar.zst", "application/zstd"),
            (".zip", "application/zip"), (".whl", "application/zip"),
            (".deb", "application/vnd.debian.binary-package"),
            (".html", "text/html; charset=utf-8"), (".json", "application/json"),
            (".asc", "text/plain; charset=utf-8"), (".gpg", "application/pgp-keys"),
            (".metadata", "text/plain; charset=utf-8"),
        ]
        if name == "Release.gpg" { return "application/pgp-signature" }
        if let match = table.first(where: { name.hasSuffix($0.suffix) }) { return match.type }
        let plainText: Set<String> = ["SHA256SUMS", "Release", "InRelease", "Packages", "pubkey", "install"]
        return plainText.contains(name) ? "text/plain; charset=utf-8" : "application/octet-stream"
    }
}
