// Parses a request target into validated, percent-decoded path components (aliases removed).
import Core
import Foundation

/// A request path as tree components. Malformed paths (`..`, `.`, `//`, backslashes, NUL, control
/// characters, bad percent-encoding) are rejected here, before anything looks them up.
struct RequestPath: Equatable, Sendable {
    /// Decoded components, without the `/repo` alias prefix.
    let components: [String]
    /// Whether the original path ended with `/` (directories are served only under that form).
    let hasTrailingSlash: Bool
    /// Whether the older service's `/repo/` prefix was used (kept in redirects).
    let usedAlias: Bool

    /// Parses the raw (still percent-encoded) path of a request.
    init(raw: String) throws(HTTPFailure) {
        guard raw.hasPrefix("/") else { throw HTTPFailure(.badRequest, "path must start with '/'") }
        var segments = raw.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        hasTrailingSlash = segments.last == ""
        if hasTrailingSlash { segments.removeLast() }
        var decoded: [String] = []
        for segment in segments {
            guard !segment.isEmpty else { throw HTTPFailure(.badRequest, "empty path segment ('//')") }
            guard let value = Self.percentDecoded(segment) else { throw HTTPFailure(.badRequest, "invalid percent-encoding") }
            if value.bytesEqual(".") || value.bytesEqual("..") {
                throw HTTPFailure(.badRequest, "'.' and '..' are not allowed in paths")
            }
            for scalar in value.unicodeScalars {
                if scalar == "/" || scalar == "\\" { throw HTTPFailure(.badRequest, "encoded '/' or '\\' in a path segment") }
                if scalar.value < 0x20 || scalar.value == 0x7F { throw HTTPFailure(.badRequest, "control character in path") }
            }
            decoded.append(value)
        }
        // Bytes, as every name: `==` on strings is canonical equivalence.
        usedAlias = decoded.first?.bytesEqual("repo") ?? false
        components = usedAlias ? Array(decoded.dropFirst()) : decoded
    }

    /// Foundation's decoding goes through CFString and cost ~6% of a small-file GET's CPU; most segments have no '%'.
    private static func percentDecoded(_ segment: String) -> String? {
        segment.utf8.contains(UInt8(ascii: "%")) ? segment.removingPercentEncoding : segment
    }

    /// The canonical URL path for components (each percent-encoded), with the alias prefix if it was used.
    static func urlPath(_ components: [String], alias: Bool, trailingSlash: Bool) -> String {
        let all = (alias ? ["repo"] : []) + components
        let path = "/" + all.map(percentEncode).joined(separator: "/")
        return trailingSlash && !all.isEmpty ? path + "/" : path
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986), so any file name is a safe URL segment.
    static func percentEncode(_ segment: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~+")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}
