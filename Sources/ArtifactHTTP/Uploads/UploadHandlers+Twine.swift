// The legacy upload API that twine and `python -m build && twine upload` speak, on a PyPI repository's URL.
import Core
import Hummingbird

extension UploadHandlers {
    /// `POST /pypi/<repo>/` (or `/pypi/<repo>/legacy/`): multipart with `:action=file_upload`, the file in
    /// `content`, and `name`, `version` and `sha256_digest` checked against the file when sent.
    func twineUpload(_ components: [String], request: Request) async throws -> Response {
        let caller = try await access.caller(request.headers)
        let (kind, name) = try Self.repository(components)
        try caller.require(.write(RepositoryKey(kind, name)))
        guard kind == .pypi else { throw HTTPFailure(.methodNotAllowed, "uploads by POST go to PyPI repositories; PUT the file instead") }
        let repositories = self.repositories
        let provider = try repositories.provider(.pypi)
        let upload = try await MultipartUpload.parse(request, fileField: "content", spool: repositories.spool,
                                                     digestKinds: provider.digestKinds, executor: executor, uploadBytesMax: uploadBytesMax)
        guard let staged = upload.file else { throw HTTPFailure(.badRequest, "multipart field 'content' (the distribution file) is missing") }
        do {
            let filename = try Self.checkTwineForm(upload)
            if let expected = upload.fields["sha256_digest"] {
                let digests = try await executor.run { try staged.finish() }
                guard expected.trimmingCharacters(in: .whitespaces).lowercased() == digests.sha256.hex else {
                    throw HTTPFailure(.badRequest, "sha256_digest \(expected.prefix(64)) does not match the uploaded content (\(digests.sha256.hex))")
                }
            }
            let declared = DeclaredIdentity(name: upload.fields["name"], version: upload.fields["version"])
            let target = try await executor.run { try repositories.dropTarget(.pypi, name, directory: [], create: true) }
            return try await ingest(staged, into: target, filename: filename, declared: declared)
        } catch {
            staged.discard()
            throw error
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
