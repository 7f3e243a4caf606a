// Checks the upload token: `Authorization: Bearer T`, or Basic auth with T as the password (as twine sends it).
import Core
import Foundation
import HTTPTypes

/// Decides whether a request may write. With no token configured every request may (the embedded default).
struct UploadAuthorizer: Sendable {
    /// SHA-256 of the configured token; comparing digests keeps the comparison time independent of the token.
    private let tokenDigest: [UInt8]?

    init(token: String?) {
        tokenDigest = token.flatMap { $0.isEmpty ? nil : Array(SHA256Digest(of: Array($0.utf8)).hex.utf8) }
    }

    /// Throws `.unauthorized` unless the request carries the token.
    func authorize(_ headers: HTTPFields) throws(ArtifactError) {
        guard let expected = tokenDigest else { return }
        guard let presented = Self.presentedToken(headers[.authorization]) else {
            throw .unauthorized("an upload token is required (Authorization: Bearer <token>, or Basic auth with the token as password)")
        }
        let digest = Array(SHA256Digest(of: Array(presented.utf8)).hex.utf8)
        // Constant-time: fold the XOR of every byte instead of stopping at the first difference.
        let difference = zip(digest, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        guard difference == 0 else { throw .unauthorized("the upload token is not valid") }
    }

    static func presentedToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased(), value = parts[1].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "bearer", "token":
            return value
        case "basic":
            guard let decoded = Data(base64Encoded: value).map({ String(decoding: $0, as: UTF8.self) }),
                  let colon = decoded.firstIndex(of: ":") else { return nil }
            return String(decoded[decoded.index(after: colon)...])
        default:
            return nil
        }
    }
}
