// `artifactfs-bench`: helpers for the benchmark scripts (not part of the product).
import ArgumentParser
import ArtifactFS
import Core
import Foundation
import Logging

@main
struct ArtifactBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifactfs-bench",
        abstract: "Benchmark helpers for Benchmarks/*.sh.",
        subcommands: [Populate.self, Lookups.self, AptPublish.self])
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

/// Times lookups and getattrs through the filesystem model (no kernel), sequentially and from several threads.
struct Lookups: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time COUNT lookup+getattr calls on a populated repository.")

    @Option(help: "Data directory.") var data: String
    @Option(help: "Repository name.") var repo: String
    @Option(help: "Number of lookups.") var count: Int = 10_000
    @Option(help: "Threads.") var threads: Int = 1

    func run() throws {
        let logger = Logger(label: "bench")
        let repositories = Repositories(metadata: try SQLiteMetadataStore(path: data + "/catalogue.sqlite"),
                                        blobs: try LocalBlobStore(root: data + "/blobs"),
                                        spool: try Spool(directory: data + "/spool-bench"), providers: [TarballProvider()], logger: logger)
        let fs = ArtifactFileSystem(repositories: repositories, logger: logger)
        let tar = try fs.lookup(parent: 1, name: "tar")
        let directory = try fs.lookup(parent: tar.inode, name: repo)
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for i in stride(from: thread, to: count, by: threads) {
                let attributes = try! fs.lookup(parent: directory.inode, name: "pkg\(i)-1.0.tar.zst")
                _ = try! fs.getattr(attributes.inode)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "%d lookup+getattr on %d threads: %.3f s, %.1f us each", count, threads, seconds, seconds / Double(count) * 1e6))
    }
}
