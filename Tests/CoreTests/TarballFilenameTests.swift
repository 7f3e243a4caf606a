// The <name>-<version>.<ext> rule of tarball repositories.
import Core
import CoreTesting
import Testing

@Suite struct TarballFilenameTests {
    static let parsed: [(String, String, String, TarballFormat)] = [
        ("cpython-3.8.0b1.tar.gz", "cpython", "3.8.0b1", .tarGzip),
        ("my-tool-2.0-rc1.zip", "my-tool", "2.0-rc1", .zip),
        ("tool-v1.2.tar.xz", "tool", "v1.2", .tarXz),
        ("libfoo-1.tgz", "libfoo", "1", .tgz),
        ("a-b-c-10.0.tar.bz2", "a-b-c", "10.0", .tarBzip2),
        ("zstd-thing-0.1.tar.zst", "zstd-thing", "0.1", .tarZstd),
        ("py3-2024.01.tar.gz", "py3", "2024.01", .tarGzip),
    ]

    // Goal: names and versions split at the first dash followed by a digit (or v+digit).
    @Test(arguments: parsed)
    func splits(raw: String, name: String, version: String, format: TarballFormat) throws {
        let parsed = try TarballFilename(Filename(raw))
        #expect(parsed.name.rawValue == name)
        #expect(parsed.version.rawValue == version)
        #expect(parsed.format == format)
    }

    static let rejected: [(String, IdentifierError.Rule)] = [
        ("noversion.tar.gz", .missingVersion), ("tool-.tar.gz", .missingVersion), ("tool-beta.tar.gz", .missingVersion),
        ("tool-1.0.tar", .unknownExtension), ("tool-1.0.rar", .unknownExtension), (".tar.gz", .unknownExtension),
    ]

    // Goal: names without a version or with another extension are refused with the rule that failed.
    @Test(arguments: rejected)
    func refuses(raw: String, rule: IdentifierError.Rule) throws {
        let filename = try Filename(raw.hasPrefix(".") ? "x" + raw : raw)
        if raw.hasPrefix(".") {
            #expect(throws: IdentifierError.self) { try TarballFilename(filename) }
        } else {
            #expect(throws: IdentifierError(kind: "tarball filename", value: raw, rule: rule)) { try TarballFilename(filename) }
        }
    }
}
