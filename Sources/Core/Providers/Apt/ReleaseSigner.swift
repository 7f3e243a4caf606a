// What apt publishing needs from a key store: a per-repository key that signs Release files.
import Foundation

/// Signs one repository's Release files and hands out its public key.
public protocol ReleaseSigner: Sendable {
    /// `InRelease`: the text with an OpenPGP clear signature.
    func clearSign(_ bytes: [UInt8]) throws -> [UInt8]
    /// `Release.gpg`: an armored detached signature of the text.
    func detachSign(_ bytes: [UInt8]) throws -> [UInt8]
    /// The public key, armored (`pubkey`) or binary (`keyring.gpg`, what `signed-by=` reads).
    func publicKey(armored: Bool) throws -> [UInt8]
}

/// What the API and CLI show about a repository's signing key.
public struct SigningKeySummary: Sendable, Codable, Equatable {
    public let fingerprint: String
    public let algorithm: String
    public let created: Date?
    public let expires: Date?

    public init(fingerprint: String, algorithm: String, created: Date?, expires: Date?) {
        self.fingerprint = fingerprint
        self.algorithm = algorithm
        self.created = created
        self.expires = expires
    }
}

/// Per-repository signing keys for apt repositories.
public protocol SigningKeyStore: Sendable {
    /// The signer of a repository's existing key; throws when it has none.
    func signer(for repository: RepositoryRecord) throws -> any ReleaseSigner
    /// Generates the repository's key unless it already has one.
    func ensureKey(for repository: RepositoryRecord, algorithm: KeyAlgorithm) throws
    /// Replaces the repository's key with an imported secret key (armored or binary, no passphrase).
    func importKey(for repository: RepositoryRecord, bytes: [UInt8]) throws -> SigningKeySummary
    /// The repository's key, if it has one.
    func keySummary(for repository: RepositoryRecord) throws -> SigningKeySummary?
    /// Deletes the repository's key material.
    func removeKey(for repository: RepositoryRecord)
}
