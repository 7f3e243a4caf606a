// `artifactfs upload`: send package files to a running server (replaces the older `rpcli upload`).
import ArgumentParser
import ArtifactClient
import Foundation

struct UploadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload package files into a repository (created if missing).")

    @OptionGroup var client: ClientOptions

    @Option(help: "Repository format: tar, apt or pypi.")
    var provider: String

    @Option(help: "Repository name.")
    var repo: String

    @Option(help: "Distribution (apt only).")
    var dist: String?

    @Option(help: "Component (apt only; default main).")
    var component: String = "main"

    @Argument(help: "Files to upload.")
    var files: [String]

    func validate() throws {
        guard ["tar", "apt", "pypi"].contains(provider) else { throw ValidationError("--provider must be tar, apt or pypi") }
        if provider == "apt" && dist == nil { throw ValidationError("--dist is required for apt") }
        if provider != "apt" && dist != nil { throw ValidationError("--dist applies to apt only") }
        guard !files.isEmpty else { throw ValidationError("name at least one file") }
    }

    func run() throws {
        var failures = 0
        for file in files {
            do {
                try upload(file)
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("error: \(file): \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func upload(_ file: String) throws {
        let name = (file as NSString).lastPathComponent
        let directory = provider == "apt" ? ["pool", dist!, component] : []
        let path = "/" + ([provider, repo] + directory + [name]).map(Self.encode).joined(separator: "/")
        let meter = ProgressMeter(label: name)
        let result = try client.send("PUT", path, body: .file(file), progress: meter.isEnabled ? meter.update : nil)
        meter.finish()
        let answer = (try? JSONSerialization.jsonObject(with: Data(result.body))) as? [String: Any]
        let verb = (answer?["created"] as? Bool) == false ? "unchanged" : "stored"
        print("\(verb) \(answer?["path"] as? String ?? path) sha256=\(answer?["sha256"] as? String ?? "?")")
    }

    static func encode(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~+")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
