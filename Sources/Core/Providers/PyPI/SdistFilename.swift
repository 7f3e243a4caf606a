// Source distribution file names, checked against the name and version PKG-INFO states.

/// Legacy sdist names like `python-dateutil-2.8.2.tar.gz` cannot be split on their own (both parts may hold
/// '-'), so a name is checked against the project and version its metadata states instead of parsed.
public enum SdistFilename {
    public enum Format: String, Sendable, CaseIterable {
        case tarGzip = ".tar.gz"
        case zip = ".zip"
    }

    /// The format the extension names, or nil for any other (`.tar.bz2`, `.tgz`... are not accepted).
    public static func format(of filename: String) -> Format? {
        Format.allCases.first { filename.hasSuffix($0.rawValue) && filename.utf8.count > $0.rawValue.utf8.count }
    }

    /// Throws unless the stem (the name minus its extension) is `<name>-<version>` with `<name>` normalizing to
    /// `project.normalized` and `<version>` equal to `version` under PEP 440, at some '-' of the stem.
    public static func check(_ filename: String, project: PythonProjectName,
                             version: PEP440Version) throws(PythonPackageError) {
        let shown = IdentifierError.printable(filename)
        guard let format = format(of: filename) else {
            throw PythonPackageError("'\(shown)' is not a source distribution name: it must end in .tar.gz or .zip")
        }
        let stem = String(filename.dropLast(format.rawValue.count))
        let versionsAfterName = splits(stem).filter { project.isSpelled($0.name) }
        let expected = pep625Stem(project: project, version: version) + format.rawValue
        guard !versionsAfterName.isEmpty else {
            throw PythonPackageError("the file name '\(shown)' does not start with project '\(project.rawValue)' "
                + "followed by '-' as PKG-INFO states (expected '\(expected)')")
        }
        guard !versionsAfterName.contains(where: { (try? PEP440Version($0.version)) == version }) else { return }
        let found = IdentifierError.printable(versionsAfterName[0].version)
        throw PythonPackageError(
            "the file name says version '\(found)' but PKG-INFO says '\(version)' (expected '\(expected)')")
    }

    /// Whether `stem` is `<name>-<version>` for this project and version at some '-' (the dist-info check too).
    static func matches(_ stem: String, project: PythonProjectName, version: PEP440Version) -> Bool {
        splits(stem).contains {
            project.isSpelled($0.name) && (try? PEP440Version($0.version)) == version
        }
    }

    /// PEP 625's spelling: the name with each run of `-_.` as `_`, lowercased, then the normalized version.
    static func pep625Stem(project: PythonProjectName, version: PEP440Version) -> String {
        String(project.normalized.map { $0 == "-" ? "_" : $0 }) + "-" + version.normalized
    }

    /// Every way to cut `stem` at one '-' into two non-empty halves.
    private static func splits(_ stem: String) -> [(name: String, version: String)] {
        stem.indices.filter { stem[$0] == "-" }.compactMap { dash in
            let name = stem[..<dash], version = stem[stem.index(after: dash)...]
            return name.isEmpty || version.isEmpty ? nil : (String(name), String(version))
        }
    }
}
