// An in-memory stand-in for the gpgme key store (unit tests only: its "signatures" are not OpenPGP).
import Core
import Foundation
import Synchronization

/// Remembers which repositories have a key and wraps signed text in recognizable markers.
public final class FakeKeyStore: SigningKeyStore {
    private let keys = Mutex<[NodeID: KeyAlgorithm]>([:])

    public init() {}

    public func signer(for repository: RepositoryRecord) throws -> any ReleaseSigner {
        guard let algorithm = keys.withLock({ $0[repository.id] }) else { throw ArtifactError.storageUnavailable("no key") }
        return FakeSigner(name: "\(repository.name)-\(algorithm.rawValue)")
    }

    public func ensureKey(for repository: RepositoryRecord, algorithm: KeyAlgorithm) throws {
        keys.withLock { if $0[repository.id] == nil { $0[repository.id] = algorithm } }
    }

    public func importKey(for repository: RepositoryRecord, bytes: [UInt8]) throws -> SigningKeySummary {
        throw ArtifactError.badRequest("the fake key store imports nothing")
    }

    public func keySummary(for repository: RepositoryRecord) throws -> SigningKeySummary? {
        keys.withLock { $0[repository.id] }.map { SigningKeySummary(fingerprint: "FAKE", algorithm: $0.rawValue, created: nil, expires: nil) }
    }

    public func removeKey(for repository: RepositoryRecord) {
        _ = keys.withLock { $0.removeValue(forKey: repository.id) }
    }
}

struct FakeSigner: ReleaseSigner {
    let name: String
    func clearSign(_ bytes: [UInt8]) throws -> [UInt8] { Array("FAKE CLEARSIGN \(name)\n".utf8) + bytes }
    func detachSign(_ bytes: [UInt8]) throws -> [UInt8] { Array("FAKE SIGNATURE \(name)\n".utf8) }
    func publicKey(armored: Bool) throws -> [UInt8] { Array("FAKE KEY \(name) \(armored)\n".utf8) }
}
