// Every failure the edges (FUSE, HTTP, CLI) must translate: one enum, mapped once per edge.

/// A failure with a meaning users see. The FUSE edge maps each case to one errno, the HTTP edge to one status.
public enum ArtifactError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not a valid package of its repository's format.
    case invalidPackage(filename: String, reason: String)
    /// A name, path or parameter broke a validation rule.
    case invalidName(IdentifierError)
    /// A request was malformed in a way that is not about a name (missing field, bad parameter).
    case badRequest(String)
    /// Another file with different bytes already has this name, and the repository forbids overwrite.
    case conflict(filename: String, reason: String)
    /// The repository (or directory) being created exists already.
    case alreadyExists(String)
    /// Nothing at that path.
    case notFound(String)
    /// A repository or directory still holds packages.
    case notEmpty(String)
    /// The path is generated (indexes, keys): written only by publishing.
    case readOnly(String)
    /// Packages go into drop directories only; this path is not one.
    case notADropDirectory(String)
    /// A rename would move a file between repositories or drop directories.
    case crossDirectory(String)
    /// The repository format is not served by this build.
    case unsupportedProvider(ProviderKind)
    /// The spool or blob store is out of space.
    case outOfSpace(String)
    /// The blob store or catalogue failed; nothing was published.
    case storageUnavailable(String)
    /// The caller did not prove who it is: no token, or one that is not valid.
    case unauthorized(String)
    /// The caller's token is valid but does not cover this repository or action.
    case forbidden(String)

    public var description: String {
        switch self {
        case .invalidPackage(let file, let reason): return "\(IdentifierError.printable(file)): not a valid package: \(reason)"
        case .invalidName(let error): return error.description
        case .badRequest(let message): return message
        case .conflict(let file, let reason): return "\(IdentifierError.printable(file)): \(reason)"
        case .alreadyExists(let what): return "\(what) already exists"
        case .notFound(let what): return "\(what) not found"
        case .notEmpty(let what): return "\(what) is not empty"
        case .readOnly(let path): return "\(path) is generated and read-only"
        case .notADropDirectory(let path): return "\(path) does not accept packages"
        case .crossDirectory(let what): return "cannot move \(what) to another directory"
        case .unsupportedProvider(let kind): return "\(kind) repositories are not supported by this build yet"
        case .outOfSpace(let what): return "out of space: \(what)"
        case .storageUnavailable(let what): return "storage unavailable: \(what)"
        case .unauthorized(let what): return what
        case .forbidden(let what): return what
        }
    }
}

extension ArtifactError {
    /// Wraps any error from a store in `.storageUnavailable`, keeping `ArtifactError`s as they are.
    static func fromStorage(_ error: any Error, _ context: String) -> ArtifactError {
        if let known = error as? ArtifactError { return known }
        if let posix = error as? POSIXFailure, posix.isOutOfSpace { return .outOfSpace("\(context): \(posix)") }
        return .storageUnavailable("\(context): \(error)")
    }
}
