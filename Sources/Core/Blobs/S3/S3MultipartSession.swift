// The requests of one S3 multipart upload: initiate, send a part (from a file or copied), complete, abort.
import Crypto
import Foundation

/// One multipart upload to `key`, shared by the upload of a finished spool file (`S3MultipartUpload`), the
/// upload that follows a file being written (`S3EarlyUpload`).
struct S3MultipartSession: Sendable {
    let client: S3Client
    let key: String
    let uploadId: String

    /// Starts an upload; S3 keeps its parts until it is completed or aborted.
    static func initiate(_ client: S3Client, key: String) throws(BlobStoreError) -> S3MultipartSession {
        let request = S3Request(method: "POST", key: key, query: [("uploads", "")])
        let response = try client.send(request, expecting: [200])
        guard let id = S3XMLDocument(response.body)?.value("InitiateMultipartUploadResult/UploadId"), !id.isEmpty else {
            throw .backend("S3 \(client.describe(request)): no UploadId in the answer")
        }
        return S3MultipartSession(client: client, key: key, uploadId: id)
    }

    /// Sends bytes `offset..<offset+length` of `fd` as part `part` and returns its ETag. The part is hashed first
    /// and its SHA-256 is the payload hash, so S3 refuses it if the bytes change on the way.
    func uploadPart(_ part: Int, fd: Int32, offset: Int64, length: Int64) throws(BlobStoreError) -> String {
        let digest = try Self.sha256(fd: fd, offset: offset, length: length, describing: key)
        let request = S3Request(method: "PUT", key: key, query: partQuery(part),
                                body: .file(fd: fd, offset: offset, length: length), payloadHash: digest)
        let response = try client.send(request, expecting: [200])
        guard let etag = response.headers["etag"] else { throw .backend("S3 \(client.describe(request)): no ETag in the answer") }
        return etag
    }

    /// Joins parts `1...etags.count` into the object.
    func complete(etags: [Int: String]) throws(BlobStoreError) {
        let parts = (1...etags.count).map { "<Part><PartNumber>\($0)</PartNumber><ETag>\(xmlEscaped(etags[$0]!))</ETag></Part>" }
        let body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\(parts.joined())</CompleteMultipartUpload>"
        let request = S3Request(method: "POST", key: key, query: [("uploadId", uploadId)],
                                headers: ["Content-Type: application/xml"], body: .bytes(Array(body.utf8)))
        let response = try client.send(request, expecting: [200])
        try Self.checkNoErrorDocument(response, request, client)
    }

    /// Best effort: when S3 is down the abort fails too, and a bucket lifecycle rule or fsck must clean up.
    func abort() {
        _ = try? client.send(S3Request(method: "DELETE", key: key, query: [("uploadId", uploadId)]), expecting: [200, 204, 404])
    }

    private func partQuery(_ part: Int) -> [(name: String, value: String)] { [("partNumber", "\(part)"), ("uploadId", uploadId)] }

    /// S3 may answer 200 and still report a failure in the body (the status is sent before the work is done).
    static func checkNoErrorDocument(_ response: CurlResponse, _ request: S3Request, _ client: S3Client) throws(BlobStoreError) {
        if let answer = S3XMLDocument(response.body), answer.root == "Error" {
            throw .backend("S3 \(client.describe(request)): \(S3Client.summary(response))")
        }
    }

    /// The hex SHA-256 of a range of a file, read in 1 MiB blocks.
    static func sha256(fd: Int32, offset: Int64, length: Int64, describing key: String) throws(BlobStoreError) -> String {
        var hasher = Crypto.SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < length {
            let n = pread(fd, buffer.baseAddress, Int(min(Int64(buffer.count), length - done)), off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .backend("S3 upload of \(key): the spool file is shorter than expected or unreadable") }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            done += Int64(n)
        }
        return SHA256Digest(hasher.finalize()).hex
    }
}
