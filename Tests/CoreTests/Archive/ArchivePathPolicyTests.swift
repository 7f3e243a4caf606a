// ArchivePathPolicy on entry lists: each class of escape refused in either order, safe trees accepted.
import Core
import Testing

@Suite struct ArchivePathPolicyTests {
    /// One entry in the short notation of these tables: "f path", "d path", "l path -> target", "h path -> target",
    /// "s path" (a FIFO).
    static func entry(_ line: String) -> (path: [UInt8], kind: ArchivePathPolicy.Kind) {
        let kindLetter = line.first!
        let rest = line.dropFirst(2)
        let parts = rest.components(separatedBy: " -> ")
        let path = Array(parts[0].utf8), target = parts.count > 1 ? Array(parts[1].utf8) : []
        switch kindLetter {
        case "d": return (path, .directory)
        case "l": return (path, .symlink(target: target))
        case "h": return (path, .hardLink(target: target))
        case "s": return (path, .special)
        default: return (path, .file)
        }
    }

    /// The refusal for `entries` checked in order and finished, or nil when accepted.
    static func refusal(_ entries: [(path: [UInt8], kind: ArchivePathPolicy.Kind)]) -> String? {
        var policy = ArchivePathPolicy()
        do {
            for entry in entries { try policy.check(path: entry.path, kind: entry.kind) }
            try policy.finish()
            return nil
        } catch {
            return error.message
        }
    }

    static func refusal(_ lines: [String]) -> String? { refusal(lines.map(entry)) }

    /// Archives that escape once an extractor follows their links; each is also tried in reverse order, since a
    /// link may come after the entry or link that goes through it.
    static let escapes: [[String]] = [
        ["l d/l1 -> ..", "l d/l2 -> l1/.."],
        ["l d/l1 -> ..", "l d/l2 -> l1/../x"],
        ["l a/b/c -> ../..", "l a/x -> b/c/.."],
        ["l d/a -> ..", "l d/a/b -> .."],
        ["l d/a -> ..", "f d/a/evil"],
        ["l d/up -> ..", "h d/h -> d/up/x"],
        ["l d/l -> x", "h h -> d/l"],
        ["l d/k -> ../..", "l x/y -> ../d/k"],
        ["l x -> y", "l y -> x"],
        ["l l -> l"],
        ["l d/l -> .", "d d/l"],
        ["d d/l/", "l d/l -> ."],
        ["l d/l -> e", "l d/l -> f"],
        ["l a -> b", "l b -> c/../.."],
        ["l d/l -> missing/../../.."],
    ]

    // Goal: every chain or conflict of links that leaves the root (or is ambiguous) is refused, in both orders.
    @Test(arguments: escapes)
    func refusesEscapesInEitherOrder(lines: [String]) {
        #expect(Self.refusal(lines) != nil, "accepted \(lines)")
        #expect(Self.refusal(lines.reversed()) != nil, "accepted reversed \(lines)")
    }

    /// Trees real packages have: links within the tree, `.` and empty components, trailing slashes, loops to `.`.
    static let safe: [[String]] = [
        ["d docs/", "l docs/latest -> ../share/doc", "d share/doc/", "f share/doc/README"],
        ["l d/l -> .", "f d/x"],
        ["f a/./b", "f a//c", "d a/d/", "d ./"],
        ["l lib/libz.so -> libz.so.1", "l lib/libz.so.1 -> libz.so.1.3", "f lib/libz.so.1.3"],
        ["l bin/python -> python3", "l bin/python3 -> ../libexec/python3.11", "f libexec/python3.11"],
        ["f a/x", "h a/y -> a/x", "h b -> a/x"],
        ["l d/l -> ..", "l e/m -> ../d/l"],
        ["l d/l -> ../d/l2", "l d/l2 -> ../e", "d e/"],
        ["f a\\b.txt", "d dir\\sub/"],
        ["l same -> x", "l same -> x"],
    ]

    // Goal: safe trees are accepted, in either order.
    @Test(arguments: safe)
    func acceptsSafeTrees(lines: [String]) {
        #expect(Self.refusal(lines) == nil)
        #expect(Self.refusal(lines.reversed()) == nil)
    }

    // Goal: names unsafe by themselves are refused whatever surrounds them, and the message names the entry.
    @Test(arguments: [
        ("f ../x", "'..' component"), ("f a/../../x", "'..' component"), ("f /etc/passwd", "absolute path"),
        ("f a\\..\\..\\x", "'..' component"), ("f \\x", "absolute Windows path"), ("f C:x", "absolute Windows path"),
        ("l a -> /etc", "absolute path"), ("l a/b -> ../..", "pointing outside"), ("l a -> b\\c", "backslash"),
        ("l a -> ", "empty"), ("h a -> ../x", "'..' component"), ("h a -> /x", "absolute path"),
        ("s pipe", "fifo"), ("f ", "without a name"), ("l . -> x", "without a name"),
    ])
    func refusesUnsafeNames(line: String, words: String) throws {
        let message = try #require(Self.refusal([line]))
        #expect(message.contains(words), "\(line): \(message)")
    }

    // Goal: names are compared as bytes, so text Swift calls equal (NFC and NFD "é", KELVIN SIGN and "K") never
    // lets one link stand in for another: `d/x -> K/../..` escapes through `d/K -> ..`, while following the
    // look-alike `d/<KELVIN> -> e/f` instead would keep it inside.
    @Test func comparesNamesAsBytes() {
        #expect(Self.refusal(["l d/K -> ..", "l d/\u{212A} -> e/f", "l d/x -> K/../.."]) != nil)
        #expect(Self.refusal(["l d/e\u{301} -> ..", "l d/\u{E9} -> e/f", "l d/x -> e\u{301}/../.."]) != nil)
        #expect(Self.refusal(["l d/\u{212A} -> e/f", "l d/x -> K/../.."]) == nil)
        // Distinct byte names are distinct entries: a directory beside a link that only looks the same is fine.
        #expect(Self.refusal(["l d/\u{E9} -> .", "d d/e\u{301}/", "f d/e\u{301}/x"]) == nil)
    }

    // Goal: a name that is not UTF-8 is refused (String(decoding:) would show two such names alike).
    @Test func refusesNamesThatAreNotUTF8() throws {
        let message = try #require(Self.refusal([(Array("d/".utf8) + [0xFF], .file)]))
        #expect(message.contains("not valid UTF-8"))
        #expect(Self.refusal([(Array("l".utf8), .symlink(target: [0xC3, 0x28]))]) != nil)
    }

    // Goal: the hop limit is the kernel's: 40 links in a chain resolve, 41 do not.
    @Test func followsAtMostFortyLinks() {
        func chain(_ count: Int) -> [String] {
            (0..<count).map { "l l\($0) -> " + ($0 == count - 1 ? "target" : "l\($0 + 1)") } + ["f target"]
        }
        #expect(Self.refusal(chain(40)) == nil)
        #expect(Self.refusal(chain(41))?.contains("more than 40 links") == true)
        // Passing through the same harmless link 41 times is ELOOP for the kernel as well.
        let loop = "l d/l2 -> " + Array(repeating: "l", count: 41).joined(separator: "/")
        #expect(Self.refusal(["l d/l -> .", loop]) != nil)
    }

    // Goal: a long chain is refused without deep recursion, and many links resolve in linear time.
    @Test func resolvesManyLinksQuickly() {
        let chain = (0..<50_000).map { "l l\($0) -> l\($0 + 1)/x" }
        #expect(Self.refusal(chain) != nil)
        let fan = (0..<50_000).map { "l d\($0 % 100)/l\($0) -> ../d\(($0 + 1) % 100)" }
        #expect(Self.refusal(fan) == nil)
    }
}
