// Real .deb files built with dpkg-deb, an isolated apt-get, and deb822 helpers for the apt tests.
import Core
import Foundation
import Testing

/// Builds packages with `dpkg-deb --build`, the way maintainers do.
struct DebBuilder {
    static let dpkgDeb = "/usr/bin/dpkg-deb"
    let work: Workspace

    /// Builds `<name>_<version without epoch>_<arch>.deb` (or `fileName`) and returns its path.
    func build(_ name: String, _ version: String, _ architecture: String, fields: [(String, String)] = [],
               compression: String = "xz", fileName: String? = nil, payload: String = "payload") async throws -> String {
        let root = work.path("debroot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: root + "/DEBIAN", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/usr/share/doc/\(name)", withIntermediateDirectories: true)
        var control = "Package: \(name)\nVersion: \(version)\nArchitecture: \(architecture)\n"
        control += "Maintainer: artifactfs tests <tests@example.com>\n"
        for (field, value) in fields { control += "\(field): \(value)\n" }
        if !fields.contains(where: { $0.0 == "Description" }) {
            control += "Description: test package \(name)\n built by the artifactfs test suite.\n"
        }
        try Data(control.utf8).write(to: URL(fileURLWithPath: root + "/DEBIAN/control"))
        try Data("\(payload) \(name) \(version) \(architecture)\n".utf8)
            .write(to: URL(fileURLWithPath: root + "/usr/share/doc/\(name)/README"))
        let upstream = version.split(separator: ":", maxSplits: 1).last.map(String.init) ?? version
        let output = work.path(fileName ?? "\(name)_\(upstream)_\(architecture).deb")
        let result = try await run(["--build", "--root-owner-group", "-Z\(compression)", root, output], executable: Self.dpkgDeb)
        guard result.status == 0 else { throw E2EFailure("dpkg-deb --build \(name) failed: \(result.stderr)") }
        return output
    }
}

/// apt-get with every state directory in a scratch folder and only the keyring named in the source entry trusted.
struct IsolatedApt {
    static let aptGet = "/usr/bin/apt-get"
    let root: String

    init(_ work: Workspace, name: String = "apt") throws {
        root = work.path(name)
        for directory in ["lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/preferences.d", "download", "log"] {
            try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        _ = FileManager.default.createFile(atPath: root + "/status", contents: Data())
    }

    var sourceList: String { root + "/etc/sources.list" }

    func writeSource(_ line: String) throws {
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: sourceList))
    }

    var options: [String] {
        ["-o", "Dir::Etc::SourceList=\(sourceList)", "-o", "Dir::Etc::SourceParts=\(root)/etc/sources.list.d",
         "-o", "Dir::Etc::Preferences=\(root)/etc/preferences", "-o", "Dir::Etc::PreferencesParts=\(root)/etc/preferences.d",
         "-o", "Dir::Etc::Trusted=/dev/null", "-o", "Dir::Etc::TrustedParts=/dev/null",
         "-o", "Dir::State::Lists=\(root)/lists", "-o", "Dir::State::status=\(root)/status",
         "-o", "Dir::Cache=\(root)/cache", "-o", "Dir::Log=\(root)/log", "-o", "Debug::NoLocking=1",
         "-o", "APT::Architecture=amd64", "-o", "APT::Architectures::=amd64", "-o", "Acquire::Languages=none",
         "-o", "Acquire::http::Proxy=DIRECT", "-o", "Acquire::Retries=0",
         "-o", "Dir::Etc::netrc=\(root)/etc/auth.conf", "-o", "Dir::Etc::netrcparts=\(root)/etc/auth.conf.d"]
    }

    func aptGet(_ arguments: [String], directory: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await run(options + arguments, executable: Self.aptGet, directory: directory ?? root + "/download", timeout: .seconds(120))
    }
}

/// Paragraphs of deb822 text (a Packages or Release file) as field → value, through Core's parser.
func deb822Paragraphs(_ text: String) throws -> [[String: String]] {
    guard !text.allSatisfy(\.isWhitespace) else { return [] }
    return try Deb822Paragraph.parseParagraphs(Array(text.utf8)).map { paragraph in
        Dictionary(paragraph.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Fetches a URL with curl; fails the test on a non-2xx answer.
func fetch(_ url: String, to path: String) async throws {
    let result = try await run(["-sf", "-o", path, url], executable: Tools.curl)
    guard result.status == 0 else { throw E2EFailure("GET \(url) failed (curl \(result.status)): \(result.stderr)") }
}

/// Fetches a URL as text.
func fetchText(_ url: String) async throws -> String {
    let result = try await run(["-sf", url], executable: Tools.curl)
    guard result.status == 0 else { throw E2EFailure("GET \(url) failed (curl \(result.status)): \(result.stderr)") }
    return result.stdout
}

/// PUTs a file and returns curl's status, the HTTP code and the body.
func put(_ file: String, to url: String, token: String? = nil) async throws -> (code: Int, body: String) {
    var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "-T", file, url]
    if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
    let result = try await run(arguments, executable: Tools.curl)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}
