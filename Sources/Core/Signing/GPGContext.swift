// Thin owners of gpgme handles (context, data, key): each releases its handle on deinit. Used inside one lock scope.
import CGPGME
import Foundation

/// gpgme is initialised once per process; `gpgme_new` fails "Not operational" before this ran.
private let gpgmeVersion: String? = {
    guard let version = gpgme_check_version(nil) else { return nil }
    return String(cString: version)
}()

/// One gpgme context bound to one GnuPG home, with loopback pinentry that refuses every passphrase request.
final class GPGContext {
    let handle: gpgme_ctx_t
    /// Set to 1 by the C passphrase callback when gpg asked for a passphrase.
    private let passphraseAsked: UnsafeMutablePointer<Int32>

    /// A fresh context on `home`; `armor` selects ASCII-armored output for signatures and exports.
    init(home: String, armor: Bool) throws(SigningError) {
        guard gpgmeVersion != nil else { throw SigningError("gpgme could not be initialised") }
        var context: gpgme_ctx_t?
        let created = gpgme_new(&context)
        guard created == 0, let context else { throw SigningError.gpgme("creating a gpgme context", created) }
        handle = context
        passphraseAsked = .allocate(capacity: 1)
        passphraseAsked.initialize(to: 0)
        try check(gpgme_ctx_set_engine_info(handle, GPGME_PROTOCOL_OpenPGP, nil, home), "using GnuPG home \(home)")
        try check(cgpgme_refuse_passphrases(handle, passphraseAsked), "setting loopback pinentry mode")
        gpgme_set_armor(handle, armor ? 1 : 0)
        gpgme_set_offline(handle, 1)
    }

    deinit {
        gpgme_release(handle)
        passphraseAsked.deallocate()
    }

    /// True when gpg asked for a passphrase during an operation on this context (and was refused).
    var askedForPassphrase: Bool { passphraseAsked.pointee != 0 }

    /// Throws `SigningError.gpgme(what, error)` unless `error` is success.
    func check(_ error: gpgme_error_t, _ what: @autoclosure () -> String) throws(SigningError) {
        if error != 0 { throw SigningError.gpgme(what(), error) }
    }

    /// Every key in the home (`secretOnly`: only those with secret material), in gpg's order.
    func listKeys(secretOnly: Bool) throws(SigningError) -> [GPGKey] {
        try check(gpgme_op_keylist_start(handle, nil, secretOnly ? 1 : 0), "listing keys")
        var keys: [GPGKey] = []
        while true {
            var key: gpgme_key_t?
            let next = gpgme_op_keylist_next(handle, &key)
            if cgpgme_is_eof(next) != 0 { break }
            guard next == 0, let key else {
                _ = gpgme_op_keylist_end(handle)
                throw SigningError.gpgme("listing keys", next)
            }
            keys.append(GPGKey(key))
        }
        try check(gpgme_op_keylist_end(handle), "listing keys")
        return keys
    }

    /// Deletes every key (public and secret) whose fingerprint is not `keep`.
    func deleteKeys(except keep: String) throws(SigningError) {
        for key in try listKeys(secretOnly: false) where key.fingerprint != keep {
            try check(gpgme_op_delete_ext(handle, key.handle, cgpgme_delete_flags()), "deleting key \(key.fingerprint)")
        }
    }

    /// Signs `bytes` with `signer` only; `mode` is `GPGME_SIG_MODE_CLEAR`, `_DETACH` or `_NORMAL`.
    func sign(_ bytes: [UInt8], with signer: GPGKey, mode: gpgme_sig_mode_t) throws(SigningError) -> [UInt8] {
        gpgme_signers_clear(handle)
        try check(gpgme_signers_add(handle, signer.handle), "selecting signing key \(signer.fingerprint)")
        let plain = try GPGData(bytes)
        let signature = try GPGData()
        let signed = gpgme_op_sign(handle, plain.handle, signature.handle, mode)
        if signed != 0 {
            if askedForPassphrase || cgpgme_is_passphrase_error(signed) != 0 {
                throw SigningError.invalidKey("the key is protected by a passphrase; export it without one",
                                              gpgError: signed)
            }
            throw SigningError.gpgme("signing with key \(signer.fingerprint)", signed)
        }
        if let result = gpgme_op_sign_result(handle) {
            if let invalid = result.pointee.invalid_signers {
                throw SigningError.gpgme("signing with key \(signer.fingerprint)", invalid.pointee.reason)
            }
            if result.pointee.signatures == nil {
                throw SigningError("gpg made no signature with key \(signer.fingerprint)")
            }
        }
        return signature.contents()
    }
}

/// A gpgme data buffer in memory.
final class GPGData {
    let handle: gpgme_data_t

    /// An empty buffer for output.
    init() throws(SigningError) {
        var data: gpgme_data_t?
        let created = gpgme_data_new(&data)
        guard created == 0, let data else { throw SigningError.gpgme("allocating a gpgme buffer", created) }
        handle = data
    }

    /// A buffer holding a copy of `bytes`.
    init(_ bytes: [UInt8]) throws(SigningError) {
        var data: gpgme_data_t?
        let created = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                chars.isEmpty ? gpgme_data_new(&data) : gpgme_data_new_from_mem(&data, chars.baseAddress, chars.count, 1)
            }
        }
        guard created == 0, let data else { throw SigningError.gpgme("allocating a gpgme buffer", created) }
        handle = data
    }

    deinit { gpgme_data_release(handle) }

    /// Everything written to the buffer.
    func contents() -> [UInt8] {
        _ = gpgme_data_seek(handle, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { gpgme_data_read(handle, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }
}

/// A reference to a key listed by gpgme.
final class GPGKey {
    let handle: gpgme_key_t

    init(_ handle: gpgme_key_t) { self.handle = handle }
    deinit { gpgme_key_unref(handle) }

    /// Upper-case hex fingerprint of the primary key.
    var fingerprint: String {
        if let fpr = handle.pointee.fpr ?? handle.pointee.subkeys?.pointee.fpr { return String(cString: fpr) }
        return ""
    }

    /// True when gpg says the key as a whole can make signatures now (not revoked, expired, disabled or invalid).
    var canSignNow: Bool {
        let key = handle.pointee
        return key.can_sign != 0 && key.revoked == 0 && key.expired == 0 && key.disabled == 0 && key.invalid == 0
    }

    /// Why the key cannot sign, in words; nil when it can.
    var unusableReason: String? {
        let key = handle.pointee
        if key.revoked != 0 { return "the key is revoked" }
        if key.expired != 0 { return "the key has expired" }
        if key.disabled != 0 { return "the key is disabled" }
        if key.invalid != 0 { return "the key is invalid" }
        if key.can_sign == 0 { return "the key has no usable signing capability" }
        return nil
    }

    /// The public facts of the key, read from its primary subkey and first user ID.
    var info: SigningKeyInfo {
        let primary = handle.pointee.subkeys
        var algorithm = ""
        if let primary, let name = gpgme_pubkey_algo_string(primary) {
            algorithm = String(cString: name)
            gpgme_free(name)
        }
        let created = Date(timeIntervalSince1970: TimeInterval(primary?.pointee.timestamp ?? 0))
        let expiresAt = primary?.pointee.expires ?? 0
        let userID = handle.pointee.uids?.pointee.uid.map { String(cString: $0) } ?? ""
        return SigningKeyInfo(fingerprint: fingerprint, algorithm: algorithm, userID: userID, created: created,
                              expires: expiresAt > 0 ? Date(timeIntervalSince1970: TimeInterval(expiresAt)) : nil)
    }
}
