// The Packages fields the server computes, and their removal from uploaded control data.

/// `Filename`, `Size` and the four checksums describe the file in the pool, so only the server can state them.
/// A control file that carries them (any letter case, as field names are case-insensitive) would otherwise put
/// each twice in the package's stanza, and dpkg and apt refuse a Packages file with a repeated field. They are
/// dropped from what is uploaded, as `apt-ftparchive`, reprepro and aptly overwrite them.
enum AptServerFields {
    /// Lowercased names of the fields `AptIndexBuilder.stanza` appends.
    static let names: Set<String> = ["filename", "size", "md5sum", "sha1", "sha256", "sha512"]
    private static let nameBytesMax = names.map(\.utf8.count).max() ?? 0

    /// `control` (rendered deb822 lines, each ending in "\n") without the server's fields and their
    /// continuation lines. Returns the text unchanged, without copying, when it holds none of them.
    static func removed(from control: String) -> String {
        var kept: [Substring] = []
        var dropped = false
        var skippingContinuation = false
        for line in control.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.first == " " || line.first == "\t" {
                if !skippingContinuation { kept.append(line) }
                continue
            }
            skippingContinuation = isServerField(line)
            if skippingContinuation { dropped = true } else { kept.append(line) }
        }
        return dropped ? kept.joined(separator: "\n") : control
    }

    /// Whether `line` starts a field the server computes. Field names are printable ASCII (Policy 5.1; the
    /// parser refuses others), so lowercasing the bytes before ':' compares them as dpkg does.
    private static func isServerField(_ line: Substring) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let name = line[..<colon]
        // Longer names cannot be one of them; this spares lowercasing every Description line.
        guard name.utf8.count <= nameBytesMax else { return false }
        return names.contains(String(name).lowercased())
    }
}
