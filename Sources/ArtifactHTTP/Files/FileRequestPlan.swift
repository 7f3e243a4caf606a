// HTTP file semantics as a pure decision: which status, headers and byte range a GET/HEAD gets.
import Foundation
import HTTPTypes

/// What to send for a file, decided from the request's conditional and Range headers alone.
struct FileRequestPlan: Equatable {
    enum Outcome: Equatable {
        case full
        case partial(ClosedRange<Int64>)
        case notModified
        case rangeNotSatisfiable
    }

    let outcome: Outcome
    let headers: HTTPFields

    /// - Parameters: `etag` is the strong validator (`"<sha256>"`), `modified` the Last-Modified time.
    init(requestHeaders: HTTPFields, size: Int64, etag: String, modified: Date, contentType: String) {
        var headers = HTTPFields()
        headers[.eTag] = etag
        headers[.lastModified] = HTTPDate.format(modified)
        headers[.acceptRanges] = "bytes"
        headers[.contentType] = contentType
        let outcome = Self.decide(requestHeaders, size: size, etag: etag, modified: modified)
        switch outcome {
        case .full:
            headers[.contentLength] = String(size)
        case .partial(let range):
            headers[.contentLength] = String(range.count)
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        case .notModified:
            headers[.contentType] = nil
        case .rangeNotSatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentLength] = "0"
        }
        self.outcome = outcome
        self.headers = headers
    }

    private static func decide(_ request: HTTPFields, size: Int64, etag: String, modified: Date) -> Outcome {
        // RFC 9110 §13.2.2: If-None-Match first; If-Modified-Since only without it.
        if let ifNoneMatch = request[.ifNoneMatch] {
            if matches(ifNoneMatch, etag: etag) { return .notModified }
        } else if let since = request[.ifModifiedSince].flatMap(HTTPDate.parse),
                  modified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970 {
            return .notModified
        }
        guard let rangeHeader = request[.range] else { return .full }
        if let ifRange = request[.ifRange], !ifRangeHolds(ifRange, etag: etag, modified: modified) { return .full }
        switch parseRange(rangeHeader, size: size) {
        case .none: return .full
        case .some(nil): return .rangeNotSatisfiable
        case .some(let range?): return .partial(range)
        }
    }

    /// Weak comparison, as If-None-Match requires; `*` matches any current representation.
    private static func matches(_ header: String, etag: String) -> Bool {
        let bare = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        return header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == bare || tag == "W/" + bare
        }
    }

    private static func ifRangeHolds(_ value: String, etag: String, modified: Date) -> Bool {
        if value.hasPrefix("\"") { return value == etag }
        guard let date = HTTPDate.parse(value) else { return false }
        return modified.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
    }

    /// nil: ignore the header (malformed or several ranges; RFC 9110 allows serving the whole file).
    /// .some(nil): syntactically fine but unsatisfiable. .some(range): the bytes to send.
    static func parseRange(_ header: String, size: Int64) -> ClosedRange<Int64>?? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes="), !trimmed.contains(",") else { return nil }
        let spec = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let first = parts[0].trimmingCharacters(in: .whitespaces), last = parts[1].trimmingCharacters(in: .whitespaces)
        guard first.allSatisfy(\.isASCII), last.allSatisfy(\.isASCII) else { return nil }
        if first.isEmpty {
            guard let suffix = Int64(last), suffix >= 0 else { return nil }
            guard suffix > 0, size > 0 else { return .some(nil) }
            return .some(max(0, size - suffix)...(size - 1))
        }
        guard let start = Int64(first), start >= 0 else { return nil }
        let end: Int64
        if last.isEmpty { end = size - 1 } else {
            guard let parsed = Int64(last), parsed >= start else { return nil }
            end = min(parsed, size - 1)
        }
        guard start < size else { return .some(nil) }
        return .some(start...end)
    }
}
