// Real .deb files for the apt tests: built by dpkg-deb, or assembled member by member for malformed ones.
import CoreTesting
import Foundation

enum DebFixtures {
    static let control = """
        Package: hello-tool
        Version: 1:2.0-1
        Architecture: amd64
        Maintainer: Test <test@example.com>
        Description: greets people
         A longer description.
         .
         Second paragraph.

        """

    struct BuildFailed: Error { let status: Int32 }

    /// Builds `root/DEBIAN/control` plus `files` into a .deb with `dpkg-deb --build`; returns its path.
    /// `check: false` passes `--nocheck`, so dpkg-deb packs control data it would refuse.
    static func build(_ control: String = control, compression: String = "gzip", files: [String: [UInt8]] = [:],
                      check: Bool = true, in scratch: ScratchDirectory) throws -> String {
        let root = scratch.file("root-" + UUID().uuidString)
        try FileManager.default.createDirectory(atPath: root + "/DEBIAN", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/usr/share/hello", withIntermediateDirectories: true)
        try Data(control.utf8).write(to: URL(fileURLWithPath: root + "/DEBIAN/control"))
        let payload = files.isEmpty ? ["greeting.txt": Array("hello\n".utf8)] : files
        for (name, bytes) in payload { try Data(bytes).write(to: URL(fileURLWithPath: root + "/usr/share/hello/" + name)) }
        let out = root + ".deb"
        let status = try Fixtures.run("/usr/bin/dpkg-deb", ["--build", "--root-owner-group", "-Z" + compression]
            + (check ? [] : ["--nocheck"]) + [root, out])
        guard status == 0 else { throw BuildFailed(status: status) }
        return out
    }

    /// An ar archive as dpkg-deb writes it: "!<arch>\n", then per member a 60-byte header, data, and a pad to even.
    static func ar(_ members: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var out = Array("!<arch>\n".utf8)
        for member in members {
            func field(_ text: String, _ width: Int) -> [UInt8] {
                Array(text.utf8) + Array(repeating: UInt8(ascii: " "), count: width - text.utf8.count)
            }
            out += field(member.name, 16) + field("0", 12) + field("0", 6) + field("0", 6) + field("100644", 8)
            out += field(String(member.bytes.count), 10) + Array("`\n".utf8)
            out += member.bytes
            if member.bytes.count % 2 == 1 { out.append(UInt8(ascii: "\n")) }
        }
        return out
    }

    /// A gzipped tar holding `files` under `./`, as control.tar.gz and data.tar.gz members are.
    static func tarGz(_ files: [String: String]) throws -> [UInt8] { try Fixtures.archive("z", files: files) }

    static let debianBinary = (name: "debian-binary", bytes: Array("2.0\n".utf8))

    static func write(_ bytes: [UInt8], in scratch: ScratchDirectory, name: String = UUID().uuidString + ".deb") throws -> String {
        let path = scratch.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
