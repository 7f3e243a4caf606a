// The PyPI simple index built from catalogue rows: PEP 503 HTML, PEP 691/700 JSON, PEP 658 files, yanks.
@testable import Core
import CoreTesting
import Foundation
import Testing

@Suite struct SimpleIndexTests {
    /// A row as ingestion would record it, without a real distribution behind it.
    struct Row {
        var filename: String
        var project = "Django"
        var version: String
        var requiresPython: String?
        var metadata: String? = "Metadata-Version: 2.1\nName: Django\n"
    }

    static func insert(_ repositories: Repositories, _ rows: [Row], uploadedAt: Date = Date(timeIntervalSince1970: 1_700_000_000.25)) throws -> NodeID {
        let target = try repositories.dropTarget(.pypi, RepositoryName("r"), directory: [], create: true)
        for row in rows {
            var attributes = [PyPIAttribute.project: row.project, PyPIAttribute.filetype: "bdist_wheel", PyPIAttribute.pythonTag: "py3"]
            if let requires = row.requiresPython { attributes[PyPIAttribute.requiresPython] = requires }
            let description = PackageDescription(name: try PackageName(PythonProjectName.normalize(row.project)), version: try PackageVersion(row.version),
                                                 attributes: attributes, sidecars: row.metadata.map { ["metadata": Array($0.utf8)] } ?? [:])
            let sidecars = description.preparedSidecars()
            try repositories.storeSidecars(sidecars)
            _ = try repositories.metadata.insertPackage(NewPackage(
                repositoryID: target.repository.id, directoryID: target.directoryID, location: [], filename: try Filename(row.filename),
                name: description.name, version: description.version, digests: FileDigests(size: Int64(row.filename.utf8.count),
                                                                                            sha256: SHA256Digest(of: Array(row.filename.utf8))),
                attributes: description.recordedAttributes(sidecars), sidecars: sidecars.map(\.blob), uploadedAt: uploadedAt), overwrite: false)
        }
        return target.repository.id
    }

    static func bytes(_ repositories: Repositories, _ path: [String]) throws -> [UInt8] {
        let entry = try #require(try repositories.tree.resolve(["pypi", "r"] + path), "\(path.joined(separator: "/")) missing")
        return try repositories.blobs.bytes(of: try #require(entry.digest))
    }

    static func json(_ repositories: Repositories, _ path: [String]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(try bytes(repositories, path))) as? [String: Any])
    }

    static let django = [
        Row(filename: "Django-4.10-py3-none-any.whl", version: "4.10", requiresPython: ">=3.8, <4"),
        Row(filename: "django-4.2rc1-py3-none-any.whl", version: "4.2rc1"),
        Row(filename: "Django-4.2-py3-none-any.whl", version: "4.2"),
        Row(filename: "Django-4.2.tar.gz", version: "4.2", metadata: nil),
        Row(filename: "zope.interface-6.0+local.1-py3-none-any.whl", project: "zope.interface", version: "6.0+local.1"),
    ]

    // Goal: the HTML page lists each file once, PEP 440 order, with hash fragment, escaped requires-python and
    // both PEP 714 metadata attributes only where a metadata file exists.
    @Test func projectPageHTML() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, Self.django)
        try repositories.publishNow(repositoryID: repo)
        let html = String(decoding: try Self.bytes(repositories, ["simple", "django", "index.html"]), as: UTF8.self)
        let links = html.split(separator: "\n").filter { $0.contains("<a ") }
        #expect(links.map { $0.components(separatedBy: ">")[1].components(separatedBy: "<")[0] } == [
            "django-4.2rc1-py3-none-any.whl", "Django-4.2-py3-none-any.whl", "Django-4.2.tar.gz", "Django-4.10-py3-none-any.whl",
        ])
        let newest = String(links[3])
        #expect(newest.contains(#"href="../../Django-4.10-py3-none-any.whl#sha256=\#(SHA256Digest(of: Array("Django-4.10-py3-none-any.whl".utf8)).hex)""#))
        #expect(newest.contains(#"data-requires-python="&gt;=3.8, &lt;4""#))
        let metadata = SHA256Digest(of: Array("Metadata-Version: 2.1\nName: Django\n".utf8)).hex
        #expect(newest.contains(#"data-dist-info-metadata="sha256=\#(metadata)" data-core-metadata="sha256=\#(metadata)""#))
        #expect(!links[2].contains("metadata"))
        #expect(!html.contains("data-yanked"))
        #expect(html.contains(#"<meta name="pypi:repository-version" content="1.1">"#))
        let zope = String(decoding: try Self.bytes(repositories, ["simple", "zope-interface", "index.html"]), as: UTF8.self)
        #expect(zope.contains(#"href="../../zope.interface-6.0%2Blocal.1-py3-none-any.whl#sha256="#))
    }

    // Goal: the JSON page has api-version 1.1 and every PEP 691 / 700 field with the right types.
    @Test func projectPageJSON() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, Self.django)
        try repositories.publishNow(repositoryID: repo)
        let page = try Self.json(repositories, ["simple", "django", "index.json"])
        #expect((page["meta"] as? [String: Any])?["api-version"] as? String == "1.1")
        #expect(page["name"] as? String == "django")
        #expect(page["versions"] as? [String] == ["4.2rc1", "4.2", "4.10"])
        let files = try #require(page["files"] as? [[String: Any]])
        #expect(files.map { $0["filename"] as? String } == ["django-4.2rc1-py3-none-any.whl", "Django-4.2-py3-none-any.whl",
                                                            "Django-4.2.tar.gz", "Django-4.10-py3-none-any.whl"])
        let newest = files[3]
        #expect(newest["url"] as? String == "../../Django-4.10-py3-none-any.whl")
        #expect((newest["hashes"] as? [String: String])?["sha256"] == SHA256Digest(of: Array("Django-4.10-py3-none-any.whl".utf8)).hex)
        #expect(newest["requires-python"] as? String == ">=3.8, <4")
        #expect((newest["core-metadata"] as? [String: String])?["sha256"] != nil)
        #expect((newest["dist-info-metadata"] as? [String: String]) == (newest["core-metadata"] as? [String: String]))
        #expect(newest["yanked"] as? Bool == false)
        #expect(newest["size"] as? Int == "Django-4.10-py3-none-any.whl".utf8.count)
        #expect(newest["upload-time"] as? String == "2023-11-14T22:13:20.250000Z")
        #expect(files[2]["core-metadata"] == nil && files[2]["requires-python"] == nil)
        let list = try Self.json(repositories, ["simple", "index.json"])
        #expect((list["projects"] as? [[String: String]])?.map { $0["name"] } == ["Django", "zope.interface"])
        let listHTML = String(decoding: try Self.bytes(repositories, ["simple", "index.html"]), as: UTF8.self)
        #expect(listHTML.contains(#"<a href="django/">Django</a>"#) && listHTML.contains(#"<a href="zope-interface/">zope.interface</a>"#))
    }

    // Goal: `<file>.metadata` is served byte for byte, resolvable by name but absent from the listing.
    @Test func metadataFilesAreHidden() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, Self.django)
        try repositories.publishNow(repositoryID: repo)
        #expect(try Self.bytes(repositories, ["Django-4.2-py3-none-any.whl.metadata"]) == Array("Metadata-Version: 2.1\nName: Django\n".utf8))
        #expect(try repositories.tree.resolve(["pypi", "r", "Django-4.2.tar.gz.metadata"]) == nil)
        let root = try #require(try repositories.tree.resolve(["pypi", "r"]))
        let names = try repositories.tree.list(root).map(\.name)
        #expect(names.contains("simple"))
        #expect(!names.contains { $0.hasSuffix(".metadata") })
    }

    // Goal: a yank (file or release) shows as data-yanked / "yanked" after the publish, and an unyank removes it.
    @Test func yankAndUnyank() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let repo = try Self.insert(repositories, Self.django)
        try repositories.publishNow(repositoryID: repo)
        let release = try repositories.setYanked(RepositoryName("r"), .release(project: "DJANGO", version: "4.2.0"), reason: #"broken "auth" <b>"#)
        #expect(release.changed.map(\.filename.rawValue).sorted() == ["Django-4.2-py3-none-any.whl", "Django-4.2.tar.gz"])
        _ = try repositories.setYanked(RepositoryName("r"), .file("django-4.2rc1-py3-none-any.whl"), reason: "")
        try repositories.publishNow(repositoryID: repo)
        let files = try #require(try Self.json(repositories, ["simple", "django", "index.json"])["files"] as? [[String: Any]])
        #expect(files[0]["yanked"] as? Bool == true)
        #expect(files[1]["yanked"] as? String == #"broken "auth" <b>"#)
        #expect(files[3]["yanked"] as? Bool == false)
        let html = String(decoding: try Self.bytes(repositories, ["simple", "django", "index.html"]), as: UTF8.self)
        #expect(html.contains(#"data-yanked="broken &quot;auth&quot; &lt;b&gt;""#))
        #expect(html.contains(#"data-yanked="">django-4.2rc1"#))
        let undone = try repositories.setYanked(RepositoryName("r"), .release(project: "django", version: "4.2"), reason: nil)
        #expect(undone.changed.count == 2)
        #expect(try repositories.setYanked(RepositoryName("r"), .release(project: "django", version: "4.2"), reason: nil).changed.isEmpty)
        try repositories.publishNow(repositoryID: repo)
        let again = String(decoding: try Self.bytes(repositories, ["simple", "django", "index.html"]), as: UTF8.self)
        #expect(again.components(separatedBy: "data-yanked").count == 2)
        #expect(throws: ArtifactError.self) { try repositories.setYanked(RepositoryName("r"), .file("nope.whl"), reason: "") }
        #expect(throws: ArtifactError.self) { try repositories.setYanked(RepositoryName("r"), .file("Django-4.2.tar.gz"), reason: "a\nb") }
        #expect(throws: ArtifactError.self) { try repositories.setYanked(RepositoryName("missing"), .file("x.whl"), reason: "") }
    }
}
