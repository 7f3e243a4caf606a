// One GnuPG home per name under a private root: cached, validated, removable, agents stopped together.
import Core
import CoreTesting
import Foundation
import Testing

@Suite struct SigningKeysTests {
    // Goal: the same name gives the same keyring, homes live under the root, and the root is 0700.
    @Test func keyringsAreCachedPerName() async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let keys = try SigningKeys(root: scratch.file("data/keys"))
            defer { keys.stopAll() }
            let first = try keys.keyring(for: "apt-myrepo")
            #expect(first === (try keys.keyring(for: "apt-myrepo")))
            #expect(first !== (try keys.keyring(for: "apt-other")))
            #expect(first.home == keys.root + "/apt-myrepo")
            var status = stat()
            #expect(stat(keys.root, &status) == 0 && status.st_mode & 0o777 == 0o700)
        }
    }

    // Goal: names that are not one safe path component are refused.
    @Test(arguments: ["", ".hidden", "..", "a/b", "../up", "tab\tname", String(repeating: "n", count: 65)])
    func unsafeNamesAreRefused(_ name: String) async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let keys = try SigningKeys(root: scratch.file("keys"))
            #expect(throws: SigningError.self) { try keys.keyring(for: name) }
            #expect(throws: SigningError.self) { try keys.remove(name) }
        }
    }

    // Goal: stopAll ends the agents of every opened keyring; remove deletes a home and forgets it.
    @Test func stopAllAndRemove() async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let keys = try SigningKeys(root: scratch.file("keys"))
            defer { keys.stopAll() }
            let homes = try ["apt-a", "apt-b"].map { name in
                let keyring = try keys.keyring(for: name)
                _ = try keyring.generateKey(KeyGenerationOptions(userID: "\(name) <\(name)@example.invalid>"))
                _ = try keyring.clearSign(Array("Suite: x\n".utf8))
                return keyring.home
            }
            #expect(homes.allSatisfy { !GnuPGTools.agents(home: $0).isEmpty })
            keys.stopAll()
            #expect(GnuPGTools.eventually { homes.allSatisfy { GnuPGTools.agents(home: $0).isEmpty } })

            let old = try keys.keyring(for: "apt-a")
            try keys.remove("apt-a")
            #expect(!FileManager.default.fileExists(atPath: homes[0]))
            let fresh = try keys.keyring(for: "apt-a")
            #expect(fresh !== old)
            #expect(try fresh.signingKey == nil)
        }
    }
}
