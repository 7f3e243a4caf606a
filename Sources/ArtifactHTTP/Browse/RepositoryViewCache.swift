// Keeps the rows of recently browsed repositories while the catalogue is unchanged, so sorting, filtering and
// paging a large repository do not read and convert every catalogue row again.
import Core
import Synchronization

/// `repository id → RepositoryView`, valid while `MetadataStore.changeCount` equals the count read before the
/// rows were (the argument of `ResolvedPathCache`: a request that starts after a write returned sees that write).
/// Any write empties it, so it helps while people click through a repository, which is when it matters.
final class RepositoryViewCache: Sendable {
    private struct Table {
        var tag: UInt64 = 0
        var views: [NodeID: BrowseCatalogue.RepositoryView] = [:]
    }

    private let metadata: any MetadataStore
    private let table = Mutex(Table())
    /// Repositories kept at once; a 10,000-package repository's rows take a few MiB.
    let repositoryCountMax: Int

    init(metadata: any MetadataStore, repositoryCountMax: Int = 8) {
        self.metadata = metadata
        self.repositoryCountMax = repositoryCountMax
    }

    /// The count to tag a read with; read it before the read starts.
    func tag() -> UInt64 { metadata.changeCount }

    func lookup(_ id: NodeID) -> BrowseCatalogue.RepositoryView? {
        let now = metadata.changeCount
        return table.withLock { $0.tag == now ? $0.views[id] : nil }
    }

    func store(_ view: BrowseCatalogue.RepositoryView, for id: NodeID, tag: UInt64) {
        guard tag == metadata.changeCount else { return }
        table.withLock { table in
            if table.tag != tag {
                // Counts only grow: an older tag's result must not replace a newer table.
                guard table.tag < tag else { return }
                table = Table(tag: tag)
            }
            if table.views.count >= repositoryCountMax, table.views[id] == nil {
                table.views.removeValue(forKey: table.views.keys.first!)
            }
            table.views[id] = view
        }
    }
}
