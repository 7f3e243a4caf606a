// Builds the simple index (PEP 503 HTML, PEP 691 JSON with PEP 700 fields) and the PEP 658 metadata files.
import Foundation

/// One project's files as the index lists them, newest version last.
struct SimpleProject {
    let normalizedName: String
    /// As the newest file's metadata spells it.
    let displayName: String
    let files: [PackageRecord]
    /// Distinct versions, ascending by PEP 440.
    let versions: [String]
}

/// Pure function of the package rows: same rows, same bytes.
struct SimpleIndexBuilder {
    let packages: [PackageRecord]

    func files() -> [GeneratedFile] {
        let projects = Self.projects(packages)
        var files: [GeneratedFile] = [
            GeneratedFile(path: [SimpleIndexLayout.simple, SimpleIndexLayout.htmlFile], bytes: SimpleHTML.projectList(projects)),
            GeneratedFile(path: [SimpleIndexLayout.simple, SimpleIndexLayout.jsonFile], bytes: SimpleJSON.projectList(projects)),
        ]
        for project in projects {
            let directory = [SimpleIndexLayout.simple, project.normalizedName]
            files.append(GeneratedFile(path: directory + [SimpleIndexLayout.htmlFile], bytes: SimpleHTML.projectPage(project)))
            files.append(GeneratedFile(path: directory + [SimpleIndexLayout.jsonFile], bytes: SimpleJSON.projectPage(project)))
        }
        for package in packages {
            guard let metadata = Self.metadataFile(package) else { continue }
            files.append(metadata)
        }
        return files
    }

    /// `<file>.metadata`, reachable by name and not listed (PEP 658 / 714).
    static func metadataFile(_ package: PackageRecord) -> GeneratedFile? {
        let key = PyPIAttribute.metadataSidecar
        guard let hex = package.attributes[key + ".sha256"], let digest = SHA256Digest(hex: hex),
              let size = package.attributes[key + ".size"].flatMap(Int64.init) else { return nil }
        return GeneratedFile(path: [package.filename.rawValue + SimpleIndexLayout.metadataSuffix], stored: digest, size: size, hidden: true)
    }

    /// Groups rows by normalized project name, projects sorted by name, files by version then file name.
    static func projects(_ packages: [PackageRecord]) -> [SimpleProject] {
        // `PackageName` groups and sorts by bytes: two spellings are two projects, as they are two rows.
        let groups = Dictionary(grouping: packages) { $0.name }
        return groups.keys.sorted().map { key in
            let name = key.rawValue
            // Rows hold versions that parsed at ingest; one that somehow does not parse sorts first.
            let keyed = groups[key]!.map { (version: try? PEP440Version($0.version.rawValue), record: $0) }
            let sorted = keyed.sorted { a, b in
                switch (a.version, b.version) {
                case let (x?, y?) where x != y: return x < y
                case (nil, _?): return true
                case (_?, nil): return false
                default: return a.record.filename < b.record.filename
                }
            }
            var versions: [String] = []
            for entry in sorted {
                let text = entry.version?.normalized ?? entry.record.version.rawValue
                if versions.last != text { versions.append(text) }
            }
            let newest = sorted.max { $0.record.uploadedAt < $1.record.uploadedAt }?.record
            return SimpleProject(normalizedName: name, displayName: newest?.attributes[PyPIAttribute.project] ?? name,
                                 files: sorted.map(\.record), versions: versions)
        }
    }
}

extension PackageRecord {
    /// The `<hex>` of the core metadata sidecar, when the package has one.
    var coreMetadataSHA256: String? { attributes[PyPIAttribute.metadataSidecar + ".sha256"] }

    /// The link from `simple/<project>/` to the file: two levels up, the file name percent-encoded.
    var simpleIndexURL: String { "../../" + SimpleHTML.percentEncoded(filename.rawValue) }

    /// PEP 700's `upload-time`: `yyyy-mm-ddThh:mm:ss.ffffffZ`.
    var uploadTimeText: String {
        let seconds = uploadedAt.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let micros = Int(((seconds - Double(whole)) * 1_000_000).rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let date = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
        let time = "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(micros), 6))"
        return date + "T" + time + "Z"
    }
}
