// `artifactfs import --server URL`: the same import through a running server, published once at the end.
import ArtifactClient
import Foundation
import Synchronization

/// Uploads files with `PUT …?publish=later` (a few at a time), then asks for the one publish with
/// `POST /api/<provider>/<repo>/publish`. A 4xx answer rejects one file; 401/403 or an unreachable server stop
/// the whole import, since no other file could succeed either.
struct ImportOverHTTP {
    let client: ClientOptions
    let provider: String
    let repo: String
    let directory: [String]
    let jobs: Int

    func run(_ files: [ImportFile], progress: @Sendable (Int, Int64) -> Void) throws -> [ImportedFile] {
        let results = Mutex([ImportedFile?](repeating: nil, count: files.count))
        let next = Atomic(0)
        let done = Mutex((files: 0, bytes: Int64(0)))
        let fatal = Mutex<String?>(nil)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, files.count))) { _ in
            while fatal.withLock({ $0 == nil }) {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < files.count else { return }
                let file = files[index]
                switch upload(file) {
                case .success(let result): results.withLock { $0[index] = result }
                case .failure(let stop): fatal.withLock { $0 = $0 ?? stop.description }
                }
                let (count, bytes) = done.withLock { d in d.files += 1; d.bytes += file.size; return (d.files, d.bytes) }
                progress(count, bytes)
            }
        }
        if let message = fatal.withLock({ $0 }) { throw CLIFailure(message) }
        let imported = results.withLock { $0.compactMap { $0 } }
        if imported.contains(where: { if case .stored = $0.outcome { true } else { false } }) {
            _ = try client.send("POST", "/api/\(provider)/\(UploadCommand.encode(repo))/publish")
        }
        return imported
    }

    /// One file: its outcome, or (as a failure) why the import must stop.
    private func upload(_ file: ImportFile) -> Result<ImportedFile, CLIFailure> {
        let name = (file.path as NSString).lastPathComponent
        let path = "/" + ([provider, repo] + directory + [name]).map(UploadCommand.encode).joined(separator: "/") + "?publish=later"
        let result: HTTPResult
        do {
            result = try CurlHTTPClient.send(method: "PUT", url: client.baseURL + path, headers: client.headers, body: .file(file.path))
        } catch {
            return .failure(CLIFailure("\(client.baseURL): \(error) (is the server running? --server / ARTIFACTFS_SERVER)"))
        }
        switch result.status {
        case 201: return .success(ImportedFile(path: file.path, outcome: .stored))
        case 200: return .success(ImportedFile(path: file.path, outcome: .unchanged))
        case 401, 403: return .failure(CLIFailure("HTTP \(result.status): \(ClientOptions.errorMessage(result)) (--token / ARTIFACTFS_TOKEN)"))
        default: return .success(ImportedFile(path: file.path, outcome: .rejected("HTTP \(result.status): \(ClientOptions.errorMessage(result))")))
        }
    }
}
