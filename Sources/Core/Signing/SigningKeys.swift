// The directory of GnuPG homes, one per signing identity (e.g. one per apt repository), with open keyrings cached.
import Foundation
import Synchronization

/// Opens and caches one `OpenPGPKeyring` per name under a private root directory (`<data>/keys`).
public final class SigningKeys: Sendable {
    /// Absolute path of the directory holding the homes.
    public let root: String
    /// By the name's bytes (`ByteString`): names are ASCII-validated, and the key type keeps it exact regardless.
    private let keyrings = Mutex<[ByteString: OpenPGPKeyring]>([:])

    /// Longest accepted name, in bytes; keeps agent socket paths short.
    public static let nameBytesMax = 64

    /// Opens `root`, creating it (and parents) with mode 0700; fails when group or others can access it.
    public init(root: String) throws(SigningError) {
        self.root = GnuPGHome.absolute(root)
        try GnuPGHome.makePrivateDirectory(self.root)
    }

    /// The keyring at `<root>/<name>`, opened (and its home created) on first use, then cached.
    /// `name` must be one path component of letters, digits, `-`, `_`, `.`, `+`, not starting with `.`.
    public func keyring(for name: String) throws(SigningError) -> OpenPGPKeyring {
        try Self.validate(name: name)
        return try keyrings.withLock { keyrings throws(SigningError) -> OpenPGPKeyring in
            if let keyring = keyrings[ByteString(name)] { return keyring }
            let keyring = try OpenPGPKeyring(home: root + "/" + name)
            keyrings[ByteString(name)] = keyring
            return keyring
        }
    }

    /// Stops the agent of the home `name` and deletes the home with its keys.
    public func remove(_ name: String) throws(SigningError) {
        try Self.validate(name: name)
        keyrings.withLock { keyrings in
            keyrings[ByteString(name)] = nil
            OpenPGPKeyring.removeHome(root + "/" + name)
        }
    }

    /// Stops the agents of every keyring this object opened (call at shutdown).
    public func stopAll() {
        for keyring in keyrings.withLock({ Array($0.values) }) { keyring.stopAgent() }
    }

    private static func validate(name: String) throws(SigningError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "+")
        }
        guard !name.isEmpty, name.utf8.count <= nameBytesMax, allowed, !name.hasPrefix(".") else {
            throw SigningError("invalid signing key name \(name.debugDescription): use 1 to \(nameBytesMax) letters, "
                               + "digits, '-', '_', '.', '+', not starting with '.'", isInvalidInput: true)
        }
    }
}
