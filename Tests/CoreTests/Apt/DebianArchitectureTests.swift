// Architecture values of binary packages: `all` or one name dpkg knows; never wildcards.
import Core
import Foundation
import Testing

@Suite struct DebianArchitectureTests {
    // Goal: concrete architectures and `all` pass through unchanged.
    @Test(arguments: ["all", "amd64", "arm64", "i386", "armhf", "riscv64", "musl-linux-amd64", "hurd-i386", "x32"])
    func accepts(raw: String) throws {
        #expect(try DebianArchitecture.validate(raw) == raw)
    }

    static let refused: [(String, String)] = [
        ("any", "wildcards"), ("linux-any", "wildcards"), ("any-amd64", "wildcards"), ("", "must not be empty"),
        ("amd64 i386", "single architecture"), ("amd64 ", "single architecture"), ("AMD64", "not an architecture dpkg knows"),
        ("source", "not an architecture dpkg knows"), ("x86_64", "not an architecture dpkg knows"),
    ]

    // Goal: wildcards, lists and unknown names are refused with a reason users can act on.
    @Test(arguments: refused)
    func refuses(raw: String, reason: String) {
        #expect {
            _ = try DebianArchitecture.validate(raw)
        } throws: { error in
            (error as? DebianFieldError)?.description.contains(reason) == true
        }
    }

    // Goal: the embedded list covers everything this machine's dpkg-architecture prints.
    @Test func coversDpkgArchitectureList() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dpkg-architecture")
        process.arguments = ["-L"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let names = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(names.count > 100)
        #expect(Set(names).subtracting(DebianArchitecture.known).isEmpty)
    }
}
