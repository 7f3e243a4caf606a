// Fuzz target `multipart`: a multipart/form-data body through the upload parser, cut into buffers three ways.
import ArtifactHTTP

/// The parser reads network buffers of any size, so what it promises must not depend on where they are cut:
/// the same parts, bytes and refusal for the whole body, for buffers of two sizes chosen by the input, and for
/// single bytes. It must respect its limits (small here, so each is reached), accept exactly the boundaries
/// RFC 2046 allows, and what it accepts must read back the same when written out again.
///
/// Input layout: byte 0 picks the boundary (one of `boundaries`, or from 200 on, the next `byte0 - 200` bytes
/// of the input, so invalid ones come up too); bytes 1 and 2 pick the two buffer sizes; the rest is the body.
enum MultipartFuzzing {
    static let boundaries = ["XyZ", "b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", String(repeating: "a", count: 70), "a b",
                             "'()+_,-./:=?", "-", "--"].map { Array($0.utf8) }
    static let limits = MultipartFormTrace.Limits(headerSectionBytesMax: 256, partCountMax: 8, fieldBytesMax: 64,
                                                  fieldBytesTotalMax: 256, preambleBytesMax: 128)

    static func run(_ bytes: [UInt8]) {
        guard bytes.count >= 3 else { return }
        var rest = bytes.dropFirst(3)
        let boundary: [UInt8]
        if bytes[0] < 200 {
            boundary = boundaries[Int(bytes[0]) % boundaries.count]
        } else {
            boundary = Array(rest.prefix(Int(bytes[0]) - 200))
            rest = rest.dropFirst(boundary.count)
        }
        let body = Array(rest)
        guard let whole = MultipartFormTrace(boundary: boundary, chunks: [body], limits: limits) else {
            require(!isRFC2046Boundary(boundary), "the valid boundary \(boundary) was refused")
            return
        }
        require(isRFC2046Boundary(boundary), "the invalid boundary \(boundary) was accepted")
        checkLimits(whole)
        let sizes = [1 + Int(bytes[1]) % 97, 1 + Int(bytes[2]) * 13 % 1021]
        for (label, chunks) in [("two sizes", cut(body, sizes)), ("single bytes", cut(body, [1]))] where body.count <= 4096 || label != "single bytes" {
            guard let trace = MultipartFormTrace(boundary: boundary, chunks: chunks, limits: limits) else {
                fatalError("fuzz property violated: the boundary was refused on the second reading")
            }
            require(sameOutcome(trace, whole), "cut into \(label) \(sizes), the body reads as \(trace.steps.count) steps / "
                    + "\(trace.refusal ?? "accepted"), whole as \(whole.steps.count) steps / \(whole.refusal ?? "accepted")")
            checkLimits(trace)
            require(trace.byteEventCount <= 2 * chunks.count + 2 * trace.partCount + 2,
                    "\(trace.byteEventCount) byte events for \(chunks.count) buffers and \(trace.partCount) parts")
        }
        if whole.refusal == nil { checkRoundTrip(whole, boundary: boundary) }
    }

    /// RFC 2046 §5.1.1, written out again here rather than calling the parser's own check.
    static func isRFC2046Boundary(_ boundary: [UInt8]) -> Bool {
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
        return (1...70).contains(boundary.count) && boundary.allSatisfy(allowed.contains) && boundary.last != UInt8(ascii: " ")
    }

    static func cut(_ body: [UInt8], _ sizes: [Int]) -> [[UInt8]] {
        var chunks: [[UInt8]] = [], offset = 0, index = 0
        while offset < body.count {
            let end = min(body.count, offset + sizes[index % sizes.count])
            chunks.append(Array(body[offset..<end]))
            offset = end
            index += 1
        }
        return chunks
    }

    /// The same parts, bytes and refusal, and the same counters when the form was accepted. When it was refused,
    /// the bytes of the part the refusal came in may have been handed out in part or not at all (a limit is checked
    /// per buffer, before any of its bytes go out), so there one reading's bytes must begin the other's.
    static func sameOutcome(_ a: MultipartFormTrace, _ b: MultipartFormTrace) -> Bool {
        guard a.refusal == b.refusal, a.refusedForSize == b.refusedForSize else { return false }
        guard a.refusal != nil else {
            return a.steps == b.steps && a.partCount == b.partCount && a.fieldBytesTotal == b.fieldBytesTotal && a.epilogueBytes == b.epilogueBytes
        }
        let (aSteps, aTail) = splitTrailingBytes(a.steps), (bSteps, bTail) = splitTrailingBytes(b.steps)
        return aSteps == bSteps && (aTail.starts(with: bTail) || bTail.starts(with: aTail))
    }

    private static func splitTrailingBytes(_ steps: [MultipartFormTrace.Step]) -> ([MultipartFormTrace.Step], [UInt8]) {
        guard case .bytes(let tail) = steps.last else { return (steps, []) }
        return (Array(steps.dropLast()), tail)
    }

    /// No part count, text field or text total beyond the limits, whatever happened after.
    static func checkLimits(_ trace: MultipartFormTrace) {
        require(trace.partCount <= limits.partCountMax, "\(trace.partCount) parts began")
        require(trace.fieldBytesTotal <= limits.fieldBytesTotalMax, "\(trace.fieldBytesTotal) bytes of text fields")
        var isText = false
        for step in trace.steps {
            switch step {
            case .part(_, let filename): isText = filename == nil
            case .bytes(let bytes): require(!isText || bytes.count <= limits.fieldBytesMax, "a text field of \(bytes.count) bytes")
            case .partEnd, .formEnd: isText = false
            }
        }
        require(trace.refusal != nil || trace.steps.last == .formEnd, "accepted without the closing delimiter")
    }

    /// An accepted form written out again (names quoted with escapes) reads back as the same parts.
    static func checkRoundTrip(_ trace: MultipartFormTrace, boundary: [UInt8]) {
        var body: [UInt8] = []
        for step in trace.steps {
            switch step {
            case .part(let name, let filename):
                body += Array("--".utf8) + boundary + Array("\r\nContent-Disposition: form-data; name=\(quoted(name))".utf8)
                if let filename { body += Array("; filename=\(quoted(filename))".utf8) }
                body += Array("\r\n\r\n".utf8)
            case .bytes(let bytes): body += bytes
            case .partEnd: body += Array("\r\n".utf8)
            case .formEnd: body += Array("--".utf8) + boundary + Array("--".utf8)
            }
        }
        // Quoting can lengthen a header section past its limit; that refusal says nothing about the parts.
        guard let again = MultipartFormTrace(boundary: boundary, chunks: [body], limits: limits), !again.refusedForSize else { return }
        require(again.steps == trace.steps, "the form written out again reads as \(again.steps.count) steps / \(again.refusal ?? "accepted")")
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}
