// Archives for the archive tests, written by python3's tarfile and zipfile (and by hand where they refuse).
import Core
import CoreTesting
import Foundation

enum ArchiveFixtures {
    /// One member: a name (bytes, so names that are not UTF-8 can be written), a type and a link target.
    struct Member {
        var name: [UInt8]
        var type = "file"
        var target: [UInt8] = []
        var data = ""

        static func file(_ name: String, _ data: String = "x") -> Member { Member(name: Array(name.utf8), data: data) }
        static func dir(_ name: String) -> Member { Member(name: Array(name.utf8), type: "dir") }
        static func symlink(_ name: String, _ target: String) -> Member {
            Member(name: Array(name.utf8), type: "sym", target: Array(target.utf8))
        }
        static func hardLink(_ name: String, _ target: String) -> Member {
            Member(name: Array(name.utf8), type: "link", target: Array(target.utf8))
        }
    }

    /// `format` is gnu, pax, ustar (tar variants) or zip (symbolic links as Unix external attributes, as Info-ZIP
    /// writes them; non-ASCII UTF-8 names get the UTF-8 flag, names that are not UTF-8 are written raw without it);
    /// `compression` is "", "gz" or "xz".
    static func write(_ members: [Member], format: String, compression: String = "", to out: String) throws -> String {
        let spec: [String: Any] = [
            "out": out, "format": format, "compression": compression,
            "members": members.map { ["name": hex($0.name), "type": $0.type, "target": hex($0.target), "data": $0.data] },
        ]
        let manifest = out + ".json"
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: manifest))
        let status = try Fixtures.run(PyPIFixtures.python3, ["-c", script, manifest])
        guard status == 0 else { throw PyPIFixtures.PythonFailed(status: status) }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private static let script = """
        import gzip, io, json, lzma, sys, tarfile, zipfile
        spec = json.load(open(sys.argv[1]))
        members = spec["members"]
        def raw(m, key): return bytes.fromhex(m[key])
        if spec["format"] == "zip":
            buf, patches = io.BytesIO(), []
            with zipfile.ZipFile(buf, "w") as z:
                for i, m in enumerate(members):
                    name = raw(m, "name")
                    try:
                        text = name.decode("utf-8")
                    except UnicodeDecodeError:
                        text = ("@%0" + str(len(name) - 1) + "d") % i
                        patches.append((text.encode(), name))
                    info = zipfile.ZipInfo(text, date_time=(2024, 1, 1, 0, 0, 0))
                    info.create_system = 3
                    data = m["data"].encode()
                    if m["type"] == "dir":
                        info.external_attr = (0o40755 << 16) | 0x10
                    elif m["type"] == "sym":
                        info.external_attr = 0o120777 << 16
                        data = raw(m, "target")
                    else:
                        info.external_attr = 0o100644 << 16
                    z.writestr(info, data)
            data = buf.getvalue()
            for placeholder, name in patches:
                data = data.replace(placeholder, name)
        else:
            formats = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT, "ustar": tarfile.USTAR_FORMAT}
            types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
                     "link": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE}
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w", format=formats[spec["format"]], encoding="utf-8",
                              errors="surrogateescape") as t:
                for m in members:
                    info = tarfile.TarInfo(raw(m, "name").decode("utf-8", "surrogateescape"))
                    info.type = types[m["type"]]
                    info.linkname = raw(m, "target").decode("utf-8", "surrogateescape")
                    info.mtime, info.mode = 1700000000, 0o755 if m["type"] == "dir" else 0o644
                    data = m["data"].encode() if m["type"] == "file" else b""
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data) if data else None)
            data = buf.getvalue()
        if spec["compression"] == "gz":
            data = gzip.compress(data, mtime=0)
        elif spec["compression"] == "xz":
            data = lzma.compress(data)
        open(spec["out"], "wb").write(data)
        """

    /// Runs `body` with this thread's LC_CTYPE set to `name` ("C" is what the server runs with: it never calls
    /// setlocale), restoring the thread's locale afterwards.
    static func inLocale<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let locale = newlocale(Int32(1 << LC_CTYPE), name, nil)
        let previous = uselocale(locale)
        defer {
            uselocale(previous)
            if let locale { freelocale(locale) }
        }
        return try body()
    }

    /// Reads `path` as TarballProvider does (tar or zip, paths checked, every entry drained); nil when accepted.
    static func refusal(_ path: String, formats: ArchiveReader.Formats = [.tar, .zip],
                        entryPaths: ArchiveReader.EntryPaths = .safeToExtract, budget: Int64 = 64 << 20,
                        entriesMax: Int? = nil) -> String? {
        do {
            let reader = try ArchiveReader(path: path, formats: formats, entryPaths: entryPaths, decompressedBytesMax: budget)
            if let entriesMax { reader.entriesMax = entriesMax }
            while try reader.next() != nil { try reader.drainData() }
            return nil
        } catch {
            return error.message
        }
    }
}
