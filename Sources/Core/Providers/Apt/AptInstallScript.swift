// dists/<dist>/install: a shell script that sets a machine up to install from one dist with signed-by.

enum AptInstallScript {
    /// The script installs the binary keyring under /etc/apt/keyrings/, writes a sources entry with
    /// `signed-by` (never apt-key), and runs `apt-get update`. The server URL is the first argument, else
    /// the configured public URL. `APT_ETC` and `APT_GET` let a test aim it at a scratch apt setup.
    static func render(repository: String, dist: String, components: [String], publicURL: String?) -> String {
        let defaultURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? ""
        return """
            #!/bin/sh
            # Sets up apt for the artifactfs repository '\(repository)', dist '\(dist)'.
            # Usage: curl -fsSL <server>/apt/\(repository)/dists/\(dist)/install | sudo sh -s -- [SERVER_URL]
            set -eu
            server="${1:-\(defaultURL)}"
            if [ -z "$server" ]; then
                echo "usage: sh install SERVER_URL   (e.g. http://apt.example.com:8080)" >&2
                exit 2
            fi
            server="${server%/}"
            etc="${APT_ETC:-/etc/apt}"
            apt_get="${APT_GET:-apt-get}"
            keyring="$etc/keyrings/artifactfs-\(repository).gpg"
            list="$etc/sources.list.d/artifactfs-\(repository)-\(dist).list"
            fetch() {
                if command -v curl >/dev/null 2>&1; then curl -fsSL "$1"
                elif command -v wget >/dev/null 2>&1; then wget -qO- "$1"
                else echo "install: need curl or wget" >&2; exit 1
                fi
            }
            install -d -m 0755 "$etc/keyrings" "$etc/sources.list.d"
            tmp="$keyring.tmp.$$"
            fetch "$server/apt/\(repository)/keyring.gpg" > "$tmp"
            chmod 0644 "$tmp"
            mv -f "$tmp" "$keyring"
            echo "deb [signed-by=$keyring] $server/apt/\(repository) \(dist) \(components.joined(separator: " "))" > "$list"
            echo "wrote $list and $keyring"
            $apt_get update

            """
    }
}
