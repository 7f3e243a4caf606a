// Streams a multipart/form-data body: the file part goes to a spool file, small fields are kept in memory.
import Core
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// The parsed form: text fields and the staged file part.
struct MultipartUpload {
    var fields: [String: String] = [:]
    var file: StagedFile?
    var fileName: String?

    /// Bytes a text field may hold (twine's description field can be long).
    static let fieldBytesMax = 1 << 20

    /// Parses the body; `fileField` names the file part (`f` for /addpkg, `content` for twine).
    static func parse(_ request: Request, fileField: String, spool: Spool, digestKinds: DigestKinds,
                      executor: BlockingExecutor, uploadBytesMax: Int64) async throws -> MultipartUpload {
        guard let contentType = request.headers[.contentType], let boundary = boundary(of: contentType) else {
            throw HTTPFailure(.badRequest, "expected multipart/form-data with a boundary")
        }
        let collector = Collector(fileField: fileField)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name, value) }
        parser.onBody = { buffer in collector.body(&buffer) }
        parser.onPartComplete = { collector.partComplete() }
        var stager = BodyStager(executor: executor, uploadBytesMax: uploadBytesMax)
        do {
            for try await buffer in request.body {
                do { try parser.execute(buffer) } catch { throw HTTPFailure(.badRequest, "malformed multipart body") }
                if let problem = collector.problem { throw HTTPFailure(.badRequest, problem) }
                if !collector.fileChunks.isEmpty {
                    if collector.staged == nil { collector.staged = try await executor.run { try spool.create(digestKinds: digestKinds) } }
                    for chunk in collector.fileChunks { try await stager.add(chunk, to: collector.staged!) }
                    collector.fileChunks.removeAll()
                }
            }
            guard collector.finished else { throw HTTPFailure(.badRequest, "multipart body ended before its closing boundary") }
            if collector.fileSeen && collector.staged == nil {
                collector.staged = try await executor.run { try spool.create(digestKinds: digestKinds) }
            }
            if let staged = collector.staged { try await stager.finish(to: staged) }
        } catch {
            if let staged = collector.staged { try? await stager.finish(to: staged) }
            collector.staged?.discard()
            throw error
        }
        return MultipartUpload(fields: collector.fields, file: collector.staged, fileName: collector.fileName)
    }

    static func boundary(of contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            let value = part.dropFirst("boundary=".count)
            return value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : String(value)
        }
        return nil
    }

    /// Parser callbacks land here; not Sendable, lives inside one request's task.
    final class Collector {
        let fileField: String
        var fields: [String: String] = [:]
        var fileChunks: [ByteBuffer] = []
        var staged: StagedFile?
        var fileName: String?
        var fileSeen = false
        var finished = false
        var problem: String?
        private var currentName: String?
        private var currentFilename: String?
        private var currentValue: [UInt8] = []

        init(fileField: String) { self.fileField = fileField }

        func header(_ name: String, _ value: String) {
            finished = false
            guard name.lowercased() == "content-disposition" else { return }
            currentName = Self.parameter("name", in: value)
            currentFilename = Self.parameter("filename", in: value)
            if currentName == fileField {
                if fileSeen { problem = "more than one '\(fileField)' part" }
                fileSeen = true
                fileName = currentFilename
            }
        }

        func body(_ buffer: inout ByteBuffer) {
            if currentName == fileField {
                fileChunks.append(buffer)
            } else if currentValue.count + buffer.readableBytes <= MultipartUpload.fieldBytesMax {
                currentValue += buffer.readableBytesView
            } else {
                problem = "form field '\(currentName ?? "?")' is too large"
            }
        }

        func partComplete() {
            if let name = currentName, name != fileField { fields[name] = String(decoding: currentValue, as: UTF8.self) }
            currentName = nil
            currentFilename = nil
            currentValue = []
            finished = true
        }

        /// Reads `key="value"` (or unquoted) from a Content-Disposition value.
        static func parameter(_ key: String, in header: String) -> String? {
            for part in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let eq = part.firstIndex(of: "="), part[..<eq].lowercased() == key else { continue }
                var value = String(part[part.index(after: eq)...])
                if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                    value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                }
                return value
            }
            return nil
        }
    }
}
