// What a package page lists under "Metadata": the provider's own fields, read from the catalogue row.
import Core

/// Ordered fields plus an optional long text (a wheel's description). Values are shown as text, never as markup.
struct PackageMetadata: Sendable, Equatable {
    struct Field: Sendable, Equatable {
        let name: String
        let value: String
    }

    var fields: [Field]
    /// The description that follows core metadata headers; nil for apt and tar.
    var body: String? = nil

    /// An apt package's control paragraph as it was in the .deb, field by field (raw text if it no longer parses).
    static func debian(control: String) -> PackageMetadata {
        guard let paragraph = try? Deb822Paragraph.parseSingle(Array(control.utf8)) else {
            return PackageMetadata(fields: [Field(name: "control", value: control)])
        }
        return PackageMetadata(fields: paragraph.fields.map { Field(name: $0.name, value: $0.value) })
    }

    /// A wheel's or sdist's core metadata file (the PEP 658 sidecar), headers and description.
    static func python(coreMetadata bytes: [UInt8]) -> PackageMetadata {
        guard let metadata = try? CoreMetadata(bytes: bytes) else {
            return PackageMetadata(fields: [], body: String(decoding: bytes, as: UTF8.self))
        }
        return PackageMetadata(fields: metadata.fields.map { Field(name: $0.name, value: $0.value) }, body: metadata.body)
    }

    /// The attributes the provider recorded (a tarball's format and entry count), sorted by name; the sidecar
    /// bookkeeping keys (`*.sha256`, `*.size`) are left out.
    static func attributes(_ attributes: [String: String]) -> PackageMetadata {
        let shown = attributes.filter { !$0.key.hasSuffix(".sha256") && !$0.key.hasSuffix(".size") }
        return PackageMetadata(fields: shown.sorted { $0.key < $1.key }.map { Field(name: $0.key, value: $0.value) })
    }
}
