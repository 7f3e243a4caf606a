// ArchiveReader on real archives: names in any locale, warnings, link chains per format, header bombs.
import Core
import CoreTesting
import Foundation
import Testing

@Suite struct ArchiveReaderTests {
    typealias Member = ArchiveFixtures.Member

    static let formats = ["zip", "gnu", "pax", "ustar"]
    /// The locale the server runs in (never set: C) and a UTF-8 one.
    static let locales = ["C", "C.UTF-8"]

    // Goal: a UTF-8 name that climbs out is refused, and a harmless UTF-8 name accepted, in every format and
    // whatever the thread's locale (under C, libarchive used to return no name at all for zip entries).
    @Test(arguments: formats, locales)
    func readsUTF8NamesInAnyLocale(format: String, locale: String) throws {
        let scratch = ScratchDirectory()
        let escaping = try ArchiveFixtures.write([.file("ok.txt"), .file("../../../../tmp/\u{E9}.txt")], format: format,
                                                 to: scratch.file("escaping"))
        let safe = try ArchiveFixtures.write([.file("d/\u{E9}t\u{E9}.txt"), .symlink("d/l", "\u{E9}t\u{E9}.txt")],
                                             format: format, to: scratch.file("safe"))
        ArchiveFixtures.inLocale(locale) {
            #expect(ArchiveFixtures.refusal(escaping)?.contains("'..' component") == true)
            #expect(ArchiveFixtures.refusal(safe) == nil)
        }
    }

    // Goal: a wheel with a UTF-8 `..` name is refused by the PyPI reader under the server's C locale.
    @Test(arguments: locales)
    func refusesUTF8DotDotInWheels(locale: String) throws {
        let scratch = ScratchDirectory()
        let wheel = try PyPIFixtures.zip(PyPIFixtures.wheel() + [("../../../../tmp/\u{E9}.pth", .text("import os"))],
                                         named: "demo-1.0-py3-none-any.whl", in: scratch)
        let message = ArchiveFixtures.inLocale(locale) { () -> String? in
            do {
                _ = try PythonDistributionReader.read(path: wheel, filename: "demo-1.0-py3-none-any.whl",
                                                      decompressedBytesMax: 64 << 20)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(message?.contains("'..' component") == true, "\(message ?? "accepted")")
    }

    // Goal: a name that is not UTF-8 is refused in every format (two such names would show alike), but a reader
    // that does not check paths still reads it.
    @Test(arguments: formats)
    func refusesNamesThatAreNotUTF8(format: String) throws {
        let scratch = ScratchDirectory()
        let path = try ArchiveFixtures.write([Member(name: Array("d/caf".utf8) + [0xE9, 0x2E, 0x74])], format: format,
                                             to: scratch.file("latin1"))
        let message = ArchiveFixtures.inLocale("C") { ArchiveFixtures.refusal(path) }
        #expect(message?.contains("UTF-8") == true, "\(message ?? "accepted")")
        #expect(ArchiveFixtures.refusal(path, entryPaths: .notExtracted) == nil)
    }

    // Goal: headers libarchive only warns about are refused: a malformed pax header (libarchive keeps the ustar
    // name, other tools may not) and a zip whose central directory and local header disagree.
    @Test func refusesHeadersLibarchiveWarnsAbout() throws {
        let scratch = ScratchDirectory()
        var pax = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try ArchiveFixtures.write(
            [.file("safe-name-that-is-long-enough/x")], format: "pax", to: scratch.file("a.tar")))))
        // Python writes a pax header only when needed; make one by hand: an 'x' entry whose record length lies.
        let record = Array("99 path=../../evil\n".utf8)
        pax = Self.tarHeader(name: "PaxHeader", type: "x", size: record.count) + Self.padded(record) + pax
        let malformed = scratch.file("malformed.tar")
        try Data(pax).write(to: URL(fileURLWithPath: malformed))
        #expect(ArchiveFixtures.refusal(malformed)?.contains("pax") == true)

        let zipPath = try ArchiveFixtures.write([.file("a.txt", "hello")], format: "zip", to: scratch.file("z.zip"))
        var zip = try [UInt8](Data(contentsOf: URL(fileURLWithPath: zipPath)))
        zip[14] ^= 0xFF  // the CRC-32 in the local header; the central directory keeps the right one
        try Data(zip).write(to: URL(fileURLWithPath: zipPath))
        #expect(ArchiveFixtures.refusal(zipPath)?.contains("Inconsistent CRC32") == true)
    }

    /// Link chains that escape only through each other, in archive order and reversed, per container format.
    static let chains: [[Member]] = [
        [.symlink("d/l1", ".."), .symlink("d/l2", "l1/.."), .file("d/f")],
        [.symlink("d/l2", "l1/.."), .symlink("d/l1", ".."), .file("d/f")],
        [.symlink("d/up", ".."), .hardLink("d/h", "d/up/x")],
        [.symlink("d/a", ".."), .symlink("d/a/b", "..")],
    ]

    // Goal: every chain is refused in tar, pax and zip (zips carry links in their external attributes).
    @Test(arguments: ["gnu", "pax", "zip"], chains.indices)
    func refusesLinkChains(format: String, chain: Int) throws {
        let members = Self.chains[chain]
        guard format != "zip" || !members.contains(where: { $0.type == "link" }) else { return }
        let scratch = ScratchDirectory()
        let path = try ArchiveFixtures.write(members, format: format, to: scratch.file("chain"))
        #expect(ArchiveFixtures.refusal(path) != nil, "accepted \(format) chain \(chain)")
    }

    // Goal: the chain is refused in an sdist and a .deb control archive too, through their own readers.
    @Test func refusesLinkChainsInSdistsAndDebs() throws {
        let scratch = ScratchDirectory()
        let sdist = try ArchiveFixtures.write([.file("demo-1.0/PKG-INFO", PyPIFixtures.metadata()),
                                               .symlink("demo-1.0/l2", "l1/.."), .symlink("demo-1.0/l1", "..")],
                                              format: "pax", compression: "gz", to: scratch.file("demo-1.0.tar.gz"))
        do {
            _ = try PythonDistributionReader.read(path: sdist, filename: "demo-1.0.tar.gz", decompressedBytesMax: 64 << 20)
            Issue.record("sdist accepted")
        } catch {
            #expect(error.message.contains("outside"), "\(error.message)")
        }
        let control = try ArchiveFixtures.write([.file("./control", DebFixtures.control), .symlink("./d/l2", "l1/.."),
                                                 .symlink("./d/l1", "..")], format: "gnu", compression: "gz",
                                                to: scratch.file("control.tar.gz"))
        let deb = DebFixtures.ar([DebFixtures.debianBinary, ("control.tar.gz", try PyPIFixtures.bytes(of: control)),
                                  ("data.tar.gz", try DebFixtures.tarGz(["x": "y"]))])
        #expect(throws: DebPackageError.self) { try DebPackageReader.read(path: try DebFixtures.write(deb, in: scratch)) }
    }

    // Goal: headers count against the budget: a small .tar.xz of many empty entries is refused as a bomb.
    @Test func countsHeadersAgainstTheBudget() throws {
        let scratch = ScratchDirectory()
        let members = (0..<4000).map { Member.file("e\($0)", "") }
        let path = try ArchiveFixtures.write(members, format: "gnu", compression: "xz", to: scratch.file("many.tar.xz"))
        #expect(ArchiveFixtures.refusal(path, budget: 64 << 20) == nil)
        #expect(ArchiveFixtures.refusal(path, budget: 1 << 20)?.contains("decompresses to more than") == true)
        #expect(ArchiveFixtures.refusal(path, entriesMax: 3999)?.contains("more than 3999 entries") == true)
    }

    /// Archives whose headers libarchive would read into memory in one call: a GNU sparse 1.0 map of 10 million
    /// blocks (40 MB from 6 KB of xz), four chained 900 KB pax headers, a 10 MB GNU long name, a pax header
    /// declaring 1 GB, and an ar name table of 16 MB.
    static let headerBombs = ["sparse-map", "pax-chain", "long-name", "pax-gigabyte", "ar-name-table"]

    // Goal: each header bomb is refused within a second or two, with no memory worth measuring held.
    @Test(arguments: headerBombs)
    func refusesHeaderBombs(kind: String) throws {
        let scratch = ScratchDirectory()
        let path = scratch.file(kind)
        let status = try Fixtures.run(PyPIFixtures.python3, ["-c", Self.bombScript, kind, path])
        try #require(status == 0)
        let started = Date()
        let message = ArchiveFixtures.refusal(path, formats: kind == "ar-name-table" ? .ar : [.tar, .zip],
                                              budget: 256 << 20)
        #expect(message != nil, "\(kind) accepted")
        #expect(Date().timeIntervalSince(started) < 5, "\(kind) took \(Date().timeIntervalSince(started)) s")
    }

    static let bombScript = """
        import io, lzma, sys, tarfile
        kind, out = sys.argv[1], sys.argv[2]
        def tar(members, fmt=tarfile.PAX_FORMAT):
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
                for info, data in members:
                    t.addfile(info, io.BytesIO(data) if data else None)
            return buf.getvalue()
        def header(name, type, size):
            h = bytearray(512)
            h[0:len(name)] = name.encode()
            h[100:108], h[108:116], h[116:124] = b"0000644\\0", b"0000000\\0", b"0000000\\0"
            h[124:136] = b"%011o\\0" % size
            h[136:148], h[156:157], h[257:265] = b"00000000000\\0", type, b"ustar\\x0000"
            h[148:156] = b"        "
            h[148:156] = b"%06o\\0 " % sum(h)
            return bytes(h)
        def pad(data): return data + b"\\0" * (-len(data) % 512)
        if kind == "sparse-map":
            n = 10_000_000
            body = f"{n}\\n".encode() + b"0\\n0\\n" * n
            info = tarfile.TarInfo("GNUSparseFile.0/f")
            info.size = len(pad(body))
            info.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "f",
                                "GNU.sparse.realsize": "0"}
            data = lzma.compress(tar([(info, pad(body))]))
        elif kind == "pax-chain":
            value = "x" * 900_000
            record = f"comment={value}\\n"
            record = f"{len(record) + 7} {record}".encode()
            data = b"".join(header("PaxHeader", b"x", len(record)) + pad(record) for _ in range(4))
            data += header("f", b"0", 0) + b"\\0" * 1024
        elif kind == "long-name":
            name = b"a/" * 5_000_000
            data = header("././@LongLink", b"L", len(name)) + pad(name) + header("f", b"0", 0) + b"\\0" * 1024
        elif kind == "pax-gigabyte":
            data = header("PaxHeader", b"x", 1 << 30) + b"1073741830 path=" + b"a" * (4 << 20)
        else:
            size = 16 << 20
            data = b"!<arch>\\n" + b"%-16s%-12d%-6d%-6d%-8s%-10d`\\n" % (b"//", 0, 0, 0, b"644", size) + b"a\\n" * (size // 2)
        open(out, "wb").write(data)
        """

    static func tarHeader(name: String, type: Character, size: Int) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte } }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(String(format: "%011o", size), at: 124)
        put("00000000000", at: 136)
        put(String(type), at: 156)
        put("ustar", at: 257)
        put("00", at: 263)
        put("        ", at: 148)
        put(String(format: "%06o", header.reduce(0) { $0 + Int($1) }) + "\0 ", at: 148)
        return header
    }

    static func padded(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512) }
}
