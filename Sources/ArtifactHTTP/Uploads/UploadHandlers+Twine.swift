// The legacy upload API that twine and `python -m build && twine upload` speak, on a PyPI repository's URL.
import Core
import Foundation
import Hummingbird

extension UploadHandlers {
    /// The digest fields twine may send, and the digest of the content each must equal.
    static let twineDigestFields: [(field: String, digest: @Sendable (FileDigests) -> String?)] = [
        ("md5_digest", { $0.md5 }),
        ("sha256_digest", { $0.sha256.hex }),
        ("blake2_256_digest", { $0.blake2b256 }),
    ]

    /// `POST /pypi/<repo>/` (or `/pypi/<repo>/legacy/`): multipart with `:action=file_upload`, the file in
    /// `content`, and `name`, `version`, `md5_digest`, `sha256_digest` and `blake2_256_digest` checked against the
    /// file when sent (400 naming the field that does not match).
    func twineUpload(_ components: [String], request: Request, context: ArtifactRequestContext) async throws -> Response {
        let caller = try await access.caller(request.headers)
        let (kind, name) = try Self.repository(components)
        try caller.require(.write(RepositoryKey(kind, name)))
        guard kind == .pypi else { throw HTTPFailure(.methodNotAllowed, "uploads by POST go to PyPI repositories; PUT the file instead") }
        let kept: Set<String> = Set([":action", "name", "version"] + Self.twineDigestFields.map(\.field))
        let upload = try await MultipartUpload.parse(request, context: context, fileField: "content", keptFields: kept,
                                                     staging: try staging(.pypi, extra: [.md5, .blake2b256]))
        guard let staged = upload.file else { throw HTTPFailure(.badRequest, "multipart field 'content' (the distribution file) is missing") }
        let filename: String
        do {
            filename = try Self.checkTwineForm(upload)
            let digests = try await ingestExecutor.run { try staged.finish() }
            try Self.checkDigests(upload.fields, against: digests)
        } catch {
            staged.discard()
            throw error
        }
        let declared = DeclaredIdentity(name: upload.fields["name"], version: upload.fields["version"])
        return try await ingest(staged, .pypi, name, directory: [], filename: filename, declared: declared)
    }

    /// Each digest field sent must be the hex digest of the content (any case, surrounding spaces ignored; an empty
    /// field counts as not sent).
    static func checkDigests(_ fields: [String: String], against digests: FileDigests) throws(HTTPFailure) {
        for (field, digest) in twineDigestFields {
            let expected = (fields[field] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard !expected.isEmpty else { continue }
            guard let actual = digest(digests), expected == actual else {
                let shown = IdentifierError.printable(String(expected.prefix(128)))
                throw HTTPFailure(.badRequest, "\(field) \(shown) does not match the uploaded content (\(digest(digests) ?? "not computed"))")
            }
        }
    }

    /// The action must be a file upload and the file part must carry a name; returns that name.
    static func checkTwineForm(_ upload: MultipartUpload) throws -> String {
        guard let action = upload.fields[":action"] else { throw HTTPFailure(.badRequest, "form field ':action' is missing") }
        guard action == "file_upload" else {
            throw HTTPFailure(.badRequest, "':action' \(IdentifierError.printable(String(action.prefix(64)))) is not supported; only file_upload is")
        }
        guard let filename = upload.fileName, !filename.isEmpty else { throw HTTPFailure(.badRequest, "the 'content' part has no filename") }
        return filename
    }

    /// Whether a POST goes to the twine endpoint of a repository.
    static func isTwineUpload(_ components: [String]) -> Bool {
        components.first == ProviderKind.pypi.rawValue && (components.count == 2 || (components.count == 3 && components[2] == "legacy"))
    }
}
