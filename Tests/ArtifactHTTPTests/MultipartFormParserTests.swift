// The multipart/form-data parser as a pure state machine: boundaries, headers, limits, CR-heavy bodies, any splitting.
@testable import ArtifactHTTP
import NIOCore
import Testing

/// What a parse produced, with adjacent byte events joined, so runs over differently cut input compare equal.
enum FormStep: Equatable, CustomStringConvertible {
    case part(String, filename: String?)
    case bytes([UInt8])
    case partEnd
    case formEnd
    case failed(MultipartFormError)

    var description: String {
        switch self {
        case .part(let name, let filename): return "part(\(name), \(filename ?? "-"))"
        case .bytes(let bytes): return "bytes(\(bytes.count))"
        case .partEnd: return "partEnd"
        case .formEnd: return "formEnd"
        case .failed(let error): return "failed(\(error))"
        }
    }
}

/// Runs the parser over `body` cut into `chunks` (sizes, cycled; nil: one chunk).
struct FormRun {
    var steps: [FormStep] = []
    var byteEventCount = 0
    var parser: MultipartFormParser

    static func run(_ body: [UInt8], boundary: String = "XyZ", chunks: [Int]? = nil,
                    limits: MultipartFormParser.Limits = .init()) throws -> FormRun {
        var run = FormRun(parser: MultipartFormParser(boundary: try MultipartBoundary(Array(boundary.utf8)), limits: limits))
        var offset = 0, index = 0
        do {
            while offset < body.count {
                let size = chunks.map { max(1, $0[index % $0.count]) } ?? body.count
                index += 1
                let end = min(body.count, offset + size)
                run.parser.append(ByteBuffer(bytes: body[offset..<end]))
                offset = end
                while let event = try run.parser.next() { run.record(event) }
            }
            try run.parser.finish()
        } catch {
            run.steps.append(.failed(error))
        }
        return run
    }

    private mutating func record(_ event: MultipartFormParser.Event) {
        switch event {
        case .partBegan(let head): steps.append(.part(head.name, filename: head.filename))
        case .bytes(let buffer):
            byteEventCount += 1
            if case .bytes(let earlier) = steps.last {
                steps[steps.count - 1] = .bytes(earlier + Array(buffer.readableBytesView))
            } else {
                steps.append(.bytes(Array(buffer.readableBytesView)))
            }
        case .partEnded: steps.append(.partEnd)
        case .formEnded: steps.append(.formEnd)
        }
    }
}

/// Builds bodies: `part` gives one part with its delimiter line, `close` the closing delimiter.
enum FormBody {
    static func part(_ name: String, filename: String? = nil, _ content: [UInt8], boundary: String = "XyZ",
                     headers: String? = nil) -> [UInt8] {
        var head = "--\(boundary)\r\n"
        head += headers ?? "Content-Disposition: form-data; name=\"\(name)\"" + (filename.map { "; filename=\"\($0)\"" } ?? "") + "\r\n"
        return Array((head + "\r\n").utf8) + content + Array("\r\n".utf8)
    }

    static func close(_ boundary: String = "XyZ") -> [UInt8] { Array("--\(boundary)--\r\n".utf8) }

    static func text(_ value: String) -> [UInt8] { Array(value.utf8) }
}

@Suite struct MultipartFormParserTests {
    // MARK: - Boundary parameter

    struct BoundaryCase: Sendable, CustomTestStringConvertible {
        let contentType: String?
        /// The boundary read, or nil when the header must be refused.
        let boundary: String?
        var testDescription: String { contentType.map { $0.debugDescription } ?? "no Content-Type" }
    }

    static let boundaryCases: [BoundaryCase] = [
        BoundaryCase(contentType: "multipart/form-data; boundary=", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=\"\"", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=" + String(repeating: "a", count: 70), boundary: String(repeating: "a", count: 70)),
        BoundaryCase(contentType: "multipart/form-data; boundary=" + String(repeating: "a", count: 71), boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=\"abc \"", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=\"a b\"", boundary: "a b"),
        BoundaryCase(contentType: "multipart/form-data; boundary=ab\u{80}", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=a\"b", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=\"a\\\"b\"", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=\"a\\bc\"", boundary: "abc"),
        BoundaryCase(contentType: "multipart/form-data; boundary=\"unclosed", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=a; boundary=b", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data; boundary=a\u{01}b", boundary: nil),
        BoundaryCase(contentType: "multipart/form-data", boundary: nil),
        BoundaryCase(contentType: "text/plain; boundary=abc", boundary: nil),
        BoundaryCase(contentType: nil, boundary: nil),
        BoundaryCase(contentType: "Multipart/Form-Data ; BOUNDARY = \"----Web/Kit:=?,()+_.'\" ; charset=utf-8",
                     boundary: "----Web/Kit:=?,()+_.'"),
        BoundaryCase(contentType: "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", boundary: "----WebKitFormBoundary7MA4YWxkTrZu0gW"),
        BoundaryCase(contentType: "multipart/form-data;boundary=7ee8bd9d9a1a4c1b;", boundary: "7ee8bd9d9a1a4c1b"),
    ]

    // Goal: the boundary parameter is read from Content-Type and checked against RFC 2046 (1–70 bchars, no trailing space).
    @Test(arguments: boundaryCases)
    func boundaryParameter(_ item: BoundaryCase) {
        let parsed = try? MultipartBoundary(contentType: item.contentType)
        #expect(parsed.map { String(decoding: $0.bytes, as: UTF8.self) } == item.boundary)
    }

    // Goal: every byte outside RFC 2046's bchars makes a boundary invalid wherever it stands (no table is indexed by it).
    @Test func boundaryRefusesEveryOtherByte() {
        for byte in UInt8.min...UInt8.max where !MultipartBoundary.isBoundaryCharacter(byte) {
            #expect((try? MultipartBoundary([UInt8(ascii: "a"), byte, UInt8(ascii: "b")])) == nil, "byte \(byte)")
        }
        #expect((try? MultipartBoundary(Array("a b".utf8))) != nil)
    }

    // MARK: - Forms that parse

    // Goal: fields and a file come out as parts with their bytes, and the epilogue is counted, not returned.
    @Test func parsesFieldsAndFile() throws {
        let body = FormBody.part(":action", FormBody.text("file_upload"))
            + FormBody.part("content", filename: "pkg-1.0.tar.gz", [0, 1, 2, 13, 10, 45, 45])
            + FormBody.close() + FormBody.text("epilogue")
        let run = try FormRun.run(body)
        #expect(run.steps == [
            .part(":action", filename: nil), .bytes(FormBody.text("file_upload")), .partEnd,
            .part("content", filename: "pkg-1.0.tar.gz"), .bytes([0, 1, 2, 13, 10, 45, 45]), .partEnd, .formEnd,
        ])
        #expect(run.parser.epilogueBytes == 10)
        #expect(run.parser.partCount == 2)
    }

    // Goal: a preamble is skipped and counted, a first delimiter without a CR LF before it is found, padding after a
    // boundary is allowed, an empty part and a part without headers other than Content-Disposition parse.
    @Test func preamblePaddingAndEmptyParts() throws {
        let body = FormBody.text("preamble text\r\n") + FormBody.text("--XyZ \t\r\nContent-Disposition: form-data; name=a\r\n\r\n")
            + FormBody.text("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nB\r\n--XyZ--")
        let run = try FormRun.run(body)
        #expect(run.steps == [.part("a", filename: nil), .partEnd, .part("b", filename: nil), .bytes([66]), .partEnd, .formEnd])
        #expect(run.parser.preambleBytes == 13)
    }

    struct FilenameCase: Sendable, CustomTestStringConvertible {
        let disposition: String
        /// nil: refused.
        let expected: FormStep?
        var testDescription: String { disposition }
    }

    static let filenameCases: [FilenameCase] = [
        FilenameCase(disposition: #"form-data; name="f"; filename="a\"b.tar.gz""#, expected: .part("f", filename: #"a"b.tar.gz"#)),
        FilenameCase(disposition: #"form-data; name="f"; filename="a\\b.tar.gz""#, expected: .part("f", filename: #"a\b.tar.gz"#)),
        FilenameCase(disposition: #"form-data; name=f; filename=plain-1.0.tar.gz"#, expected: .part("f", filename: "plain-1.0.tar.gz")),
        FilenameCase(disposition: #"form-data; name="f"; filename="%41-1.0.tar.gz""#, expected: .part("f", filename: "%41-1.0.tar.gz")),
        FilenameCase(disposition: #"FORM-DATA; NAME="f"; FILENAME="x;y.whl""#, expected: .part("f", filename: "x;y.whl")),
        FilenameCase(disposition: #"form-data; name="f"; filename*=UTF-8''x.whl"#, expected: .part("f", filename: nil)),
        FilenameCase(disposition: #"form-data; name="f"; filename="""#, expected: .part("f", filename: "")),
        FilenameCase(disposition: "form-data; name=\"f\"; filename=\"caf\u{E9}.whl\"", expected: .part("f", filename: "caf\u{E9}.whl")),
        FilenameCase(disposition: #"form-data; name="f"; filename="unclosed"#, expected: nil),
        FilenameCase(disposition: #"form-data; name="f"; filename="x"; filename="y""#, expected: nil),
        FilenameCase(disposition: #"form-data; filename="x""#, expected: nil),
        FilenameCase(disposition: #"attachment; name="f""#, expected: nil),
        FilenameCase(disposition: #"form-data; name="f"; filename="ends\"#, expected: nil),
        FilenameCase(disposition: #"form-data; name"#, expected: nil),
    ]

    // Goal: names and file names are quoted strings with backslash escapes or tokens, never percent-decoded;
    // malformed dispositions are refused with a reason.
    @Test(arguments: filenameCases)
    func contentDisposition(_ item: FilenameCase) throws {
        let body = FormBody.part("", [1], headers: "Content-Disposition: \(item.disposition)\r\n") + FormBody.close()
        let first = try FormRun.run(body).steps.first
        if let expected = item.expected {
            #expect(first == expected)
        } else {
            guard case .failed(.malformedPartHeader) = first else {
                Issue.record("\(item.disposition) gave \(String(describing: first))")
                return
            }
        }
    }

    // Goal: a name or file name that is not UTF-8 is refused.
    @Test func nonUTF8NamesAreRefused() throws {
        for disposition in [[UInt8]("form-data; name=\"a".utf8) + [0xC3, 0x28] + [UInt8]("\"".utf8),
                            [UInt8]("form-data; name=a; filename=\"".utf8) + [0xFF] + [UInt8]("\"".utf8)] {
            let body = FormBody.text("--XyZ\r\nContent-Disposition: ") + disposition + FormBody.text("\r\n\r\nx\r\n") + FormBody.close()
            guard case .failed(.malformedPartHeader) = try FormRun.run(body).steps.first else {
                Issue.record("accepted \(disposition)")
                continue
            }
        }
    }

    // MARK: - Header names and sections

    // Goal: a header name with any byte that is not a token character (≥ 0x80, controls, separators) is refused
    // with a reason, never an out-of-range lookup.
    @Test(arguments: Array(UInt8(0x80)...UInt8(0xFF)) + [0x00, 0x01, 0x09, 0x7F, 0x20, 0x28, 0x2C, 0x2F, 0x3B, 0x40, 0x5B, 0x7B])
    func headerNameBytes(_ byte: UInt8) throws {
        let body = FormBody.text("--XyZ\r\nX-Na") + [byte] + FormBody.text("me: v\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n")
            + FormBody.close()
        guard case .failed(.malformedPartHeader) = try FormRun.run(body).steps.last else {
            Issue.record("byte \(byte) in a header name was accepted")
            return
        }
    }

    // Goal: folded lines, bare CR or LF, header lines without a name and unknown transfer encodings are refused.
    @Test(arguments: ["X-A: 1\r\n folded", "X-A: a\rb", "X-A: a\nb", ": empty name", "no colon",
                      "Content-Transfer-Encoding: base64", "Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b",
                      "X-Ctl: a\u{1}b"])
    func malformedHeaders(_ lines: String) throws {
        let body = FormBody.text("--XyZ\r\n") + FormBody.text(lines) + FormBody.text("\r\nContent-Disposition: form-data; name=z\r\n\r\nx\r\n")
            + FormBody.close()
        let steps = try FormRun.run(body).steps
        guard case .failed(.malformedPartHeader) = steps.last, !steps.contains(.formEnd) else {
            Issue.record("\(lines.debugDescription) gave \(steps)")
            return
        }
    }

    // Goal: a header section over the limit is refused, whatever the cut; one at the limit is read.
    @Test(arguments: [1, 7, 4096])
    func headerSectionLimit(chunk: Int) throws {
        let limits = MultipartFormParser.Limits(headerSectionBytesMax: 256)
        func body(sectionBytes: Int) -> [UInt8] {
            let disposition = "Content-Disposition: form-data; name=a\r\nX-Pad: "
            let pad = String(repeating: "p", count: sectionBytes - disposition.utf8.count)
            return FormBody.text("--XyZ\r\n" + disposition + pad + "\r\n\r\nv\r\n") + FormBody.close()
        }
        #expect(try FormRun.run(body(sectionBytes: 256), chunks: [chunk], limits: limits).steps.last == .formEnd)
        #expect(try FormRun.run(body(sectionBytes: 257), chunks: [chunk], limits: limits).steps.last
                == .failed(.headerSectionTooLarge(bytesMax: 256)))
        // Padding after a boundary counts against the same limit.
        let padded = FormBody.text("--XyZ" + String(repeating: " ", count: 300) + "\r\n")
        #expect(try FormRun.run(padded, chunks: [chunk], limits: limits).steps.last == .failed(.headerSectionTooLarge(bytesMax: 256)))
    }

    // MARK: - Limits

    // Goal: the part count, a field's bytes and all fields' bytes are capped, and no event carries bytes past a cap.
    @Test func formLimits() throws {
        let limits = MultipartFormParser.Limits(partCountMax: 3, fieldBytesMax: 10, fieldBytesTotalMax: 20)
        let three = (0..<3).flatMap { FormBody.part("f\($0)", FormBody.text("v")) } + FormBody.close()
        #expect(try FormRun.run(three, limits: limits).steps.last == .formEnd)
        let four = (0..<4).flatMap { FormBody.part("f\($0)", FormBody.text("v")) } + FormBody.close()
        #expect(try FormRun.run(four, limits: limits).steps.last == .failed(.tooManyParts(countMax: 3)))

        for chunk in [1, 3, 64] {
            let long = FormBody.part("d", FormBody.text(String(repeating: "x", count: 11))) + FormBody.close()
            let run = try FormRun.run(long, chunks: [chunk], limits: limits)
            #expect(run.steps.last == .failed(.fieldTooLarge(name: "d", bytesMax: 10)))
            #expect(run.steps.allSatisfy { if case .bytes(let b) = $0 { return b.count <= 10 } else { return true } })
        }
        // Names count too: "nn" + 9 bytes, twice, is 22 bytes of text.
        let total = FormBody.part("nn", FormBody.text(String(repeating: "y", count: 9))) + FormBody.part("mm", FormBody.text(String(repeating: "z", count: 9)))
            + FormBody.close()
        #expect(try FormRun.run(total, limits: limits).steps.last == .failed(.fieldsTooLarge(bytesMax: 20)))
        // A file part's bytes are not text: any size.
        let file = FormBody.part("content", filename: "f.whl", [UInt8](repeating: 7, count: 1000)) + FormBody.close()
        #expect(try FormRun.run(file, limits: limits).steps.last == .formEnd)
    }

    // Goal: when a field crosses both its own limit and the total, the refusal names the one crossed first in the
    // stream, whatever the cut (found by the multipart fuzz target: cut into single bytes, the total was reported).
    @Test func limitReportedDoesNotDependOnTheCut() throws {
        let limits = MultipartFormParser.Limits(fieldBytesMax: 10, fieldBytesTotalMax: 20)
        // 12 bytes of text (names included) before the last field's value; its 9th byte crosses the total, its 11th
        // its own limit.
        let totalFirst = FormBody.part("aa", FormBody.text("bbbbbbbbb")) + FormBody.part("c", FormBody.text(String(repeating: "x", count: 12)))
            + FormBody.close()
        // 5 bytes before; the last field crosses its own limit at its 11th byte, the total at its 16th.
        let fieldFirst = FormBody.part("aa", FormBody.text("bb")) + FormBody.part("c", FormBody.text(String(repeating: "x", count: 17)))
            + FormBody.close()
        for chunks in [nil, [1], [2], [3], [5, 1]] as [[Int]?] {
            #expect(try FormRun.run(totalFirst, chunks: chunks, limits: limits).steps.last == .failed(.fieldsTooLarge(bytesMax: 20)))
            #expect(try FormRun.run(fieldFirst, chunks: chunks, limits: limits).steps.last == .failed(.fieldTooLarge(name: "c", bytesMax: 10)))
        }
    }

    // Goal: a body without a boundary in its first bytes is refused once the preamble limit is passed.
    @Test func preambleLimit() throws {
        let limits = MultipartFormParser.Limits(preambleBytesMax: 100)
        let junk = [UInt8](repeating: UInt8(ascii: "j"), count: 101)
        #expect(try FormRun.run(junk + FormBody.part("a", [1]) + FormBody.close(), limits: limits).steps.last
                == .failed(.preambleTooLong(bytesMax: 100)))
        #expect(try FormRun.run(Array(junk.dropLast()) + FormBody.text("\r\n") + FormBody.part("a", [1]) + FormBody.close(), limits: limits)
            .steps.last == .formEnd)
    }

    // MARK: - Delimiters

    // Goal: a body that stops before its closing delimiter (anywhere) is refused as truncated, never taken as complete.
    @Test func truncatedBodies() throws {
        let whole = FormBody.part("a", FormBody.text("value")) + FormBody.part("f", filename: "x.whl", [1, 2, 3]) + FormBody.close()
        let closeStart = whole.count - FormBody.close().count
        for length in 0..<(closeStart + 7) {  // up to and including "--XyZ-"
            let run = try FormRun.run(Array(whole.prefix(length)))
            #expect(run.steps.last == .failed(.truncated), "prefix of \(length) bytes")
        }
        #expect(try FormRun.run(Array(whole.prefix(closeStart + 7))).steps.last == .formEnd)
    }

    // Goal: text that resembles a delimiter but is not one stays body; a delimiter followed by anything but CR LF,
    // padding or "--" is refused.
    @Test func nearDelimiters() throws {
        let lookalikes = FormBody.text("--XyZ\r\n-XyZ\r\n--Xy\r\n--xyz\r\r\n\r-\n--XyZ--X")
        let body = FormBody.part("f", filename: "x.bin", lookalikes) + FormBody.close()
        for chunks in [nil, [1], [5, 3]] as [[Int]?] {
            #expect(try FormRun.run(body, chunks: chunks).steps == [
                .part("f", filename: "x.bin"), .bytes(lookalikes), .partEnd, .formEnd,
            ])
        }
        let bad = FormBody.part("f", [1]) + FormBody.text("--XyZX\r\n")
        #expect(try FormRun.run(bad).steps.last == .failed(.malformedBoundaryLine))
        let crOnly = FormBody.part("f", [1]) + FormBody.text("--XyZ\rX")
        #expect(try FormRun.run(crOnly).steps.last == .failed(.malformedBoundaryLine))
    }

    // Goal: a refusal is final: every later call throws it again.
    @Test func refusalIsFinal() throws {
        var parser = MultipartFormParser(boundary: try MultipartBoundary(Array("XyZ".utf8)))
        parser.append(ByteBuffer(bytes: FormBody.text("--XyZX")))
        #expect(throws: MultipartFormError.malformedBoundaryLine) { _ = try parser.next() }
        parser.append(ByteBuffer(bytes: FormBody.close()))
        #expect(throws: MultipartFormError.malformedBoundaryLine) { _ = try parser.next() }
        #expect(throws: MultipartFormError.malformedBoundaryLine) { try parser.finish() }
    }

    // MARK: - Any cut, CR-heavy bodies

    /// Bodies whose file parts are made of line breaks and delimiter fragments.
    static let awkwardContents: [[UInt8]] = [
        [UInt8](repeating: 13, count: 3000),
        Array(String(repeating: "\r\n", count: 1500).utf8),
        Array(String(repeating: "\r\n-", count: 700).utf8),
        Array(String(repeating: "\r\n--XyZ-", count: 200).utf8).map { $0 == UInt8(ascii: "-") ? 13 : $0 },
        Array(String(repeating: "\r\n--Xy", count: 400).utf8) + [13],
        [13, 10, 45, 45, 88, 121],
    ]

    // Goal: CR-heavy file parts come out byte for byte, in a number of events bounded by the number of buffers
    // (not by the number of CRs), whatever the cut.
    @Test(arguments: awkwardContents.indices)
    func crHeavyBodies(_ index: Int) throws {
        let content = Self.awkwardContents[index]
        let body = FormBody.part("content", filename: "x.bin", content) + FormBody.close()
        for chunks in [nil, [1], [2], [7], [64, 1], [1000]] as [[Int]?] {
            let run = try FormRun.run(body, chunks: chunks)
            #expect(run.steps == [.part("content", filename: "x.bin"), .bytes(content), .partEnd, .formEnd], "chunks \(String(describing: chunks))")
            let bufferCount = chunks.map { body.count / ($0.min() ?? 1) + 1 } ?? 1
            #expect(run.byteEventCount <= 2 * bufferCount + 2, "\(run.byteEventCount) byte events for \(bufferCount) buffers")
        }
    }

    // Goal: cutting a body in two at every offset (through delimiters, CR LF pairs and headers) gives the same parts.
    @Test func everySplitOffset() throws {
        let body = FormBody.part(":action", FormBody.text("file_upload")) + FormBody.part("content", filename: "a.whl", Array("\r\n\r--Xy\r".utf8))
            + FormBody.part("sha256_digest", FormBody.text("00")) + FormBody.close()
        let whole = try FormRun.run(body).steps
        #expect(whole.last == .formEnd)
        for offset in 1..<body.count {
            let run = try FormRun.run(body, chunks: [offset, body.count])
            #expect(run.steps == whole, "cut at \(offset)")
        }
        #expect(try FormRun.run(body, chunks: [1]).steps == whole)
    }

    // Goal: thousands of tiny parts parse in time linear in the body (each part costs its header section, no more).
    @Test func manyTinyParts() throws {
        let limits = MultipartFormParser.Limits(partCountMax: 5000)
        let body = (0..<4000).flatMap { FormBody.part("f", [UInt8(truncatingIfNeeded: $0)]) } + FormBody.close()
        let run = try FormRun.run(body, chunks: [4096], limits: limits)
        #expect(run.parser.partCount == 4000)
        #expect(run.steps.last == .formEnd)
    }
}
