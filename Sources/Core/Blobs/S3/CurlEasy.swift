// One libcurl easy handle performing blocking requests: bodies from memory or a file range, responses to memory or a file.
import CCurl
import Foundation

/// What to send.
enum CurlBody {
    case none
    case bytes([UInt8])
    /// `length` bytes of an open file from `offset`, read with pread while sending (never held in memory).
    case file(fd: Int32, offset: Int64, length: Int64)

    var length: Int64 {
        switch self {
        case .none: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, _, let length): return length
        }
    }
}

/// Where a successful (2xx) response body goes; error bodies always go to memory (for S3's error XML).
enum CurlSink {
    case memory(limitBytes: Int)
    /// Written from offset 0 of `fd` (truncated first, so a retried request starts clean); refused beyond the limit.
    case file(fd: Int32, limitBytes: Int64)
}

/// One exchange to perform.
struct CurlRequest {
    var method: String
    var url: String
    var headers: [String] = []
    var body: CurlBody = .none
    var sink: CurlSink = .memory(limitBytes: 1 << 20)
    /// `(user, password, "aws:amz:<region>:s3")`: libcurl signs the request with SigV4.
    var signing: (user: String, password: String, provider: String)?
    var connectTimeoutMilliseconds = 3000
    /// Abort when fewer than 1 byte/s moved for this long: a hung server must not hang a request forever.
    var stallSeconds = 20
}

/// What came back. `fileBytes` counts bytes written to a file sink.
struct CurlResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    var fileBytes: Int64
}

/// The request got no HTTP answer (connection, timeout, or a local read/write failure).
struct CurlFailure: Error, CustomStringConvertible {
    let code: CURLcode
    let message: String
    var description: String { message }

    /// Connection-level trouble that a later attempt may not meet.
    var isTransient: Bool {
        [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SSL_CONNECT_ERROR,
         CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM]
            .contains(code)
    }
}

/// A libcurl easy handle. Kept alive between requests so its connection is reused (keep-alive).
/// @unchecked Sendable: used by one thread at a time; `CurlHandlePool` hands each handle out exclusively.
final class CurlEasy: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    /// curl_global_init is not safe to race with handle creation; a static initializer runs once.
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init() throws(CurlFailure) {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { throw CurlFailure(code: CURLE_FAILED_INIT, message: "libcurl: cannot create a handle") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Performs one request. Any HTTP status is a response; only a missing answer throws.
    func perform(_ request: CurlRequest) throws(CurlFailure) -> CurlResponse {
        // reset keeps the connection cache, so the next request to the same host reuses the connection.
        curl_easy_reset(handle)
        let transfer = CurlTransfer(handle: handle, body: request.body, sink: request.sink)
        if case .file(let fd, _) = request.sink, ftruncate(fd, 0) != 0 {
            throw CurlFailure(code: CURLE_WRITE_ERROR, message: "cannot truncate the download file: \(String(cString: strerror(errno)))")
        }
        var list: UnsafeMutablePointer<curl_slist>?
        // No "Expect:" to suppress 100-continue: libcurl 7.88 signs that empty header, which is never sent, and S3
        // answers 403. 100-continue is useful anyway: a refused upload is refused before its body is sent.
        for header in request.headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        configure(request, list: list, context: Unmanaged.passUnretained(transfer).toOpaque())
        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        if let local = transfer.localFailure { throw CurlFailure(code: code, message: local) }
        guard code == CURLE_OK else { throw CurlFailure(code: code, message: String(cString: curl_easy_strerror(code))) }
        var status = 0
        cfs_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return CurlResponse(status: status, headers: transfer.headers, body: transfer.memory, fileBytes: transfer.fileBytes)
    }

    private func configure(_ request: CurlRequest, list: UnsafeMutablePointer<curl_slist>?, context: UnsafeMutableRawPointer) {
        cfs_setopt_string(handle, CURLOPT_URL, request.url)
        cfs_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        cfs_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        cfs_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds)
        cfs_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        cfs_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, request.stallSeconds)
        if let signing = request.signing {
            cfs_setopt_string(handle, CURLOPT_AWS_SIGV4, signing.provider)
            cfs_setopt_string(handle, CURLOPT_USERNAME, signing.user)
            cfs_setopt_string(handle, CURLOPT_PASSWORD, signing.password)
        }
        configureMethod(request, context: context)
        configureReceiving(context: context)
    }

    private func configureMethod(_ request: CurlRequest, context: UnsafeMutableRawPointer) {
        switch request.method {
        case "GET": return
        case "HEAD": cfs_setopt_long(handle, CURLOPT_NOBODY, 1)
        case "PUT", "POST":
            // UPLOAD with a known size sends Content-Length even for empty bodies (RGW answers 411 without one).
            cfs_setopt_long(handle, CURLOPT_UPLOAD, 1)
            cfs_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.length))
            cfs_setopt_data_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
                CurlTransfer.from(context).read(into: buffer, size * count)
            }
            cfs_setopt_pointer(handle, CURLOPT_READDATA, context)
            cfs_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        default: cfs_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
    }

    private func configureReceiving(context: UnsafeMutableRawPointer) {
        cfs_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            CurlTransfer.from(context).write(data, size * count)
        }
        cfs_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        cfs_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            CurlTransfer.from(context).header(data, size * count)
        }
        cfs_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
    }
}

/// The state of one transfer, reached from libcurl's callbacks through their context pointer.
private final class CurlTransfer {
    let handle: UnsafeMutableRawPointer
    let body: CurlBody
    let sink: CurlSink
    var sent: Int64 = 0
    var headers: [String: String] = [:]
    var memory: [UInt8] = []
    var fileBytes: Int64 = 0
    /// Set when a callback aborted the transfer; more useful than curl's generic "callback aborted".
    var localFailure: String?

    /// Error bodies are small XML documents; anything longer is cut (only the code and message matter).
    static let errorBodyBytesMax = 64 << 10

    init(handle: UnsafeMutableRawPointer, body: CurlBody, sink: CurlSink) {
        self.handle = handle
        self.body = body
        self.sink = sink
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    }

    func read(into buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> Int {
        let wanted = Int(min(Int64(capacity), body.length - sent))
        guard wanted > 0, let buffer else { return 0 }
        switch body {
        case .none: return 0
        case .bytes(let bytes):
            bytes.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress! + Int(sent), byteCount: wanted) }
        case .file(let fd, let offset, _):
            let n = pread(fd, buffer, wanted, off_t(offset + sent))
            guard n > 0 else {
                localFailure = n == 0 ? "the file being uploaded is shorter than expected" : "read: \(String(cString: strerror(errno)))"
                return Int(CURL_READFUNC_ABORT)
            }
            sent += Int64(n)
            return n
        }
        sent += Int64(wanted)
        return wanted
    }

    func write(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data, count > 0 else { return count }
        var status = 0
        cfs_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        switch sink {
        case .file(let fd, let limit) where (200..<300).contains(status):
            guard fileBytes + Int64(count) <= limit else { localFailure = "the response is longer than requested"; return 0 }
            guard writeAll(fd, bytes, at: fileBytes) else { localFailure = "write: \(String(cString: strerror(errno)))"; return 0 }
            fileBytes += Int64(count)
        case .memory(let limit) where (200..<300).contains(status):
            guard memory.count + count <= limit else { localFailure = "the response is longer than \(limit) bytes"; return 0 }
            memory.append(contentsOf: bytes)
        default:
            memory.append(contentsOf: bytes.prefix(max(0, Self.errorBodyBytesMax - memory.count)))
        }
        return count
    }

    func header(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data else { return count }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
        // A new status line (after "100 Continue" or a redirect) starts a new set of headers.
        if line.hasPrefix("HTTP/") { headers = [:]; return count }
        if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return count
    }

    private func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 { if errno == EINTR { continue }; return false }
            done += n
        }
        return true
    }
}
