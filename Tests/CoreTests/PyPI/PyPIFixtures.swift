// Python distributions for the PyPI tests, written by python3's own zipfile and tarfile modules.
import CoreTesting
import Foundation
import Testing

/// Groups the PyPI suites so `swift test --filter PyPI` runs exactly them.
@Suite enum PyPITests {}

enum PyPIFixtures {
    /// One archive member's content.
    enum Member {
        case text(String)
        case bytes([UInt8])
        /// `text` followed by `count` bytes of "x", made by the generator rather than sent to it.
        case padded(String, count: Int)
        /// Kept uncompressed in a zip, so a changed byte is caught by the CRC alone.
        case stored([UInt8])
        /// Written in 1 MiB pieces, so a bomb is never held in memory by the generator either.
        case zeros(Int)
        case directory
    }

    struct PythonFailed: Error { let status: Int32 }

    static func metadata(name: String = "demo", version: String = "1.0") -> String {
        "Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\nSummary: A demo\nRequires-Dist: six\n\nLong text.\n"
    }

    static let wheelFile = "Wheel-Version: 1.0\nGenerator: artifactfs-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"

    /// A pure wheel's members: a module, then `<distInfo>.dist-info/` with METADATA, WHEEL and RECORD.
    static func wheel(distInfo: String = "demo-1.0", metadata: String = metadata(), metadataPadding: Int = 0,
                      wheelFile: String = wheelFile) -> [(String, Member)] {
        [
            ("demo/__init__.py", .text("VALUE = 1\n")),
            ("\(distInfo).dist-info/METADATA", .padded(metadata, count: metadataPadding)),
            ("\(distInfo).dist-info/WHEEL", .text(wheelFile)),
            ("\(distInfo).dist-info/RECORD", .text("demo/__init__.py,,\n")),
        ]
    }

    /// An sdist's members under `top/`: PKG-INFO, setup.cfg and a module.
    static func sdist(top: String, pkgInfo: String) -> [(String, Member)] {
        [
            ("\(top)/", .directory), ("\(top)/PKG-INFO", .text(pkgInfo)), ("\(top)/setup.cfg", .text("[metadata]\n")),
            ("\(top)/src/demo/__init__.py", .text("VALUE = 1\n")),
        ]
    }

    /// A deflated zip holding `members` in order, at `scratch/name`.
    static func zip(_ members: [(String, Member)], named name: String, in scratch: ScratchDirectory) throws -> String {
        try write("zip", members, to: scratch.file(name), in: scratch)
    }

    /// A gzip-compressed tar holding `members` in order, at `scratch/name`.
    static func tarGz(_ members: [(String, Member)], named name: String, in scratch: ScratchDirectory) throws -> String {
        try write("tar", members, to: scratch.file(name), in: scratch)
    }

    /// Runs a small Python script over a JSON manifest; level-1 deflate keeps a 200 MB bomb quick to make.
    private static let script = """
        import base64, io, json, sys, tarfile, zipfile
        spec = json.load(open(sys.argv[1]))
        def payload(m): return base64.b64decode(m.get("data", "")) + b"x" * m.get("pad", 0)
        if spec["kind"] == "zip":
            with zipfile.ZipFile(spec["out"], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
                for m in spec["members"]:
                    if m.get("dir"):
                        info = zipfile.ZipInfo(m["name"].rstrip("/") + "/")
                        info.external_attr = (0o40755 << 16) | 0x10
                        z.writestr(info, b"")
                    elif "zeros" in m:
                        with z.open(m["name"], "w") as f:
                            left = m["zeros"]
                            while left:
                                n = min(left, 1 << 20)
                                f.write(bytes(n))
                                left -= n
                    else:
                        z.writestr(m["name"], payload(m), zipfile.ZIP_STORED if m.get("stored") else None)
        else:
            with tarfile.open(spec["out"], "w:gz") as t:
                for m in spec["members"]:
                    info = tarfile.TarInfo(m["name"].rstrip("/") if m.get("dir") else m["name"])
                    if m.get("dir"):
                        info.type, info.mode = tarfile.DIRTYPE, 0o755
                        t.addfile(info)
                    else:
                        data = payload(m) if "zeros" not in m else bytes(m["zeros"])
                        info.size, info.mode = len(data), 0o644
                        t.addfile(info, io.BytesIO(data))
        """

    private static func write(_ kind: String, _ members: [(String, Member)], to out: String,
                              in scratch: ScratchDirectory) throws -> String {
        let entries: [[String: Any]] = members.map { name, member in
            switch member {
            case .text(let text): return ["name": name, "data": Data(text.utf8).base64EncodedString()]
            case .bytes(let bytes): return ["name": name, "data": Data(bytes).base64EncodedString()]
            case .padded(let text, let count): return ["name": name, "data": Data(text.utf8).base64EncodedString(), "pad": count]
            case .stored(let bytes): return ["name": name, "data": Data(bytes).base64EncodedString(), "stored": true]
            case .zeros(let count): return ["name": name, "zeros": count]
            case .directory: return ["name": name, "dir": true]
            }
        }
        let manifest = scratch.file("manifest-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["kind": kind, "out": out, "members": entries])
            .write(to: URL(fileURLWithPath: manifest))
        let status = try Fixtures.run(python3, ["-c", script, manifest])
        guard status == 0 else { throw PythonFailed(status: status) }
        return out
    }

    static func bytes(of path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func write(_ bytes: [UInt8], to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    /// The interpreter `python3` on PATH resolves to, asked once: a version manager's shim costs more per run
    /// than the fixture it builds.
    static let python3: String = {
        let asked = try? pythonOutput(["-c", "import sys; print(sys.executable)"], interpreter: "/usr/bin/env")
        let path = asked.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        return path.isEmpty ? "/usr/bin/python3" : path
    }()

    /// Runs python3 with `arguments` and returns what it printed, or nil when it failed (say, a module is missing).
    static func pythonOutput(_ arguments: [String], interpreter: String = python3) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = (interpreter == "/usr/bin/env" ? ["python3"] : []) + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? output : nil
    }
}
