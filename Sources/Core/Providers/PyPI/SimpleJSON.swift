// PEP 691 JSON pages of the simple index (api-version 1.1, with PEP 700's versions, size and upload-time).
import Foundation

/// Renders the JSON representation through `JSONEncoder` (sorted keys, so the bytes are stable).
enum SimpleJSON {
    struct Meta: Encodable {
        let apiVersion = SimpleIndexLayout.apiVersion
        enum CodingKeys: String, CodingKey { case apiVersion = "api-version" }
    }

    struct ProjectList: Encodable {
        struct Entry: Encodable { let name: String }
        let meta = Meta()
        let projects: [Entry]
    }

    struct ProjectPage: Encodable {
        let meta = Meta()
        let name: String
        let files: [File]
        let versions: [String]
    }

    struct File: Encodable {
        let filename: String
        let url: String
        let hashes: [String: String]
        let requiresPython: String?
        let coreMetadata: [String: String]?
        /// `false`, `true` (yanked without a reason) or the reason.
        let yanked: String?
        let size: Int64
        let uploadTime: String

        enum CodingKeys: String, CodingKey {
            case filename, url, hashes, size, yanked
            case requiresPython = "requires-python", coreMetadata = "core-metadata", distInfoMetadata = "dist-info-metadata"
            case uploadTime = "upload-time"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(filename, forKey: .filename)
            try container.encode(url, forKey: .url)
            try container.encode(hashes, forKey: .hashes)
            try container.encodeIfPresent(requiresPython, forKey: .requiresPython)
            // PEP 714: the new key, plus the old one for clients that predate it; absent means "no metadata file".
            try container.encodeIfPresent(coreMetadata, forKey: .coreMetadata)
            try container.encodeIfPresent(coreMetadata, forKey: .distInfoMetadata)
            switch yanked {
            case nil: try container.encode(false, forKey: .yanked)
            case ""?: try container.encode(true, forKey: .yanked)
            case let reason?: try container.encode(reason, forKey: .yanked)
            }
            try container.encode(size, forKey: .size)
            try container.encode(uploadTime, forKey: .uploadTime)
        }
    }

    static func projectList(_ projects: [SimpleProject]) -> [UInt8] {
        encode(ProjectList(projects: projects.map { ProjectList.Entry(name: $0.displayName) }))
    }

    static func projectPage(_ project: SimpleProject) -> [UInt8] {
        let files = project.files.map { file in
            File(filename: file.filename.rawValue, url: file.simpleIndexURL, hashes: ["sha256": file.digests.sha256.hex],
                 requiresPython: file.attributes[PyPIAttribute.requiresPython],
                 coreMetadata: file.coreMetadataSHA256.map { ["sha256": $0] },
                 yanked: file.attributes[PyPIAttribute.yanked], size: file.digests.size, uploadTime: file.uploadTimeText)
        }
        return encode(ProjectPage(name: project.normalizedName, files: files, versions: project.versions))
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail.
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
