// Options shared by the commands that talk to a running server.
import ArgumentParser
import ArtifactClient
import Foundation

struct ClientOptions: ParsableArguments {
    @Option(help: "Server URL. Env ARTIFACTFS_SERVER.")
    var server: String?

    @Option(help: "Access token (writes; reads of private repositories). Env ARTIFACTFS_TOKEN.")
    var token: String?

    var baseURL: String {
        // An empty variable counts as unset, as everywhere else.
        var url = server ?? ProcessInfo.processInfo.environment["ARTIFACTFS_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://127.0.0.1:8080"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    var headers: [String] {
        guard let token = token ?? ProcessInfo.processInfo.environment["ARTIFACTFS_TOKEN"] else { return [] }
        return ["Authorization: Bearer \(token)"]
    }

    /// Sends a request and fails with the server's own message unless the status is 2xx.
    func send(_ method: String, _ path: String, body: CurlHTTPClient.Body = .none, extraHeaders: [String] = [],
              progress: (@Sendable (Int64, Int64) -> Void)? = nil) throws -> HTTPResult {
        let result = try CurlHTTPClient.send(method: method, url: baseURL + path, headers: headers + extraHeaders, body: body, progress: progress)
        guard (200..<300).contains(result.status) else {
            throw CLIFailure("\(method) \(path): HTTP \(result.status): \(Self.errorMessage(result))")
        }
        return result
    }

    static func errorMessage(_ result: HTTPResult) -> String {
        if let json = try? JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any], let message = json["error"] as? String {
            return message
        }
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A failure reported to the user as one line, with exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
