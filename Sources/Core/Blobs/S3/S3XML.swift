// S3's XML answers (listings, upload ids, errors) read as leaf elements with their paths.
import Foundation
import FoundationXML

/// A parsed S3 response: every element that holds text, in document order, keyed by its path from the root
/// (`ListBucketResult/Contents/Key`). S3's answers are flat enough that nothing more is needed.
struct S3XMLDocument {
    let root: String
    let leaves: [(path: String, text: String)]

    /// Nil when the bytes are not well-formed XML.
    init?(_ bytes: [UInt8]) {
        let parser = XMLParser(data: Data(bytes))
        let collector = LeafCollector()
        parser.delegate = collector
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), let root = collector.root else { return nil }
        self.root = root
        leaves = collector.leaves
    }

    /// The texts of every element at `path`, in order.
    func values(_ path: String) -> [String] { leaves.filter { $0.path == path }.map(\.text) }

    /// The text of the first element at `path`.
    func value(_ path: String) -> String? { leaves.first { $0.path == path }?.text }
}

/// An XMLParser delegate recording leaf texts; lives for one parse on one thread.
private final class LeafCollector: NSObject, XMLParserDelegate {
    var root: String?
    var leaves: [(path: String, text: String)] = []
    private var stack: [String] = []
    private var text = ""
    /// True between an element's start and the start of its first child: only such elements are leaves.
    private var inLeaf = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        stack.append(name)
        text = ""
        inLeaf = true
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if inLeaf { leaves.append((stack.joined(separator: "/"), text)) }
        inLeaf = false
        stack.removeLast()
    }
}

/// Text escaped for an XML element's content (ETags carry quotes; `&` and `<` are the ones that matter).
func xmlEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;")
}
