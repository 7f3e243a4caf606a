// The query parameters of a repository page (`?sort=version&order=desc&q=foo&page=2`), parsed and re-encoded.
import Foundation

/// What a repository page shows: the sort column and order, a filter and a page. Unknown or malformed values
/// fall back to the defaults instead of failing, so a hand-edited URL still shows a page.
struct BrowseQuery: Sendable, Equatable {
    enum Column: String, CaseIterable, Sendable {
        case name, version, platform, dist, size, uploaded, sha256
    }

    enum Order: String, Sendable {
        case ascending = "asc"
        case descending = "desc"

        var reversed: Order { self == .ascending ? .descending : .ascending }
    }

    var sort: Column = .name
    var order: Order = .ascending
    /// Case-insensitive text every shown row contains in one of its columns; empty shows all.
    var filter = ""
    /// 1-based.
    var page = 1
    var perPage = BrowseQuery.perPageDefault

    static let perPageDefault = 200
    static let perPageMax = 2000
    /// Longer filters are cut: a filter is typed by a person.
    static let filterCharactersMax = 200

    init() {}

    /// Parses a raw query string as browsers write it for links and GET forms (`+` is a space).
    init(query: String?) {
        for (key, value) in Self.pairs(query ?? "") {
            switch key {
            case "sort": sort = Column(rawValue: value) ?? sort
            case "order": order = Order(rawValue: value) ?? order
            case "q": filter = String(value.trimmingCharacters(in: .whitespaces).prefix(Self.filterCharactersMax))
            case "page": page = Int(value).map { max(1, $0) } ?? page
            case "per": perPage = Int(value).map { min(max(1, $0), Self.perPageMax) } ?? perPage
            default: continue
            }
        }
    }

    /// The query string for these settings, with defaults left out (`sort=size&order=desc`), percent-encoded.
    var encoded: String {
        var items: [(String, String)] = []
        if sort != .name { items.append(("sort", sort.rawValue)) }
        if order != .ascending { items.append(("order", order.rawValue)) }
        if !filter.isEmpty { items.append(("q", filter)) }
        if page != 1 { items.append(("page", String(page))) }
        if perPage != Self.perPageDefault { items.append(("per", String(perPage))) }
        return items.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// A relative link (`?…`, or `./` for the defaults) to these settings.
    var link: String {
        let query = encoded
        return query.isEmpty ? "./" : "?" + query
    }

    /// The settings a click on `column`'s header asks for: that column, ascending first, flipped when it is
    /// already the sort column; the filter stays, the page goes back to the first.
    func sortedBy(_ column: Column) -> BrowseQuery {
        var next = self
        next.order = column == sort ? order.reversed : .ascending
        next.sort = column
        next.page = 1
        return next
    }

    func onPage(_ number: Int) -> BrowseQuery {
        var next = self
        next.page = number
        return next
    }

    private static func pairs(_ query: String) -> [(String, String)] {
        query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// A path segment's encoding, except that `+` must be encoded in a query, where it reads as a space.
    private static func encode(_ text: String) -> String {
        RequestPath.percentEncode(text).replacingOccurrences(of: "+", with: "%2B")
    }
}
