// The signing layer against real gpg: keys made and imported through gpgme, signatures checked by gpgv.
import Core
import CoreTesting
import Foundation
import Testing

@Suite struct OpenPGPKeyringTests {
    static let release = Array(
        "Origin: artifactfs\nSuite: stable\nComponents: main\nSHA256:\n 0123 12 main/binary-amd64/Packages\n".utf8)

    /// A keyring in a fresh scratch home; `body` runs, then the home's agent is stopped whatever happened.
    func withKeyring(_ body: (OpenPGPKeyring, ScratchDirectory) throws -> Void) async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let keyring = try OpenPGPKeyring(home: scratch.file("k"))
            defer { keyring.stopAgent() }
            try body(keyring, scratch)
        }
    }

    /// gpgv's verdict on a clear-signed file, trusting only `publicKey`.
    func verifyClearSigned(_ signed: [UInt8], publicKey: [UInt8], scratch: ScratchDirectory) throws -> Int32 {
        let file = scratch.file("InRelease-\(UUID().uuidString)")
        try Data(signed).write(to: URL(fileURLWithPath: file))
        return try GnuPGTools.gpgv(keyring: publicKey, [file], scratch: scratch)
    }

    /// gpgv's verdict on a detached signature of `data`, trusting only `publicKey`.
    func verifyDetached(_ signature: [UInt8], of data: [UInt8], publicKey: [UInt8], scratch: ScratchDirectory) throws -> Int32 {
        let name = UUID().uuidString
        try Data(data).write(to: URL(fileURLWithPath: scratch.file("Release-\(name)")))
        try Data(signature).write(to: URL(fileURLWithPath: scratch.file("Release-\(name).gpg")))
        return try GnuPGTools.gpgv(keyring: publicKey, [scratch.file("Release-\(name).gpg"), scratch.file("Release-\(name)")],
                                   scratch: scratch)
    }

    // Goal: an ed25519 key signs InRelease and Release.gpg with SHA-512, gpgv accepts both, and rejects tampering.
    @Test func ed25519SignaturesVerifyWithGpgv() async throws {
        try await withKeyring { keyring, scratch in
            #expect(try keyring.signingKey == nil)
            let key = try keyring.generateKey(KeyGenerationOptions(userID: "artifactfs apt r <apt@example.invalid>"))
            #expect(key.algorithm == "ed25519" && key.fingerprint.count == 40 && key.expires == nil)
            #expect(key.userID == "artifactfs apt r <apt@example.invalid>")
            #expect(try keyring.signingKey == key)
            let publicKey = try keyring.exportPublicKey(armored: false)
            #expect(publicKey.first.map { $0 & 0x80 != 0 } == true, "binary OpenPGP packet")
            let armored = String(decoding: try keyring.exportPublicKey(armored: true), as: UTF8.self)
            #expect(armored.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----"))

            let inRelease = try keyring.clearSign(Self.release)
            let text = String(decoding: inRelease, as: UTF8.self)
            #expect(text.hasPrefix("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n"))
            #expect(try verifyClearSigned(inRelease, publicKey: publicKey, scratch: scratch) == 0)
            let tampered = Array(text.replacingOccurrences(of: "Suite: stable", with: "Suite: stablX").utf8)
            #expect(try verifyClearSigned(tampered, publicKey: publicKey, scratch: scratch) != 0)

            let signature = try keyring.detachSign(Self.release)
            #expect(String(decoding: signature, as: UTF8.self).hasPrefix("-----BEGIN PGP SIGNATURE-----"))
            #expect(try verifyDetached(signature, of: Self.release, publicKey: publicKey, scratch: scratch) == 0)
            #expect(try verifyDetached(signature, of: Self.release + Array("x".utf8), publicKey: publicKey, scratch: scratch) != 0)
            try Data(signature).write(to: URL(fileURLWithPath: scratch.file("sig.asc")))
            #expect(try GnuPGTools.digestAlgorithm(ofSignatureIn: scratch.file("sig.asc"), scratch: scratch) == 10)
        }
    }

    // Goal: rsa4096 keys are generated and their signatures verify (slow: key generation takes seconds).
    @Test func rsa4096SignaturesVerify() async throws {
        try await withKeyring { keyring, scratch in
            let key = try keyring.generateKey(KeyGenerationOptions(algorithm: .rsa4096, userID: "rsa <rsa@example.invalid>"))
            #expect(key.algorithm == "rsa4096")
            let publicKey = try keyring.exportPublicKey(armored: false)
            let inRelease = try keyring.clearSign(Self.release)
            #expect(String(decoding: inRelease, as: UTF8.self).contains("Hash: SHA512\n"))
            #expect(try verifyClearSigned(inRelease, publicKey: publicKey, scratch: scratch) == 0)
            #expect(try verifyDetached(try keyring.detachSign(Self.release), of: Self.release, publicKey: publicKey,
                                       scratch: scratch) == 0)
        }
    }

    // Goal: a configured expiry shows in SigningKeyInfo; generating again replaces the key (one key per home).
    @Test func expiryIsReportedAndGenerationReplacesTheKey() async throws {
        try await withKeyring { keyring, scratch in
            let days30: UInt = 30 * 86_400
            let expiring = try keyring.generateKey(KeyGenerationOptions(userID: "e <e@example.invalid>", expiresAfterSeconds: days30))
            let expires = try #require(expiring.expires)
            #expect(abs(expires.timeIntervalSince(expiring.created) - TimeInterval(days30)) < 120)
            let lasting = try keyring.generateKey(KeyGenerationOptions(userID: "n <n@example.invalid>"))
            #expect(lasting.expires == nil && lasting.fingerprint != expiring.fingerprint)
            #expect(try keyring.signingKey == lasting)
            #expect(try GnuPGTools.fingerprints(inHome: keyring.home) == [lasting.fingerprint])
            let publicKey = try keyring.exportPublicKey(armored: false)
            #expect(try verifyClearSigned(try keyring.clearSign(Self.release), publicKey: publicKey, scratch: scratch) == 0)
        }
    }

    // Goal: a key made by the gpg CLI imports, signs verifiably, and becomes the home's only key.
    @Test func importedCLIKeyReplacesThePreviousKey() async throws {
        try await withKeyring { keyring, scratch in
            let previous = try keyring.generateKey(KeyGenerationOptions(userID: "old <old@example.invalid>"))
            let oldPublicKey = try keyring.exportPublicKey(armored: false)
            let cli = try GnuPGTools.makeCLIKey(scratch: scratch)

            let imported = try keyring.importSecretKey(cli.secretArmored)
            #expect(imported.fingerprint == cli.fingerprint && imported.fingerprint != previous.fingerprint)
            #expect(imported.algorithm == "ed25519" && imported.userID == "T <t@e>")
            #expect(try keyring.signingKey == imported)
            #expect(try GnuPGTools.fingerprints(inHome: keyring.home) == [cli.fingerprint])

            let publicKey = try keyring.exportPublicKey(armored: false)
            let inRelease = try keyring.clearSign(Self.release)
            #expect(try verifyClearSigned(inRelease, publicKey: publicKey, scratch: scratch) == 0)
            #expect(try verifyClearSigned(inRelease, publicKey: oldPublicKey, scratch: scratch) != 0)
            #expect(try verifyDetached(try keyring.detachSign(Self.release), of: Self.release, publicKey: publicKey,
                                       scratch: scratch) == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).allSatisfy { !$0.hasPrefix(".try-") })
            #expect(GnuPGTools.eventually { GnuPGTools.agentHomes(under: scratch.path).allSatisfy { $0 == keyring.home } },
                    "the trial home's agent was stopped")
        }
    }

    enum BadKey: String, CaseIterable, Sendable {
        case garbage, publicOnly, passphraseProtected
    }

    // Goal: unusable key data fails with a clear error and leaves the previous key signing.
    @Test(arguments: BadKey.allCases)
    func rejectedImportKeepsThePreviousKey(_ bad: BadKey) async throws {
        try await withKeyring { keyring, scratch in
            let previous = try keyring.generateKey(KeyGenerationOptions(userID: "old <old@example.invalid>"))
            let publicKey = try keyring.exportPublicKey(armored: false)
            let (bytes, expected): ([UInt8], String)
            switch bad {
            case .garbage: (bytes, expected) = (Fixtures.noise(count: 2048, seed: 7), "not an OpenPGP key")
            case .publicOnly: (bytes, expected) = (try GnuPGTools.makeCLIKey(scratch: scratch).publicArmored, "no secret key")
            case .passphraseProtected:
                (bytes, expected) = (try GnuPGTools.makeCLIKey(passphrase: "s3cret", scratch: scratch).secretArmored,
                                     "the key is protected by a passphrase; export it without one")
            }
            let error = #expect(throws: SigningError.self) { try keyring.importSecretKey(bytes) }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "no error")")
            #expect(error?.isInvalidInput == true)

            #expect(try keyring.signingKey == previous)
            #expect(try GnuPGTools.fingerprints(inHome: keyring.home) == [previous.fingerprint])
            #expect(try verifyClearSigned(try keyring.clearSign(Self.release), publicKey: publicKey, scratch: scratch) == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).allSatisfy { !$0.hasPrefix(".try-") })
        }
    }

    // Goal: the home is private (0700), and a home others can read is refused with a clear error.
    @Test func homeIsPrivate() async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let keyring = try OpenPGPKeyring(home: scratch.file("a/b/home"))
            var status = stat()
            #expect(stat(keyring.home, &status) == 0 && status.st_mode & 0o777 == 0o700)

            let open = scratch.file("open")
            try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o755])
            let error = #expect(throws: SigningError.self) { try OpenPGPKeyring(home: open) }
            #expect(error?.description.contains("chmod 700") == true)
        }
    }

    // Goal: a home too long for gpg-agent's socket is refused at init, not when signing fails later.
    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/run/user/\(getuid())")))
    func tooLongHomeIsRefused() async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let error = #expect(throws: SigningError.self) {
                try OpenPGPKeyring(home: scratch.file(String(repeating: "h", count: 100)))
            }
            #expect(error?.description.contains("too long") == true)
        }
    }

    // Goal: signing starts an agent for the home, stopAgent ends it.
    @Test func stopAgentEndsTheAgent() async throws {
        try await withKeyring { keyring, _ in
            _ = try keyring.generateKey(KeyGenerationOptions(userID: "a <a@example.invalid>"))
            _ = try keyring.clearSign(Self.release)
            #expect(!GnuPGTools.agents(home: keyring.home).isEmpty)
            keyring.stopAgent()
            #expect(GnuPGTools.eventually { GnuPGTools.agents(home: keyring.home).isEmpty })
            // The next signature starts a new agent.
            _ = try keyring.detachSign(Self.release)
        }
    }

    // Goal: removeHome stops the agent and deletes the directory.
    @Test func removeHomeDeletesEverything() async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let keyring = try OpenPGPKeyring(home: scratch.file("gone"))
            _ = try keyring.generateKey(KeyGenerationOptions(userID: "g <g@example.invalid>"))
            _ = try keyring.clearSign(Self.release)
            OpenPGPKeyring.removeHome(keyring.home)
            #expect(!FileManager.default.fileExists(atPath: keyring.home))
            #expect(GnuPGTools.eventually { GnuPGTools.agents(home: keyring.home).isEmpty })
        }
    }
}
