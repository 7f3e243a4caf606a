// Copy-paste setup and upload commands for a repository or one package, correct for this server's layout.
import Core
import Foundation

/// Shell commands in titled blocks. Pure text: the page escapes it. Every value pasted into a command is either
/// validated to a shell-safe charset (repository, dist and component names, the base URL, package names) or
/// single-quoted (`shellQuoted`); a private repository's commands carry a `$TOKEN` placeholder, never a secret.
struct InstallInstructions: Sendable, Equatable {
    struct Block: Sendable, Equatable {
        let title: String
        let commands: String
    }

    let blocks: [Block]

    /// What a repository page needs to know about the repository to write its commands.
    struct Target: Sendable {
        let provider: ProviderKind
        let repository: String
        let isPrivate: Bool
        /// Whether uploads need a token (`AccessSnapshot.writesOpen` is false).
        let uploadsNeedToken: Bool
        /// `http://host:port`, without a trailing slash (`PublicBaseURL`).
        let baseURL: String
        /// apt: each dist with its components, sorted.
        var dists: [(dist: String, components: [String])] = []

        var repositoryURL: String { "\(baseURL)/\(provider)/\(repository)" }
        /// The repository URL with `__token__:$TOKEN@` after the scheme when it is private (pip, uv read it).
        var credentialedRepositoryURL: String {
            guard isPrivate, let scheme = baseURL.range(of: "://") else { return repositoryURL }
            return String(baseURL[..<scheme.upperBound]) + "__token__:$TOKEN@" + String(baseURL[scheme.upperBound...]) + "/\(provider)/\(repository)"
        }
        var curlAuth: String { isPrivate ? #"-u "__token__:$TOKEN" "# : "" }
        var tokenNote: String {
            "# TOKEN: a token that covers \(provider)/\(repository) (artifactfs token add …)\n"
        }
    }

    /// Setup (apt source, pip index) and upload commands for a whole repository. `examplePackage` is a project
    /// name (PyPI) or file name (tar) to show in the example lines; placeholders stand in without one.
    static func repository(_ target: Target, examplePackage: String?) -> InstallInstructions {
        var blocks: [Block]
        switch target.provider {
        case .apt: blocks = target.dists.map { apt(target, dist: $0.dist, components: $0.components) }
        case .pypi: blocks = [pip(target, requirement: examplePackage ?? "PACKAGE")]
        case .tar: blocks = [tarDownload(target, filename: examplePackage)]
        }
        blocks.append(upload(target))
        return InstallInstructions(blocks: blocks)
    }

    /// Installing or downloading one package (after the repository setup, for apt and pip).
    static func package(_ row: PackageRow, target: Target) -> InstallInstructions {
        switch row.provider {
        case .apt:
            return InstallInstructions(blocks: [Block(title: "Install (after the setup on the repository page)",
                                                      commands: "sudo apt-get install \(shellQuoted("\(row.name)=\(row.version)"))\n")])
        case .pypi:
            return InstallInstructions(blocks: [pip(target, requirement: "\(row.name)==\(row.version)")])
        case .tar:
            return InstallInstructions(blocks: [tarDownload(target, filename: row.filename)])
        }
    }

    private static func apt(_ target: Target, dist: String, components: [String]) -> Block {
        let keyring = "/etc/apt/keyrings/artifactfs-\(target.repository).gpg"
        let source = "deb [signed-by=\(keyring)] \(target.repositoryURL) \(dist) \(components.joined(separator: " "))"
        let list = "/etc/apt/sources.list.d/artifactfs-\(target.repository)-\(dist).list"
        var commands = target.isPrivate ? target.tokenNote + aptCredentials(target) : aptInstallScript(target, dist: dist)
        commands += "sudo install -d -m 0755 /etc/apt/keyrings\n"
        // Long lines end in `|` and go on indented: the shell continues a pipeline after a trailing pipe.
        commands += "curl -fsSL \(target.curlAuth)\(target.repositoryURL)/keyring.gpg |\n    sudo tee \(keyring) >/dev/null\n"
        commands += "echo '\(source)' |\n    sudo tee \(list)\n"
        commands += "sudo apt-get update\n"
        return Block(title: "apt: dist \(dist)", commands: commands)
    }

    /// The dist's install script in one line, then the header of the same steps by hand. Public repositories only:
    /// the script fetches the key without credentials.
    private static func aptInstallScript(_ target: Target, dist: String) -> String {
        "# in one step, with the dist's install script:\n"
            + "curl -fsSL \(target.repositoryURL)/dists/\(dist)/install | sudo sh -s -- \(target.baseURL)\n"
            + "# or by hand:\n"
    }

    /// apt's credentials for a private repository, in a file created 0600 before the token is written into it.
    /// apt sends them over plain http only because the machine names its scheme.
    private static func aptCredentials(_ target: Target) -> String {
        let auth = "/etc/apt/auth.conf.d/artifactfs-\(target.repository).conf"
        return "sudo install -D -m 0600 /dev/null \(auth)\n"
            + "echo \"machine \(target.repositoryURL) login __token__ password $TOKEN\" |\n    sudo tee \(auth) >/dev/null\n"
    }

    private static func pip(_ target: Target, requirement: String) -> Block {
        let index = "\(target.credentialedRepositoryURL)/simple/"
        var commands = target.isPrivate ? target.tokenNote : ""
        commands += "pip install --index-url \(index) \(shellQuoted(requirement))\n"
        commands += "uv pip install --index-url \(index) \(shellQuoted(requirement))\n"
        return Block(title: "pip / uv", commands: commands)
    }

    private static func tarDownload(_ target: Target, filename: String?) -> Block {
        var commands = target.isPrivate ? target.tokenNote : ""
        let file = filename ?? "NAME-VERSION.tar.gz"
        let url = "\(target.repositoryURL)/\(RequestPath.percentEncode(file))"
        commands += "curl -fsSL \(target.curlAuth)-o \(shellQuoted(file)) \(url)\n"
        commands += "curl -fsSL \(target.curlAuth)\(target.repositoryURL)/SHA256SUMS | sha256sum -c --ignore-missing\n"
        return Block(title: "Download and check", commands: commands)
    }

    private static func upload(_ target: Target) -> Block {
        let auth = target.uploadsNeedToken ? #"-H "Authorization: Bearer $TOKEN" "# : ""
        let note = target.uploadsNeedToken ? "# TOKEN: a token that may write to \(target.provider)/\(target.repository)\n" : ""
        let commands: String
        switch target.provider {
        case .apt:
            let (dist, component) = (target.dists.first?.dist ?? "DIST", target.dists.first?.components.first ?? "main")
            commands = note + "curl -fsS \(auth)-T PACKAGE.deb \(target.repositoryURL)/pool/\(dist)/\(component)/\n"
        case .pypi:
            let password = target.uploadsNeedToken ? " -u __token__ -p \"$TOKEN\"" : ""
            commands = note + "twine upload --repository-url \(target.repositoryURL)/\(password) dist/*\n"
        case .tar:
            commands = note + "curl -fsS \(auth)-T NAME-VERSION.tar.gz \(target.repositoryURL)/\n"
        }
        return Block(title: "Upload", commands: commands)
    }

    /// `text` as one shell word: single-quoted, with each `'` closed, escaped and reopened.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
