// The landing pages: every repository the caller may read (at `/`), or those of one provider (at `/<provider>/`).
import Core
import Foundation

/// Renders the overview table: repository, format, packages, size, newest upload. Pure: same inputs, same bytes.
struct OverviewPage: Sendable {
    struct Entry: Sendable {
        let record: RepositoryRecord
        let totals: RepositoryTotals
    }

    /// Nil for the whole tree (`/`), else the provider whose directory this is.
    let provider: ProviderKind?
    let entries: [Entry]

    func render() -> HTML {
        let title = provider.map { "\($0) repositories" } ?? "Repositories"
        let crumbs: [(label: String, href: String)] = provider.map { [("artifactfs", "../"), ($0.rawValue, "./")] } ?? [("artifactfs", "./")]
        let body: HTML = """
            <h1>\(title)</h1>
            <p class="muted">\(summary)</p>
            \(entries.isEmpty ? emptyHint : table)
            <p class="muted"><a href="?view=files">plain file listing</a></p>
            """
        return BrowseStyle.page(title: "\(title) — artifactfs", crumbs: crumbs, body: body)
    }

    private var summary: String {
        let packages = entries.reduce(0) { $0 + $1.totals.packages }
        return "\(entries.count) repositor\(entries.count == 1 ? "y" : "ies"), \(packages) package\(packages == 1 ? "" : "s")"
    }

    private var emptyHint: HTML {
        """
        <p>No repository yet. Create one by copying a package into the mount (<code>mkdir MOUNT/tar/NAME</code>), by
        uploading (<code>curl -T FILE http://HOST/tar/NAME/FILE</code>) or with <code>artifactfs repo create</code>.</p>
        """
    }

    private var table: HTML {
        let rows = entries.map { entry -> HTML in
            let record = entry.record
            // Relative links, so the older service's /repo/ prefix keeps working.
            let link = (provider == nil ? record.provider.rawValue + "/" : "") + record.name.rawValue + "/"
            let badge: HTML = record.isPrivate ? " <span class=\"badge\">private</span>" : .empty
            let last: HTML = entry.totals.lastUpload.map { "\(BrowseFormat.time($0))" } ?? "—"
            return """
                <tr><td><a href="\(link)">\(record.name.rawValue)</a>\(badge)</td><td>\(record.provider.rawValue)</td>\
                <td class="num">\(entry.totals.packages)</td><td class="num">\(BrowseFormat.size(entry.totals.bytes))</td>\
                <td class="time">\(last)</td></tr>

                """
        }
        return """
            <table><thead><tr><th>Repository</th><th>Format</th><th>Packages</th><th>Size</th><th>Last upload</th></tr></thead>
            <tbody>
            \(rows)</tbody></table>
            """
    }
}
