// `artifactfs import`: bulk-import existing packages (a reprepro/aptly pool, a directory of tarballs) into a data directory.
import ArgumentParser
import Core
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import package files into a repository, published once at the end.",
        discussion: """
            Works on the data directory directly, so the server must be stopped (the data directory is locked \
            while one runs). Directories are searched recursively: apt takes *.deb files, pypi and tar every file. Each \
            file is checked as an upload would be; rejected files are listed with the reason and make the exit \
            status 1.
            """)

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Repository format: apt, pypi or tar.") var provider: String
    @Option(help: "Repository name (created if missing).") var repo: String
    @Option(help: "apt: distribution.") var dist: String?
    @Option(help: "apt: component.") var component: String = "main"
    @Argument(help: "Files or directories to import.") var paths: [String]

    func run() throws {
        guard let kind = ProviderKind(pathComponent: provider) else { throw ValidationError("unknown provider '\(provider)'") }
        let directory: [String]
        switch kind {
        case .apt:
            guard let dist else { throw ValidationError("--dist is required for apt") }
            directory = ["pool", dist, component]
        default:
            directory = []
        }
        let files = try Self.files(in: paths, kind: kind)
        let logger = Bootstrap.makeLogger("artifactfs")
        let bootstrap = try Bootstrap(dataDirectory: data.resolved, s3: try data.s3Location(), logger: logger)
        defer { bootstrap.shutdown() }
        try bootstrap.startWriting(logger: logger)
        let target = try bootstrap.repositories.dropTarget(kind, try RepositoryName(repo), directory: directory, create: true)
        let meter = ProgressMeter(label: "import")
        let total = Int64(files.count)
        let results = try bootstrap.repositories.importFiles(files, into: target) { done, _ in
            if meter.isEnabled { meter.update(sent: Int64(done), total: total) }
        }
        meter.finish()
        var stored = 0, unchanged = 0
        var rejected: [(String, ArtifactError)] = []
        for result in results {
            switch result.outcome {
            case .stored: stored += 1
            case .unchanged: unchanged += 1
            case .rejected(let error): rejected.append((result.path, error))
            }
        }
        print("imported into /\(kind)/\(repo)/\(directory.joined(separator: "/")): \(stored) stored, \(unchanged) unchanged, \(rejected.count) rejected")
        for (path, error) in rejected { print("rejected \(path): \(error)") }
        if !rejected.isEmpty { throw ExitCode(1) }
    }

    /// The files named, and those below the directories named, sorted (apt: only .deb files).
    static func files(in paths: [String], kind: ProviderKind) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist")
            }
            guard isDirectory.boolValue else { files.append(path); continue }
            let walker = FileManager.default.enumerator(atPath: path)
            var found: [String] = []
            while let relative = walker?.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(relative)
                var nested: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue else { continue }
                if kind == .apt && !relative.hasSuffix(".deb") { continue }
                found.append(full)
            }
            files += found.sorted()
        }
        return files
    }
}
