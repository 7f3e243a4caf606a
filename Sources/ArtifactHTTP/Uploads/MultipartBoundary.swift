// The boundary of a multipart/form-data body, read from the request's Content-Type and checked against RFC 2046.

/// A boundary that RFC 2046 §5.1.1 allows: 1–70 characters from `bchars` (letters, digits, `'()+_,-./:=?` and
/// space), not ending in a space. Anything else is refused before a byte of the body is read, because the parser's
/// delimiter search is only well defined for such a boundary (an empty one would match every line break).
struct MultipartBoundary: Equatable, Sendable {
    /// RFC 2046's limit; the delimiter (`CR LF - -` and the boundary) is therefore at most 74 bytes.
    static let lengthMax = 70

    /// The boundary as sent, without quotes.
    let bytes: [UInt8]

    /// Checks a boundary value as it stands after unquoting; throws `.invalidBoundary` with the rule it breaks.
    init(_ value: [UInt8]) throws(MultipartFormError) {
        guard !value.isEmpty else { throw .invalidBoundary("the boundary is empty") }
        guard value.count <= Self.lengthMax else {
            throw .invalidBoundary("the boundary is \(value.count) characters long; at most \(Self.lengthMax) are allowed")
        }
        guard value.allSatisfy(Self.isBoundaryCharacter) else {
            throw .invalidBoundary("the boundary holds a character RFC 2046 does not allow (letters, digits, space and '()+_,-./:=? only)")
        }
        guard value.last != UInt8(ascii: " ") else { throw .invalidBoundary("the boundary ends in a space") }
        bytes = value
    }

    /// Reads the boundary out of a `Content-Type` header, which must be `multipart/form-data` with exactly one
    /// `boundary` parameter (quoted or not). Throws `.notMultipartForm` or `.invalidBoundary` saying what is wrong.
    init(contentType: String?) throws(MultipartFormError) {
        guard let contentType else { throw .notMultipartForm("the request has no Content-Type") }
        var reader = HeaderValueReader(Array(contentType.utf8))
        let mediaType = String(decoding: reader.leadingValue(), as: UTF8.self).lowercased()
        guard mediaType == "multipart/form-data" else { throw .notMultipartForm("Content-Type must be multipart/form-data") }
        let parameters: [HeaderValueReader.Parameter]
        do { parameters = try reader.parameters() } catch { throw .invalidBoundary("the Content-Type parameters do not parse: \(error.reason)") }
        let boundaries = parameters.filter { $0.name == "boundary" }
        guard boundaries.count <= 1 else { throw .invalidBoundary("the boundary parameter is given more than once") }
        let boundary = boundaries.first?.value
        guard let boundary else { throw .invalidBoundary("Content-Type has no boundary parameter") }
        try self.init(boundary)
    }

    /// `bchars` of RFC 2046 (space included; the last character is checked separately).
    static func isBoundaryCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        case UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"),
             UInt8(ascii: "_"), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: " "):
            return true
        default:
            return false
        }
    }
}
