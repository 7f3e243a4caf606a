// Reading whole wheels and sdists made by Python's own zipfile and tarfile: what is accepted, and each refusal.
import Core
import CoreTesting
import Foundation
import Testing

extension PyPITests {
    @Suite struct PythonDistributionReaderTests {
        static let budget: Int64 = 64 << 20
        typealias Member = PyPIFixtures.Member

        private func read(_ path: String) throws -> PythonDistribution {
            try PythonDistributionReader.read(path: path, filename: URL(fileURLWithPath: path).lastPathComponent,
                                              decompressedBytesMax: Self.budget)
        }

        /// The message a refused file gets, or nil when it was accepted.
        private func refusal(_ path: String, as filename: String? = nil) -> String? {
            do {
                _ = try PythonDistributionReader.read(path: path, filename: filename ?? URL(fileURLWithPath: path).lastPathComponent,
                                                      decompressedBytesMax: Self.budget)
                return nil
            } catch {
                return error.message
            }
        }

        // Goal: a pure wheel yields its identity, python tag and METADATA byte for byte.
        @Test func readsPureWheel() throws {
            let scratch = ScratchDirectory()
            let distribution = try read(try PyPIFixtures.zip(PyPIFixtures.wheel(), named: "demo-1.0-py3-none-any.whl", in: scratch))
            #expect(distribution.kind == .wheel)
            #expect(distribution.kind.rawValue == "bdist_wheel")
            #expect(distribution.project.rawValue == "demo")
            #expect(distribution.version == (try PEP440Version("1.0")))
            #expect(distribution.pythonTag == "py3")
            #expect(distribution.metadataBytes == Array(PyPIFixtures.metadata().utf8))
            #expect(distribution.metadata.summary == "A demo")
            #expect(distribution.metadata.values("Requires-Dist") == ["six"])
        }

        // Goal: a platform wheel with compressed tag sets is read; its python tag is the file name's.
        @Test func readsMultiTagWheel() throws {
            let scratch = ScratchDirectory()
            let members = PyPIFixtures.wheel(distInfo: "numpy-2.0.0", metadata: PyPIFixtures.metadata(name: "numpy", version: "2.0.0"))
            let path = try PyPIFixtures.zip(members, named: "numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                                            in: scratch)
            let distribution = try read(path)
            #expect(distribution.project.rawValue == "numpy")
            #expect(distribution.pythonTag == "cp311")
        }

        // Goal: an old wheel spelling its name "Django" matches METADATA's "django" (PEP 503), and a version
        // spelled differently but equal under PEP 440 matches too.
        @Test func matchesNamesByNormalization() throws {
            let scratch = ScratchDirectory()
            let members = PyPIFixtures.wheel(distInfo: "Django-4.2", metadata: PyPIFixtures.metadata(name: "django", version: "4.2.0"))
            let distribution = try read(try PyPIFixtures.zip(members, named: "Django-4.2-py3-none-any.whl", in: scratch))
            #expect(distribution.project.rawValue == "django")
            #expect(distribution.version.normalized == "4.2.0")
        }

        // Goal: entry order does not matter, explicit directory entries are fine, and the metadata directory may
        // use PEP 427's escaped spelling of a dotted name.
        @Test func acceptsAnyEntryOrder() throws {
            let scratch = ScratchDirectory()
            let members: [(String, Member)] = [
                ("zope_interface-6.0.dist-info/", .directory),
                ("zope_interface-6.0.dist-info/WHEEL", .text(PyPIFixtures.wheelFile)),
                ("zope_interface-6.0.dist-info/RECORD", .text("")),
                ("zope/", .directory), ("zope/interface/__init__.py", .text("")),
                ("zope_interface-6.0.dist-info/METADATA", .text(PyPIFixtures.metadata(name: "zope.interface", version: "6.0"))),
            ]
            let distribution = try read(try PyPIFixtures.zip(members, named: "zope.interface-6.0-cp311-cp311-win_amd64.whl", in: scratch))
            #expect(distribution.project.normalized == "zope-interface")
        }

        // Goal: a PEP 625 sdist is read from the PKG-INFO right under its top directory, not an egg-info's
        // (which comes first in the archive and names another project).
        @Test func readsPEP625Sdist() throws {
            let scratch = ScratchDirectory()
            let pkgInfo = PyPIFixtures.metadata(name: "Foo.Bar", version: "1.0")
            let members: [(String, Member)] = [("foo_bar-1.0/src/foo_bar.egg-info/PKG-INFO", .text(PyPIFixtures.metadata(name: "other")))]
                + PyPIFixtures.sdist(top: "foo_bar-1.0", pkgInfo: pkgInfo)
            let distribution = try read(try PyPIFixtures.tarGz(members, named: "foo_bar-1.0.tar.gz", in: scratch))
            #expect(distribution.kind == .sdist)
            #expect(distribution.project.rawValue == "Foo.Bar")
            #expect(distribution.pythonTag == "source")
            #expect(distribution.metadataBytes == Array(pkgInfo.utf8))
        }

        // Goal: a legacy sdist whose project name holds '-' is split using PKG-INFO's name.
        @Test func readsLegacyDashedSdist() throws {
            let scratch = ScratchDirectory()
            let members = PyPIFixtures.sdist(top: "python-dateutil-2.8.2",
                                             pkgInfo: PyPIFixtures.metadata(name: "python-dateutil", version: "2.8.2"))
            let distribution = try read(try PyPIFixtures.tarGz(members, named: "python-dateutil-2.8.2.tar.gz", in: scratch))
            #expect(distribution.project.rawValue == "python-dateutil")
            #expect(distribution.version.normalized == "2.8.2")
        }

        // Goal: a legacy .zip sdist is read like a .tar.gz one.
        @Test func readsZipSdist() throws {
            let scratch = ScratchDirectory()
            let members = PyPIFixtures.sdist(top: "Demo-1.0", pkgInfo: PyPIFixtures.metadata(name: "Demo"))
            let distribution = try read(try PyPIFixtures.zip(members, named: "Demo-1.0.zip", in: scratch))
            #expect(distribution.kind == .sdist)
            #expect(distribution.project.normalized == "demo")
        }

        // Goal: wheels whose content contradicts their name, or lacks what a wheel must hold, are refused by name.
        @Test func refusesInconsistentWheels() throws {
            let scratch = ScratchDirectory()
            func wheel(_ members: [(String, Member)], _ name: String = "demo-1.0-py3-none-any.whl") throws -> String? {
                refusal(try PyPIFixtures.zip(members, named: UUID().uuidString + "-" + name, in: scratch), as: name)
            }
            #expect(try wheel([("demo/__init__.py", .text(""))]) == "not a wheel: the archive has no top-level .dist-info directory")
            #expect(try wheel(PyPIFixtures.wheel(distInfo: "foo-1.0", metadata: PyPIFixtures.metadata(name: "bar")),
                              "foo-1.0-py3-none-any.whl") == "the file name says project 'foo' but METADATA says 'bar'")
            #expect(try wheel(PyPIFixtures.wheel(metadata: PyPIFixtures.metadata(version: "1.1")))
                    == "the file name says version '1.0' but METADATA says '1.1'")
            #expect(try wheel(PyPIFixtures.wheel().filter { !$0.0.hasSuffix("METADATA") })
                    == "the wheel has no demo-1.0.dist-info/METADATA")
            #expect(try wheel(PyPIFixtures.wheel().filter { !$0.0.hasSuffix("WHEEL") }) == "the wheel has no demo-1.0.dist-info/WHEEL")
            #expect(try wheel(PyPIFixtures.wheel() + [("other-2.0.dist-info/METADATA", .text(PyPIFixtures.metadata()))])
                    == "the wheel has two .dist-info directories, 'demo-1.0.dist-info' and 'other-2.0.dist-info'; a wheel has exactly one")
            #expect(try wheel(PyPIFixtures.wheel(distInfo: "other-1.0")) == "the metadata directory 'other-1.0.dist-info' does not "
                    + "match project 'demo' version '1.0' from METADATA (expected 'demo-1.0.dist-info')")
            #expect(try wheel(PyPIFixtures.wheel(wheelFile: "Wheel-Version: 2.0\n"))
                    == "demo-1.0.dist-info/WHEEL: Wheel-Version '2.0' is not supported (only 1.x)")
            #expect(try wheel(PyPIFixtures.wheel(wheelFile: "Generator: x\n")) == "demo-1.0.dist-info/WHEEL has no Wheel-Version field")
            #expect(try wheel(PyPIFixtures.wheel(metadata: "Metadata-Version: 2.1\nName: demo\n"))
                    == "demo-1.0.dist-info/METADATA: no Version field")
            #expect(try wheel(PyPIFixtures.wheel(metadata: PyPIFixtures.metadata(name: "-demo")))?
                    .hasPrefix("demo-1.0.dist-info/METADATA: invalid project name '-demo'") == true)
        }

        // Goal: entry paths that could escape an install directory are refused, in wheels and sdists.
        @Test func refusesUnsafePaths() throws {
            let scratch = ScratchDirectory()
            let dotDot = try PyPIFixtures.zip(PyPIFixtures.wheel() + [("demo/../../evil.py", .text(""))],
                                              named: "demo-1.0-py3-none-any.whl", in: scratch)
            #expect(refusal(dotDot) == "the archive holds a path with a '..' component: 'demo/../../evil.py'")
            let absolute = try PyPIFixtures.tarGz(PyPIFixtures.sdist(top: "demo-1.0", pkgInfo: PyPIFixtures.metadata())
                                                  + [("/etc/evil", .text(""))], named: "demo-1.0.tar.gz", in: scratch)
            #expect(refusal(absolute) == "the archive holds an absolute path '/etc/evil'")
        }

        // Goal: file names that are no distribution's are refused before the file is opened.
        @Test func refusesBadFileNames() throws {
            let scratch = ScratchDirectory()
            let path = try PyPIFixtures.zip(PyPIFixtures.wheel(), named: "demo.whl", in: scratch)
            #expect(refusal(path, as: "demo-1.0.whl")?.hasPrefix("invalid wheel file name 'demo-1.0.whl'") == true)
            #expect(refusal(path, as: "demo-1.0.tar.bz2")
                    == "'demo-1.0.tar.bz2' is not a Python distribution: only .whl, .tar.gz and .zip are Python distributions")
            #expect(refusal(path, as: "demo-1.0.tgz")?.hasSuffix("only .whl, .tar.gz and .zip are Python distributions") == true)
        }

        // Goal: content that is not the container the name promises is refused, naming what it is instead.
        @Test func refusesWrongContainers() throws {
            let scratch = ScratchDirectory()
            let tar = try PyPIFixtures.tarGz(PyPIFixtures.wheel(), named: "demo-1.0-py3-none-any.whl", in: scratch)
            #expect(refusal(tar) == "a wheel must be a zip archive, but this file is a gzip-compressed tar archive")
            let zip = try PyPIFixtures.zip(PyPIFixtures.sdist(top: "demo-1.0", pkgInfo: PyPIFixtures.metadata()),
                                           named: "demo-1.0.tar.gz", in: scratch)
            #expect(refusal(zip) == "a .tar.gz source distribution must be a gzip-compressed tar archive, but this file is a zip archive")
            #expect(refusal(tar, as: "demo-1.0.zip")
                    == "a .zip source distribution must be a zip archive, but this file is a gzip-compressed tar archive")
            let raw = scratch.file("raw.whl")
            try PyPIFixtures.write(Array("just some text, not an archive\n".utf8), to: raw)
            #expect(refusal(raw, as: "demo-1.0-py3-none-any.whl")?
                    .hasPrefix("a wheel must be a zip archive, but this file is not an archive") == true)
            #expect(refusal(scratch.file("missing.whl"), as: "demo-1.0-py3-none-any.whl")
                    == "cannot read '\(scratch.file("missing.whl"))': No such file or directory")
        }

        // Goal: a zip bomb (200 MB of zeros in 200 KB) is stopped at the budget, not unpacked: the message is the
        // budget's, raised while the first entry is still being inflated.
        @Test func refusesZipBomb() throws {
            let scratch = ScratchDirectory()
            let path = try PyPIFixtures.zip([("demo/zeros.bin", .zeros(200 << 20))] + PyPIFixtures.wheel(),
                                            named: "demo-1.0-py3-none-any.whl", in: scratch)
            #expect(try PyPIFixtures.bytes(of: path).count < 1 << 20)
            #expect(refusal(path) == "'demo/zeros.bin': decompresses to more than \(Self.budget) bytes")
        }

        // Goal: a wheel cut short, and ones with a changed byte in deflated or stored data, are refused.
        @Test func refusesDamagedWheels() throws {
            let scratch = ScratchDirectory()
            let noise = Fixtures.noise(count: 256 << 10, seed: 7).map { UInt8(ascii: "a") + $0 % 16 }
            for member in [Member.bytes(noise), .stored(noise)] {
                let path = try PyPIFixtures.zip([("demo/data.txt", member)] + PyPIFixtures.wheel(),
                                                named: "demo-1.0-py3-none-any.whl", in: scratch)
                #expect(refusal(path) == nil)
                let bytes = try PyPIFixtures.bytes(of: path)
                let truncated = scratch.file("truncated.whl")
                try PyPIFixtures.write(Array(bytes.prefix(bytes.count / 2)), to: truncated)
                #expect(refusal(truncated, as: "demo-1.0-py3-none-any.whl")?.hasPrefix("'demo/data.txt': ") == true)
                // The first local header is 30 bytes, then the name and the extra field, then the data.
                var changed = bytes
                let dataStart = 30 + Int(bytes[26]) + Int(bytes[27]) << 8 + Int(bytes[28]) + Int(bytes[29]) << 8
                changed[dataStart + 2000] ^= 0x55
                let corrupt = scratch.file("corrupt.whl")
                try PyPIFixtures.write(changed, to: corrupt)
                let message = refusal(corrupt, as: "demo-1.0-py3-none-any.whl") ?? "accepted"
                // Inflate usually trips over a changed deflate stream first; stored data has only the CRC to catch it.
                let expected = if case .stored = member { "'demo/data.txt': ZIP bad CRC" } else { "'demo/data.txt': ZIP decompression failed" }
                #expect(message.hasPrefix(expected), "\(message)")
            }
        }

        // Goal: a .tar.gz sdist cut short is refused, not read up to where it stops.
        @Test func refusesTruncatedSdist() throws {
            let scratch = ScratchDirectory()
            let noise = Fixtures.noise(count: 256 << 10, seed: 9)
            let path = try PyPIFixtures.tarGz(PyPIFixtures.sdist(top: "demo-1.0", pkgInfo: PyPIFixtures.metadata())
                                              + [("demo-1.0/data.bin", .bytes(noise))], named: "demo-1.0.tar.gz", in: scratch)
            #expect(refusal(path) == nil)
            let bytes = try PyPIFixtures.bytes(of: path)
            let truncated = scratch.file("truncated.tar.gz")
            try PyPIFixtures.write(Array(bytes.prefix(bytes.count / 2)), to: truncated)
            let message = refusal(truncated, as: "demo-1.0.tar.gz") ?? "accepted"
            #expect(message.hasPrefix("'demo-1.0/data.bin': "), "\(message)")
        }

        // Goal: an sdist whose only PKG-INFO is deep inside, or whose files are not in one directory, is refused.
        @Test func refusesMalformedSdists() throws {
            let scratch = ScratchDirectory()
            func sdist(_ members: [(String, Member)], _ name: String = "demo-1.0.tar.gz") throws -> String? {
                refusal(try PyPIFixtures.tarGz(members, named: UUID().uuidString + name, in: scratch), as: name)
            }
            let deepOnly = PyPIFixtures.sdist(top: "demo-1.0", pkgInfo: "").filter { !$0.0.hasSuffix("/PKG-INFO") }
                + [("demo-1.0/src/demo.egg-info/PKG-INFO", .text(PyPIFixtures.metadata()))]
            #expect(try sdist(deepOnly) == "the source distribution has no demo-1.0/PKG-INFO, only "
                    + "'demo-1.0/src/demo.egg-info/PKG-INFO', which is not the distribution's")
            #expect(try sdist(PyPIFixtures.sdist(top: "demo-1.0", pkgInfo: PyPIFixtures.metadata()) + [("other/setup.py", .text(""))])
                    == "all files of a source distribution must be in one top-level directory, but the archive holds "
                    + "'demo-1.0/' and 'other/setup.py'")
            #expect(try sdist([("setup.py", .text(""))]) == "'setup.py' is not inside a top-level directory; a source "
                    + "distribution holds everything in one")
            #expect(try sdist(PyPIFixtures.sdist(top: "demo-1.0", pkgInfo: PyPIFixtures.metadata(version: "1.1")))
                    == "the file name says version '1.0' but PKG-INFO says '1.1' (expected 'demo-1.1.tar.gz')")
            #expect(try sdist([]) == "the archive is empty")
        }

        // Goal: METADATA over the bound is refused from its declared size, before it is read.
        @Test func refusesOversizedMetadata() throws {
            let scratch = ScratchDirectory()
            let members = PyPIFixtures.wheel(metadataPadding: CoreMetadata.bytesMax)
            let path = try PyPIFixtures.zip(members, named: "demo-1.0-py3-none-any.whl", in: scratch)
            let size = PyPIFixtures.metadata().utf8.count + CoreMetadata.bytesMax
            #expect(refusal(path) == "'demo-1.0.dist-info/METADATA' is larger than 8 MiB (\(size) bytes)")
        }
    }
}
