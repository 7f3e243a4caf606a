// The route label of /metrics: a fixed, small set whatever the path.
@testable import ArtifactHTTP
import Testing

struct RouteClassTests {
    @Test(arguments: [
        ("GET", "apt/deb/dists/bookworm/InRelease", RouteClass.index),
        ("GET", "apt/deb/pool/bookworm/main/x_1.0_amd64.deb", .package),
        ("HEAD", "pypi/p/simple/flask/", .index),
        ("GET", "pypi/p/Flask-1.0-py3-none-any.whl", .package),
        ("GET", "tar/r/SHA256SUMS", .index),
        ("GET", "tar/r", .page),
        ("GET", "", .page),
        ("PUT", "tar/r/x-1.0.tar.gz", .upload),
        ("DELETE", "tar/r/x-1.0.tar.gz", .delete),
        ("POST", "addpkg", .addpkg),
        ("POST", "pypi/p/legacy", .twine),
        ("GET", "api/repositories", .api),
        ("GET", "metrics", .metrics),
        ("GET", "readyz", .health),
        ("GET", "tar/metrics", .page),
        ("PATCH", "tar/r/x", .other),
    ])
    func classifies(method: String, path: String, expected: RouteClass) {
        let components = path.split(separator: "/").map(String.init)
        #expect(RouteClass.of(method: method, components: components) == expected, "\(method) /\(path)")
    }
}
