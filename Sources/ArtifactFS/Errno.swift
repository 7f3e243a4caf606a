// The filesystem's one mapping from domain errors to errno values (the FUSE adapter replies with these).
import Core
import Foundation

/// The errno a failed filesystem operation returns. One exhaustive switch: a new `ArtifactError` case
/// does not compile until it has an errno here.
public enum Errno {
    public static func of(_ error: any Error) -> Int32 {
        switch error {
        case let artifact as ArtifactError: return of(artifact)
        case let direct as ErrnoError: return direct.code
        case let identifier as IdentifierError: return of(identifier)
        case let posix as POSIXFailure: return posix.isOutOfSpace ? ENOSPC : EIO
        default: return EIO
        }
    }

    public static func of(_ error: ArtifactError) -> Int32 {
        switch error {
        // `cp` prints "Invalid argument" and exits non-zero; the log line says what was wrong with the file.
        case .invalidPackage: return EINVAL
        case .invalidName(let identifier): return of(identifier)
        case .badRequest: return EINVAL
        // A different file already has the name: `cp` reports "File exists".
        case .conflict: return EEXIST
        case .alreadyExists: return EEXIST
        case .notFound: return ENOENT
        case .notEmpty: return ENOTEMPTY
        // Generated files are part of a read-only view; EROFS tells the user the path, not their rights, is the issue.
        case .readOnly: return EROFS
        // Outside drop directories nothing can be created; EACCES is what tools expect for "not here".
        case .notADropDirectory: return EACCES
        case .crossDirectory: return EXDEV
        case .unsupportedProvider: return EOPNOTSUPP
        case .outOfSpace: return ENOSPC
        case .storageUnavailable: return EIO
        case .unauthorized: return EACCES
        case .forbidden: return EACCES
        }
    }

    /// A name over its byte limit is `ENAMETOOLONG` ("File name too long", what tools say for names the kernel
    /// itself refuses); every other broken naming rule is `EINVAL`.
    public static func of(_ error: IdentifierError) -> Int32 {
        if case .tooLong = error.rule { return ENAMETOOLONG }
        return EINVAL
    }
}
