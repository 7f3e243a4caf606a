// Token secrets: how they are made, how they are stored (hashed) and how a presented one is compared.
import Foundation

/// The secret half of a named token. Only its SHA-256 is stored; the secret is shown once, when made.
public enum AccessToken {
    /// Every generated secret starts with this, so a leaked one is recognisable (secret scanners, grep of logs).
    public static let prefix = "afs_"

    /// A new secret: `afs_` and 32 bytes from the system's CSPRNG in unpadded base64url (47 characters).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + base64
    }

    /// What the catalogue keeps of a secret: the SHA-256 of its UTF-8 bytes. A stolen catalogue gives no secret
    /// back: generated secrets carry 256 random bits, too many to search.
    public static func digest(of secret: String) -> SHA256Digest {
        SHA256Digest(of: Array(secret.utf8))
    }

    /// Compares two digests in time that does not depend on where they differ: every byte is XORed and the
    /// differences folded, with no early exit, so response times tell an attacker nothing about a near miss.
    public static func equal(_ a: SHA256Digest, _ b: SHA256Digest) -> Bool {
        let x = Array(a.hex.utf8), y = Array(b.hex.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
