// The real Python clients the PyPI tests drive (pip, uv, twine from scripts/python-clients.sh) and dist building.
import Foundation
import Testing

/// Paths into the venv `make test` prepares, and a runner that keeps pip and uv off the user's config and caches.
struct PythonClients {
    let venv: String
    let work: Workspace

    /// `PYTHON_CLIENTS`, else `<package>/.build/python-clients`; fails (not skips) when missing: `make test` installs it.
    init(_ work: Workspace, filePath: String = #filePath) throws {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let explicit = ProcessInfo.processInfo.environment["PYTHON_CLIENTS"].flatMap { $0.isEmpty ? nil : $0 }
        venv = explicit ?? root.appendingPathComponent(".build/python-clients").path
        self.work = work
        for tool in ["bin/python", "bin/pip", "bin/uv", "bin/twine", "twine6/bin/twine"] {
            try #require(FileManager.default.isExecutableFile(atPath: "\(venv)/\(tool)"),
                         "\(venv)/\(tool) is missing: run scripts/python-clients.sh (make test does)")
        }
    }

    static func distMaker(filePath: String = #filePath) -> String {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Benchmarks/make-python-dists.py").path
    }

    /// The environment every client runs with: no config files, no caches shared with the machine, no prompts.
    var environment: [String: String] {
        ["PIP_CONFIG_FILE": "/dev/null", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_CACHE_DIR": "1", "PIP_NO_INPUT": "1",
         "UV_CACHE_DIR": work.path("uv-cache"), "UV_NO_CONFIG": "1", "UV_PYTHON": "\(venv)/bin/python",
         "TWINE_NON_INTERACTIVE": "1", "HOME": work.path("home"), "PYTHONDONTWRITEBYTECODE": "1"]
    }

    /// Runs `bin/<tool>` of the venv, or `<tool>` relative to it when it has a slash (`twine6/bin/twine`).
    func run(_ tool: String, _ arguments: [String], extra: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let executable = tool.contains("/") ? "\(venv)/\(tool)" : "\(venv)/bin/\(tool)"
        return try await ArtifactCLITests.run(arguments, executable: executable, directory: work.root.path,
                                       environment: environment.merging(extra) { _, new in new }, timeout: .seconds(180))
    }

    /// Writes distributions with Benchmarks/make-python-dists.py and returns their paths in the order written.
    func make(_ directory: String, _ arguments: [String]) async throws -> [String] {
        let out = work.path(directory)
        let result = try await run("python", [Self.distMaker(), out] + arguments)
        guard result.status == 0 else { throw E2EFailure("make-python-dists \(arguments): \(result.stderr)") }
        return result.stdout.split(separator: "\n").map { out + "/" + $0 }
    }

    /// The `__version__` a package installed with `--target DIR` reports, read without importing it.
    static func installedVersion(_ target: String, module: String) -> String? {
        guard let text = try? String(contentsOfFile: "\(target)/\(module)/__init__.py", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("__version__") }?
            .split(separator: "\"").dropFirst().first.map(String.init)
    }
}
