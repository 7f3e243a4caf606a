// URL paths and queries written in SigV4's canonical form, because libcurl signs them exactly as given.

/// libcurl 7.88 neither encodes nor sorts the path and query it signs, so the URL must already be
/// canonical: S3 re-derives the canonical request from the path and query it receives and compares signatures.
enum S3Encoding {
    /// The path-style URL path `/<bucket>/<key>`: each key segment encoded, `/` kept between segments.
    static func path(bucket: String, key: String?) -> String {
        guard let key else { return "/\(bucket)" }
        return "/\(bucket)/" + key.split(separator: "/", omittingEmptySubsequences: false).map { encode($0) }.joined(separator: "/")
    }

    /// `?a=1&b=x%2Fy&uploads=`: sorted by name, names and values encoded, value-less parameters as `name=`
    /// (SigV4 canonical form). Empty when there are no parameters.
    static func query(_ parameters: [(name: String, value: String)]) -> String {
        guard !parameters.isEmpty else { return "" }
        let encoded = parameters.map { (encode($0.name), encode($0.value)) }.sorted { $0 < $1 }
        return "?" + encoded.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding leaving only unreserved characters (`A-Z a-z 0-9 - . _ ~`), uppercase hex,
    /// as SigV4 requires. `+` becomes `%2B`: RGW would otherwise read it as a space.
    static func encode(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
        }
    }
}
