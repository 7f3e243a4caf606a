// What callers learn about a signing key, and what they choose when generating one.
import Foundation

/// The public facts of a home's signing key.
public struct SigningKeyInfo: Sendable, Equatable, CustomStringConvertible {
    /// Upper-case hex fingerprint of the primary key (40 digits for v4 keys).
    public let fingerprint: String
    /// gpg's algorithm string for the primary key: `ed25519`, `rsa4096`, …
    public let algorithm: String
    /// The first user ID, e.g. `artifactfs apt myrepo <apt@example>`; empty when the key has none.
    public let userID: String
    /// When the primary key was created.
    public let created: Date
    /// When the primary key expires; nil when it never does.
    public let expires: Date?

    public init(fingerprint: String, algorithm: String, userID: String, created: Date, expires: Date?) {
        self.fingerprint = fingerprint
        self.algorithm = algorithm
        self.userID = userID
        self.created = created
        self.expires = expires
    }

    public var description: String {
        "\(algorithm)/\(fingerprint) \(userID)" + (expires.map { " expires \($0)" } ?? "")
    }
}

/// Public-key algorithms a generated signing key may use.
public enum KeyAlgorithm: String, Sendable, CaseIterable {
    case ed25519
    case rsa4096

    /// The algorithm string `gpgme_op_createkey` takes.
    var gpgmeName: String { rawValue }
}

/// How to generate a signing key. No passphrase is ever set: the key signs unattended.
public struct KeyGenerationOptions: Sendable, Equatable {
    public var algorithm: KeyAlgorithm
    /// The user ID, `Name <email>` by convention.
    public var userID: String
    /// Seconds from now until the key expires; nil for a key that never expires.
    public var expiresAfterSeconds: UInt?

    public init(algorithm: KeyAlgorithm = .ed25519, userID: String, expiresAfterSeconds: UInt? = nil) {
        self.algorithm = algorithm
        self.userID = userID
        self.expiresAfterSeconds = expiresAfterSeconds
    }
}
