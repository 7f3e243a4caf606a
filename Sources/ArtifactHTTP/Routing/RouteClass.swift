// The coarse kind of an HTTP request, the label /metrics counts requests by (never the raw path).
import Foundation

/// A small fixed set, so the number of time series stays bounded whatever paths clients send.
enum RouteClass: String {
    case package, index, page, upload, delete, api, addpkg, twine, metrics, health, other

    /// Generated index files by name; everything else under a repository with an extension is a package.
    private static let indexNames: Set<String> = ["Packages", "Packages.gz", "Packages.xz", "Release", "InRelease",
                                                  "Release.gpg", "SHA256SUMS", "keyring.gpg", "keyring.asc", "install.sh"]

    static func of(method: String, components: [String]) -> RouteClass {
        switch (method, components.first) {
        case (_, "api"): return .api
        case ("POST", "addpkg"): return .addpkg
        case ("POST", _): return .twine
        case ("PUT", _): return .upload
        case ("DELETE", _): return .delete
        case ("GET", "metrics"), ("HEAD", "metrics"): return components.count == 1 ? .metrics : .page
        case ("GET", "healthz"), ("GET", "readyz"), ("HEAD", "healthz"), ("HEAD", "readyz"):
            return components.count == 1 ? .health : .page
        case ("GET", _), ("HEAD", _): return fileClass(components)
        default: return .other
        }
    }

    private static func fileClass(_ components: [String]) -> RouteClass {
        guard let last = components.last else { return .page }
        if indexNames.contains(last) || components.contains("simple") || components.contains("dists") { return .index }
        return last.contains(".") ? .package : .page
    }
}
