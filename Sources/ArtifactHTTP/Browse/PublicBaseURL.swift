// The base URL install instructions name: the address the browser reached this server at.
import HTTPTypes

/// `http://host:port` from the request's authority (the `Host` header), `https` when a proxy in front says so
/// (`X-Forwarded-Proto: https`). The value is pasted into shell commands, so a host with anything but
/// letters, digits and `. - : [ ]` is not used: the instructions then show `http://SERVER` for the user to fill in.
enum PublicBaseURL {
    static let placeholder = "http://SERVER"
    static let hostBytesMax = 255
    /// HTTP/1 servers move `Host` into `authority`; the field itself is read only when that did not happen.
    private static let hostField = HTTPField.Name("Host")!
    private static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    static func of(_ request: HTTPRequest) -> String {
        guard let host = request.authority ?? request.headerFields[hostField], isSafeHost(host) else { return placeholder }
        let forwarded = request.headerFields[forwardedProto]?.lowercased()
        return (forwarded == "https" ? "https://" : "http://") + host
    }

    static func isSafeHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= hostBytesMax else { return false }
        return host.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
        }
    }
}
