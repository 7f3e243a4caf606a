// The request-path parser as seen from outside the module, for the fuzz targets (`ArtifactFuzzing`).

/// What `RequestPath` makes of a raw path, without exposing `RequestPath` or `HTTPFailure` (which carries
/// Hummingbird types): a caller outside `ArtifactHTTP` can drive the exact parser every request goes through.
public struct ParsedRequestPath: Sendable, Equatable {
    /// Decoded components, without the `/repo` alias prefix.
    public let components: [String]
    public let hasTrailingSlash: Bool
    public let usedAlias: Bool
    /// The path a redirect writes for this one (`RequestPath.urlPath`); it must parse back to the same path.
    public let canonicalURLPath: String

    /// Nil exactly when a request for `raw` is answered 400 before any lookup.
    public init?(raw: String) {
        guard let path = try? RequestPath(raw: raw) else { return nil }
        components = path.components
        hasTrailingSlash = path.hasTrailingSlash
        usedAlias = path.usedAlias
        canonicalURLPath = RequestPath.urlPath(path.components, alias: path.usedAlias, trailingSlash: path.hasTrailingSlash)
    }
}
