// Builds every generated file of one apt repository from its catalogue rows (no package blob is read).
import Foundation
import Synchronization

/// One publish of an apt repository: Packages indexes per component and architecture, per-index and dist
/// Release files, signatures, by-hash copies, the install script and the public key.
struct AptIndexBuilder {
    static let gzipLevel = 9
    static let xzPreset: UInt32 = 6
    /// Stanzas per Packages chunk, roughly: each chunk is compressed on its own and reused while unchanged.
    static let stanzasPerChunk = 32
    static let byHashAlgorithms = ["SHA256", "SHA512"]

    let input: IndexInput
    let configuration: AptProvider.Configuration
    let signer: any ReleaseSigner
    let chunks: CompressedChunkCache
    private var files: [GeneratedFile] = []
    private var usedChunks: [String: PackagesChunk] = [:]
    /// SHA-256 of every index file this publish lists in a Release (what by-hash must keep).
    private var liveIndexDigests = Set<SHA256Digest>()

    init(input: IndexInput, configuration: AptProvider.Configuration, signer: any ReleaseSigner, chunks: CompressedChunkCache) {
        self.input = input
        self.configuration = configuration
        self.signer = signer
        self.chunks = chunks
    }

    mutating func build() throws -> [GeneratedFile] {
        // Indices into `input.packages`: grouping copies of 10,000 records would cost more than building.
        let placed = input.packages.map { AptLayout.distAndComponent(of: $0.location) }
        // Dists and components are grouped and sorted by bytes (`ByteString`), as the catalogue tells them apart.
        let byDist = Dictionary(grouping: input.packages.indices.filter { placed[$0] != nil }) { ByteString(placed[$0]!.dist) }
        var dists = Set(input.dropDirectories.compactMap { AptLayout.distAndComponent(of: $0).map { ByteString($0.dist) } })
        dists.formUnion(byDist.keys)
        for dist in dists.sorted() {
            try buildDist(dist.string, packages: byDist[dist] ?? [], components: { placed[$0]!.component })
        }
        carryOverByHash()
        files.append(GeneratedFile(path: [AptLayout.publicKeyArmored], bytes: try signer.publicKey(armored: true)))
        files.append(GeneratedFile(path: [AptLayout.publicKeyring], bytes: try signer.publicKey(armored: false)))
        chunks.replace(repository: input.repository.id, with: usedChunks)
        return files
    }

    // MARK: - Dists

    private mutating func buildDist(_ dist: String, packages: [Int], components component: (Int) -> String) throws {
        let byComponent = Dictionary(grouping: packages) { ByteString(component($0)) }
        var keys = Set(input.dropDirectories.compactMap { location in
            AptLayout.distAndComponent(of: location).flatMap { $0.dist.bytesEqual(dist) ? ByteString($0.component) : nil }
        })
        keys.formUnion(byComponent.keys)
        let components = keys.sorted().map(\.string)
        let architectureOf = { (index: Int) in self.input.packages[index].attributes[AptAttribute.architecture] ?? "" }
        let architectures = Self.architectures(packages.map(architectureOf), defaults: configuration.architectures(for: input.repository.name))
        var listed: [(path: String, digests: AptIndexDigests)] = []
        for component in components {
            let byArchitecture = Dictionary(grouping: byComponent[ByteString(component)] ?? [], by: architectureOf)
            let common = byArchitecture["all"] ?? []
            for architecture in ["all"] + architectures {
                let selected = architecture == "all" ? common : common + (byArchitecture[architecture] ?? [])
                listed += try buildIndex(dist: dist, component: component, architecture: architecture, packages: selected)
            }
        }
        let release = Array(AptReleaseFile.distRelease(
            repository: input.repository.name.rawValue, dist: dist, components: components,
            architectures: architectures, date: input.now, validFor: configuration.validFor(for: input.repository.name), files: listed).utf8)
        let base = [AptLayout.dists, dist]
        files.append(GeneratedFile(path: base + ["Release"], bytes: release))
        let (inRelease, detached) = try Self.signBoth(release, signer: signer)
        files.append(GeneratedFile(path: base + ["InRelease"], bytes: inRelease))
        files.append(GeneratedFile(path: base + ["Release.gpg"], bytes: detached))
        let script = AptInstallScript.render(repository: input.repository.name.rawValue, dist: dist,
                                             components: components, publicURL: configuration.publicURL)
        files.append(GeneratedFile(path: base + ["install"], bytes: Array(script.utf8)))
    }

    /// InRelease and Release.gpg at once: each signature runs gpg, most of it waiting.
    static func signBoth(_ release: [UInt8], signer: any ReleaseSigner) throws -> (clear: [UInt8], detached: [UInt8]) {
        let results = Mutex<[Result<[UInt8], any Error>?]>([nil, nil])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = Result { index == 0 ? try signer.clearSign(release) : try signer.detachSign(release) }
            results.withLock { $0[index] = result }
        }
        let (clear, detached) = results.withLock { ($0[0]!, $0[1]!) }
        return (try clear.get(), try detached.get())
    }

    /// `all` is always published; the architectures are the configured defaults plus those packages bring.
    static func architectures(_ packageArchitectures: [String], defaults: [String]) -> [String] {
        var set = Set(defaults)
        set.formUnion(packageArchitectures)
        set.remove("all")
        set.remove("")
        return set.sorted()
    }

    // MARK: - One binary index

    /// Writes `<component>/binary-<arch>/{Packages,Packages.gz,Packages.xz,Release}` and their by-hash copies;
    /// returns what the dist Release lists, paths relative to `dists/<dist>/`.
    private mutating func buildIndex(dist: String, component: String, architecture: String,
                                     packages: [Int]) throws -> [(path: String, digests: AptIndexDigests)] {
        let directory = [component, "binary-\(architecture)"]
        let base = [AptLayout.dists, dist] + directory
        var plain: [UInt8] = [], gzip: [UInt8] = [], blocks: [XZBlock] = []
        for chunk in try packagesChunks(packages) {
            plain += chunk.plain
            gzip += chunk.gzip
            blocks.append(chunk.xz)
        }
        let xz = try XZBlocks.stream(blocks)
        let indexRelease = Array(AptReleaseFile.indexRelease(
            repository: input.repository.name.rawValue, dist: dist, component: component, architecture: architecture).utf8)
        var listed: [(path: String, digests: AptIndexDigests)] = []
        let contents = [("Packages", plain), ("Packages.gz", gzip), ("Packages.xz", xz), ("Release", indexRelease)]
        for ((name, bytes), digests) in zip(contents, AptIndexDigests.concurrently(contents.map(\.1))) {
            files.append(GeneratedFile(path: base + [name], bytes: bytes, digest: digests.sha256))
            listed.append(((directory + [name]).joined(separator: "/"), digests))
            guard name != "Release" else { continue }
            liveIndexDigests.insert(digests.sha256)
            // The primary file above stores the blob; the copies only name it (no second hashing).
            let size = Int64(bytes.count)
            files.append(GeneratedFile(path: base + ["by-hash", "SHA256", digests.sha256.hex], stored: digests.sha256, size: size))
            files.append(GeneratedFile(path: base + ["by-hash", "SHA512", digests.sha512], stored: digests.sha256, size: size))
        }
        return listed
    }

    /// The Packages file as chunks: packages are spread over buckets by a hash of their name, so adding one
    /// package changes one chunk and the other chunks' compressed streams are reused from the last publish.
    private mutating func packagesChunks(_ packages: [Int]) throws -> [PackagesChunk] {
        guard !packages.isEmpty else { return [try chunk(key: "", text: { "" })] }
        let records = input.packages
        let bucketCount = Self.bucketCount(for: packages.count)
        var buckets = [[Int]](repeating: [], count: bucketCount)
        for index in packages {
            buckets[Int(Self.fnv1a(records[index].name.rawValue) % UInt64(bucketCount))].append(index)
        }
        var result: [PackagesChunk] = []
        for bucket in buckets where !bucket.isEmpty {
            let sorted = bucket.sorted {
                (records[$0].name.rawValue, records[$0].version.rawValue, records[$0].filename.rawValue)
                    < (records[$1].name.rawValue, records[$1].version.rawValue, records[$1].filename.rawValue)
            }
            let key = sorted.map { String(records[$0].id) }.joined(separator: ",")
            result.append(try chunk(key: key) { sorted.map { Self.stanza(records[$0]) }.joined() })
        }
        return result
    }

    /// The chunk for `key` from this publish or the last one, else compressed now.
    private mutating func chunk(key: String, text: () -> String) throws -> PackagesChunk {
        if let cached = usedChunks[key] ?? chunks.chunk(repository: input.repository.id, key: key) {
            usedChunks[key] = cached
            return cached
        }
        let chunk = try compress(Array(text().utf8))
        usedChunks[key] = chunk
        return chunk
    }

    private func compress(_ plain: [UInt8]) throws -> PackagesChunk {
        chunks.countCompression()
        return PackagesChunk(plain: plain, gzip: try GzipCompressor.compress(plain, level: Self.gzipLevel),
                      xz: try XZBlocks.block(plain, preset: Self.xzPreset))
    }

    /// A power of two near `count / stanzasPerChunk`, so chunk boundaries only move when the index doubles.
    static func bucketCount(for count: Int) -> Int {
        var buckets = 1
        while buckets * stanzasPerChunk < count, buckets < 4096 { buckets *= 2 }
        return buckets
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// The control paragraph as uploaded, then the fields `apt-ftparchive packages` adds, then a blank line.
    /// Rows stored before uploads were cleaned of those fields still carry them: they are removed here too.
    static func stanza(_ package: PackageRecord) -> String {
        var text = AptServerFields.removed(from: package.attributes[AptAttribute.control] ?? "")
        if !text.hasSuffix("\n") { text += "\n" }
        text += "Filename: \((package.location + [package.filename.rawValue]).joined(separator: "/"))\n"
        text += "Size: \(package.digests.size)\n"
        text += "MD5sum: \(package.digests.md5 ?? "")\n"
        text += "SHA1: \(package.digests.sha1 ?? "")\n"
        text += "SHA256: \(package.digests.sha256.hex)\n"
        text += "SHA512: \(package.digests.sha512 ?? "")\n\n"
        return text
    }

    // MARK: - by-hash

    /// Keeps by-hash copies of index files from recent generations, so a client holding an older InRelease
    /// still finds what it names while it downloads (apt's Acquire-By-Hash).
    private mutating func carryOverByHash() {
        var recent = liveIndexDigests
        for generation in input.recentGenerations {
            for file in generation where Self.isPrimaryIndex(file.path) { recent.insert(file.digest) }
        }
        let produced = Set(files.map(\.path))
        var carried = Set<[String]>()
        for generation in input.recentGenerations {
            for file in generation where file.path.contains("by-hash") && recent.contains(file.digest)
                && !produced.contains(file.path) && !carried.contains(file.path) {
                carried.insert(file.path)
                files.append(GeneratedFile(path: file.path, stored: file.digest, size: file.size))
            }
        }
    }

    private static func isPrimaryIndex(_ path: [String]) -> Bool {
        path.first == AptLayout.dists && !path.contains("by-hash") && (path.last?.hasPrefix("Packages") ?? false)
    }
}
