// Token secrets, names, scopes and repository keys: the pieces access decisions are made of.
import Core
import Foundation
import Testing

@Suite struct AccessTokenTests {
    // Goal: a generated secret is `afs_` plus 32 random bytes in unpadded base64url, never the same twice.
    @Test func generatedSecrets() {
        let secrets = (0..<100).map { _ in AccessToken.generate() }
        #expect(Set(secrets).count == secrets.count)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for secret in secrets {
            #expect(secret.hasPrefix("afs_") && secret.count == 4 + 43)
            #expect(secret.dropFirst(4).allSatisfy { alphabet.contains($0) }, "\(secret)")
        }
    }

    // Goal: what is stored is the SHA-256 of the secret's bytes, and digests compare equal exactly when they are.
    @Test func digestsAndComparison() {
        let digest = AccessToken.digest(of: "afs_x")
        #expect(digest == SHA256Digest(of: Array("afs_x".utf8)))
        #expect(AccessToken.equal(digest, AccessToken.digest(of: "afs_x")))
        #expect(!AccessToken.equal(digest, AccessToken.digest(of: "afs_y")))
    }

    // Goal: a scope covers exactly its repositories; only an all-repositories scope covers everything.
    @Test func scopes() throws {
        let one = RepositoryKey(.tar, try RepositoryName("one"))
        let scoped = TokenScope.repositories([one])
        #expect(scoped.covers(one) && !scoped.coversAll)
        #expect(!scoped.covers(RepositoryKey(.pypi, try RepositoryName("one"))))
        #expect(TokenScope.allRepositories.covers(RepositoryKey(.apt, try RepositoryName("any"))))
        #expect(TokenScope.allRepositories.summary == "all")
        #expect(TokenScope.repositories([RepositoryKey(.tar, try RepositoryName("b")), one]).summary == "tar/b,tar/one")
    }

    // Goal: `--repo` parses PROVIDER/REPO and refuses anything else with the reason; token names follow the
    // repository-name rules.
    @Test func parsing() throws {
        #expect(try RepositoryKey(parsing: "pypi/internal") == RepositoryKey(.pypi, try RepositoryName("internal")))
        for bad in ["internal", "rpm/x", "tar/", "tar/../x", "tar/a/b", "/tar/x"] {
            #expect(throws: ArtifactError.self, "\(bad)") { try RepositoryKey(parsing: bad) }
        }
        #expect(try TokenName("ci-upload.2").rawValue == "ci-upload.2")
        for bad in ["", "..", "a b", "-x", "a/b", "tok\n", String(repeating: "t", count: 65)] {
            #expect(throws: IdentifierError.self, "\(bad.debugDescription)") { try TokenName(bad) }
        }
    }
}
