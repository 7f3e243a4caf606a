// Core metadata (METADATA in wheels, PKG-INFO in sdists): header fields looked up the way installers do.

/// A parsed core metadata file. Fields keep file order and repeat (`Requires-Dist` usually does); names
/// compare case-insensitively. Continuation lines stay in the value after a "\n", as written.
public struct CoreMetadata: Sendable, Equatable {
    /// Larger files are refused: real ones are kilobytes, long descriptions included.
    public static let bytesMax = 8 << 20

    /// One `Name: value` header; `value` has the whitespace around it removed.
    public struct Field: Sendable, Equatable {
        public let name: String
        public let value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public let fields: [Field]
    /// What follows the first empty line (the description, in metadata 2.1 and later), or nil.
    public let body: String?

    /// Throws when the file is larger than `bytesMax`, is not UTF-8, has a control character other than tab,
    /// CR or LF in its headers, has a header line without ':', lacks Metadata-Version, Name or Version, or
    /// repeats one of `singleUseFields`.
    public init(bytes: [UInt8]) throws(PythonPackageError) {
        guard bytes.count <= Self.bytesMax else {
            throw PythonPackageError("metadata is larger than \(Self.bytesMax >> 20) MiB (\(bytes.count) bytes)")
        }
        let headers = try MetadataHeaders.parse(bytes)
        fields = headers.fields
        body = headers.body
        for required in ["Metadata-Version", "Name", "Version"] where value(required)?.isEmpty != false {
            throw PythonPackageError("no \(required) field")
        }
        // Two answers to "what is this?" would let the index and an installer disagree about the file.
        for single in Self.singleUseFields where values(single).count > 1 {
            throw PythonPackageError("the \(single) field appears more than once")
        }
    }

    /// Fields the core metadata specification allows once; the ones this server reads are among them.
    static let singleUseFields = ["Metadata-Version", "Name", "Version", "Summary", "Requires-Python", "Description-Content-Type"]

    /// Every value of `field` (any case), in file order.
    public func values(_ field: String) -> [String] {
        let wanted = field.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The first value of `field` (any case).
    public func value(_ field: String) -> String? {
        let wanted = field.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    // Present and non-empty: the initializer checked.
    public var metadataVersion: String { value("Metadata-Version")! }
    public var name: String { value("Name")! }
    public var version: String { value("Version")! }

    /// Unfolded and trimmed; nil when absent or empty (no constraint).
    public var requiresPython: String? { singleLine("Requires-Python") }

    /// Unfolded and trimmed; nil when absent or empty.
    public var summary: String? { singleLine("Summary") }

    /// RFC 5322 unfolding: the line breaks go, the whitespace that started each continuation stays.
    private func singleLine(_ field: String) -> String? {
        guard let folded = value(field) else { return nil }
        let unfolded = folded.filter { $0 != "\n" }
        let text = unfolded.drop { $0 == " " || $0 == "\t" }
        return text.isEmpty ? nil : String(text)
    }
}
