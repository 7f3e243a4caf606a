// Which archive entries could land outside the directory a user extracts them into.

/// Checks entry paths and link targets the way an extracting tool would resolve them, so an archive that could
/// write or point outside its extraction directory is refused before it is stored.
public enum ArchivePathPolicy {
    /// The path's components without empty and `.` ones; throws when the path is absolute or holds `..`.
    public static func components(of path: String) throws(ArchiveError) -> [Substring] {
        guard !path.hasPrefix("/") else { throw ArchiveError("the archive holds an absolute path '\(printable(path))'") }
        let components = path.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else {
            throw ArchiveError("the archive holds a path with a '..' component: '\(printable(path))'")
        }
        return components
    }

    /// Refuses entries that are unsafe to extract: paths outside the root, links whose target is absolute or
    /// climbs above the root, and device nodes, FIFOs and sockets (which `tar` run as root would create).
    public static func check(_ entry: ArchiveEntryInfo) throws(ArchiveError) {
        let components = try components(of: entry.path)
        if entry.isSpecial {
            throw ArchiveError("the archive holds a device node, fifo or socket: '\(printable(entry.path))'")
        }
        guard let target = entry.linkTarget else { return }
        // A hard link names a path from the root; a symbolic link is resolved from its own directory.
        var depth = entry.isHardLink ? 0 : max(0, components.count - 1)
        guard !target.hasPrefix("/") else {
            throw ArchiveError("the archive holds a link to an absolute path: '\(printable(entry.path))' -> '\(printable(target))'")
        }
        for component in target.split(separator: "/") where component != "." {
            depth += component == ".." ? -1 : 1
            if depth < 0 {
                throw ArchiveError("the archive holds a link pointing outside it: '\(printable(entry.path))' -> '\(printable(target))'")
            }
        }
    }

    static func printable(_ raw: String) -> String { IdentifierError.printable(raw) }
}
