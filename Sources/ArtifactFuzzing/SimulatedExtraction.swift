// The archive-paths oracle: entries unpacked into an in-memory tree the way Linux extractors and the kernel do.

/// An independent model of extraction, written apart from `ArchivePathPolicy` on purpose: it never reasons about
/// whole archives, it only unpacks entries one by one into a tree and walks paths as the kernel walks them.
/// `escaped` becomes true when a write lands outside the root, or when, after the last entry, a symbolic link in
/// the tree could reach outside (missing directories on its way counted as if they were made later).
///
/// The extractor it models is the least careful of GNU tar and Python's tarfile: intermediate directories are
/// made as needed, links met on the way are followed, a regular file written over a symbolic link writes through
/// it (tarfile opens it with "wb"), and a hard link to a symbolic link copies the link (link(2) does not follow).
struct SimulatedExtraction {
    enum Node {
        case directory([[UInt8]: Int])
        case file
        case symlink([UInt8])
    }

    enum Kind { case file, directory, symlink, hardLink, special }

    private(set) var nodes: [Node] = [.directory([:])]
    private var parents: [Int] = [0]
    private(set) var escaped = false

    /// Where a walk ends.
    private enum Outcome {
        case node(Int)
        /// The last component does not exist; it would be made in `parent`.
        case missing(parent: Int, name: [UInt8])
        case outside
        /// ENOENT, ENOTDIR, ELOOP: the extractor reports an error and goes on with the next entry.
        case failed
    }

    static let hopsMax = 40
    private static let dot = Array(".".utf8), dotDot = Array("..".utf8)

    mutating func extract(path: [UInt8], kind: Kind, target: [UInt8]) {
        guard !escaped else { return }
        guard path.first != UInt8(ascii: "/") else { return escape() }
        let components = path.split(separator: UInt8(ascii: "/")).map(Array.init)
        guard let last = components.last else { return }
        // A name ending in `.` or `..` names a directory that exists already (or lies outside).
        if last == Self.dot || last == Self.dotDot {
            if case .outside = walk(components, from: 0, followFinal: true, makeDirectories: true) { escape() }
            return
        }
        // Everything but the last component: made as needed, links followed.
        let parent: Int
        switch walk(Array(components.dropLast()), from: 0, followFinal: true, makeDirectories: true) {
        case .node(let node): parent = node
        case .outside: return escape()
        case .missing, .failed: return
        }
        switch kind {
        case .file, .special: writeFile(named: last, in: parent)
        case .directory: makeDirectory(named: last, in: parent)
        case .symlink: replace(named: last, in: parent, with: .symlink(target))
        case .hardLink: hardLink(named: last, in: parent, to: target)
        }
    }

    /// After the last entry: can any link in the tree lead outside?
    mutating func finish() {
        guard !escaped else { return }
        for (index, node) in nodes.enumerated() {
            guard case .symlink(let target) = node else { continue }
            if couldEscape(target, from: parents[index]) { return escape() }
        }
    }

    private mutating func escape() { escaped = true }

    private mutating func writeFile(named name: [UInt8], in parent: Int) {
        switch walk([name], from: parent, followFinal: true, makeDirectories: false) {
        case .outside: escape()
        case .missing(let directory, let last): add(.file, named: last, in: directory)
        case .node(let node): if case .directory = nodes[node] { return } else { nodes[node] = .file }
        case .failed: return
        }
    }

    private mutating func makeDirectory(named name: [UInt8], in parent: Int) {
        guard case .directory(let children) = nodes[parent] else { return }
        guard let existing = children[name] else { return add(.directory([:]), named: name, in: parent) }
        // An existing link is kept (tarfile ignores EEXIST) and later entries go through it; a file is replaced.
        if case .file = nodes[existing] { nodes[existing] = .directory([:]) }
    }

    private mutating func replace(named name: [UInt8], in parent: Int, with node: Node) {
        guard case .directory(let children) = nodes[parent] else { return }
        guard let existing = children[name] else { return add(node, named: name, in: parent) }
        if case .directory(let grandchildren) = nodes[existing], !grandchildren.isEmpty { return }
        nodes[existing] = node
    }

    private mutating func hardLink(named name: [UInt8], in parent: Int, to target: [UInt8]) {
        guard target.first != UInt8(ascii: "/") else { return escape() }
        let components = target.split(separator: UInt8(ascii: "/")).map(Array.init)
        switch walk(components, from: 0, followFinal: false, makeDirectories: false) {
        case .outside: escape()
        case .node(let node):
            switch nodes[node] {
            case .symlink(let text): replace(named: name, in: parent, with: .symlink(text))
            case .file: replace(named: name, in: parent, with: .file)
            case .directory: return
            }
        case .missing, .failed: return
        }
    }

    private mutating func add(_ node: Node, named name: [UInt8], in parent: Int) {
        guard case .directory(var children) = nodes[parent] else { return }
        children[name] = nodes.count
        nodes[parent] = .directory(children)
        nodes.append(node)
        parents.append(parent)
    }

    /// The kernel's path walk from `start`. Components of the entry's own path may be made as directories when
    /// missing; components that come from a link's target may not.
    private mutating func walk(_ components: [[UInt8]], from start: Int, followFinal: Bool,
                               makeDirectories: Bool) -> Outcome {
        var pending: [(name: [UInt8], own: Bool)] = components.reversed().map { ($0, true) }
        var current = start, hops = 0
        while let (name, own) = pending.popLast() {
            if name.isEmpty || name == Self.dot { continue }
            if name == Self.dotDot {
                if current == 0 { return .outside }
                current = parents[current]
                continue
            }
            guard case .directory(let children) = nodes[current] else { return .failed }
            guard let child = children[name] else {
                if own && makeDirectories {
                    add(.directory([:]), named: name, in: current)
                    current = nodes.count - 1
                    continue
                }
                let isLast = pending.allSatisfy { $0.name.isEmpty || $0.name == Self.dot }
                return isLast ? .missing(parent: current, name: name) : .failed
            }
            switch nodes[child] {
            case .directory: current = child
            case .file: if pending.isEmpty { return .node(child) } else { return .failed }
            case .symlink(let target):
                if pending.isEmpty && !followFinal { return .node(child) }
                hops += 1
                if hops > Self.hopsMax { return .failed }
                if target.first == UInt8(ascii: "/") { return .outside }
                pending += target.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
                    .reversed().map { (Array($0), false) }
            }
        }
        return .node(current)
    }

    /// Whether `target`, followed from directory `start`, leaves the root: real nodes while they exist, then,
    /// past a missing name or a file, directories that could be made later.
    private func couldEscape(_ target: [UInt8], from start: Int) -> Bool {
        if target.first == UInt8(ascii: "/") { return true }
        var pending: [[UInt8]] = target.split(separator: UInt8(ascii: "/")).reversed().map(Array.init)
        var current = start, virtualDepth = 0, hops = 0
        while let name = pending.popLast() {
            if name == Self.dot { continue }
            if name == Self.dotDot {
                if virtualDepth > 0 { virtualDepth -= 1 } else if current == 0 { return true } else { current = parents[current] }
                continue
            }
            guard virtualDepth == 0, case .directory(let children) = nodes[current], let child = children[name] else {
                virtualDepth += 1
                continue
            }
            switch nodes[child] {
            case .directory: current = child
            case .file: virtualDepth += 1
            case .symlink(let next):
                hops += 1
                if hops > Self.hopsMax { return false }
                if next.first == UInt8(ascii: "/") { return true }
                pending += next.split(separator: UInt8(ascii: "/")).reversed().map(Array.init)
            }
        }
        return false
    }
}
