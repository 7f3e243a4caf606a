// Names of the PyPI simple index's generated files and the media types of its two representations.

/// Where the simple index lives in a PyPI repository, and what PEP 691 calls its representations.
public enum SimpleIndexLayout {
    /// `/pypi/<repo>/simple/`.
    public static let simple = "simple"
    /// `<file>.metadata`: the core metadata of `<file>` (PEP 658).
    public static let metadataSuffix = ".metadata"
    /// Each index directory holds both representations; the HTTP exporter picks one by `Accept`.
    public static let htmlFile = "index.html"
    public static let jsonFile = "index.json"
    /// PEP 691 api-version 1.1: PEP 700's `versions`, `size` and `upload-time` are present.
    public static let apiVersion = "1.1"

    public static let jsonMediaType = "application/vnd.pypi.simple.v1+json"
    public static let htmlMediaType = "application/vnd.pypi.simple.v1+html"
}
