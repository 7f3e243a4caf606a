// The one error type of the OpenPGP signing layer: what failed, and gpgme's own words for it.
import CGPGME

/// A signing-layer failure: a message saying what was attempted and why it failed. When gpgme reported the
/// failure, `gpgError` holds its code and the message ends with gpgme's `strerror` text.
public struct SigningError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for logs and for users (an HTTP 4xx/5xx body, a CLI message).
    public let message: String
    /// gpgme's error value (`gpgme_error_t`), 0 when the failure did not come from gpgme.
    public let gpgError: UInt32
    /// True when the caller's input was at fault (bad key data, unusable key), false for environment failures.
    public let isInvalidInput: Bool

    public init(_ message: String, gpgError: UInt32 = 0, isInvalidInput: Bool = false) {
        self.message = message
        self.gpgError = gpgError
        self.isInvalidInput = isInvalidInput
    }

    /// A failure of a gpgme call: `what` was attempted, `error` is what gpgme returned.
    static func gpgme(_ what: String, _ error: gpgme_error_t) -> SigningError {
        SigningError("\(what): \(String(cString: gpgme_strerror(error))) (\(String(cString: gpgme_strsource(error))))",
                     gpgError: error)
    }

    /// Bad input (a key file that cannot be used); the message is shown to whoever supplied it.
    static func invalidKey(_ message: String, gpgError: UInt32 = 0) -> SigningError {
        SigningError(message, gpgError: gpgError, isInvalidInput: true)
    }

    /// gpgme's error code without its source, for comparisons.
    var gpgErrorCode: UInt32 { cgpgme_err_code(gpgError) }

    public var description: String { message }
}
