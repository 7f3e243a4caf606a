// One part's header section of a multipart/form-data body, parsed from its bytes (RFC 7578, RFC 9110 field syntax).
import Core

/// What a part's headers say: the field name, the file name when it is a file part, and its content type.
///
/// Decisions (docs/SEMANTICS.md, *Uploads over HTTP*):
/// - `Content-Disposition: form-data` with a `name` is required; names and file names are token or quoted-string
///   values, a backslash in a quoted string takes the next byte as it is (RFC 9110 §5.6.4, what curl writes).
/// - File names are not percent-decoded (RFC 7578 §4.2 allows senders to percent-encode, but no package client
///   does and decoding would turn `%2F` into a separator); `filename*` (RFC 5987) is ignored, as RFC 7578 forbids
///   senders to use it. The name is then checked like any uploaded file name (`Filename`).
/// - Names and file names must be UTF-8; header names must be RFC 9110 tokens; folded lines, bare CR or LF and a
///   `Content-Transfer-Encoding` other than 7bit, 8bit or binary are refused.
struct MultipartPartHead: Equatable, Sendable {
    /// The field name (`name=`).
    let name: String
    /// The file name (`filename=`), nil for a text field.
    let filename: String?
    /// The part's Content-Type, as sent (not used for anything).
    let contentType: String?

    /// A part without a file name is a text field; its bytes count against the text limits.
    var isTextField: Bool { filename == nil }

    /// A head with these values (tests).
    init(name: String, filename: String? = nil, contentType: String? = nil) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
    }

    /// Parses a header section: the lines between a boundary line and the empty line, without that empty line.
    init(section: ArraySlice<UInt8>) throws(MultipartFormError) {
        var disposition: [UInt8]?
        var contentType: String?
        for line in try Self.lines(section) {
            let (name, value) = try Self.field(line)
            switch name {
            case "content-disposition":
                guard disposition == nil else { throw .malformedPartHeader("Content-Disposition is given twice") }
                disposition = value
            case "content-type":
                contentType = String(decoding: value, as: UTF8.self)
            case "content-transfer-encoding":
                let encoding = String(decoding: value, as: UTF8.self).lowercased()
                guard ["7bit", "8bit", "binary"].contains(encoding) else {
                    throw .malformedPartHeader("Content-Transfer-Encoding \(IdentifierError.printable(String(encoding.prefix(32)))) is not supported")
                }
            default:
                continue
            }
        }
        guard let disposition else { throw .malformedPartHeader("a part has no Content-Disposition") }
        let (name, filename) = try Self.disposition(disposition)
        self.init(name: name, filename: filename, contentType: contentType)
    }

    /// The section split at CR LF; a CR or LF anywhere else, or a line starting with whitespace (obsolete
    /// folding), is refused.
    private static func lines(_ section: ArraySlice<UInt8>) throws(MultipartFormError) -> [ArraySlice<UInt8>] {
        guard !section.isEmpty else { return [] }
        var lines: [ArraySlice<UInt8>] = []
        var start = section.startIndex, index = section.startIndex
        while index < section.endIndex {
            let byte = section[index]
            if byte == UInt8(ascii: "\r"), index + 1 < section.endIndex, section[index + 1] == UInt8(ascii: "\n") {
                lines.append(section[start..<index])
                index += 2
                start = index
            } else if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                throw .malformedPartHeader("a bare CR or LF in a part header")
            } else {
                index += 1
            }
        }
        lines.append(section[start..<section.endIndex])
        for line in lines where line.first.map(HeaderValueReader.isWhitespace) == true {
            throw .malformedPartHeader("folded header lines are not supported")
        }
        return lines
    }

    /// `name ":" OWS value OWS`, the name lower-cased.
    private static func field(_ line: ArraySlice<UInt8>) throws(MultipartFormError) -> (String, [UInt8]) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            throw .malformedPartHeader("a header line has no name")
        }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(HeaderValueReader.isTokenCharacter) else {
            throw .malformedPartHeader("a header name holds a character that is not allowed in a token")
        }
        var value = line[(colon + 1)...]
        while let first = value.first, HeaderValueReader.isWhitespace(first) { value = value.dropFirst() }
        while let last = value.last, HeaderValueReader.isWhitespace(last) { value = value.dropLast() }
        guard value.allSatisfy(HeaderValueReader.isTextCharacter) else {
            throw .malformedPartHeader("a header value holds a control character")
        }
        return (String(decoding: name, as: UTF8.self).lowercased(), Array(value))
    }

    /// `form-data; name="…"[; filename="…"]`: the field name and the file name.
    private static func disposition(_ value: [UInt8]) throws(MultipartFormError) -> (String, String?) {
        var reader = HeaderValueReader(value)
        guard String(decoding: reader.leadingValue(), as: UTF8.self).lowercased() == "form-data" else {
            throw .malformedPartHeader("Content-Disposition must be form-data")
        }
        let parameters: [HeaderValueReader.Parameter]
        do { parameters = try reader.parameters() } catch { throw .malformedPartHeader("Content-Disposition: \(error.reason)") }
        var name: String?, filename: String?
        for parameter in parameters where parameter.name == "name" || parameter.name == "filename" {
            guard let text = String(validating: parameter.value, as: UTF8.self) else {
                throw .malformedPartHeader("the \(parameter.name) in Content-Disposition is not UTF-8")
            }
            if parameter.name == "name" {
                guard name == nil else { throw .malformedPartHeader("Content-Disposition names the field twice") }
                name = text
            } else {
                guard filename == nil else { throw .malformedPartHeader("Content-Disposition gives the file name twice") }
                filename = text
            }
        }
        guard let name else { throw .malformedPartHeader("Content-Disposition has no name") }
        return (name, filename)
    }
}
