// The rows a repository page shows: filtered, sorted and cut to one page, as a pure function of the query.
import Foundation

/// One page of a repository's package table.
struct PackageTable: Sendable {
    /// The rows of this page, in display order.
    let rows: [PackageRow]
    /// Rows that passed the filter, on all pages.
    let matching: Int
    /// Rows of the repository before filtering.
    let total: Int
    /// The page shown, after clamping to the last one.
    let page: Int
    let pageCount: Int

    init(_ all: [PackageRow], query: BrowseQuery) {
        let needle = query.filter.lowercased()
        let matched = needle.isEmpty ? all : all.filter { $0.searchText.contains(needle) }
        let sorted = Self.sorted(matched, by: query.sort, order: query.order)
        total = all.count
        matching = matched.count
        pageCount = max(1, (matched.count + query.perPage - 1) / query.perPage)
        page = min(query.page, pageCount)
        rows = Array(sorted.dropFirst((page - 1) * query.perPage).prefix(query.perPage))
    }

    /// Sorted by `column`; ties are broken by name, version and file name (always ascending), so the order is
    /// total and a page boundary never moves between two requests for the same data.
    static func sorted(_ rows: [PackageRow], by column: BrowseQuery.Column, order: BrowseQuery.Order) -> [PackageRow] {
        rows.sorted { a, b in
            if let primary = compare(a, b, by: column) {
                return order == .ascending ? primary : !primary
            }
            return tieBreak(a, b)
        }
    }

    /// Whether `a` goes first by `column` alone; nil when the column does not tell them apart.
    private static func compare(_ a: PackageRow, _ b: PackageRow, by column: BrowseQuery.Column) -> Bool? {
        switch column {
        case .name: return differs(a.sortName, b.sortName)
        case .version: return a.versionKey == b.versionKey ? nil : a.versionKey < b.versionKey
        case .platform: return differs(a.platform, b.platform)
        case .dist: return differs(a.dist, b.dist)
        case .size: return differs(a.size, b.size)
        case .uploaded: return differs(a.uploaded, b.uploaded)
        case .sha256: return differs(a.sha256, b.sha256)
        }
    }

    private static func differs<T: Comparable>(_ a: T, _ b: T) -> Bool? { a == b ? nil : a < b }

    private static func tieBreak(_ a: PackageRow, _ b: PackageRow) -> Bool {
        if let byName = differs(a.sortName, b.sortName) { return byName }
        if a.versionKey != b.versionKey { return a.versionKey < b.versionKey }
        if let byFile = differs(a.filename, b.filename) { return byFile }
        return a.id < b.id
    }
}
