// Fuzz target `archive-paths`: entry lists through ArchivePathPolicy, against a simulated extraction.
import Core

/// What the policy promises is a security property: every archive whose extraction could write or point outside
/// its directory is refused. The oracle is `SimulatedExtraction`, an independent model of unpacking; when it
/// says an archive escapes, the policy must have refused it. The reverse (refusing what does not escape) is
/// allowed and counted by `verdict` for the over-refusal rate in docs/FUZZING.md.
///
/// Input: up to 32 entries separated by "\n"; each is a kind letter (f file, d directory, l symbolic link,
/// h hard link, s FIFO; anything else is a file), then the path, then for links "\t" and the target.
public enum ArchivePathsFuzzing {
    struct Entry {
        let path: [UInt8]
        let kind: SimulatedExtraction.Kind
        let target: [UInt8]
    }

    static let entriesMax = 32

    static func run(_ bytes: [UInt8]) {
        let (escapes, refused) = verdict(bytes)
        require(!escapes || refused, "the policy accepted an archive that escapes: \(describe(decode(bytes)))")
    }

    /// Whether the simulation escapes, and whether the policy refused.
    public static func verdict(_ bytes: [UInt8]) -> (escapes: Bool, refused: Bool) {
        let entries = decode(bytes)
        var simulation = SimulatedExtraction()
        for entry in entries { simulation.extract(path: entry.path, kind: entry.kind, target: entry.target) }
        simulation.finish()
        var policy = ArchivePathPolicy()
        var refused = false
        do {
            for entry in entries { try policy.check(path: entry.path, kind: policyKind(entry)) }
            try policy.finish()
        } catch {
            refused = true
        }
        return (simulation.escaped, refused)
    }

    static func decode(_ bytes: [UInt8]) -> [Entry] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).prefix(entriesMax).map { line in
            let kind: SimulatedExtraction.Kind
            switch line.first {
            case UInt8(ascii: "d"): kind = .directory
            case UInt8(ascii: "l"): kind = .symlink
            case UInt8(ascii: "h"): kind = .hardLink
            case UInt8(ascii: "s"): kind = .special
            default: kind = .file
            }
            let rest = line.dropFirst()
            let parts = rest.split(separator: UInt8(ascii: "\t"), maxSplits: 1, omittingEmptySubsequences: false)
            let target = parts.count > 1 ? Array(parts[1]) : []
            return Entry(path: Array(parts.first ?? []), kind: kind, target: target)
        }
    }

    private static func policyKind(_ entry: Entry) -> ArchivePathPolicy.Kind {
        switch entry.kind {
        case .file: return .file
        case .directory: return .directory
        case .special: return .special
        case .symlink: return .symlink(target: entry.target)
        case .hardLink: return .hardLink(target: entry.target)
        }
    }

    private static func describe(_ entries: [Entry]) -> String {
        entries.map { entry in
            let path = FuzzInput.text(entry.path).debugDescription
            switch entry.kind {
            case .symlink, .hardLink: return "\(entry.kind) \(path) -> \(FuzzInput.text(entry.target).debugDescription)"
            default: return "\(entry.kind) \(path)"
            }
        }.joined(separator: ", ")
    }
}
