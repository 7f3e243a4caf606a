// One package as the browse pages show it: the catalogue row reduced to its columns, with a comparable version.
import Core
import Foundation

/// The columns of a package row. Built once per catalogue row; sorting and filtering read only this.
struct PackageRow: Sendable {
    let id: NodeID
    let provider: ProviderKind
    let name: String
    let version: String
    /// apt: the architecture; PyPI: the wheel's python tag or `source`; tar: the archive format.
    let platform: String
    /// apt: `dist/component`; empty for flat repositories.
    let dist: String
    let filename: String
    let size: Int64
    let uploaded: Date
    let sha256: String
    /// The file's path below the repository (`pool/stable/main/x.deb`, `x-1.0.tar.gz`), unencoded.
    let location: [String]
    let yanked: Bool
    let versionKey: VersionKey
    /// The name in lower case, the key of the name column (computed once, not per comparison).
    let sortName: String
    /// Every column in lower case, for the filter.
    let searchText: String

    init(_ record: PackageRecord, provider: ProviderKind) {
        id = record.id
        self.provider = provider
        name = provider == .pypi ? record.attributes[PyPIAttribute.project] ?? record.name.rawValue : record.name.rawValue
        version = record.version.rawValue
        platform = Self.platform(record, provider: provider)
        dist = record.location.count == 3 ? record.location[1] + "/" + record.location[2] : ""
        filename = record.filename.rawValue
        size = record.digests.size
        uploaded = record.uploadedAt
        sha256 = record.digests.sha256.hex
        location = record.location + [record.filename.rawValue]
        yanked = record.attributes[PyPIAttribute.yanked] != nil
        versionKey = VersionKey(version, provider: provider)
        sortName = name.lowercased()
        searchText = [name, version, platform, dist, filename, sha256].joined(separator: "\n").lowercased()
    }

    private static func platform(_ record: PackageRecord, provider: ProviderKind) -> String {
        switch provider {
        // Core's attribute keys for apt and tar rows are internal to it; these are their values.
        case .apt: return record.attributes["architecture"] ?? ""
        case .pypi: return record.attributes[PyPIAttribute.pythonTag] ?? ""
        case .tar: return record.attributes["format"] ?? ""
        }
    }
}

/// A version that sorts the way its ecosystem does: dpkg's order for apt, PEP 440 for PyPI; text otherwise,
/// or when a stored version does not parse (it still sorts, after every parsed one).
enum VersionKey: Sendable, Comparable {
    case debian(DebianVersion)
    case python(PEP440Version)
    case text(String)

    init(_ raw: String, provider: ProviderKind) {
        switch provider {
        case .apt: self = (try? DebianVersion(raw)).map(VersionKey.debian) ?? .text(raw)
        case .pypi: self = (try? PEP440Version(raw)).map(VersionKey.python) ?? .text(raw)
        case .tar: self = .text(raw)
        }
    }

    static func < (lhs: VersionKey, rhs: VersionKey) -> Bool {
        switch (lhs, rhs) {
        case (.debian(let a), .debian(let b)): return a < b
        case (.python(let a), .python(let b)): return a < b
        case (.text(let a), .text(let b)): return naturallyPrecedes(Array(a.utf8), Array(b.utf8))
        case (.text, _): return false
        case (_, .text): return true
        default: return false
        }
    }
}

/// Text order where runs of digits compare as numbers (`1.9` before `1.10`), for tarball versions.
private func naturallyPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var i = 0, j = 0
    while i < a.count && j < b.count {
        if isDigit(a[i]) && isDigit(b[j]) {
            let startA = i, startB = j
            while i < a.count && isDigit(a[i]) { i += 1 }
            while j < b.count && isDigit(b[j]) { j += 1 }
            let runA = a[startA..<i].drop { $0 == UInt8(ascii: "0") }, runB = b[startB..<j].drop { $0 == UInt8(ascii: "0") }
            if runA.count != runB.count { return runA.count < runB.count }
            if !runA.elementsEqual(runB) { return runA.lexicographicallyPrecedes(runB) }
        } else {
            if a[i] != b[j] { return a[i] < b[j] }
            i += 1
            j += 1
        }
    }
    return a.count - i < b.count - j
}

private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
