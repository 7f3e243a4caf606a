// Builds every generated file of one apt repository from its catalogue rows (no package blob is read).
import Foundation

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
        let byDist = Dictionary(grouping: input.packages) { AptLayout.distAndComponent(of: $0.location)?.dist ?? "" }
        var dists = Set(input.dropDirectories.compactMap { AptLayout.distAndComponent(of: $0)?.dist })
        dists.formUnion(byDist.keys.filter { !$0.isEmpty })
        for dist in dists.sorted() {
            try buildDist(dist, packages: byDist[dist] ?? [])
        }
        carryOverByHash()
        files.append(GeneratedFile(path: [AptLayout.publicKeyArmored], bytes: try signer.publicKey(armored: true)))
        files.append(GeneratedFile(path: [AptLayout.publicKeyring], bytes: try signer.publicKey(armored: false)))
        chunks.replace(repository: input.repository.id, with: usedChunks)
        return files
    }

    // MARK: - Dists

    private mutating func buildDist(_ dist: String, packages: [PackageRecord]) throws {
        let byComponent = Dictionary(grouping: packages) { AptLayout.distAndComponent(of: $0.location)?.component ?? "" }
        var components = Set(input.dropDirectories.compactMap { location in
            AptLayout.distAndComponent(of: location).flatMap { $0.dist == dist ? $0.component : nil }
        })
        components.formUnion(byComponent.keys.filter { !$0.isEmpty })
        let architectures = Self.architectures(of: packages, defaults: configuration.defaultArchitectures)
        var listed: [(path: String, digests: AptIndexDigests)] = []
        for component in components.sorted() {
            let componentPackages = byComponent[component] ?? []
            for architecture in ["all"] + architectures {
                let selected = componentPackages.filter {
                    let packageArchitecture = $0.attributes[AptAttribute.architecture]
                    return packageArchitecture == architecture || (architecture != "all" && packageArchitecture == "all")
                }
                listed += try buildIndex(dist: dist, component: component, architecture: architecture, packages: selected)
            }
        }
        let release = Array(AptReleaseFile.distRelease(
            repository: input.repository.name.rawValue, dist: dist, components: components.sorted(),
            architectures: architectures, date: input.now, validFor: configuration.validFor, files: listed).utf8)
        let base = [AptLayout.dists, dist]
        files.append(GeneratedFile(path: base + ["Release"], bytes: release))
        files.append(GeneratedFile(path: base + ["InRelease"], bytes: try signer.clearSign(release)))
        files.append(GeneratedFile(path: base + ["Release.gpg"], bytes: try signer.detachSign(release)))
        let script = AptInstallScript.render(repository: input.repository.name.rawValue, dist: dist,
                                             components: components.sorted(), publicURL: configuration.publicURL)
        files.append(GeneratedFile(path: base + ["install"], bytes: Array(script.utf8)))
    }

    /// `all` is always published; the architectures are the configured defaults plus those packages bring.
    static func architectures(of packages: [PackageRecord], defaults: [String]) -> [String] {
        var set = Set(defaults)
        for package in packages {
            if let architecture = package.attributes[AptAttribute.architecture], architecture != "all" { set.insert(architecture) }
        }
        return set.sorted()
    }

    // MARK: - One binary index

    /// Writes `<component>/binary-<arch>/{Packages,Packages.gz,Packages.xz,Release}` and their by-hash copies;
    /// returns what the dist Release lists, paths relative to `dists/<dist>/`.
    private mutating func buildIndex(dist: String, component: String, architecture: String,
                                     packages: [PackageRecord]) throws -> [(path: String, digests: AptIndexDigests)] {
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
        for (name, bytes) in [("Packages", plain), ("Packages.gz", gzip), ("Packages.xz", xz), ("Release", indexRelease)] {
            let digests = AptIndexDigests(of: bytes)
            files.append(GeneratedFile(path: base + [name], bytes: bytes))
            listed.append(((directory + [name]).joined(separator: "/"), digests))
            guard name != "Release" else { continue }
            liveIndexDigests.insert(digests.sha256)
            files.append(GeneratedFile(path: base + ["by-hash", "SHA256", digests.sha256.hex], bytes: bytes))
            files.append(GeneratedFile(path: base + ["by-hash", "SHA512", digests.sha512], bytes: bytes))
        }
        return listed
    }

    /// The Packages file as chunks: packages are spread over buckets by a hash of their name, so adding one
    /// package changes one chunk and the other chunks' compressed streams are reused from the last publish.
    private mutating func packagesChunks(_ packages: [PackageRecord]) throws -> [PackagesChunk] {
        guard !packages.isEmpty else { return [try chunk(key: "", text: { "" })] }
        let bucketCount = Self.bucketCount(for: packages.count)
        var buckets = [[PackageRecord]](repeating: [], count: bucketCount)
        for package in packages {
            buckets[Int(Self.fnv1a(package.name.rawValue) % UInt64(bucketCount))].append(package)
        }
        var result: [PackagesChunk] = []
        for bucket in buckets where !bucket.isEmpty {
            let sorted = bucket.sorted { ($0.name.rawValue, $0.version.rawValue, $0.filename.rawValue) < ($1.name.rawValue, $1.version.rawValue, $1.filename.rawValue) }
            let key = sorted.map { String($0.id) }.joined(separator: ",")
            result.append(try chunk(key: key) { sorted.map(Self.stanza).joined() })
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
        return PackagesChunk(plain: plain, gzip: try StreamCompressor.gzip.compress(plain, level: Self.gzipLevel),
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
    static func stanza(_ package: PackageRecord) -> String {
        var text = package.attributes[AptAttribute.control] ?? ""
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
