// A blocking HTTP client over libcurl, for the CLI's uploads (streams files, reports progress).
import CCurl
import Foundation

/// What an HTTP exchange returned.
public struct HTTPResult: Sendable {
    public let status: Int
    public let body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why a request did not get an HTTP answer at all.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// One request per call; blocking, so call it from a thread that may block (the CLI's main thread).
public enum CurlHTTPClient {
    /// The request body.
    public enum Body: Sendable {
        case none
        case bytes([UInt8])
        /// A file streamed from disk (never read into memory).
        case file(String)
    }

    /// Sends a request. `progress` is called with (bytes sent, bytes total) while uploading.
    public static func send(method: String, url: String, headers: [String] = [], body: Body = .none,
                            progress: (@Sendable (Int64, Int64) -> Void)? = nil) throws -> HTTPResult {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard let handle = curl_easy_init() else { throw HTTPClientError(message: "libcurl: cannot create a handle") }
        defer { curl_easy_cleanup(handle) }
        let sink = ResponseSink(progress: progress)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for header in headers { list = curl_slist_append(list, header) }
        // Without this curl sends "Expect: 100-continue" and waits a second on servers that ignore it.
        list = curl_slist_append(list, "Expect:")
        var file: UnsafeMutablePointer<FILE>?
        defer { if let file { fclose(file) } }

        cfs_setopt_string(handle, CURLOPT_URL, url)
        cfs_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        cfs_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        cfs_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        cfs_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            let bytes = size * count
            if let data { sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: bytes)) }
            return bytes
        }
        cfs_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
        switch body {
        case .none:
            if method == "HEAD" { cfs_setopt_long(handle, CURLOPT_NOBODY, 1) }
        case .bytes(let bytes):
            cfs_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            // COPYPOSTFIELDS copies the bytes before returning, so the pointer need not outlive the call.
            bytes.withUnsafeBytes { _ = cfs_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
        case .file(let path):
            guard let opened = fopen(path, "rb") else {
                throw HTTPClientError(message: "\(path): \(String(cString: strerror(errno)))")
            }
            file = opened
            var info = stat()
            fstat(fileno(opened), &info)
            cfs_setopt_long(handle, CURLOPT_UPLOAD, 1)
            cfs_setopt_pointer(handle, CURLOPT_READDATA, UnsafeMutableRawPointer(opened))
            cfs_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(info.st_size))
            cfs_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        if progress != nil {
            cfs_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            cfs_setopt_progress_callback(handle, CURLOPT_XFERINFOFUNCTION) { context, _, _, total, sent in
                let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
                sink.progress?(Int64(sent), Int64(total))
                return 0
            }
            cfs_setopt_pointer(handle, CURLOPT_XFERINFODATA, sinkPointer)
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            throw HTTPClientError(message: "\(url): \(String(cString: curl_easy_strerror(code)))")
        }
        var status = 0
        cfs_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResult(status: status, body: sink.body)
    }
}

/// Receives the response body; lives for one request on one thread.
private final class ResponseSink {
    var body: [UInt8] = []
    let progress: (@Sendable (Int64, Int64) -> Void)?
    init(progress: (@Sendable (Int64, Int64) -> Void)?) { self.progress = progress }
}
