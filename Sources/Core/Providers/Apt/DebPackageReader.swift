// Reads a .deb the way dpkg-deb does: ar container, member order, nested control.tar, the whole data.tar.
import CArchive
import Foundation

/// Why a file is not an acceptable Debian binary package; `description` is written for the uploader.
public struct DebPackageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What ingestion needs from a .deb: its control paragraph and the identity fields, validated.
public struct DebPackage: Sendable {
    public let control: Deb822Paragraph
    public let name: String
    public let version: DebianVersion
    public let architecture: String
    /// How control.tar was compressed: none, gzip, xz, zstd or bzip2.
    public let controlCompression: String
}

/// Validates a .deb on disk by reading all of it.
public enum DebPackageReader {
    /// Decompressed bytes allowed per byte of the file before it counts as a bomb (as for tarballs).
    public static let expansionRatioMax: Int64 = 200
    /// Decompressed bytes always allowed, whatever the ratio.
    public static let expansionFloorBytes: Int64 = 256 << 20
    /// control.tar is held in memory to be opened as a nested archive; real ones are kilobytes.
    public static let controlMemberBytesMax = 64 << 20
    /// The control file itself; dpkg has no limit, but a megabyte of metadata is already abuse.
    public static let controlFileBytesMax = 1 << 20

    /// Reads `path` to the end and returns its validated control data. Throws `DebPackageError` when the file
    /// is not a well-formed Debian binary package (format 2.0) or its control fields are invalid.
    public static func read(path: String) throws(DebPackageError) -> DebPackage {
        var info = stat()
        guard stat(path, &info) == 0 else { throw DebPackageError("cannot read '\(path)': \(String(cString: strerror(errno)))") }
        let budget = max(expansionFloorBytes, Int64(info.st_size) * expansionRatioMax)
        let outer: ArchiveReader
        do {
            // ar members are found by name, never unpacked by it; a compressed ar is not even tried, as dpkg refuses it.
            outer = try ArchiveReader(path: path, formats: .ar, entryPaths: .notExtracted, decompressedBytesMax: budget)
        } catch {
            throw DebPackageError("not a Debian package: not an ar archive")
        }
        defer { outer.close() }
        let members = DebMembers(reader: outer)
        try members.expectDebianBinary()
        let controlMember = try members.expect("control.tar")
        let controlBytes = try members.read(controlMember, maxBytes: controlMemberBytesMax)
        let dataMember = try members.expect("data.tar")
        try members.validateData(dataMember, decompressedBytesMax: budget)
        try members.expectEnd()
        let remaining = max(0, budget - outer.decompressedBytes)
        let control = try DebControlArchive.read(controlBytes, member: controlMember, decompressedBytesMax: remaining)
        return try package(control.paragraph, compression: control.compression)
    }

    private static func package(_ control: Deb822Paragraph, compression: ArchiveReader.Compression) throws(DebPackageError) -> DebPackage {
        func required(_ field: String) throws(DebPackageError) -> String {
            guard let value = control[field], !value.isEmpty else { throw DebPackageError("control file has no \(field) field") }
            return value
        }
        let name = try required("Package")
        guard isPackageName(name) else {
            throw DebPackageError("invalid Package '\(IdentifierError.printable(name))': expected lowercase letters, digits "
                + "and + - . (at least two characters, starting with a letter or digit)")
        }
        let rawVersion = try required("Version"), rawArchitecture = try required("Architecture")
        let version: DebianVersion
        do { version = try DebianVersion(rawVersion) } catch { throw DebPackageError(error.description) }
        let architecture: String
        do { architecture = try DebianArchitecture.validate(rawArchitecture) } catch { throw DebPackageError(error.description) }
        return DebPackage(control: control, name: name, version: version, architecture: architecture,
                          controlCompression: compression.rawValue)
    }

    /// Policy 5.6.7: `[a-z0-9][a-z0-9+.-]+`.
    static func isPackageName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func allowed(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard bytes.count >= 2, allowed(bytes[0]) else { return false }
        return bytes.dropFirst().allSatisfy { allowed($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }
}
