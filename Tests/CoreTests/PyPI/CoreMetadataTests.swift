// Core metadata files: header lookup, folding, the body, and each way a file is refused.
import Core
import Testing

extension PyPITests {
    @Suite struct CoreMetadataTests {
        static let text = """
            Metadata-Version: 2.1
            Name: Demo.Pkg
            Version: 1.0.post1
            Summary: A demo
              that folds
            requires-dist: six
            Requires-Dist: requests>=2; extra == "http"
            Requires-Python:  >=3.8  \r
            Description-Content-Type: text/markdown

            # Demo
            Name: not-a-field
            """

        // Goal: fields come back in order, by any case, with continuation lines kept and the body left alone.
        @Test func parsesHeadersAndBody() throws {
            let metadata = try CoreMetadata(bytes: Array(Self.text.utf8))
            #expect(metadata.metadataVersion == "2.1")
            #expect(metadata.name == "Demo.Pkg")
            #expect(metadata.version == "1.0.post1")
            #expect(metadata.values("Requires-Dist") == ["six", "requests>=2; extra == \"http\""])
            #expect(metadata.values("REQUIRES-DIST").count == 2)
            #expect(metadata.value("summary") == "A demo\n  that folds")
            #expect(metadata.summary == "A demo  that folds")
            #expect(metadata.requiresPython == ">=3.8")
            #expect(metadata.values("Name") == ["Demo.Pkg"])
            #expect(metadata.body == "# Demo\nName: not-a-field")
            #expect(metadata.fields.count == 8)
            #expect(metadata.value("License") == nil)
            #expect(metadata.values("License").isEmpty)
        }

        // Goal: CRLF line ends read like LF, a file without a body has none, and empty optional fields read as nil.
        @Test func readsCRLFAndOptionalFields() throws {
            let metadata = try CoreMetadata(bytes: Array("Metadata-Version: 1.0\r\nName: a\r\nVersion: 1\r\nSummary:\r\n".utf8))
            #expect(metadata.name == "a")
            #expect(metadata.version == "1")
            #expect(metadata.summary == nil)
            #expect(metadata.requiresPython == nil)
            #expect(metadata.body == nil)
            #expect(try CoreMetadata(bytes: Array("Metadata-Version: 1.0\nName: a\nVersion: 1\n\n".utf8)).body == nil)
        }

        static let refused: [([UInt8], String)] = [
            (Array("Metadata-Version: 2.1\nName: a\n".utf8), "no Version field"),
            (Array("Metadata-Version: 2.1\nName: a\nVersion:\n".utf8), "no Version field"),
            (Array("Name: a\nVersion: 1\n".utf8), "no Metadata-Version field"),
            (Array("\nMetadata-Version: 2.1\nName: a\nVersion: 1\n".utf8), "no Metadata-Version field"),
            (Array("Metadata-Version: 2.1\nName: a".utf8) + [0xFF] + Array("\nVersion: 1\n".utf8), "line 2: not valid UTF-8"),
            (Array("Metadata-Version: 2.1\nName: a".utf8) + [0xC3, 0x28] + Array("\nVersion: 1\n".utf8), "line 2: not valid UTF-8"),
            (Array("Metadata-Version: 2.1\nName: a\nVersion: 1\n\nbody\n".utf8) + [0xE2, 0x82], "line 6: not valid UTF-8"),
            (Array("Metadata-Version: 2.1\nName: a\u{0}b\nVersion: 1\n".utf8), "line 2: control character U+0000"),
            (Array("Metadata-Version: 2.1\nName: a\nSummary: x\u{1B}[0m\nVersion: 1\n".utf8), "line 3: control character U+001B"),
            (Array("Metadata-Version: 2.1\nName a\nVersion: 1\n".utf8), "line 2: expected 'Field: value', found no ':'"),
            (Array("  folded\nMetadata-Version: 2.1\n".utf8), "line 1: continuation line before any field"),
            (Array("Metadata-Version: 2.1\nBad Name: a\n".utf8), "line 2: invalid field name 'Bad Name'"),
            (Array("Metadata-Version: 2.1\nName: a\nname: b\nVersion: 1\n".utf8), "the Name field appears more than once"),
            (Array("Metadata-Version: 2.1\nName: a\nVersion: 1\nVersion: 2\n".utf8), "the Version field appears more than once"),
            (Array("Metadata-Version: 2.1\nName: a\nVersion: 1\nRequires-Python: >=3\nRequires-Python: <3\n".utf8),
             "the Requires-Python field appears more than once"),
        ]

        // Goal: each malformed file is refused with a message naming the line and the problem.
        @Test(arguments: refused)
        func refuses(bytes: [UInt8], fragment: String) {
            #expect {
                _ = try CoreMetadata(bytes: bytes)
            } throws: { error in
                (error as? PythonPackageError)?.message.contains(fragment) == true
            }
        }

        // Goal: the bound is inclusive; a control character in the body (a description) is not refused.
        @Test func boundsSizeButNotBodyContent() throws {
            let header = Array("Metadata-Version: 2.1\nName: a\nVersion: 1\n\n".utf8)
            let largest = header + [0x1B, UInt8(ascii: "\n")] + Array(repeating: UInt8(ascii: "x"), count: CoreMetadata.bytesMax - header.count - 2)
            #expect(try CoreMetadata(bytes: largest).body?.utf8.count == CoreMetadata.bytesMax - header.count)
            #expect(throws: PythonPackageError("metadata is larger than 8 MiB (\(CoreMetadata.bytesMax + 1) bytes)")) {
                _ = try CoreMetadata(bytes: largest + [UInt8(ascii: "x")])
            }
        }
    }
}
