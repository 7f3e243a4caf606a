// Which archive entries could land outside the directory a user extracts them into.

/// Checks entry paths and link targets the way an extracting tool would resolve them, so an archive that could
/// write or point outside its extraction directory is refused before it is stored. One value checks one archive,
/// entry by entry in archive order: it remembers the symbolic links seen so far, because an extractor follows them.
public struct ArchivePathPolicy {
    /// Paths (components joined by `/`) of the symbolic-link entries checked so far.
    private var symlinks: Set<String> = []

    public init() {}

    /// The path's components without empty and `.` ones; throws when the path is absolute or holds `..`.
    public static func components(of path: String) throws(ArchiveError) -> [Substring] {
        guard !path.hasPrefix("/") else { throw ArchiveError("the archive holds an absolute path '\(printable(path))'") }
        let components = path.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else {
            throw ArchiveError("the archive holds a path with a '..' component: '\(printable(path))'")
        }
        return components
    }

    /// Refuses entries that are unsafe to extract: paths outside the root, paths (or hard-link targets) that go
    /// through an earlier symbolic link of the archive (each link may look harmless, `d/a -> ..` then
    /// `d/a/b -> ..`, yet the second lands above the root once the first is followed), links whose target is
    /// absolute or climbs above the root, and device nodes, FIFOs and sockets (which `tar` run as root would create).
    public mutating func check(_ entry: ArchiveEntryInfo) throws(ArchiveError) {
        let components = try Self.components(of: entry.path)
        if entry.isSpecial {
            throw ArchiveError("the archive holds a device node, fifo or socket: '\(Self.printable(entry.path))'")
        }
        try refuseThroughSymlink(components, entry.path)
        if let target = entry.linkTarget {
            try Self.checkLink(entry, target: target, depth: entry.isHardLink ? 0 : max(0, components.count - 1))
            if entry.isHardLink { try refuseThroughSymlink(try Self.components(of: target), target) }
        }
        if entry.isSymlink { symlinks.insert(components.joined(separator: "/")) }
    }

    /// Throws when a proper prefix of `components` is the path of a symbolic link seen earlier.
    private func refuseThroughSymlink(_ components: [Substring], _ path: String) throws(ArchiveError) {
        guard !symlinks.isEmpty else { return }
        var prefix = ""
        for component in components.dropLast() {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            if symlinks.contains(prefix) {
                throw ArchiveError("the archive holds a path through its own symbolic link '\(Self.printable(prefix))': '\(Self.printable(path))'")
            }
        }
    }

    /// A hard link names a path from the root (`depth` 0); a symbolic link is resolved from its own directory.
    private static func checkLink(_ entry: ArchiveEntryInfo, target: String, depth start: Int) throws(ArchiveError) {
        guard !target.hasPrefix("/") else {
            throw ArchiveError("the archive holds a link to an absolute path: '\(printable(entry.path))' -> '\(printable(target))'")
        }
        var depth = start
        for component in target.split(separator: "/") where component != "." {
            depth += component == ".." ? -1 : 1
            if depth < 0 {
                throw ArchiveError("the archive holds a link pointing outside it: '\(printable(entry.path))' -> '\(printable(target))'")
            }
        }
    }

    static func printable(_ raw: String) -> String { IdentifierError.printable(raw) }
}
