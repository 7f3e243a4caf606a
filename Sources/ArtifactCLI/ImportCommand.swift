// `artifactfs import`: bulk-import existing packages (a reprepro/aptly pool, a pypiserver directory, tarballs).
import ArgumentParser
import Core
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import package files into a repository, published once at the end.",
        discussion: """
            Without --server it works on the data directory itself, which must not be in use (stop the server, \
            or import through it). With --server (or ARTIFACTFS_SERVER) the files are uploaded to that running \
            server, which publishes the repository once when the import ends. Directories are searched \
            recursively: apt takes *.deb files, pypi and tar every file. Each file is checked as an upload would \
            be; rejected files are listed with the reason and make the exit status 1.
            """)

    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var client: ClientOptions
    @Option(help: "Repository format: apt, pypi or tar.") var provider: String
    @Option(help: "Repository name (created if missing).") var repo: String
    @Option(help: "apt: distribution.") var dist: String?
    @Option(help: "apt: component.") var component: String = "main"
    @Option(help: "With --server: uploads in flight at once.") var jobs: Int = 4
    @Argument(help: "Files or directories to import.") var paths: [String]

    var throughServer: Bool { client.server != nil || !(ProcessInfo.processInfo.environment["ARTIFACTFS_SERVER"] ?? "").isEmpty }

    func validate() throws {
        guard ProviderKind(pathComponent: provider) != nil else { throw ValidationError("--provider must be apt, pypi or tar") }
        if provider == "apt" && dist == nil { throw ValidationError("--dist is required for apt") }
        guard (1...32).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 32") }
    }

    func run() throws {
        let kind = ProviderKind(pathComponent: provider)!
        let directory = kind == .apt ? ["pool", dist!, component] : []
        let files = try Self.files(in: paths, kind: kind)
        let totalBytes = files.reduce(0) { $0 + $1.size }
        let meter = ProgressMeter(label: "import")
        let progress: @Sendable (Int, Int64) -> Void = { done, bytes in
            meter.update(files: done, of: files.count, bytes: bytes, of: totalBytes)
        }
        let results: [ImportedFile]
        if throughServer {
            results = try ImportOverHTTP(client: client, provider: provider, repo: repo, directory: directory, jobs: jobs)
                .run(files, progress: progress)
        } else {
            results = try importLocally(files, kind: kind, directory: directory, progress: progress)
        }
        meter.finish()
        try Self.report(results, into: "/\(kind)/\(repo)/\(directory.joined(separator: "/"))")
    }

    private func importLocally(_ files: [ImportFile], kind: ProviderKind, directory: [String], progress: @Sendable (Int, Int64) -> Void) throws -> [ImportedFile] {
        // The file's apt settings and key expiry apply as for `serve`: the import may create the repository and publishes it.
        let settings = try data.settings()
        let logger = Bootstrap.makeLogger("artifactfs", level: settings.level)
        let bootstrap: Bootstrap
        do {
            bootstrap = try Bootstrap(settings, logger: logger)
        } catch let error as ValidationError where error.message.contains("in use") {
            throw ValidationError("\(error.message), or import through the running server: add --server http://HOST:PORT")
        }
        defer { bootstrap.shutdown() }
        try bootstrap.startWriting(logger: logger)
        let target = try bootstrap.repositories.dropTarget(kind, try RepositoryName(repo), directory: directory, create: true)
        return try bootstrap.repositories.importFiles(files.map(\.path), into: target) { done, bytes in
            progress(done, bytes)
        }.map(ImportedFile.init)
    }

    /// One line of totals, one line per rejected file; exit status 1 when any file was rejected.
    static func report(_ results: [ImportedFile], into location: String) throws {
        var stored = 0, unchanged = 0
        var rejected: [(String, String)] = []
        for result in results {
            switch result.outcome {
            case .stored: stored += 1
            case .unchanged: unchanged += 1
            case .rejected(let reason): rejected.append((result.path, reason))
            }
        }
        print("imported into \(location): \(stored) stored, \(unchanged) unchanged, \(rejected.count) rejected")
        for (path, reason) in rejected { print("rejected \(path): \(reason)") }
        if !rejected.isEmpty { throw ExitCode(1) }
    }

    /// The files named, and those below the directories named, sorted (apt: only .deb files), with their sizes.
    static func files(in paths: [String], kind: ProviderKind) throws -> [ImportFile] {
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
        return files.map { ImportFile(path: $0, size: Int64((try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0)) }
    }
}

/// A file to import and its size (for the progress line).
struct ImportFile: Sendable {
    let path: String
    let size: Int64
}

/// What happened to one file, whichever way it was imported.
struct ImportedFile: Sendable {
    enum Outcome: Sendable {
        case stored, unchanged
        case rejected(String)
    }

    let path: String
    let outcome: Outcome

    init(path: String, outcome: Outcome) {
        self.path = path
        self.outcome = outcome
    }

    init(_ result: ImportResult) {
        path = result.path
        switch result.outcome {
        case .stored: outcome = .stored
        case .unchanged: outcome = .unchanged
        case .rejected(let error): outcome = .rejected("\(error)")
        }
    }
}
