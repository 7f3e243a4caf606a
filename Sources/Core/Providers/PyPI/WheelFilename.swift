// PEP 427 wheel file names: `{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`.

/// A wheel file name split into its parts; the distribution and version are validated, the tags only split.
public struct WheelFilename: Sendable, Equatable {
    /// As in the file name (old wheels may spell it `Django` or `zope.interface`).
    public let distribution: String
    /// As in the file name.
    public let version: String
    /// Starts with a digit; breaks ties between wheels of one version.
    public let buildTag: String?
    /// Compressed tag sets split on `.`: `py2.py3` → `["py2", "py3"]`.
    public let pythonTags: [String]
    public let abiTags: [String]
    /// `manylinux_2_17_x86_64.manylinux2014_x86_64` → two tags.
    public let platformTags: [String]
    /// The python tag part as written (`py2.py3`): twine's `pyversion`.
    public let pythonTagText: String
    /// `distribution` validated; compares the PEP 503 way.
    public let project: PythonProjectName
    /// `version` parsed.
    public let parsedVersion: PEP440Version

    /// Throws naming the part of `filename` that breaks PEP 427.
    public init(_ filename: String) throws(PythonPackageError) {
        func fail(_ reason: String) -> PythonPackageError {
            PythonPackageError("invalid wheel file name '\(IdentifierError.printable(filename))': \(reason)")
        }
        guard filename.hasSuffix(".whl") else { throw fail("it must end in .whl") }
        let parts = Self.split(filename.dropLast(4), on: "-")
        guard parts.count == 5 || parts.count == 6 else {
            throw fail("expected 5 or 6 parts separated by '-' ({distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-"
                + "{platform tag}), found \(parts.count)")
        }
        guard !parts.contains(where: \.isEmpty) else { throw fail("a part between '-' is empty") }
        // pip refuses "__" too: it cannot come from escaping a valid name, whose separators never repeat.
        guard !parts[0].contains("__") else { throw fail("the distribution must not contain '__'") }
        do { project = try PythonProjectName(parts[0]) } catch { throw fail(error.message) }
        do { parsedVersion = try PEP440Version(parts[1]) } catch { throw fail(error.message) }
        if parts.count == 6 {
            guard parts[2].first.map({ $0.isASCII && $0.isNumber }) == true else {
                throw fail("the build tag '\(IdentifierError.printable(parts[2]))' must start with a digit")
            }
        }
        let tags = parts.suffix(3).map { Self.split(Substring($0), on: ".") }
        guard !tags.joined().contains(where: \.isEmpty) else { throw fail("a compressed tag set has an empty tag") }
        distribution = parts[0]
        version = parts[1]
        buildTag = parts.count == 6 ? parts[2] : nil
        pythonTagText = parts[parts.count - 3]
        pythonTags = tags[0]
        abiTags = tags[1]
        platformTags = tags[2]
    }

    /// Splits on every `separator` code point, as pip does: split by grapheme cluster, a '-' or '.' that a
    /// combining mark follows (or a prepended mark precedes) was no separator (found by fuzzing).
    private static func split(_ text: Substring, on separator: Unicode.Scalar) -> [String] {
        text.unicodeScalars.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}
