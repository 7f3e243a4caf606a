// .deb validation: real packages from dpkg-deb in every control compression, and each way a file can be wrong.
import Core
import CoreTesting
import Foundation
import Testing

@Suite struct DebPackageReaderTests {
    /// The message a refused file gets, or nil when it was accepted.
    private func refusal(_ path: String) -> String? {
        do {
            _ = try DebPackageReader.read(path: path)
            return nil
        } catch {
            return error.message
        }
    }

    // Goal: packages dpkg-deb builds are read, whatever compresses control.tar, and the fields come through.
    @Test(arguments: [("gzip", "gzip"), ("xz", "xz"), ("zstd", "zstd"), ("none", "none")])
    func readsDpkgDebBuilds(flag: String, compression: String) throws {
        let scratch = ScratchDirectory()
        let package = try DebPackageReader.read(path: try DebFixtures.build(compression: flag, in: scratch))
        #expect(package.name == "hello-tool")
        #expect(package.version == (try DebianVersion("1:2.0-1")))
        #expect(package.version.rawValue == "1:2.0-1")
        #expect(package.architecture == "amd64")
        #expect(package.controlCompression == compression)
        #expect(package.control["Description"] == "greets people\n A longer description.\n .\n Second paragraph.")
        #expect(package.control.rendered() == DebFixtures.control)
    }

    // Goal: a .deb assembled by hand with a `_` member between the others is read like dpkg-deb's own.
    @Test func skipsUnderscoreMembers() throws {
        let scratch = ScratchDirectory()
        let bytes = DebFixtures.ar([
            DebFixtures.debianBinary, ("_gpgorigin", Array("signature".utf8)),
            ("control.tar.gz", try DebFixtures.tarGz(["control": DebFixtures.control, "md5sums": ""])),
            ("data.tar.gz", try DebFixtures.tarGz(["hello.txt": "hi\n"])), ("_trailer", [1, 2, 3]),
        ])
        let package = try DebPackageReader.read(path: try DebFixtures.write(bytes, in: scratch))
        #expect(package.name == "hello-tool")
        #expect(package.controlCompression == "gzip")
    }

    // Goal: a tarball, a gzipped .deb and an empty file are not ar archives, and the message says so.
    @Test func refusesNonArFiles() throws {
        let scratch = ScratchDirectory()
        let deb = try Data(contentsOf: URL(fileURLWithPath: try DebFixtures.build(in: scratch)))
        let gzipped = scratch.file("gzipped.deb.gz")
        try deb.write(to: URL(fileURLWithPath: scratch.file("gzipped.deb")))
        try Fixtures.run("/usr/bin/gzip", ["-k", scratch.file("gzipped.deb")])
        for path in [try DebFixtures.write(try Fixtures.archive("z"), in: scratch), gzipped,
                     try DebFixtures.write([], in: scratch)] {
            #expect(refusal(path) == "not a Debian package: not an ar archive", "\(path)")
        }
    }

    // Goal: a .deb cut in half fails while data.tar is read, not silently.
    @Test func refusesTruncated() throws {
        let scratch = ScratchDirectory()
        let path = try DebFixtures.build(files: ["noise.bin": Fixtures.noise(count: 256 << 10, seed: 7)], in: scratch)
        #expect(refusal(path) == nil)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let message = refusal(try DebFixtures.write(Array(bytes.prefix(bytes.count / 2)), in: scratch))
        #expect(message?.hasPrefix("data.tar") == true, "\(message ?? "accepted")")
    }

    // Goal: a data.tar whose member sizes are intact but whose payload is corrupt, or is not the compression
    // its name says, is refused at upload, not at install time.
    @Test func refusesCorruptOrMislabelledData() throws {
        let scratch = ScratchDirectory()
        let control = ("control.tar.gz", try DebFixtures.tarGz(["control": DebFixtures.control]))
        var payload = try DebFixtures.tarGz(["noise.bin": String(decoding: Fixtures.noise(count: 64 << 10, seed: 3).map { 0x41 + $0 % 26 }, as: UTF8.self)])
        #expect(refusal(try DebFixtures.write(DebFixtures.ar([DebFixtures.debianBinary, control, ("data.tar.gz", payload)]), in: scratch)) == nil)
        for index in (payload.count / 2)..<(payload.count / 2 + 64) { payload[index] ^= 0xFF }
        let corrupt = refusal(try DebFixtures.write(DebFixtures.ar([DebFixtures.debianBinary, control, ("data.tar.gz", payload)]), in: scratch))
        #expect(corrupt?.hasPrefix("data.tar.gz:") == true, "\(corrupt ?? "accepted")")
        let plainTar = try Fixtures.archive("", files: ["hello.txt": "hi\n"])
        let mislabelled = refusal(try DebFixtures.write(DebFixtures.ar([DebFixtures.debianBinary, control, ("data.tar.xz", plainTar)]), in: scratch))
        #expect(mislabelled == "data.tar.xz is not compressed, which its name does not say", "\(mislabelled ?? "accepted")")
    }

    // Goal: each malformed member layout is refused with a message naming what is wrong.
    @Test func refusesBadLayouts() throws {
        let scratch = ScratchDirectory()
        let control = ("control.tar.gz", try DebFixtures.tarGz(["control": DebFixtures.control]))
        let data = ("data.tar.gz", try DebFixtures.tarGz(["hello.txt": "hi\n"]))
        let cases: [([(name: String, bytes: [UInt8])], String)] = [
            ([DebFixtures.debianBinary, data], "not a Debian package: expected a control.tar member, found 'data.tar.gz'"),
            ([DebFixtures.debianBinary], "not a Debian package: no control.tar member"),
            ([DebFixtures.debianBinary, control], "not a Debian package: no data.tar member"),
            ([control, DebFixtures.debianBinary, data], "not a Debian package: the first member is 'control.tar.gz', not debian-binary"),
            ([("debian-binary", Array("3.0\n".utf8)), control, data], "unsupported Debian package format '3.0' (only 2.x is supported)"),
            ([DebFixtures.debianBinary, ("control.tar.xz", control.1), data], "control.tar.xz is gzip-compressed, which its name does not say"),
            ([DebFixtures.debianBinary, ("control.tar.lz", control.1), data], "unsupported member 'control.tar.lz' (expected control.tar, control.tar.gz, .xz, .zst or .bz2)"),
            ([DebFixtures.debianBinary, control, data, ("extra", [0])], "not a Debian package: unexpected member 'extra' after data.tar"),
            ([DebFixtures.debianBinary, ("control.tar.gz", try DebFixtures.tarGz(["md5sums": ""])), data], "control.tar has no control file"),
            ([DebFixtures.debianBinary, ("control.tar.gz", try DebFixtures.tarGz(["control": "Package: a\n\nPackage: b\n"])), data],
             "control file: line 3: expected one paragraph, found 2 (a blank line ends a paragraph)"),
        ]
        for (members, expected) in cases {
            #expect(refusal(try DebFixtures.write(DebFixtures.ar(members), in: scratch)) == expected)
        }
    }

    static let badControls: [(String, String)] = [
        ("Package: hello\nVersion: a1.0\nArchitecture: all\nMaintainer: T <t@e.org>\nDescription: x\n",
         "invalid Debian version 'a1.0': the upstream version must start with a digit"),
        ("Package: hello\nVersion: 1.0\nMaintainer: T <t@e.org>\nDescription: x\n", "control file has no Architecture field"),
        ("Package: hello\nVersion: 1.0\nArchitecture: any\nMaintainer: T <t@e.org>\nDescription: x\n",
         "invalid Debian architecture 'any': wildcards are for source packages; a binary package names one architecture or 'all'"),
        ("Package: Hello_World\nVersion: 1.0\nArchitecture: all\nMaintainer: T <t@e.org>\nDescription: x\n",
         "invalid Package 'Hello_World': expected lowercase letters, digits and + - . (at least two characters, starting with a letter or digit)"),
        ("Version: 1.0\nArchitecture: all\nMaintainer: T <t@e.org>\nDescription: x\n", "control file has no Package field"),
    ]

    // Goal: control data dpkg-deb packs under --nocheck is still refused here, field by field.
    @Test(arguments: badControls)
    func refusesBadControl(control: String, expected: String) throws {
        let scratch = ScratchDirectory()
        #expect(refusal(try DebFixtures.build(control, check: false, in: scratch)) == expected)
    }

    // Goal: a 10 MB Description is refused by size before it is parsed.
    @Test func refusesHugeControlFile() throws {
        let scratch = ScratchDirectory()
        let control = DebFixtures.control.replacingOccurrences(
            of: "Description: greets people", with: "Description: " + String(repeating: "x", count: 10_000_000))
        #expect(refusal(try DebFixtures.build(control, check: false, in: scratch)) == "control file is larger than 1 MiB")
    }

    // Goal: a missing file is reported as unreadable, not as a bad package format.
    @Test func reportsMissingFile() {
        #expect(refusal("/nonexistent/x.deb")?.hasPrefix("cannot read '/nonexistent/x.deb'") == true)
    }
}
