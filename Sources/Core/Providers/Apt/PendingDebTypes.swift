// TEMPORARY stand-ins until the Debian parsing layer lands (same names and shapes).
public struct Deb822Field: Sendable, Equatable { public let name: String; public let value: String }
public struct Deb822Paragraph: Sendable, Equatable {
    public private(set) var fields: [Deb822Field] = []
    public subscript(_ name: String) -> String? { fields.first { $0.name.lowercased() == name.lowercased() }?.value }
    public func rendered() -> String { fields.map { "\($0.name): \($0.value)\n" }.joined() }
}
public struct DebianVersion: Sendable, Hashable { public let rawValue: String }
public struct DebPackageError: Error, CustomStringConvertible { public let description: String }
public struct DebPackage: Sendable {
    public let control: Deb822Paragraph
    public let name: String
    public let version: DebianVersion
    public let architecture: String
    public static func read(path: String) throws(DebPackageError) -> DebPackage { throw DebPackageError(description: "stub") }
}
