// The page of one repository: install commands, a filter, and the package table sorted by any column.
import Core

/// Renders a repository page from catalogue data. Pure: the same inputs give the same bytes.
struct RepositoryPage: Sendable {
    let view: BrowseCatalogue.RepositoryView
    let query: BrowseQuery
    let instructions: InstallInstructions

    var provider: ProviderKind { view.record.provider }
    var title: String { "\(provider)/\(view.record.name)" }

    func render() -> HTML {
        let table = PackageTable(view.rows, query: query)
        let privateBadge: HTML = view.record.isPrivate ? " <span class=\"badge\">private</span>" : .empty
        let body: HTML = """
            <h1>\(title)\(privateBadge)</h1>
            <p class="muted">\(summary(table))</p>
            <h2>Use this repository</h2>
            \(BrowseStyle.commands(instructions))
            <h2 id="packages">Packages</h2>
            \(filterForm())
            \(packageTable(table))
            \(pageLinks(table))
            <h2>Files</h2>
            <p>\(fileLinks())</p>
            """
        return BrowseStyle.page(title: "\(title) — artifactfs",
                                crumbs: [("artifactfs", "/"), (provider.rawValue, "../"), (view.record.name.rawValue, "./")],
                                body: body)
    }

    private func summary(_ table: PackageTable) -> String {
        let count = "\(table.total) package\(table.total == 1 ? "" : "s")"
        return query.filter.isEmpty ? count : "\(table.matching) of \(count) match “\(query.filter)”"
    }

    /// A GET form: the filter goes into `q`, the sort stays through hidden fields.
    private func filterForm() -> HTML {
        """
        <form class="filter" method="get" action="./#packages">
        <input type="search" name="q" value="\(query.filter)" placeholder="name, version, architecture, sha256…" aria-label="filter">
        <input type="hidden" name="sort" value="\(query.sort.rawValue)"><input type="hidden" name="order" value="\(query.order.rawValue)">
        <button type="submit">Filter</button>\(query.filter.isEmpty ? HTML.empty : " <a href=\"\(clearedFilter().link)\">clear</a>")
        </form>
        """
    }

    private func clearedFilter() -> BrowseQuery {
        var cleared = query
        cleared.filter = ""
        cleared.page = 1
        return cleared
    }

    private var columns: [(BrowseQuery.Column, String)] {
        let platform = switch provider { case .apt: "Architecture"; case .pypi: "Python"; case .tar: "Format" }
        let all: [(BrowseQuery.Column, String)] = [(.name, "Name"), (.version, "Version"), (.platform, platform), (.dist, "Dist"),
                                                   (.size, "Size"), (.uploaded, "Uploaded"), (.sha256, "SHA-256")]
        return provider == .apt ? all : all.filter { $0.0 != .dist }
    }

    private func packageTable(_ table: PackageTable) -> HTML {
        let headers = columns.map { column, label -> HTML in
            let arrow: HTML = column == query.sort ? (query.order == .ascending ? " ▲" : " ▼") : .empty
            return "<th><a href=\"\(query.sortedBy(column).link)#packages\">\(label)</a>\(arrow)</th>"
        }
        let rows = table.rows.map(row)
        let empty: HTML = rows.isEmpty ? "<tr><td colspan=\"\(columns.count + 1)\" class=\"muted\">no packages</td></tr>\n" : .empty
        return """
            <table>
            <thead><tr>\(headers)<th></th></tr></thead>
            <tbody>
            \(rows)\(empty)</tbody>
            </table>
            """
    }

    private func row(_ package: PackageRow) -> HTML {
        let href = package.location.map(RequestPath.percentEncode).joined(separator: "/")
        let yanked: HTML = package.yanked ? " <span class=\"yanked\">yanked</span>" : .empty
        let dist: HTML = provider == .apt ? "<td>\(package.dist)</td>" : .empty
        return """
            <tr><td><a href="\(href)?view=package">\(package.name)</a>\(yanked)</td><td>\(package.version)</td>\
            <td>\(package.platform)</td>\(dist)<td class="num" title="\(package.size) bytes">\(BrowseFormat.size(package.size))</td>\
            <td class="time"><time datetime="\(BrowseFormat.exactTime(package.uploaded))">\(BrowseFormat.time(package.uploaded))</time></td>\
            <td class="sha"><code title="\(package.sha256)">\(package.sha256)</code></td>\
            <td><a href="\(href)" title="download \(package.filename)" download>download</a></td></tr>

            """
    }

    private func pageLinks(_ table: PackageTable) -> HTML {
        guard table.pageCount > 1 else { return .empty }
        let previous: HTML = table.page > 1 ? "<a href=\"\(query.onPage(table.page - 1).link)#packages\">← previous</a>" : .empty
        let next: HTML = table.page < table.pageCount ? "<a href=\"\(query.onPage(table.page + 1).link)#packages\">next →</a>" : .empty
        return "<nav class=\"pages\">\(previous)<span>page \(table.page) of \(table.pageCount)</span>\(next)</nav>"
    }

    /// The generated files people look for, and the plain listing of the directory.
    private func fileLinks() -> HTML {
        let names: [String] = switch provider {
        case .apt: ["dists/", "pool/", "pubkey", "keyring.gpg"]
        case .pypi: ["simple/"]
        case .tar: ["SHA256SUMS"]
        }
        let links = names.map { name -> HTML in "<a href=\"\(name)\"><code>\(name)</code></a> · " }
        return "\(links)<a href=\"?view=files\">all files (plain listing)</a>"
    }
}
