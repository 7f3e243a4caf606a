// Fuzz target `http-path`: one raw request path through the parser every HTTP request goes through.
import ArtifactHTTP

/// The parsed components become tree lookups, so what `RequestPath` promises is a security property: no
/// accepted path has a component that is empty, `.`, `..`, or holds '/', '\', NUL or another control
/// character, whatever the percent-encoding. The canonical path written in redirects must mean the same path.
enum HTTPPathFuzzing {
    static func run(_ bytes: [UInt8]) {
        let raw = FuzzInput.text(bytes)
        guard let path = ParsedRequestPath(raw: raw) else { return }
        let context = raw.debugDescription
        for component in path.components {
            let scalars = component.unicodeScalars
            require(!component.isEmpty, "\(context) has an empty component")
            require(!scalars.elementsEqual(".".unicodeScalars) && !scalars.elementsEqual("..".unicodeScalars),
                    "\(context) has the component \(component.debugDescription)")
            require(!scalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F },
                    "\(context) has the component \(component.debugDescription)")
        }
        require((raw.utf8.last == UInt8(ascii: "/")) == path.hasTrailingSlash, "\(context): trailing slash read as \(path.hasTrailingSlash)")
        let canonical = path.canonicalURLPath
        guard let again = ParsedRequestPath(raw: canonical) else {
            fatalError("fuzz property violated: \(context) redirects to \(canonical.debugDescription), which is refused")
        }
        require(again == path, "\(context) redirects to \(canonical.debugDescription), which reads as \(again.components)")
    }
}
