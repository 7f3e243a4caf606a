// Names as the kernel hands them over: bytes, which must be UTF-8 to name anything in the tree.
import Core

/// Decodes the name of a FUSE request strictly. `String(cString:)` replaces bytes that are not UTF-8 with U+FFFD, so
/// two different names (`caf\xE9` and `caf\xE8`, Latin-1 spellings) would become one and each could be answered
/// for the other. The tree's names are UTF-8 (the catalogue, the HTTP view and every index need it), so other bytes
/// name nothing here: a lookup finds nothing, and creating one is refused.
public enum KernelName {
    /// A name to look up, open, remove or rename from: bytes that are not UTF-8 cannot exist here (`ENOENT`).
    public static func existing(_ bytes: UnsafePointer<CChar>) throws(ArtifactError) -> String {
        guard let name = String(validatingCString: bytes) else { throw .notFound(Self.shown(bytes)) }
        return name
    }

    /// A name to create (create, mknod, mkdir, the target of rename): bytes that are not UTF-8 are refused with the
    /// rule named (`EINVAL`), as a name breaking any other naming rule is.
    public static func new(_ bytes: UnsafePointer<CChar>) throws(ArtifactError) -> String {
        guard let name = String(validatingCString: bytes) else {
            throw .invalidName(IdentifierError(kind: "filename", value: Self.shown(bytes), rule: .notUTF8))
        }
        return name
    }

    /// The name for a log line, each byte that is not UTF-8 shown as U+FFFD.
    private static func shown(_ bytes: UnsafePointer<CChar>) -> String { String(cString: bytes) }
}
