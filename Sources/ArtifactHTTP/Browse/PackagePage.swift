// The page of one package: file facts, download link, install command and the provider's metadata.
import Core

/// Renders a package page (`<file>?view=package`). Links are relative to the file's own directory.
struct PackagePage: Sendable {
    let view: BrowseCatalogue.PackageView
    let instructions: InstallInstructions

    private var row: PackageRow { view.row }
    /// From the file's directory back up to the repository directory (`../../../` for apt's pool/<dist>/<component>/).
    private var repositoryLink: String {
        let depth = row.location.count - 1
        return depth == 0 ? "./" : String(repeating: "../", count: depth)
    }

    func render() -> HTML {
        let repository = "\(view.repository.provider)/\(view.repository.name)"
        let body: HTML = """
            <h1>\(row.name) <span class="muted">\(row.version)</span></h1>
            \(facts())
            <h2>Install</h2>
            \(BrowseStyle.commands(instructions))
            <h2>Metadata</h2>
            \(metadata())
            """
        return BrowseStyle.page(
            title: "\(row.name) \(row.version) — \(repository) — artifactfs",
            crumbs: [("artifactfs", "/"), (view.repository.provider.rawValue, repositoryLink + "../"),
                     (view.repository.name.rawValue, repositoryLink), ("\(row.name) \(row.version)", "")],
            body: body)
    }

    private func facts() -> HTML {
        let file = RequestPath.percentEncode(row.filename)
        var items: [(String, HTML)] = [
            ("File", "<a href=\"\(file)\" download>\(row.filename)</a>"),
            ("Size", "\(BrowseFormat.size(row.size)) (\(row.size) bytes)"),
            ("SHA-256", "<code>\(row.sha256)</code>"),
            ("Uploaded", "<time datetime=\"\(BrowseFormat.exactTime(row.uploaded))\">\(BrowseFormat.time(row.uploaded))</time>"),
        ]
        switch row.provider {
        case .apt: items += [("Architecture", "\(row.platform)"), ("Dist / component", "\(row.dist)")]
        case .pypi: items.append(("Python", "\(row.platform)"))
        case .tar: items.append(("Format", "\(row.platform)"))
        }
        items.append(("Path", "<code>\(row.location.joined(separator: "/"))</code>"))
        if row.yanked { items.append(("Yanked", "<span class=\"yanked\">yes: pip skips it unless pinned exactly</span>")) }
        return "<dl class=\"facts\">\n\(items.map { name, value -> HTML in "<dt>\(name)</dt><dd>\(value)</dd>\n" })</dl>"
    }

    private func metadata() -> HTML {
        let fields = view.metadata.fields.map { field -> HTML in
            "<dt>\(field.name)</dt><dd>\(multiline(field.value))</dd>\n"
        }
        let list: HTML = fields.isEmpty ? "<p class=\"muted\">none recorded</p>" : "<dl class=\"facts\">\n\(fields)</dl>"
        guard let body = view.metadata.body, !body.isEmpty else { return list }
        return list + "<h3>Description</h3>\n<pre>\(body)</pre>"
    }

    /// Continuation lines (a Description, Conffiles) keep their line breaks.
    private func multiline(_ value: String) -> HTML {
        value.contains("\n") ? "<pre>\(value)</pre>" : "\(value)"
    }
}
