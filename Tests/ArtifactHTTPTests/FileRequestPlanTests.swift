// The exporter's pure pieces: file request plans (Range, validators), HTTP dates, request paths, HTML escaping.
@testable import ArtifactHTTP
import Core
import Foundation
import HTTPTypes
import Testing

/// What `FileRequestPlan.parseRange` should make of a header.
enum RangeExpectation: Sendable, Equatable, CustomTestStringConvertible {
    case bytes(ClosedRange<Int64>)
    case unsatisfiable
    case ignored

    init(_ parsed: ClosedRange<Int64>??) {
        switch parsed {
        case .none: self = .ignored
        case .some(.none): self = .unsatisfiable
        case .some(.some(let range)): self = .bytes(range)
        }
    }

    var testDescription: String {
        switch self {
        case .bytes(let range): return "\(range.lowerBound)...\(range.upperBound)"
        case .unsatisfiable: return "unsatisfiable"
        case .ignored: return "ignored"
        }
    }
}

/// A plan outcome, restated so test tables hold only Sendable values of this module.
enum OutcomeExpectation: Sendable, Equatable {
    case full
    case partial(ClosedRange<Int64>)
    case notModified
    case rangeNotSatisfiable

    init(_ outcome: FileRequestPlan.Outcome) {
        switch outcome {
        case .full: self = .full
        case .partial(let range): self = .partial(range)
        case .notModified: self = .notModified
        case .rangeNotSatisfiable: self = .rangeNotSatisfiable
        }
    }
}

/// Request headers and the outcome they must lead to.
struct ConditionalCase: Sendable, CustomTestStringConvertible {
    let label: String
    let headers: HTTPFields
    let expected: OutcomeExpectation

    init(_ label: String, _ headers: HTTPFields, _ expected: OutcomeExpectation) {
        self.label = label
        self.headers = headers
        self.expected = expected
    }

    var testDescription: String { label }
}

@Suite struct FileRequestPlanTests {
    static let size: Int64 = 100
    static let etag = "\"0123abcd\""
    static let modified = Date(timeIntervalSince1970: 1_700_000_000)

    static func plan(_ headers: HTTPFields) -> FileRequestPlan {
        FileRequestPlan(requestHeaders: headers, size: size, etag: etag, modified: modified, contentType: "application/gzip")
    }

    static let ranges: [(String, RangeExpectation)] = [
        ("bytes=0-9", .bytes(0...9)),
        ("bytes=90-", .bytes(90...99)),
        ("bytes=-10", .bytes(90...99)),
        ("bytes=-0", .unsatisfiable),
        ("bytes=100-", .unsatisfiable),
        ("bytes=5-1", .ignored),
        ("bytes=0-1,5-6", .ignored),
        ("items=0-1", .ignored),
        ("bytes=0-999", .bytes(0...99)),
        ("bytes=-1000", .bytes(0...99)),
        ("bytes=99-99", .bytes(99...99)),
        ("bytes=abc-", .ignored),
    ]

    // Goal: each Range header on a 100-byte file yields the bytes RFC 9110 §14.1.2 asks for, or is refused or ignored.
    @Test(arguments: ranges)
    func parsesRange(header: String, expected: RangeExpectation) {
        #expect(RangeExpectation(FileRequestPlan.parseRange(header, size: Self.size)) == expected)
    }

    // Goal: a satisfiable range becomes a 206 plan with the matching Content-Range and Content-Length.
    @Test func partialPlanHeaders() {
        let plan = Self.plan([.range: "bytes=0-9"])
        #expect(plan.outcome == .partial(0...9))
        #expect(plan.headers[.contentRange] == "bytes 0-9/100")
        #expect(plan.headers[.contentLength] == "10")
        #expect(plan.headers[.eTag] == Self.etag)
        #expect(plan.headers[.acceptRanges] == "bytes")
    }

    // Goal: an unsatisfiable range becomes a 416 plan naming the file's size.
    @Test func unsatisfiablePlanHeaders() {
        let plan = Self.plan([.range: "bytes=100-"])
        #expect(plan.outcome == .rangeNotSatisfiable)
        #expect(plan.headers[.contentRange] == "bytes */100")
    }

    // Goal: with no conditional or Range header the whole file is sent with its validators.
    @Test func fullPlanHeaders() {
        let plan = Self.plan([:])
        #expect(plan.outcome == .full)
        #expect(plan.headers[.contentLength] == "100")
        #expect(plan.headers[.contentType] == "application/gzip")
        #expect(plan.headers[.lastModified] == HTTPDate.format(Self.modified))
        #expect(plan.headers[.contentRange] == nil)
    }

    static let conditionals: [ConditionalCase] = [
        ConditionalCase("If-None-Match with the etag", [.ifNoneMatch: etag], .notModified),
        ConditionalCase("If-None-Match weak form", [.ifNoneMatch: "W/\(etag)"], .notModified),
        ConditionalCase("If-None-Match in a list", [.ifNoneMatch: "\"zzz\", \(etag)"], .notModified),
        ConditionalCase("If-None-Match *", [.ifNoneMatch: "*"], .notModified),
        ConditionalCase("If-None-Match another", [.ifNoneMatch: "\"another\""], .full),
        ConditionalCase("If-Modified-Since later", [.ifModifiedSince: HTTPDate.format(modified.addingTimeInterval(3600))], .notModified),
        ConditionalCase("If-Modified-Since equal", [.ifModifiedSince: HTTPDate.format(modified)], .notModified),
        ConditionalCase("If-Modified-Since earlier", [.ifModifiedSince: HTTPDate.format(modified.addingTimeInterval(-3600))], .full),
        ConditionalCase("If-Modified-Since garbage", [.ifModifiedSince: "yesterday"], .full),
        ConditionalCase("If-None-Match wins over If-Modified-Since",
                        [.ifNoneMatch: "\"another\"", .ifModifiedSince: HTTPDate.format(modified.addingTimeInterval(3600))], .full),
        ConditionalCase("If-Range mismatch", [.range: "bytes=0-9", .ifRange: "\"another\""], .full),
        ConditionalCase("If-Range match", [.range: "bytes=0-9", .ifRange: etag], .partial(0...9)),
        ConditionalCase("If-Range date match", [.range: "bytes=0-9", .ifRange: HTTPDate.format(modified)], .partial(0...9)),
        ConditionalCase("If-Range date mismatch",
                        [.range: "bytes=0-9", .ifRange: HTTPDate.format(modified.addingTimeInterval(-60))], .full),
    ]

    // Goal: conditional headers decide 304, full or partial as RFC 9110 §13 orders them.
    @Test(arguments: conditionals)
    func conditionalOutcome(_ condition: ConditionalCase) {
        #expect(OutcomeExpectation(Self.plan(condition.headers).outcome) == condition.expected)
    }

    // Goal: a 304 plan keeps the validators but carries no Content-Type.
    @Test func notModifiedHeaders() {
        let plan = Self.plan([.ifNoneMatch: Self.etag])
        #expect(plan.outcome == .notModified)
        #expect(plan.headers[.eTag] == Self.etag)
        #expect(plan.headers[.contentType] == nil)
    }
}

@Suite struct HTTPDateTests {
    // Goal: formatting gives the IMF-fixdate of RFC 9110's example, and parsing reads it back.
    @Test func formatsAndParsesTheRFCExample() {
        let date = Date(timeIntervalSince1970: 784_111_777)
        #expect(HTTPDate.format(date) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == date)
    }

    // Goal: format then parse returns the same instant, truncated to whole seconds.
    @Test(arguments: [0.0, 1_000_000_000.0, 1_700_000_000.75, 2_000_000_000.5])
    func roundTrips(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(HTTPDate.parse(HTTPDate.format(date)) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    // Goal: anything but an IMF-fixdate parses to nil (the header is then ignored).
    @Test(arguments: ["garbage", "", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 32 Nov 1994 08:49:37 GMT",
                      "Sun, 06 Foo 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT"])
    func rejects(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }
}

/// A path the parser must accept, with what it should yield.
struct AcceptedPath: Sendable, CustomTestStringConvertible {
    let raw: String
    let components: [String]
    let usedAlias: Bool
    let trailingSlash: Bool
    var testDescription: String { raw }
}

@Suite struct RequestPathTests {
    static let accepted: [AcceptedPath] = [
        AcceptedPath(raw: "/tar/r/a.tar.gz", components: ["tar", "r", "a.tar.gz"], usedAlias: false, trailingSlash: false),
        AcceptedPath(raw: "/repo/tar/r/", components: ["tar", "r"], usedAlias: true, trailingSlash: true),
        AcceptedPath(raw: "/repo/tar/r", components: ["tar", "r"], usedAlias: true, trailingSlash: false),
        AcceptedPath(raw: "/", components: [], usedAlias: false, trailingSlash: true),
        AcceptedPath(raw: "/tar/r/a%20b-1.0.tar.gz", components: ["tar", "r", "a b-1.0.tar.gz"], usedAlias: false, trailingSlash: false),
        AcceptedPath(raw: "/api/repos", components: ["api", "repos"], usedAlias: false, trailingSlash: false),
    ]

    // Goal: valid paths split into decoded components, with the /repo alias and trailing slash recorded.
    @Test(arguments: accepted)
    func accepts(path: AcceptedPath) throws {
        let parsed = try RequestPath(raw: path.raw)
        #expect(parsed.components == path.components)
        #expect(parsed.usedAlias == path.usedAlias)
        #expect(parsed.hasTrailingSlash == path.trailingSlash)
    }

    // Goal: traversal, empty segments, encoded separators, NUL and bad escapes are refused with 400 before any lookup.
    @Test(arguments: ["/tar/../x", "/tar/%2e%2e/x", "/tar/./x", "/a//b", "/a%2Fb", "/a%5Cb", "/a%00b", "/%zz",
                      "/a%0Ab", "tar/x"])
    func rejects(raw: String) {
        let failure = #expect(throws: HTTPFailure.self) { try RequestPath(raw: raw) }
        #expect(failure?.status == .badRequest)
    }

    // Goal: canonical URLs percent-encode every segment and keep the alias only when asked.
    @Test func buildsURLPaths() {
        #expect(RequestPath.urlPath(["tar", "r", "a b"], alias: true, trailingSlash: false) == "/repo/tar/r/a%20b")
        #expect(RequestPath.urlPath(["tar", "r"], alias: false, trailingSlash: true) == "/tar/r/")
        #expect(RequestPath.urlPath([], alias: false, trailingSlash: true) == "/")
        #expect(RequestPath.percentEncode("<b>&.tar.gz") == "%3Cb%3E%26.tar.gz")
        #expect(RequestPath.percentEncode("tool-1.0+x_y~z.tar.gz") == "tool-1.0+x_y~z.tar.gz")
    }
}

@Suite struct DirectoryListingTests {
    // Goal: the five HTML-significant characters are escaped.
    @Test func escapesHTML() {
        #expect(DirectoryListing.escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
        #expect(DirectoryListing.escape("plain-1.0.tar.gz") == "plain-1.0.tar.gz")
    }

    // Goal: a row for a hostile file name shows it escaped and links to it percent-encoded.
    @Test func rowEscapesNameAndLink() {
        let entry = TreeEntry(id: 7, parentID: 3, name: "<b>&\".tar.gz", kind: .package, repositoryID: 3,
                              size: 42, digest: SHA256Digest(of: [UInt8]([1, 2, 3])), modified: Date(timeIntervalSince1970: 784_111_777))
        let row = DirectoryListing.row(entry)
        #expect(row.contains("href=\"%3Cb%3E%26%22.tar.gz\""))
        #expect(row.contains("&lt;b&gt;&amp;&quot;.tar.gz"))
        #expect(!row.contains("<b>"))
        #expect(row.contains(">42<"))
    }
}
