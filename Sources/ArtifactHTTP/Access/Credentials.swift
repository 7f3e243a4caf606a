// The token a request presents: `Authorization: Bearer T`, or Basic auth with T as the password (twine, pip, apt).
import Foundation

/// Reads the secret out of an `Authorization` header. Nothing here logs or echoes what it reads.
enum Credentials {
    /// The presented secret, or nil when the header is missing or not one of the accepted forms. Basic auth
    /// takes the password (`__token__:T`, as twine and PyPI spell it), or the user name when the password is
    /// empty (`http://T@host/…`, as some CI systems write URLs).
    static func presentedSecret(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased(), value = parts[1].trimmingCharacters(in: .whitespaces)
        switch scheme {
        case "bearer", "token":
            return value.isEmpty ? nil : value
        case "basic":
            guard let decoded = Data(base64Encoded: value).map({ String(decoding: $0, as: UTF8.self) }),
                  let colon = decoded.firstIndex(of: ":") else { return nil }
            let user = String(decoded[..<colon]), password = String(decoded[decoded.index(after: colon)...])
            if !password.isEmpty { return password }
            return user.isEmpty ? nil : user
        default:
            return nil
        }
    }
}
