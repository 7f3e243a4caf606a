// One GnuPG home holding one unattended signing key (one home per apt repository), driven through gpgme.
import CGPGME
import Foundation
import Synchronization

/// A GnuPG home directory with at most one secret key, used to sign apt indexes.
///
/// Every method blocks (gpgme runs gpg as a child process): call them from a dedicated thread such as
/// `BlockingExecutor`, never from the cooperative pool. Operations on one home are serialised; each uses a fresh
/// gpgme context. A gpg-agent starts for the home on first use of the secret key and keeps running until
/// `stopAgent()`.
public final class OpenPGPKeyring: Sendable {
    /// Absolute path of the GnuPG home.
    public let home: String

    private struct State: ~Copyable {
        /// The signing key, cached between signatures; nil until first needed and after the key changed.
        var signer: GPGKey?
    }

    private let state = Mutex(State())

    /// Opens (creating with mode 0700, parents too) the home at `home` and writes its gpg.conf.
    /// Fails when the home is accessible by group or others, not ours, or too long for gpg-agent's socket.
    public init(home: String) throws(SigningError) {
        let home = GnuPGHome.absolute(home)
        try GnuPGHome.prepare(home)
        self.home = home
    }

    /// The home's secret key, or nil when it has none. Fails when gpg cannot list keys.
    public var signingKey: SigningKeyInfo? {
        get throws(SigningError) {
            // Cached like the signer: every apt publish asks, and each listing runs gpg.
            try state.withLock { state throws(SigningError) -> SigningKeyInfo? in
                if let signer = state.signer { return signer.info }
                return try GPGContext(home: home, armor: false).listKeys(secretOnly: true).first?.info
            }
        }
    }

    /// Generates a new passphrase-less signing key and makes it the home's only key (any previous key is deleted).
    public func generateKey(_ options: KeyGenerationOptions) throws(SigningError) -> SigningKeyInfo {
        try Self.validate(userID: options.userID)
        if options.expiresAfterSeconds == 0 {
            throw SigningError("a key cannot expire after 0 seconds; use nil for no expiry")
        }
        return try state.withLock { state throws(SigningError) -> SigningKeyInfo in
            state.signer = nil
            let context = try GPGContext(home: home, armor: false)
            let expires = options.expiresAfterSeconds ?? 0
            try context.check(gpgme_op_createkey(context.handle, options.userID, options.algorithm.gpgmeName, 0,
                                                 UInt(expires), nil, cgpgme_create_flags(expires > 0 ? 1 : 0)),
                              "generating a \(options.algorithm.rawValue) key")
            guard let result = gpgme_op_genkey_result(context.handle), let fpr = result.pointee.fpr else {
                throw SigningError("gpg generated a key but reported no fingerprint")
            }
            let fingerprint = String(cString: fpr)
            try context.deleteKeys(except: fingerprint)
            return try Self.secretKey(fingerprint, in: context).info
        }
    }

    /// Imports `bytes` (armored or binary OpenPGP data) holding exactly one secret key that can sign, has not
    /// expired or been revoked, and needs no passphrase; it becomes the home's only key. The data is first tried in
    /// a temporary home next to this one, so a failure leaves this home and its key as they were.
    public func importSecretKey(_ bytes: [UInt8]) throws(SigningError) -> SigningKeyInfo {
        try state.withLock { state throws(SigningError) -> SigningKeyInfo in
            let trial = try GnuPGHome.makeTemporarySibling(of: home)
            defer { GnuPGHome.remove(trial) }
            let fingerprint = try Self.validateImport(bytes, home: trial)

            state.signer = nil
            let context = try GPGContext(home: home, armor: false)
            try Self.importKeys(bytes, into: context)
            let key = try Self.secretKey(fingerprint, in: context)
            try context.deleteKeys(except: fingerprint)
            return key.info
        }
    }

    /// The public half of the signing key: binary (what apt's `signed-by=` keyring file takes) or armored.
    public func exportPublicKey(armored: Bool) throws(SigningError) -> [UInt8] {
        try state.withLock { state throws(SigningError) -> [UInt8] in
            let context = try GPGContext(home: home, armor: armored)
            let signer = try signer(&state, context)
            let output = try GPGData()
            try context.check(gpgme_op_export(context.handle, signer.fingerprint, 0, output.handle),
                              "exporting public key \(signer.fingerprint)")
            let bytes = output.contents()
            if bytes.isEmpty { throw SigningError("gpg exported nothing for key \(signer.fingerprint)") }
            return bytes
        }
    }

    /// A clear-signed copy of `bytes` (apt's `InRelease`), signed with the home's key using SHA-512.
    public func clearSign(_ bytes: [UInt8]) throws(SigningError) -> [UInt8] {
        try sign(bytes, mode: GPGME_SIG_MODE_CLEAR)
    }

    /// An armored detached signature of `bytes` (apt's `Release.gpg`), made with the home's key using SHA-512.
    public func detachSign(_ bytes: [UInt8]) throws(SigningError) -> [UInt8] {
        try sign(bytes, mode: GPGME_SIG_MODE_DETACH)
    }

    /// Stops the home's gpg-agent (`gpgconf --kill all`) and waits for it; the next signature starts a new one.
    /// Does nothing when no agent runs or gpgconf is missing.
    public func stopAgent() {
        state.withLock { _ in GnuPGHome.stopAgent(home) }
    }

    /// Stops the agent of the home at `path`, then deletes the directory. Failures are ignored.
    public static func removeHome(_ path: String) {
        GnuPGHome.remove(GnuPGHome.absolute(path))
    }

    // MARK: - Private

    private func sign(_ bytes: [UInt8], mode: gpgme_sig_mode_t) throws(SigningError) -> [UInt8] {
        // Only finding the key is serialised: gpg-agent signs concurrent requests (InRelease and Release.gpg).
        let (context, key) = try state.withLock { state throws(SigningError) -> (GPGContext, GPGKey) in
            let context = try GPGContext(home: home, armor: true)
            return (context, try signer(&state, context))
        }
        return try context.sign(bytes, with: key, mode: mode)
    }

    /// The one usable secret key, cached in `state`.
    private func signer(_ state: inout State, _ context: GPGContext) throws(SigningError) -> GPGKey {
        if let signer = state.signer { return signer }
        let keys = try context.listKeys(secretOnly: true)
        guard let key = keys.first else {
            throw SigningError("GnuPG home \(home) has no secret key; generate or import one")
        }
        guard keys.count == 1 else {
            throw SigningError("GnuPG home \(home) has \(keys.count) secret keys; it must hold exactly one")
        }
        if let reason = key.unusableReason { throw SigningError("cannot sign with key \(key.fingerprint): \(reason)") }
        state.signer = key
        return key
    }

    /// Imports `bytes` into the home of `context`; fails when gpg found no key in them.
    private static func importKeys(_ bytes: [UInt8], into context: GPGContext) throws(SigningError) {
        let input = try GPGData(bytes)
        let imported = gpgme_op_import(context.handle, input.handle)
        if imported != 0 {
            if cgpgme_is_no_data(imported) != 0 {
                throw SigningError.invalidKey("the data is not an OpenPGP key (armored or binary)", gpgError: imported)
            }
            throw SigningError.gpgme("importing key data", imported)
        }
        guard let result = gpgme_op_import_result(context.handle), result.pointee.considered > 0 else {
            throw SigningError.invalidKey("the data is not an OpenPGP key (armored or binary)")
        }
    }

    /// Imports into the empty trial home and checks there: one secret key, able to sign, no passphrase (by signing).
    /// Returns the key's fingerprint.
    private static func validateImport(_ bytes: [UInt8], home: String) throws(SigningError) -> String {
        let context = try GPGContext(home: home, armor: false)
        try importKeys(bytes, into: context)
        let keys = try context.listKeys(secretOnly: true)
        guard let key = keys.first else {
            throw SigningError.invalidKey("the data holds no secret key (export it with gpg --export-secret-keys)")
        }
        guard keys.count == 1 else {
            throw SigningError.invalidKey("the data holds \(keys.count) secret keys; import exactly one")
        }
        if let reason = key.unusableReason { throw SigningError.invalidKey("cannot use key \(key.fingerprint): \(reason)") }
        do {
            _ = try context.sign(Array("artifactfs key check\n".utf8), with: key, mode: GPGME_SIG_MODE_DETACH)
        } catch where error.isInvalidInput {
            throw error
        } catch {
            throw SigningError.invalidKey("the key cannot make signatures: \(error.message)", gpgError: error.gpgError)
        }
        return key.fingerprint
    }

    /// The secret key with `fingerprint` in the home of `context`.
    private static func secretKey(_ fingerprint: String, in context: GPGContext) throws(SigningError) -> GPGKey {
        guard let key = try context.listKeys(secretOnly: true).first(where: { $0.fingerprint == fingerprint }) else {
            throw SigningError("key \(fingerprint) is missing from the home after it was added")
        }
        return key
    }

    private static func validate(userID: String) throws(SigningError) {
        if userID.isEmpty || userID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw SigningError("a key's user ID must be non-empty text without control characters")
        }
    }
}
