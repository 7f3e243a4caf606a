// Where an S3 blob store lives: parsed from the older service's `http(s)://ACCESS:SECRET@host[:port]/bucket[/prefix]`.

/// A bucket (and optional key prefix) on an S3 endpoint, with the credentials to reach it.
/// `description` and reflection never show the secret key.
public struct S3Location: Sendable, Equatable {
    /// `http(s)://host[:port]`, without credentials or a trailing slash.
    public var endpoint: String
    public var bucket: String
    /// Prepended to every key (`<prefix>/sha256/…`); empty for none. Never starts or ends with `/`.
    public var prefix: String
    public var accessKey: String
    public var secretKey: String
    /// The SigV4 signing region. RGW and moto accept any region; AWS needs the bucket's own.
    public var region: String

    /// Parses `http(s)://ACCESS:SECRET@host[:port]/bucket[/prefix]`; keys may be percent-encoded (`/` as `%2F`).
    /// Throws `S3LocationError` naming what is wrong, never quoting the secret.
    public init(_ url: String, region: String = "us-east-1") throws(S3LocationError) {
        let (scheme, rest) = try Self.splitScheme(url)
        guard let slash = rest.firstIndex(of: "/") else { throw .init("S3 URL has no bucket (expected \(Self.form))") }
        let authority = rest[..<slash], path = rest[rest.index(after: slash)...]
        guard let at = authority.lastIndex(of: "@") else {
            // An unencoded `/` in the secret ends the authority early and leaves the `@` in the path.
            if path.contains("@") { throw .init("S3 URL: the access key or secret contains '/'; percent-encode it as %2F") }
            throw .init("S3 URL has no access key and secret (expected \(Self.form))")
        }
        (accessKey, secretKey) = try Self.credentials(authority[..<at])
        let host = try Self.hostAndPort(authority[authority.index(after: at)...])
        endpoint = "\(scheme)://\(host)"
        (bucket, prefix) = try Self.bucketAndPrefix(path)
        self.region = region
    }

    static let form = "http(s)://ACCESS:SECRET@host[:port]/bucket[/prefix]"
}

/// Why an S3 URL was refused. The message never contains the secret key.
public struct S3LocationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension S3Location: CustomStringConvertible, CustomReflectable {
    /// The URL with the secret replaced by `***`.
    public var description: String {
        var url = endpoint
        if let separator = url.firstRange(of: "://") { url.replaceSubrange(separator, with: "://\(accessKey):***@") }
        return "\(url)/\(bucket)\(prefix.isEmpty ? "" : "/" + prefix)"
    }

    /// Keeps `dump` and debuggers from printing the secret.
    public var customMirror: Mirror { Mirror(self, children: ["url": description, "region": region]) }
}

// MARK: - Parsing

extension S3Location {
    private static func splitScheme(_ url: String) throws(S3LocationError) -> (String, Substring) {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else {
            throw .init("S3 URL must start with http:// or https:// (expected \(form))")
        }
        let scheme = url[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else {
            // The scheme is safe to quote: credentials come after it.
            throw .init("S3 URL must start with http:// or https://, not \(scheme.prefix(10))://")
        }
        return (scheme, url[url.index(colon, offsetBy: 3)...])
    }

    private static func credentials(_ userinfo: Substring) throws(S3LocationError) -> (String, String) {
        guard let colon = userinfo.firstIndex(of: ":") else {
            throw .init("S3 URL has an access key but no secret (expected \(form))")
        }
        guard let access = percentDecoded(userinfo[..<colon]), let secret = percentDecoded(userinfo[userinfo.index(after: colon)...]) else {
            throw .init("S3 URL: the access key or secret has a malformed %-escape")
        }
        guard !access.isEmpty, !secret.isEmpty else { throw .init("S3 URL: the access key and secret must not be empty") }
        return (access, secret)
    }

    private static func hostAndPort(_ text: Substring) throws(S3LocationError) -> String {
        var host = text, port: Substring? = nil
        if text.hasPrefix("[") {
            // An IPv6 literal: the port colon comes after the closing bracket.
            guard let close = text.firstIndex(of: "]") else { throw .init("S3 URL: unclosed '[' in the host") }
            host = text[...close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .init("S3 URL: unexpected text after the IPv6 host") }
                port = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || "-.[]:".contains($0) }) else {
            throw .init("S3 URL has an empty or invalid host")
        }
        guard let port else { return String(host) }
        guard let number = Int(port), (1...65535).contains(number) else { throw .init("S3 URL: port '\(port)' is not 1–65535") }
        return "\(host):\(number)"
    }

    private static func bucketAndPrefix(_ path: Substring) throws(S3LocationError) -> (String, String) {
        if let bad = path.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            throw .init("S3 URL must not have a query or fragment ('\(path[bad])')")
        }
        let bucket = String(path.prefix { $0 != "/" })
        try checkBucket(bucket)
        return (bucket, try checkPrefix(path.dropFirst(bucket.count)))
    }

    static func checkBucket(_ bucket: String) throws(S3LocationError) {
        guard !bucket.isEmpty else { throw .init("S3 URL has no bucket (expected \(form))") }
        let allowed = bucket.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
        let ends = [bucket.utf8.first!, bucket.utf8.last!].allSatisfy { $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "-") }
        guard (3...63).contains(bucket.utf8.count), allowed, ends else {
            throw .init("S3 bucket name '\(bucket.prefix(70))' is invalid: 3–63 lowercase letters, digits, '.' or '-', "
                + "starting and ending with a letter or digit")
        }
    }

    /// Trims slashes at both ends and percent-decodes; refuses empty, `.` and `..` segments (curl would
    /// normalize the last two away, so the signed path would not be the key).
    static func checkPrefix(_ raw: Substring) throws(S3LocationError) -> String {
        var trimmed = raw
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard !trimmed.isEmpty else { return "" }
        guard let prefix = percentDecoded(trimmed) else { throw .init("S3 URL: the prefix has a malformed %-escape") }
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw .init("S3 URL: the prefix '\(prefix.prefix(100))' has an empty, '.' or '..' segment")
        }
        return prefix
    }

    /// Decodes `%XX` escapes; nil when an escape is malformed or the bytes are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
