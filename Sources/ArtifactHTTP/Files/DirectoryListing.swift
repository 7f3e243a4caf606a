// HTML directory pages for browsers and `wget -r`, streamed a page of entries at a time.
import Core
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Renders a directory of the tree as HTML with escaped names and percent-encoded links. Names are shown as the
/// browse pages show text (`HTMLText.displayed`): a character that would disguise a name shows as U+FFFD, while
/// the link keeps the exact bytes.
struct DirectoryListing: Sendable {
    let tree: RepositoryTree
    let executor: BlockingExecutor
    /// Entries fetched per catalogue query while streaming.
    var pageCountMax = 1000

    /// `hidden`: node ids left out of the listing (private repositories the client may not read).
    func response(for directory: TreeEntry, path: RequestPath, head: Bool, hidden: Set<NodeID> = []) -> Response {
        let headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"]
        if head { return Response(status: .ok, headers: headers) }
        let title = RequestPath.urlPath(path.components, alias: false, trailingSlash: true)
        let isRoot = path.components.isEmpty
        let tree = self.tree, executor = self.executor, pageCountMax = self.pageCountMax
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: Self.header(title: Self.escape(title.removingPercentEncoding ?? title), isRoot: isRoot)))
            var after: NodeID = 0
            while true {
                let start = after
                let page = try await executor.run { try tree.list(directory, after: start, limit: pageCountMax) }
                guard let last = page.last else { break }
                try await writer.write(ByteBuffer(string: page.filter { !hidden.contains($0.id) }.map(Self.row).joined()))
                after = last.id
            }
            try await writer.write(ByteBuffer(string: "</table>\n</body>\n</html>\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func header(title: String, isRoot: Bool) -> String {
        """
        <!DOCTYPE html>
        <html>
        <head><meta charset="utf-8"><title>Index of \(title)</title>
        <style>body{font-family:sans-serif}td{padding:0 1em 0 0}td.size{text-align:right}</style></head>
        <body>
        <h1>Index of \(title)</h1>
        <table>
        \(isRoot ? "" : "<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n")
        """
    }

    static func row(_ entry: TreeEntry) -> String {
        let suffix = entry.isDirectory ? "/" : ""
        let href = RequestPath.percentEncode(entry.name) + suffix
        let size = entry.isDirectory ? "-" : String(entry.size)
        return "<tr><td><a href=\"\(escape(href))\">\(escape(entry.name + suffix))</a></td>"
            + "<td class=\"size\">\(size)</td><td>\(HTTPDate.format(entry.modified))</td></tr>\n"
    }

    static func escape(_ text: String) -> String { HTMLText.displayed(text) }
}
