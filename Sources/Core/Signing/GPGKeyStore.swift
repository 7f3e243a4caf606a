// SigningKeyStore over gpgme: one GnuPG home per apt repository under `<data>/keys/apt/<repo>`.
import Foundation
import Synchronization

/// The production key store. Homes are created 0700; gpg-agents are stopped by `stopAgents()` at shutdown.
public final class GPGKeyStore: SigningKeyStore {
    let homes: SigningKeys
    /// Seconds until new keys expire; nil (the default) means they never do.
    let expiresAfterSeconds: UInt?
    /// Exported public keys by fingerprint and form: each export runs gpg, and publishes need them every time.
    private let exports = Mutex<[String: [UInt8]]>([:])

    public init(root: String, expiresAfterSeconds: UInt? = nil) throws {
        homes = try SigningKeys(root: root)
        self.expiresAfterSeconds = expiresAfterSeconds
    }

    public func signer(for repository: RepositoryRecord) throws -> any ReleaseSigner {
        let keyring = try homes.keyring(for: repository.name.rawValue)
        // A repository whose creation was cut short before its key existed would otherwise never publish.
        try ensureKey(for: repository, algorithm: .ed25519)
        return KeyringSigner(keyring: keyring, store: self)
    }

    public func ensureKey(for repository: RepositoryRecord, algorithm: KeyAlgorithm) throws {
        let keyring = try homes.keyring(for: repository.name.rawValue)
        guard try keyring.signingKey == nil else { return }
        _ = try keyring.generateKey(KeyGenerationOptions(
            algorithm: algorithm, userID: "artifactfs apt repository \(repository.name) <apt-\(repository.name)@artifactfs.invalid>",
            expiresAfterSeconds: expiresAfterSeconds))
    }

    public func importKey(for repository: RepositoryRecord, bytes: [UInt8]) throws -> SigningKeySummary {
        let keyring = try homes.keyring(for: repository.name.rawValue)
        let result = Result { () throws(SigningError) -> SigningKeyInfo in try keyring.importSecretKey(bytes) }
        switch result {
        case .success(let info):
            return Self.summary(info)
        case .failure(let error) where error.isInvalidInput:
            throw ArtifactError.badRequest("key not imported: \(error.message)")
        case .failure(let error):
            throw error
        }
    }

    public func keySummary(for repository: RepositoryRecord) throws -> SigningKeySummary? {
        try homes.keyring(for: repository.name.rawValue).signingKey.map(Self.summary)
    }

    public func removeKey(for repository: RepositoryRecord) {
        try? homes.remove(repository.name.rawValue)
    }

    /// Stops every gpg-agent this store started (call at shutdown).
    public func stopAgents() {
        homes.stopAll()
    }

    func publicKey(of keyring: OpenPGPKeyring, armored: Bool) throws -> [UInt8] {
        guard let fingerprint = try keyring.signingKey?.fingerprint else { throw SigningError("no signing key") }
        let key = "\(fingerprint)/\(armored)"
        if let cached = exports.withLock({ $0[key] }) { return cached }
        let bytes = try keyring.exportPublicKey(armored: armored)
        exports.withLock { $0[key] = bytes }
        return bytes
    }

    static func summary(_ info: SigningKeyInfo) -> SigningKeySummary {
        SigningKeySummary(fingerprint: info.fingerprint, algorithm: info.algorithm, created: info.created, expires: info.expires)
    }
}

/// Signs with one home's key.
struct KeyringSigner: ReleaseSigner {
    let keyring: OpenPGPKeyring
    let store: GPGKeyStore

    func clearSign(_ bytes: [UInt8]) throws -> [UInt8] { try keyring.clearSign(bytes) }
    func detachSign(_ bytes: [UInt8]) throws -> [UInt8] { try keyring.detachSign(bytes) }
    func publicKey(armored: Bool) throws -> [UInt8] { try store.publicKey(of: keyring, armored: armored) }
}
