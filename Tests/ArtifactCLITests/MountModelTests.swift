// Model-based test of the mount: random create/write/rm/rename/mkdir/rmdir sequences checked against a reference model.
import CoreTesting
import Foundation
import Testing

/// Runs a seeded random sequence of system calls on the tar repositories of a live mount and, after each one,
/// compares its result and the tree with a small model of what SEMANTICS.md promises: a valid new file is stored,
/// garbage and bad names are refused and leave nothing, different bytes under a taken name are `EEXIST` (a
/// tarball's identity is its file name: `a-1.0.tar.gz` and `a-1.0.tgz` live side by side), rename within a
/// repository moves a package, across repositories is `EXDEV`, rmdir removes only an empty repository.
/// `ARTIFACTFS_MODEL_STEPS` (default 150) and `ARTIFACTFS_MODEL_SEED` (default: random, printed on failure).
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: "/dev/fuse"), "needs /dev/fuse"))
struct MountModelTests {
    @Test func randomOperationsMatchTheModel() async throws {
        let environment = ProcessInfo.processInfo.environment
        let steps = Int(environment["ARTIFACTFS_MODEL_STEPS"] ?? "") ?? 150
        let seed = UInt64(environment["ARTIFACTFS_MODEL_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        try await MountTests.withMount { m in
            let contents = [try await m.work.tarball("one.tar.gz", seed: 1), try await m.work.tarball("two.tar.gz", seed: 2),
                            try await m.work.tarball("three.tar.gz", seed: 3)].map { try! Workspace.bytes(at: $0) }
            let root = m.mount + "/tar"
            let mismatches = try await offCooperativePool {
                var runner = ModelRunner(root: root, contents: contents + [Array("not an archive".utf8)], seed: seed)
                runner.model.repositories["r"] = [:]   // Mounted.start made it
                return try runner.run(steps: steps)
            }
            #expect(mismatches.isEmpty, "seed \(seed) (ARTIFACTFS_MODEL_SEED=\(seed) to replay):\n\(mismatches.prefix(10).joined(separator: "\n"))")
            // The published index agrees with the model once the last publish ran.
            for (repository, files) in try await offCooperativePool({ ModelRunner.currentModel(root) }) where !files.isEmpty {
                let expected = files.keys.sorted()
                var listed: [String] = []
                for _ in 0..<100 {
                    let sums = try await fetchText("\(m.server.url)/tar/\(repository)/SHA256SUMS")
                    listed = sums.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }.sorted()
                    if listed == expected { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(listed == expected, "SHA256SUMS of \(repository) (seed \(seed))")
            }
        }
    }
}

/// What the tree should hold: repository → file name → bytes.
struct TreeModel {
    var repositories: [String: [String: [UInt8]]] = [:]
}

/// Draws operations, performs them with system calls and checks each against the model.
struct ModelRunner {
    let root: String
    let contents: [[UInt8]]
    var model = TreeModel()
    var random: SplitMix64
    var mismatches: [String] = []

    /// Valid names (two with the same name and version), an invalid one, and repositories to create.
    static let names = ["a-1.0.tar.gz", "a-1.0.tgz", "b-2.0.tar.gz", "c-0.1.tar.gz", "d-3.tar.gz", "noversion.tar.gz"]
    static let repositories = ["r", "s", "t"]

    init(root: String, contents: [[UInt8]], seed: UInt64) {
        self.root = root
        self.contents = contents
        random = SplitMix64(seed: seed)
    }

    mutating func run(steps: Int) throws -> [String] {
        for step in 1...steps {
            let description = perform()
            compareTree(after: "step \(step): \(description)")
            if mismatches.count >= 10 { break }
        }
        return mismatches
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

    /// One random operation; records a mismatch when its outcome differs from the model's. Returns what it did.
    private mutating func perform() -> String {
        let repository = pick(Self.repositories), name = pick(Self.names)
        switch random.next() % 10 {
        case 0...3:
            let content = Int(random.next() % UInt64(contents.count))
            let bytes = contents[content]
            let ok = Self.write(root + "/\(repository)/\(name)", bytes)
            let expected = expectWrite(repository, name, bytes, valid: content < contents.count - 1)
            check(ok == expected, "write \(repository)/\(name) (content \(content)): \(ok ? "succeeded" : "failed"), model says \(expected)")
            if ok && expected { model.repositories[repository]?[name] = bytes }
            return "write \(repository)/\(name) content \(content)"
        case 4, 5:
            let ok = unlink(root + "/\(repository)/\(name)") == 0
            let expected = model.repositories[repository]?[name] != nil
            check(ok == expected, "unlink \(repository)/\(name): \(ok), model says \(expected)")
            if ok { model.repositories[repository]?[name] = nil }
            return "unlink \(repository)/\(name)"
        case 6, 7:
            let target = random.next() % 4 == 0 ? pick(Self.repositories) : repository, newName = pick(Self.names)
            let ok = rename(root + "/\(repository)/\(name)", root + "/\(target)/\(newName)") == 0
            let code = errno
            let expected = expectRename(repository, name, target, newName)
            check(ok == expected, "rename \(repository)/\(name) -> \(target)/\(newName): \(ok ? "succeeded" : "errno \(code)"), model says \(expected)")
            if ok && expected && !(target == repository && newName == name) {
                let bytes = model.repositories[repository]![name]!
                model.repositories[repository]![name] = nil
                model.repositories[target]![newName] = bytes
            }
            return "rename \(repository)/\(name) -> \(target)/\(newName)"
        case 8:
            let ok = mkdir(root + "/\(repository)", 0o755) == 0
            let expected = model.repositories[repository] == nil
            check(ok == expected, "mkdir \(repository): \(ok), model says \(expected)")
            if ok { model.repositories[repository] = [:] }
            return "mkdir \(repository)"
        default:
            let ok = rmdir(root + "/\(repository)") == 0
            let expected = model.repositories[repository]?.isEmpty == true
            check(ok == expected, "rmdir \(repository): \(ok), model says \(expected)")
            if ok { model.repositories[repository] = nil }
            return "rmdir \(repository)"
        }
    }

    /// A write succeeds when the repository exists, the name and bytes are valid, and the name holds no other bytes.
    private func expectWrite(_ repository: String, _ name: String, _ bytes: [UInt8], valid: Bool) -> Bool {
        guard let files = model.repositories[repository], valid, name != "noversion.tar.gz" else { return false }
        return files[name].map { $0 == bytes } ?? true
    }

    /// Within a repository: the source exists and the new name is valid and free or holds identical bytes.
    /// Across repositories: EXDEV.
    private func expectRename(_ repository: String, _ name: String, _ target: String, _ newName: String) -> Bool {
        guard let files = model.repositories[repository], let bytes = files[name], target == repository else { return false }
        if newName == name { return true }
        guard newName != "noversion.tar.gz" else { return false }
        return files[newName].map { $0 == bytes } ?? true
    }

    private mutating func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { mismatches.append(message()) }
    }

    /// The listing of every repository (and its files' bytes) must be the model's.
    private mutating func compareTree(after step: String) {
        let actual = Self.currentModel(root)
        if Set(actual.keys) != Set(model.repositories.keys) {
            mismatches.append("\(step): repositories \(actual.keys.sorted()) but model \(model.repositories.keys.sorted())")
        }
        for (repository, files) in model.repositories {
            if actual[repository] ?? [:] != files {
                mismatches.append("\(step): \(repository) holds \((actual[repository] ?? [:]).keys.sorted()) but model \(files.keys.sorted())")
            }
        }
    }

    /// The tree as the mount shows it: repositories and their files (the generated SHA256SUMS left out).
    static func currentModel(_ root: String) -> [String: [String: [UInt8]]] {
        var tree: [String: [String: [UInt8]]] = [:]
        for repository in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            var files: [String: [UInt8]] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + repository)) ?? [] where name != "SHA256SUMS" {
                files[name] = (try? Workspace.bytes(at: root + "/\(repository)/\(name)")) ?? []
            }
            tree[repository] = files
        }
        return tree
    }

    /// open(O_CREAT|O_TRUNC), write, close: true when every call succeeded (close reports the ingest).
    static func write(_ path: String, _ bytes: [UInt8]) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return false }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let closed = close(fd) == 0
        return written == bytes.count && closed
    }
}

/// A small seedable generator (SplitMix64), so a failing sequence can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
