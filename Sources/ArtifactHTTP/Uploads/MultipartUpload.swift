// Streams a multipart/form-data body: the file part goes to a spool file, the fields a handler asked for are kept.
import Core
import Hummingbird
import NIOCore

/// The parsed form: the text fields asked for and the staged file part.
struct MultipartUpload {
    var fields: [String: String] = [:]
    var file: StagedFile?
    var fileName: String?

    /// Parses the body of `request`. `fileField` names the file part (`f` for /addpkg, `content` for twine); of the
    /// text fields only those in `keptFields` are kept (the others are checked against the limits and dropped).
    /// Every byte of the body counts against `uploadBytesMax` (413), the declared length before any is read. The
    /// caller owns the staged file; on a throw nothing is left in the spool.
    static func parse(_ request: Request, context: ArtifactRequestContext, fileField: String, keptFields: Set<String>,
                      staging: BodyStager.Setup, limits: MultipartFormParser.Limits = .init()) async throws -> MultipartUpload {
        let boundary = try MultipartBoundary(contentType: request.headers[.contentType])
        try RequestLength.refuseDeclared(request, over: staging.uploadBytesMax, what: "an upload")
        var parser = MultipartFormParser(boundary: boundary, limits: limits)
        var form = FormCollector(fileField: fileField, keptFields: keptFields)
        var stager = BodyStager(executor: staging.executor)
        var staged: StagedFile?
        var received: Int64 = 0
        do {
            for try await buffer in context.body(of: request) {
                received += Int64(buffer.readableBytes)
                guard received <= staging.uploadBytesMax else {
                    throw HTTPFailure(.contentTooLarge, "upload larger than \(staging.uploadBytesMax) bytes")
                }
                parser.append(buffer)
                while let event = try parser.next() {
                    guard let bytes = try form.take(event) else { continue }
                    if staged == nil { staged = try await staging.create() }
                    guard let file = staged else { continue }
                    try await stager.add(bytes, to: file)
                }
            }
            try parser.finish()
            if form.fileSeen, staged == nil { staged = try await staging.create() }
            if let staged { try await stager.finish(to: staged) }
        } catch {
            if let staged { try? await stager.finish(to: staged) }
            staged?.discard()
            throw error
        }
        return MultipartUpload(fields: form.fields, file: staged, fileName: form.fileName)
    }
}

/// Sorts the parser's events into the file part's bytes, kept fields and dropped parts. A pure value: the form's
/// rules (one file part, each kept field once, UTF-8 values) without any I/O.
struct FormCollector {
    private enum Current {
        case none, file, ignored
        case kept(name: String, bytes: [UInt8])
    }

    let fileField: String
    let keptFields: Set<String>
    private(set) var fields: [String: String] = [:]
    private(set) var fileName: String?
    private(set) var fileSeen = false
    private var current = Current.none

    init(fileField: String, keptFields: Set<String>) {
        self.fileField = fileField
        self.keptFields = keptFields
    }

    /// Takes one event; returns the bytes to stage when they belong to the file part.
    mutating func take(_ event: MultipartFormParser.Event) throws(HTTPFailure) -> ByteBuffer? {
        switch event {
        case .partBegan(let head):
            try begin(head)
        case .bytes(let bytes):
            switch current {
            case .file: return bytes
            case .kept(let name, var value):
                current = .none
                value += bytes.readableBytesView
                current = .kept(name: name, bytes: value)
            case .none, .ignored: break
            }
        case .partEnded:
            if case .kept(let name, let value) = current {
                guard let text = String(validating: value, as: UTF8.self) else {
                    throw HTTPFailure(.badRequest, "form field '\(name)' is not UTF-8 text")
                }
                fields[name] = text
            }
            current = .none
        case .formEnded:
            current = .none
        }
        return nil
    }

    private mutating func begin(_ head: MultipartPartHead) throws(HTTPFailure) {
        let shown = IdentifierError.printable(String(head.name.prefix(64)))
        if head.name == fileField {
            guard !fileSeen else { throw HTTPFailure(.badRequest, "more than one '\(fileField)' part") }
            guard head.filename != nil else { throw HTTPFailure(.badRequest, "the '\(fileField)' part has no filename") }
            fileSeen = true
            fileName = head.filename
            current = .file
        } else if keptFields.contains(head.name), head.isTextField {
            guard fields[head.name] == nil else { throw HTTPFailure(.badRequest, "form field '\(shown)' is sent more than once") }
            current = .kept(name: head.name, bytes: [])
        } else {
            current = .ignored
        }
    }
}
