// `artifactfs-bench apt-publish`: times the apt publish step alone on a large dist (catalogue rows, no .debs).
import ArgumentParser
import Core
import Foundation
import Logging

/// Fills one apt dist with COUNT catalogue rows, then times publishes that each follow one new package.
struct AptPublish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apt-publish",
                                                    abstract: "Time apt publishes of a COUNT-package dist after one new package each.")

    @Option(help: "Data directory (created).") var data: String
    @Option(help: "Packages in the dist.") var count: Int = 10_000
    @Option(help: "Timed publishes.") var rounds: Int = 10

    func run() throws {
        var logger = Logger(label: "bench")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let keys = try GPGKeyStore(root: data + "/keys/apt")
        defer { keys.stopAgents() }
        let repositories = Repositories(
            metadata: try SQLiteMetadataStore(path: data + "/catalogue.sqlite"), blobs: try LocalBlobStore(root: data + "/blobs"),
            spool: try Spool(directory: data + "/spool"), providers: [AptProvider(keys: keys)], logger: logger)
        let target = try repositories.dropTarget(.apt, RepositoryName("bench"), directory: ["pool", "stable", "main"], create: true)
        try insert(repositories, target, 0..<count)
        var start = ContinuousClock.now
        try repositories.publishNow(repositoryID: target.repository.id)
        print("first publish of \(count) packages: \(milliseconds(ContinuousClock.now - start)) ms")
        var times: [Double] = []
        for round in 0..<rounds {
            try insert(repositories, target, (count + round)..<(count + round + 1))
            start = ContinuousClock.now
            try repositories.publishNow(repositoryID: target.repository.id)
            times.append(milliseconds(ContinuousClock.now - start))
        }
        times.sort()
        print("publish after one new package: p50 \(times[times.count / 2]) ms, max \(times.last ?? 0) ms over \(rounds)")
    }

    private func insert(_ repositories: Repositories, _ target: DropTarget, _ range: Range<Int>) throws {
        let rows = try range.map { i -> NewPackage in
            let name = "bench\(i)", version = "1.0.\(i)-1"
            var hasher = MultiHasher(kinds: .apt)
            hasher.update(Array(name.utf8))
            let control = "Package: \(name)\nVersion: \(version)\nArchitecture: amd64\nMaintainer: Bench <bench@example.com>\n"
                + "Installed-Size: 12\nSection: misc\nPriority: optional\nDescription: benchmark package \(i)\n generated.\n"
            return NewPackage(repositoryID: target.repository.id, directoryID: target.directoryID, location: target.location,
                              filename: try Filename("\(name)_\(version)_amd64.deb"), name: try PackageName(name),
                              version: try PackageVersion(version), digests: hasher.finalize(),
                              attributes: ["architecture": "amd64", "control": control], identity: "\(name)_\(version)_amd64",
                              uploadedAt: Date())
        }
        _ = try repositories.metadata.insertPackages(rows, overwrite: false)
    }

    private func milliseconds(_ duration: Duration) -> Double {
        (Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15).rounded()
    }
}
