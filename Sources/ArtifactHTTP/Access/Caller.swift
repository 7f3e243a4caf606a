// Who sent a request, once its token was checked, and the one place that decides 401, 403 or go ahead.
import Core

/// What a request wants to do to the tree.
enum AccessAction: Sendable {
    /// GET/HEAD of anything under the repository with this node id (files, indexes, listings, its API rows): the
    /// repository the request resolved to in the catalogue, byte for byte.
    case read(NodeID)
    /// Upload, delete, yank or unyank in a repository.
    case write(RepositoryKey)
    /// Create or delete repositories, make one private or public, import a signing key.
    case administer
}

/// The outcome of checking a request's credentials against one `AccessSnapshot`.
struct Caller: Sendable {
    enum Credential: Sendable, Equatable {
        /// No `Authorization` header in a form we read.
        case none
        /// A secret that matches no token.
        case invalid
        /// A known token (`upload-token` for `--upload-token`).
        case token(name: String, scope: TokenScope)
    }

    let credential: Credential
    let access: AccessSnapshot

    /// Throws `.unauthorized` (HTTP 401, with a Basic challenge) without a valid token where one is needed, and
    /// `.forbidden` (403) when the token is valid but does not cover the repository or the action. A read of a
    /// repository the snapshot does not know (made or deleted while the request ran) is `.notFound`: unknown is
    /// never taken for public.
    func require(_ action: AccessAction) throws(ArtifactError) {
        switch action {
        case .read(let id):
            guard let repository = access.repositories[id] else { throw .notFound("repository") }
            guard repository.isPrivate else { return }
            try requireToken(covering: repository.key, what: "reading private repository \(repository.key)")
        case .write(let key):
            guard !access.writesOpen else { return }
            try requireToken(covering: key, what: "writing to \(key)")
        case .administer:
            guard !access.writesOpen else { return }
            try requireToken(covering: nil, what: "creating, changing or deleting repositories and importing keys")
        }
    }

    /// Whether `require(.read(id))` would pass (listings leave out what it would refuse).
    func mayRead(_ id: NodeID) -> Bool {
        (try? require(.read(id))) != nil
    }

    /// `covering` nil asks for a token that covers every repository.
    private func requireToken(covering key: RepositoryKey?, what: String) throws(ArtifactError) {
        switch credential {
        case .none:
            throw .unauthorized("a token is required for \(what) (Authorization: Bearer <token>, or Basic auth with the token as password)")
        case .invalid:
            throw .unauthorized("the token is not valid")
        case .token(let name, let scope):
            if let key {
                guard scope.covers(key) else { throw .forbidden("token '\(name)' does not cover \(key)") }
            } else {
                guard scope.coversAll else {
                    throw .forbidden("\(what) needs a token for all repositories; token '\(name)' is limited to \(scope.summary)")
                }
            }
        }
    }
}
