// PEP 691 content negotiation on Accept headers that pip, uv, browsers and curl send.
@testable import ArtifactHTTP
import Testing

@Suite struct SimpleIndexNegotiationTests {
    typealias Choice = SimpleIndexNegotiation.Choice

    @Test(arguments: [
        (nil, Choice.textHTML),
        ("", Choice.textHTML),
        ("*/*", Choice.textHTML),
        ("text/html", Choice.textHTML),
        // pip 23+
        ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01", Choice.json),
        // uv
        ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01", Choice.json),
        ("application/vnd.pypi.simple.latest+json", Choice.json),
        ("application/vnd.pypi.simple.latest+html", Choice.htmlV1),
        ("application/vnd.pypi.simple.v1+html", Choice.htmlV1),
        ("application/vnd.pypi.simple.v1+json;q=0.5, text/html", Choice.textHTML),
        ("application/vnd.pypi.simple.v1+html, application/vnd.pypi.simple.v1+json", Choice.htmlV1),
        ("text/html;q=0, */*;q=0.1", Choice.htmlV1),
        ("text/*", Choice.textHTML),
        ("application/*", Choice.htmlV1),
        ("TEXT/HTML", Choice.textHTML),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", Choice.textHTML),
    ] as [(String?, Choice)])
    func chooses(accept: String?, expected: Choice) {
        #expect(SimpleIndexNegotiation.choose(accept: accept) == expected)
    }

    @Test(arguments: ["application/json", "image/png", "application/vnd.pypi.simple.v2+json", "text/html;q=0"])
    func refuses(accept: String) {
        #expect(SimpleIndexNegotiation.choose(accept: accept) == nil)
    }
}
