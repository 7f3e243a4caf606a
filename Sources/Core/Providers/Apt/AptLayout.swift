// Where things live in an apt repository: pool/<dist>/<component>/ drop dirs and dists/<dist>/ indexes.

/// Path rules of `/apt/<repo>/`.
enum AptLayout {
    static let pool = "pool"
    static let dists = "dists"
    static let publicKeyArmored = "pubkey"
    static let publicKeyring = "keyring.gpg"
    /// Names a component may not take because they sit next to components under `dists/<dist>/`.
    static let reservedComponentNames: Set<String> = ["by-hash", "Release", "InRelease", "Release.gpg", "install"]

    /// A drop directory location is `["pool", dist, component]`.
    static func distAndComponent(of location: [String]) -> (dist: String, component: String)? {
        guard location.count == 3, location[0].bytesEqual(pool) else { return nil }
        return (location[1], location[2])
    }

    /// Dist and component names: what reprepro and aptly accept in practice, minus anything that needs escaping.
    static func checkName(_ name: String, kind: String) throws(ArtifactError) {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E || c == 0x5F
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed, name.first != ".", name.first != "-" else {
            throw .badRequest("invalid apt \(kind) '\(IdentifierError.printable(name))': use letters, digits, '.', '_' and '-' (at most 64, not starting with '.' or '-')")
        }
        if kind == "component", reservedComponentNames.contains(name) {
            throw .badRequest("'\(name)' cannot be an apt component name")
        }
    }
}
