// PEP 691 content negotiation: which representation of a PyPI simple index directory a request gets.
import Core

/// Picks `index.json` or `index.html` of a simple index directory from the `Accept` header.
enum SimpleIndexNegotiation {
    struct Choice: Equatable {
        let file: String
        let contentType: String

        static let json = Choice(file: SimpleIndexLayout.jsonFile, contentType: SimpleIndexLayout.jsonMediaType)
        static let htmlV1 = Choice(file: SimpleIndexLayout.htmlFile, contentType: SimpleIndexLayout.htmlMediaType)
        static let textHTML = Choice(file: SimpleIndexLayout.htmlFile, contentType: "text/html; charset=utf-8")
    }

    /// The representations and the media types that name each (`latest` means v1 here).
    private static let candidates: [(choice: Choice, names: [String])] = [
        (.textHTML, ["text/html"]),
        (.htmlV1, [SimpleIndexLayout.htmlMediaType, "application/vnd.pypi.simple.latest+html"]),
        (.json, [SimpleIndexLayout.jsonMediaType, "application/vnd.pypi.simple.latest+json"]),
    ]

    /// The chosen representation, or nil when the header accepts none of them (406). No header means HTML,
    /// what PEP 503 clients expect.
    static func choose(accept: String?) -> Choice? {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .textHTML }
        let ranges = parse(accept)
        var best: (choice: Choice, rank: (Double, Int, Int))?
        for (order, candidate) in candidates.enumerated() {
            guard let match = bestRange(for: candidate.names, in: ranges), match.quality > 0 else { continue }
            // Higher quality wins; then a type named outright over a wildcard; then the earlier one in the header;
            // between wildcards, the order above (HTML first, as for a browser).
            let rank = (match.quality, match.specificity, match.specificity == 2 ? -match.position : -order)
            if best == nil || rank > best!.rank { best = (candidate.choice, rank) }
        }
        return best?.choice
    }

    private struct MediaRange {
        let type: String
        let quality: Double
        let position: Int
    }

    private static func parse(_ header: String) -> [MediaRange] {
        header.split(separator: ",").enumerated().compactMap { position, item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = parts.first?.lowercased(), !type.isEmpty else { return nil }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            return MediaRange(type: type, quality: min(max(quality, 0), 1), position: position)
        }
    }

    /// The most specific range matching any of `names`: exact (2), `type/*` (1), `*/*` (0).
    private static func bestRange(for names: [String], in ranges: [MediaRange]) -> (quality: Double, specificity: Int, position: Int)? {
        var best: (quality: Double, specificity: Int, position: Int)?
        for range in ranges {
            let specificity: Int
            if names.contains(range.type) {
                specificity = 2
            } else if range.type.hasSuffix("/*"), names.contains(where: { $0.hasPrefix(range.type.dropLast()) }), range.type != "*/*" {
                specificity = 1
            } else if range.type == "*/*" {
                specificity = 0
            } else {
                continue
            }
            if best == nil || specificity > best!.specificity || (specificity == best!.specificity && range.quality > best!.quality) {
                best = (range.quality, specificity, range.position)
            }
        }
        return best
    }

    /// Media types a client may ask for, listed in a 406 answer.
    static var supported: String { candidates.flatMap(\.names).joined(separator: ", ") }
}
