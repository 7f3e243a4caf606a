// The frame every browse page shares: head, style sheet, breadcrumbs, and the optional copy buttons.

enum BrowseStyle {
    /// A whole page around `body`. `crumbs` are (label, link) from the root down; the last is the page itself.
    static func page(title: String, crumbs: [(label: String, href: String)], body: HTML) -> HTML {
        let trail = crumbs.enumerated().map { index, crumb -> HTML in
            index == crumbs.count - 1 ? "<span>\(crumb.label)</span>" : "<a href=\"\(crumb.href)\">\(crumb.label)</a> / "
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <style>\(css)</style></head>
            <body>
            <nav class="crumbs">\(trail)</nav>
            \(body)
            <script>\(copyScript)</script>
            </body>
            </html>

            """
    }

    /// Plain CSS, no framework: a readable table, monospace where people copy things.
    static let css: HTML = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:80rem;padding:1rem 1.5rem;color:#1d232a;background:#fff}
        h1{font-size:1.5rem;margin:.4rem 0 .2rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
        a{color:#0b57d0;text-decoration:none}a:hover{text-decoration:underline}
        .crumbs{color:#5f6b76;font-size:.9rem}.muted{color:#5f6b76}
        .badge{display:inline-block;font-size:.75rem;padding:.05rem .45rem;border-radius:.6rem;background:#fde7e9;color:#a0182c;vertical-align:middle}
        table{border-collapse:collapse;width:100%;font-size:.92rem}
        th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #e4e8ec;vertical-align:top}
        th{background:#f4f6f8;white-space:nowrap}th a{color:inherit}
        tbody tr:hover{background:#f8fafc}
        td.num{text-align:right;white-space:nowrap}td.time{white-space:nowrap}
        code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.85rem}
        td.sha code{display:inline-block;max-width:11em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom}
        pre{background:#f4f6f8;border:1px solid #e4e8ec;border-radius:4px;padding:.6rem .8rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
        .cmd{position:relative}.cmd pre{white-space:pre;padding-right:4rem}.cmd button{position:absolute;top:.3rem;right:.3rem;font-size:.75rem}
        form.filter{margin:.8rem 0;display:flex;gap:.5rem;align-items:center}
        form.filter input[type=search]{flex:0 1 24rem;padding:.3rem .5rem;font:inherit}
        .pages{margin:.8rem 0;display:flex;gap:1rem}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1.2rem;margin:0}
        dl.facts dt{color:#5f6b76}dl.facts dd{margin:0;word-break:break-all}
        .yanked{color:#a0182c}
        """

    /// Adds a "copy" button to each command block. Only a convenience: without scripts the text is there to select.
    static let copyScript: HTML = """
        for(const p of document.querySelectorAll('.cmd pre')){const b=document.createElement('button');b.type='button';b.textContent='copy';b.onclick=()=>navigator.clipboard&&navigator.clipboard.writeText(p.textContent).then(()=>{b.textContent='copied'});p.parentNode.appendChild(b)}
        """

    /// The command blocks of `instructions`, each under its title.
    static func commands(_ instructions: InstallInstructions) -> HTML {
        HTML(joining: instructions.blocks.map { block in
            "<h3>\(block.title)</h3>\n<div class=\"cmd\"><pre>\(block.commands)</pre></div>\n"
        })
    }
}
