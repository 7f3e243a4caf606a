// The one error every Python packaging check throws: a sentence written for the uploader.

/// Why a Python name, version, file name, metadata file or distribution was refused; `message` says
/// which rule failed and what was found, so it can go into an HTTP response unchanged.
public struct PythonPackageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
