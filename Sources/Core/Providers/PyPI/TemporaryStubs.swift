// TEMPORARY: compile-only stand-ins until helper-pyparse lands. Must be deleted at merge.
public struct PythonPackageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
public struct PythonProjectName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public let normalized: String
    public init(_ raw: String) throws(PythonPackageError) { rawValue = raw; normalized = Self.normalize(raw) }
    public static func normalize(_ name: String) -> String { name.lowercased() }
    public var description: String { rawValue }
}
public struct PEP440Version: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let normalized: String
    public init(_ raw: String) throws(PythonPackageError) { normalized = raw }
    public var description: String { normalized }
    public var isPrerelease: Bool { false }
    public static func < (a: Self, b: Self) -> Bool { a.normalized < b.normalized }
}
public struct WheelFilename: Sendable, Equatable {
    public let distribution: String, version: String, buildTag: String?
    public let pythonTags: [String], abiTags: [String], platformTags: [String]
    public init(_ filename: String) throws(PythonPackageError) { throw PythonPackageError("stub") }
    public var pythonTagText: String { "" }
}
public enum SdistFilename {
    public enum Format: String, Sendable { case tarGzip = ".tar.gz", zip = ".zip" }
    public static func format(of filename: String) -> Format? { nil }
}
public struct CoreMetadata: Sendable, Equatable {
    public var requiresPython: String? { nil }
    public var summary: String? { nil }
}
public struct PythonDistribution: Sendable {
    public enum Kind: String, Sendable { case wheel = "bdist_wheel", sdist = "sdist" }
    public let kind: Kind
    public let project: PythonProjectName
    public let version: PEP440Version
    public let pythonTag: String
    public let metadata: CoreMetadata
    public let metadataBytes: [UInt8]
}
public enum PythonDistributionReader {
    public static func read(path: String, filename: String, decompressedBytesMax: Int64) throws(PythonPackageError) -> PythonDistribution {
        throw PythonPackageError("stub")
    }
}
