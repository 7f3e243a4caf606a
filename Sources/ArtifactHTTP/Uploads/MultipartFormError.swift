// Why a multipart/form-data body was refused, in words a client can act on.

/// A refusal by `MultipartBoundary` or `MultipartFormParser`. Every case is the client's doing: the HTTP layer
/// answers the limit cases with 413 and the others with 400 (`isSizeLimit`).
enum MultipartFormError: Error, Equatable, Sendable, CustomStringConvertible {
    case notMultipartForm(String)
    case invalidBoundary(String)
    /// More than the allowed bytes before the first boundary.
    case preambleTooLong(bytesMax: Int)
    /// A boundary line not followed by `--`, or by optional spaces and CR LF.
    case malformedBoundaryLine
    case headerSectionTooLarge(bytesMax: Int)
    case malformedPartHeader(String)
    case tooManyParts(countMax: Int)
    case fieldTooLarge(name: String, bytesMax: Int)
    case fieldsTooLarge(bytesMax: Int)
    /// The body ended before the closing boundary (`--boundary--`).
    case truncated

    /// Whether the refusal is about size (HTTP 413) rather than form (HTTP 400).
    var isSizeLimit: Bool {
        switch self {
        case .preambleTooLong, .headerSectionTooLarge, .tooManyParts, .fieldTooLarge, .fieldsTooLarge: return true
        default: return false
        }
    }

    /// The reason given to the client.
    var description: String {
        switch self {
        case .notMultipartForm(let reason): return "expected a multipart/form-data body: \(reason)"
        case .invalidBoundary(let reason): return "invalid multipart boundary: \(reason)"
        case .preambleTooLong(let max): return "no multipart boundary within the first \(max) bytes"
        case .malformedBoundaryLine: return "malformed multipart body: a boundary line is followed by something other than CR LF or '--'"
        case .headerSectionTooLarge(let max): return "a multipart part's headers are larger than \(max) bytes"
        case .malformedPartHeader(let reason): return "malformed multipart part header: \(reason)"
        case .tooManyParts(let max): return "the multipart form has more than \(max) parts"
        case .fieldTooLarge(let name, let max): return "form field '\(name)' is larger than \(max) bytes"
        case .fieldsTooLarge(let max): return "the form's text fields together are larger than \(max) bytes"
        case .truncated: return "multipart body ended before its closing boundary"
        }
    }
}
