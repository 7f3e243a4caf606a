// The GnuPG command-line tools the signing tests check against: gpgv, gpg, gpgconf, and /proc for agents.
import CoreTesting
import Foundation

enum GnuPGTools {
    struct Output {
        let status: Int32
        let stdout: String
    }

    /// Runs a tool with stdin closed and stderr discarded; returns its exit status and stdout.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let stdout = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self))
    }

    /// gpgv's exit status for `arguments` (signature file, then data file for a detached signature),
    /// trusting only the binary public key `keyring`.
    static func gpgv(keyring: [UInt8], _ files: [String], scratch: ScratchDirectory) throws -> Int32 {
        let keyringFile = scratch.file("keyring-\(UUID().uuidString).gpg")
        try Data(keyring).write(to: URL(fileURLWithPath: keyringFile))
        return try run("/usr/bin/gpgv", ["--homedir", scratch.file("gpgv-home"), "--keyring", keyringFile] + files).status
    }

    /// The digest algorithm number of the first signature packet in `file` (8 = SHA-256, 10 = SHA-512).
    static func digestAlgorithm(ofSignatureIn file: String, scratch: ScratchDirectory) throws -> Int? {
        let home = scratch.file("list-packets-home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let output = try run("/usr/bin/gpg", ["--homedir", home, "--batch", "--list-packets", file]).stdout
        guard let range = output.range(of: "digest algo ") else { return nil }
        return Int(output[range.upperBound...].prefix(while: { $0.isNumber }))
    }

    /// Key material made by the gpg command line in a throw-away home.
    struct CLIKey {
        let fingerprint: String
        let secretArmored: [UInt8]
        let publicArmored: [UInt8]
    }

    /// Generates an ed25519 signing key with `gpg --quick-gen-key` (protected by `passphrase` when non-empty)
    /// and exports it; the home's agent is stopped before returning.
    static func makeCLIKey(passphrase: String = "", scratch: ScratchDirectory) throws -> CLIKey {
        let home = scratch.file("cli-" + UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { _ = try? run("/usr/bin/gpgconf", ["--homedir", home, "--kill", "all"]) }
        let gpg = ["--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase]
        try run("/usr/bin/gpg", gpg + ["--quick-gen-key", "T <t@e>", "ed25519", "sign", "never"])
        try run("/usr/bin/gpg", gpg + ["--armor", "--output", home + "/secret.asc", "--export-secret-keys"])
        try run("/usr/bin/gpg", gpg + ["--armor", "--output", home + "/public.asc", "--export"])
        let listing = try run("/usr/bin/gpg", ["--homedir", home, "--with-colons", "--list-keys"]).stdout
        let fingerprint = listing.split(separator: "\n").first { $0.hasPrefix("fpr:") }?
            .split(separator: ":", omittingEmptySubsequences: false)[9] ?? ""
        return CLIKey(fingerprint: String(fingerprint),
                      secretArmored: [UInt8](try Data(contentsOf: URL(fileURLWithPath: home + "/secret.asc"))),
                      publicArmored: [UInt8](try Data(contentsOf: URL(fileURLWithPath: home + "/public.asc"))))
    }

    /// Fingerprints of every public key in `home`, as `gpg --list-keys` shows them.
    static func fingerprints(inHome home: String) throws -> [String] {
        try run("/usr/bin/gpg", ["--homedir", home, "--with-colons", "--list-keys"]).stdout
            .split(separator: "\n").filter { $0.hasPrefix("pub:") || $0.hasPrefix("fpr:") }
            .reduce(into: ([String](), false)) { state, line in
                // The first fpr line after a pub line is the primary key's fingerprint.
                if line.hasPrefix("pub:") { state.1 = true } else if state.1 {
                    state.0.append(String(line.split(separator: ":", omittingEmptySubsequences: false)[9]))
                    state.1 = false
                }
            }.0
    }

    /// The `--homedir` of every running gpg-agent.
    static func agentHomes() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard Int32(entry) != nil,
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let tool = arguments.first, tool.hasSuffix("gpg-agent"),
                  let flag = arguments.firstIndex(of: "--homedir"), flag + 1 < arguments.count else { return nil }
            return arguments[flag + 1]
        }
    }

    /// Homes of running gpg-agents equal to `home`.
    static func agents(home: String) -> [String] { agentHomes().filter { $0 == home } }

    /// Homes of running gpg-agents inside `directory`.
    static func agentHomes(under directory: String) -> [String] { agentHomes().filter { $0.hasPrefix(directory + "/") } }

    /// Waits up to `seconds` for `condition`; returns whether it became true.
    static func eventually(within seconds: Double = 3, _ condition: () -> Bool) -> Bool {
        Fixtures.eventually(within: seconds, condition)
    }
}
