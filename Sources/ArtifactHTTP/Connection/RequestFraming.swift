// Which request framings the server reads: a Content-Length or `Transfer-Encoding: chunked`, nothing else.
import Core
import HTTPTypes
import NIOHTTP1

/// RFC 9112 §6.1: a server that receives a transfer coding it does not understand answers 501; `chunked` must be
/// the last coding and appear once, or the framing is malformed (400). Only `chunked` alone is understood: a body
/// under `gzip, chunked` would otherwise be stored still compressed.
enum RequestFraming {
    /// The refusal for a head, or nil when its framing is one the server reads.
    static func refusal(of head: HTTPRequest) -> (status: HTTPResponse.Status, message: String)? {
        let values = head.headerFields[values: .transferEncoding]
        guard !values.isEmpty else { return nil }
        let codings = values.flatMap { $0.split(separator: ",") }
            .map { trimmed($0).lowercased() }
            .filter { !$0.isEmpty }
        if codings == ["chunked"] { return nil }
        guard let last = codings.last else { return (.badRequest, "Transfer-Encoding is empty") }
        let shown = IdentifierError.printable(String(codings.joined(separator: ", ").prefix(100)))
        guard last == "chunked", codings.filter({ $0 == "chunked" }).count == 1 else {
            if !codings.contains("chunked") {
                return (.notImplemented, "Transfer-Encoding '\(shown)' is not supported; send a Content-Length or 'Transfer-Encoding: chunked'")
            }
            return (.badRequest, "malformed Transfer-Encoding '\(shown)': 'chunked' must come last and once")
        }
        return (.notImplemented, "Transfer-Encoding '\(shown)' is not supported; only 'chunked' alone is")
    }

    /// The reason given for a request the HTTP decoder refused.
    static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .unknown:
            return "malformed HTTP request: framing the server does not accept (for example a Transfer-Encoding whose last coding is not chunked)"
        default:
            return "malformed HTTP request (\(error))"
        }
    }

    /// The limits in words, for the 408 answer.
    static func describe(_ limits: ConnectionLimits) -> String {
        "a request head within \(limits.headTimeout), a body at \(limits.bodyBytesPerSecondMin) bytes/s or more, "
            + "with no pause longer than \(limits.bodyReadTimeout)"
    }

    /// A list element without surrounding spaces and tabs.
    private static func trimmed(_ text: Substring) -> String {
        var slice = text
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
