// `artifactfs-bench`: helpers for the benchmark scripts (not part of the product).
import ArgumentParser
import Core
import Foundation
import Logging

@main
struct ArtifactBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifactfs-bench",
        abstract: "Benchmark helpers for Benchmarks/*.sh.",
        subcommands: [Populate.self])
}

/// Fills a tar repository with many catalogue rows that share one real tarball blob, so listing
/// benchmarks do not spend hours ingesting.
struct Populate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add COUNT packages (one shared blob) to a tar repository.")

    @Option(help: "Data directory.") var data: String
    @Option(help: "Repository name.") var repo: String
    @Option(help: "Number of packages.") var count: Int
    @Option(help: "A real .tar.zst tarball whose bytes every package shares.") var tarball: String

    func run() throws {
        let logger = Logger(label: "bench")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let metadata = try SQLiteMetadataStore(path: data + "/catalogue.sqlite")
        let blobs = try LocalBlobStore(root: data + "/blobs")
        let repositories = Repositories(metadata: metadata, blobs: blobs, spool: try Spool(directory: data + "/spool"),
                                        providers: [TarballProvider()], logger: logger)
        let name = try RepositoryName(repo)
        let target = try repositories.dropTarget(.tar, name, directory: [], create: true)
        let staged = try repositories.spool.create()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: tarball)))
        try bytes.withUnsafeBytes { try staged.append($0) }
        let digests = try blobs.adopt(staged)
        staged.discard()
        let start = Date()
        for batch in stride(from: 0, to: count, by: 10_000) {
            let rows = try (batch..<min(count, batch + 10_000)).map { i in
                NewPackage(repositoryID: target.repository.id, directoryID: target.directoryID, location: [],
                           filename: try Filename("pkg\(i)-1.0.tar.zst"), name: try PackageName("pkg\(i)"),
                           version: try PackageVersion("1.0"), digests: digests, attributes: ["format": "tar.zst"], uploadedAt: Date())
            }
            _ = try metadata.insertPackages(rows, overwrite: false)
        }
        try repositories.publishNow(repositoryID: target.repository.id)
        print("populated \(count) packages in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }
}
