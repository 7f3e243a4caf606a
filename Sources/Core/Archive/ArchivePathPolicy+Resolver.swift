// The end-of-archive check: every symbolic link resolved through all the others, as the kernel would.

extension ArchivePathPolicy {
    /// Resolves links the way the kernel walks a path: components left to right, `..` to the physical parent, each
    /// link followed from its own directory. Each link is resolved once (memoized with the number of links it
    /// needed), so an archive of many links costs time in proportion to its bytes, not to its chains.
    struct Resolver {
        private let links: [Link]
        private let symlinks: [[UInt8]: Int]
        private let symlinkHashes: Set<Int>
        private var budgetBytes: Int
        private var memo: [State]

        private enum State {
            case unresolved, resolving
            case resolved(path: [UInt8], hops: Int)
        }

        init(links: [Link], symlinks: [[UInt8]: Int], symlinkHashes: Set<Int>, budgetBytes: Int) {
            self.links = links
            self.symlinks = symlinks
            self.symlinkHashes = symlinkHashes
            self.budgetBytes = budgetBytes
            memo = Array(repeating: .unresolved, count: links.count)
        }

        /// Where link `index` leads (normalized path bytes) and how many links that took. `depth` counts the links
        /// being resolved around this one: past the hop limit, following them all would be past it too.
        mutating func resolve(_ index: Int, depth: Int) throws(ArchiveError) -> (path: [UInt8], hops: Int) {
            let link = links[index]
            let shown = "'\(show(link.path))' -> '\(show(link.target))'"
            switch memo[index] {
            case .resolved(let path, let hops): return (path, hops)
            case .resolving: throw ArchiveError("the archive holds a loop of symbolic links: \(shown)")
            case .unresolved: break
            }
            guard depth <= symlinkHopsMax else {
                throw ArchiveError("the archive holds a link that needs more than \(symlinkHopsMax) links to resolve: \(shown)")
            }
            memo[index] = .resolving
            var walk = PathWalk(link.components.dropLast())
            var hops = 0
            for component in ArchivePathPolicy.split(link.target) {
                if isDotDot(component) {
                    guard walk.pop() else {
                        throw ArchiveError("the archive holds a link pointing outside it (following its links): \(shown)")
                    }
                    continue
                }
                walk.push(component)
                guard walk.bytes.count <= pathBytesMax else {
                    throw ArchiveError("the archive holds a link resolving to a path longer than \(pathBytesMax) bytes: \(shown)")
                }
                guard let hash = walk.hash, symlinkHashes.contains(hash), let next = symlinks[walk.bytes] else { continue }
                let followed = try resolve(next, depth: depth + 1)
                hops += 1 + followed.hops
                // Whoever follows this link follows it too: 1 + hops, which the kernel allows up to 40.
                guard hops < symlinkHopsMax else {
                    throw ArchiveError("the archive holds a link that needs more than \(symlinkHopsMax) links to resolve: \(shown)")
                }
                walk = PathWalk(ArchivePathPolicy.split(followed.path)[...])
            }
            budgetBytes -= walk.bytes.count + 64
            guard budgetBytes >= 0 else {
                throw ArchiveError("the archive holds more symbolic links than can be checked (\(links.count))")
            }
            memo[index] = .resolved(path: walk.bytes, hops: hops)
            return (walk.bytes, hops)
        }
    }

    /// A path being walked: its bytes (components joined by '/') and, per component, where it starts and the hasher
    /// state after it, so `..` and one more component each cost one step and the hash matches `prefixHashes`.
    struct PathWalk {
        private(set) var bytes: [UInt8] = []
        private var stack: [(start: Int, hasher: Hasher)] = []

        init(_ components: ArraySlice<ArraySlice<UInt8>>) {
            for component in components { push(component) }
        }

        /// The hash of the whole path, as `prefixHashes` gives it; nil at the root.
        var hash: Int? {
            guard let copy = stack.last?.hasher else { return nil }
            return copy.finalize()
        }

        mutating func push(_ component: ArraySlice<UInt8>) {
            var hasher = stack.last?.hasher ?? Hasher()
            ArchivePathPolicy.combine(component, into: &hasher)
            let start = bytes.count
            if !bytes.isEmpty { bytes.append(ArchivePathPolicy.slash) }
            bytes += component
            stack.append((start, hasher))
        }

        /// Goes to the parent; false at the root, where `..` would leave the extraction directory.
        mutating func pop() -> Bool {
            guard let last = stack.popLast() else { return false }
            bytes.removeSubrange(last.start...)
            return true
        }
    }
}
