// Listing the bucket: stored blobs (ListObjectsV2) and multipart uploads never completed (ListMultipartUploads).

extension S3BlobStore {
    /// Every object under `<prefix>/sha256/` whose key is exactly a blob key; anything else there is ignored.
    /// Several exporters may serve one bucket (DESIGN §7).
    public var mayBeShared: Bool { true }

    public func allDigests() throws -> [SHA256Digest] {
        try objectKeys(under: keyRoot).compactMap(digest(ofKey:)).sorted()
    }

    /// Every object key starting with `prefix` (ListObjectsV2, page by page).
    private func objectKeys(under prefix: String) throws(BlobStoreError) -> [String] {
        var found: [String] = []
        var token: String?
        repeat {
            var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let page = try listing(S3Request(method: "GET", key: nil, query: query), root: "ListBucketResult")
            found += page.values("ListBucketResult/Contents/Key")
            token = page.value("ListBucketResult/IsTruncated") == "true" ? page.value("ListBucketResult/NextContinuationToken") : nil
        } while token != nil
        return found
    }

    /// Multipart uploads under the prefix still holding parts, and temporary objects under `incoming/`: a process
    /// killed mid-upload, or an abort or delete that failed because S3 was down. They use space until removed
    /// (`abort`) or a bucket lifecycle rule expires them.
    public func incompleteUploads() throws -> [IncompleteUpload] {
        var found = try objectKeys(under: incomingRoot).map { IncompleteUpload(key: $0, uploadId: nil) }
        var markers: (key: String, uploadId: String)?
        repeat {
            var query: [(name: String, value: String)] = [("prefix", location.prefix.isEmpty ? "" : location.prefix + "/"), ("uploads", "")]
            if let markers { query += [("key-marker", markers.key), ("upload-id-marker", markers.uploadId)] }
            let page = try listing(S3Request(method: "GET", key: nil, query: query), root: "ListMultipartUploadsResult")
            let keys = page.values("ListMultipartUploadsResult/Upload/Key")
            let ids = page.values("ListMultipartUploadsResult/Upload/UploadId")
            found += zip(keys, ids).map { IncompleteUpload(key: $0, uploadId: $1) }
            markers = page.value("ListMultipartUploadsResult/IsTruncated") == "true"
                ? (page.value("ListMultipartUploadsResult/NextKeyMarker") ?? "", page.value("ListMultipartUploadsResult/NextUploadIdMarker") ?? "")
                : nil
        } while markers != nil
        return found
    }

    /// Aborts an incomplete upload, freeing its parts, or deletes a temporary object. One that is gone is not an error.
    public func abort(_ upload: IncompleteUpload) throws {
        let query: [(name: String, value: String)] = upload.uploadId.map { [("uploadId", $0)] } ?? []
        try client.send(S3Request(method: "DELETE", key: upload.key, query: query), expecting: [200, 204, 404])
    }

    /// The digest a key stands for, when it is `<prefix>/sha256/<aa>/<bb>/<hex>` with matching directories.
    func digest(ofKey objectKey: String) -> SHA256Digest? {
        // key(for:) writes lowercase hex, so an uppercase key does not round-trip and is ignored.
        guard let digest = SHA256Digest(hex: String(objectKey.suffix(64))), key(for: digest) == objectKey else { return nil }
        return digest
    }

    private func listing(_ request: S3Request, root: String) throws(BlobStoreError) -> S3XMLDocument {
        let response = try client.send(request, expecting: [200])
        guard let page = S3XMLDocument(response.body), page.root == root else {
            throw .backend("S3 \(client.describe(request)): the answer is not a \(root) document")
        }
        return page
    }
}
