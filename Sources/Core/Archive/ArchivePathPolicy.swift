// Which archive entries could land or point outside the directory a user extracts them into.

/// Checks entry paths and link targets the way an extracting tool would resolve them, so an archive that could write
/// or point outside its extraction directory is refused before it is stored. One value checks one archive: `check`
/// each entry in archive order, then `finish` once after the last one (`ArchiveReader` does both for its callers).
///
/// The rules, and why they are enough:
/// - Paths are UTF-8 (so no two byte strings show as one name), relative, without `..` (also when `\` is read as a
///   separator, as Windows tools do), and at most `pathBytesMax` bytes. Device nodes, FIFOs and sockets are refused.
/// - No entry path and no hard-link target passes through a symbolic link of the archive, whichever comes first, and
///   no symbolic link has the path of a directory (given or implied by a deeper path), of a hard-link target, or of
///   another link with another target. So every link stays where its path says, and extractors that follow links
///   in entry paths (Python's tarfile does) never get to.
/// - At the end, every symbolic link's target is resolved from the link's own directory through all the archive's
///   links, in whatever order they came: it must never climb above the root, and needs at most `symlinkHopsMax`
///   links (the kernel's ELOOP limit). A target through a later link is caught here, not when the link is read.
///
/// Paths are compared as bytes, never as Swift `String`s (which equate canonically equivalent text, "é" NFC and NFD):
/// an equivalence could hide that two names are one link. Hash sets only ever make a path look *unsafe*.
public struct ArchivePathPolicy {
    /// What an entry is, with a link's target as the archive stores it.
    public enum Kind: Sendable, Equatable {
        case file, directory, special
        case symlink(target: [UInt8])
        case hardLink(target: [UInt8])
    }

    /// Longest path or link target accepted: PATH_MAX less its NUL; no real package comes near it.
    public static let pathBytesMax = 4095
    /// Symbolic links one resolution may follow: Linux's MAXSYMLINKS, beyond which the kernel answers ELOOP.
    public static let symlinkHopsMax = 40
    /// Distinct directories remembered (8 bytes each); the largest source trees have tens of thousands.
    public static let directoriesMax = 1 << 21
    /// Bytes of link paths, targets and resolutions remembered; real packages need well under a megabyte.
    public static let rememberedBytesMax = 64 << 20

    struct Link {
        let path: [UInt8]
        let components: [ArraySlice<UInt8>]
        let target: [UInt8]
    }

    /// Hashes of every directory path, given or implied by a deeper entry path or hard-link target.
    private var directories: Set<Int> = []
    /// Hashes of hard-link targets, which must not be symbolic links.
    private var hardLinkTargets: Set<Int> = []
    /// Hashes of symbolic-link paths: a quick "no" before the exact lookup in `symlinks`.
    private var symlinkHashes: Set<Int> = []
    /// Symbolic links by their normalized path bytes (components joined by '/').
    private var symlinks: [[UInt8]: Int] = [:]
    private var links: [Link] = []
    private var rememberedBytes = 0
    private var finished = false

    public init() {}

    /// Refuses an entry that is unsafe whatever comes after it; remembers what `finish` needs. Throws with a message
    /// naming the entry.
    public mutating func check(path: [UInt8], kind: Kind) throws(ArchiveError) {
        let components = try Self.normalized(path, as: .entry)
        if kind == .special {
            throw ArchiveError("the archive holds a device node, fifo or socket: '\(Self.show(path))'")
        }
        guard !components.isEmpty || kind == .directory else {
            throw ArchiveError("the archive holds an entry without a name: '\(Self.show(path))'")
        }
        let hashes = Self.prefixHashes(components)
        switch kind {
        case .directory:
            try addDirectories(components, hashes, count: components.count, entry: path)
        case .file, .special:
            try addDirectories(components, hashes, count: components.count - 1, entry: path)
        case .hardLink(let target):
            try addDirectories(components, hashes, count: components.count - 1, entry: path)
            try addHardLinkTarget(target, from: path)
        case .symlink(let target):
            try addDirectories(components, hashes, count: components.count - 1, entry: path)
            try addSymlink(components, hash: hashes[hashes.count - 1], target: target, entry: path)
        }
    }

    /// Resolves every symbolic link through all the others; throws when one points outside the root, loops, or needs
    /// more than `symlinkHopsMax` links. Call it once, after the last entry.
    public mutating func finish() throws(ArchiveError) {
        guard !finished else { return }
        finished = true
        var resolver = Resolver(links: links, symlinks: symlinks, symlinkHashes: symlinkHashes,
                                budgetBytes: Self.rememberedBytesMax - rememberedBytes)
        for index in links.indices { _ = try resolver.resolve(index, depth: 0) }
    }

    /// The path's components without empty and `.` ones, as text; throws when the path is absolute or holds `..`.
    /// For callers that match names (PKG-INFO, .dist-info) in paths `check` already accepted.
    public static func components(of path: String) throws(ArchiveError) -> [Substring] {
        guard !path.hasPrefix("/") else { throw ArchiveError("the archive holds an absolute path '\(printable(path))'") }
        let components = path.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else {
            throw ArchiveError("the archive holds a path with a '..' component: '\(printable(path))'")
        }
        return components
    }

    static func printable(_ raw: String) -> String { IdentifierError.printable(raw) }

    static func show(_ bytes: [UInt8]) -> String { printable(String(decoding: bytes, as: UTF8.self)) }
}

// MARK: - Entries as they come

extension ArchivePathPolicy {
    /// Records the first `count` prefixes of `components` as directories; none may be a symbolic link.
    private mutating func addDirectories(_ components: [ArraySlice<UInt8>], _ hashes: [Int], count: Int,
                                         entry: [UInt8]) throws(ArchiveError) {
        guard count > 0 else { return }
        for index in 0..<count {
            if symlinkHashes.contains(hashes[index]), symlinks[Self.joined(components[0...index])] != nil {
                let link = Self.show(Self.joined(components[0...index]))
                if index == components.count - 1 {
                    throw ArchiveError("the archive holds both a symbolic link and a directory at '\(link)'")
                }
                throw ArchiveError("the archive holds a path through its own symbolic link '\(link)': '\(Self.show(entry))'")
            }
            directories.insert(hashes[index])
        }
        guard directories.count <= Self.directoriesMax else {
            throw ArchiveError("the archive holds more than \(Self.directoriesMax) directories")
        }
    }

    private mutating func addHardLinkTarget(_ target: [UInt8], from entry: [UInt8]) throws(ArchiveError) {
        let components = try Self.normalized(target, as: .hardLinkTarget(entry))
        guard !components.isEmpty else {
            throw ArchiveError("the archive holds a hard link to the root: '\(Self.show(entry))' -> '\(Self.show(target))'")
        }
        let hashes = Self.prefixHashes(components)
        try addDirectories(components, hashes, count: components.count - 1, entry: target)
        let last = hashes[hashes.count - 1]
        if symlinkHashes.contains(last), symlinks[Self.joined(components[...])] != nil {
            throw ArchiveError("the archive holds a hard link to its own symbolic link: '\(Self.show(entry))' -> '\(Self.show(target))'")
        }
        hardLinkTargets.insert(last)
    }

    private mutating func addSymlink(_ components: [ArraySlice<UInt8>], hash: Int, target: [UInt8],
                                     entry: [UInt8]) throws(ArchiveError) {
        let shown = "'\(Self.show(entry))' -> '\(Self.show(target))'"
        if directories.contains(hash) {
            throw ArchiveError("the archive holds both a symbolic link and a directory at '\(Self.show(entry))'")
        }
        if hardLinkTargets.contains(hash) {
            throw ArchiveError("the archive holds a hard link to its own symbolic link '\(Self.show(entry))'")
        }
        try Self.checkSymlinkTarget(target, depth: components.count - 1, shown: shown)
        let key = Self.joined(components[...])
        if let existing = symlinks[key] {
            guard links[existing].target == target else {
                throw ArchiveError("the archive holds the symbolic link '\(Self.show(entry))' twice, with different targets")
            }
            return
        }
        rememberedBytes += 2 * key.count + target.count + 128
        guard rememberedBytes <= Self.rememberedBytesMax else {
            throw ArchiveError("the archive holds more symbolic links than can be checked (\(links.count))")
        }
        symlinks[key] = links.count
        symlinkHashes.insert(hash)
        links.append(Link(path: key, components: Self.split(key), target: target))
    }

    /// What can be refused at once: an unreadable, absolute or Windows-ambiguous target, or one that climbs above
    /// the root from where the link stands without following any other link.
    private static func checkSymlinkTarget(_ target: [UInt8], depth start: Int, shown: String) throws(ArchiveError) {
        guard String(validating: target, as: UTF8.self) != nil else {
            throw ArchiveError("the archive holds a link whose target is not valid UTF-8: \(shown)")
        }
        guard !target.isEmpty, target.count <= pathBytesMax else {
            throw ArchiveError("the archive holds a link with an empty or overlong target: \(shown)")
        }
        guard target.first != slash else { throw ArchiveError("the archive holds a link to an absolute path: \(shown)") }
        // Windows tools read '\' as a separator (and `C:` as a drive); a link target is never written so on purpose.
        guard !target.contains(backslash), !hasDriveLetter(target) else {
            throw ArchiveError("the archive holds a link whose target holds a backslash or drive letter: \(shown)")
        }
        var depth = start
        for component in target.split(separator: slash) where !isDot(component) {
            depth += isDotDot(component) ? -1 : 1
            if depth < 0 { throw ArchiveError("the archive holds a link pointing outside it: \(shown)") }
        }
    }
}

// MARK: - Paths as bytes

extension ArchivePathPolicy {
    enum Role {
        case entry
        case hardLinkTarget([UInt8])
    }

    static let slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\"), dot = UInt8(ascii: ".")

    /// The components of an entry path or hard-link target without empty and `.` ones. Throws when the path is not
    /// UTF-8, too long, absolute (also as Windows reads it: `\x`, `C:x`) or holds `..` (also between backslashes).
    static func normalized(_ path: [UInt8], as role: Role) throws(ArchiveError) -> [ArraySlice<UInt8>] {
        func refuse(_ what: String) -> ArchiveError {
            switch role {
            case .entry: return ArchiveError("the archive holds \(what) '\(show(path))'")
            case .hardLinkTarget(let entry):
                return ArchiveError("the archive holds a hard link to \(what) '\(show(entry))' -> '\(show(path))'")
            }
        }
        guard String(validating: path, as: UTF8.self) != nil else { throw refuse("a name that is not valid UTF-8:") }
        guard path.count <= pathBytesMax else { throw refuse("a name longer than \(pathBytesMax) bytes:") }
        guard path.first != slash else { throw refuse("an absolute path") }
        guard path.first != backslash, !hasDriveLetter(path) else { throw refuse("an absolute Windows path") }
        let components = split(path)
        for component in components where isDotDot(component) || component.split(separator: backslash).contains(where: isDotDot) {
            if case .entry = role { throw ArchiveError("the archive holds a path with a '..' component: '\(show(path))'") }
            throw refuse("a path with a '..' component:")
        }
        return components
    }

    /// Components split on '/', without empty and `.` ones.
    static func split(_ path: [UInt8]) -> [ArraySlice<UInt8>] {
        path.split(separator: slash).filter { !isDot($0) }
    }

    static func joined(_ components: ArraySlice<ArraySlice<UInt8>>) -> [UInt8] {
        var out: [UInt8] = []
        for component in components {
            if !out.isEmpty { out.append(slash) }
            out += component
        }
        return out
    }

    static func isDot(_ component: ArraySlice<UInt8>) -> Bool { component.count == 1 && component.first == dot }

    static func isDotDot(_ component: ArraySlice<UInt8>) -> Bool {
        component.count == 2 && component.first == dot && component.last == dot
    }

    static func hasDriveLetter(_ path: [UInt8]) -> Bool {
        path.count >= 2 && path[1] == UInt8(ascii: ":")
            && ((path[0] | 0x20) >= UInt8(ascii: "a") && (path[0] | 0x20) <= UInt8(ascii: "z"))
    }

    /// The hash of each prefix of `components` (one component, two, …), in one pass; `PathWalk` hashes alike.
    static func prefixHashes(_ components: [ArraySlice<UInt8>]) -> [Int] {
        var hasher = Hasher()
        return components.map { component in
            combine(component, into: &hasher)
            let copy = hasher
            return copy.finalize()
        }
    }

    static func combine(_ component: ArraySlice<UInt8>, into hasher: inout Hasher) {
        hasher.combine(component.count)
        component.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
