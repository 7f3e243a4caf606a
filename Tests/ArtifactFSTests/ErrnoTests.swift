// The errno each domain error becomes, as docs/SEMANTICS.md promises.
import ArtifactFS
import Core
import Foundation
import Testing

@Suite struct ErrnoTests {
    static let cases: [(ArtifactError, Int32)] = [
        (.invalidPackage(filename: "x", reason: "r"), EINVAL),
        (.invalidName(IdentifierError(kind: "filename", value: "..", rule: .dotOrDotDot)), EINVAL),
        (.invalidName(IdentifierError(kind: "filename", value: "a\u{1}b", rule: .containsControlCharacter)), EINVAL),
        (.invalidName(IdentifierError(kind: "filename", value: String(repeating: "x", count: 256), rule: .tooLong(maxBytes: 255))), ENAMETOOLONG),
        (.unauthorized("x"), EACCES),
        (.forbidden("x"), EACCES),
        (.conflict(filename: "x", reason: "r"), EEXIST),
        (.alreadyExists("repo"), EEXIST),
        (.notFound("x"), ENOENT),
        (.notEmpty("x"), ENOTEMPTY),
        (.readOnly("x"), EROFS),
        (.notADropDirectory("x"), EACCES),
        (.crossDirectory("x"), EXDEV),
        (.outOfSpace("x"), ENOSPC),
        (.storageUnavailable("x"), EIO),
    ]

    // Goal: each error the writer can see maps to the errno the semantics document names.
    @Test(arguments: cases)
    func mapsToDocumentedErrno(error: ArtifactError, expected: Int32) {
        #expect(Errno.of(error) == expected)
    }

    // Goal: errors from outside the domain (disk full, unknown) still become a sensible errno.
    @Test func foreignErrors() {
        #expect(Errno.of(POSIXFailure(op: "write", path: "/x", code: ENOSPC)) == ENOSPC)
        #expect(Errno.of(POSIXFailure(op: "write", path: "/x", code: EBADF)) == EIO)
        struct Other: Error {}
        #expect(Errno.of(Other()) == EIO)
    }
}
