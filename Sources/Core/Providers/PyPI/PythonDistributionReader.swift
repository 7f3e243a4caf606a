// Reads a wheel or an sdist completely and checks it is what its file name says, as ingestion requires.

/// Validates a Python distribution on disk. Every entry is decompressed to its end within a byte budget, so
/// corrupt, truncated and bomb archives are refused at upload rather than at install time.
public enum PythonDistributionReader {
    /// A WHEEL file is a handful of lines.
    static let wheelFileBytesMax = 64 << 10

    /// Reads the archive at `path`, which was uploaded as `filename`. `decompressedBytesMax` bounds what all
    /// entries together may expand to. Throws a message for the uploader when the file name is not a
    /// distribution's, the content is not the archive the name promises, the metadata is missing or invalid,
    /// or the metadata's project and version differ from the file name's.
    public static func read(path: String, filename: String,
                            decompressedBytesMax: Int64) throws(PythonPackageError) -> PythonDistribution {
        if filename.hasSuffix(".whl") {
            let name = try WheelFilename(filename)
            return try readWheel(path: path, name: name, decompressedBytesMax: decompressedBytesMax)
        }
        guard let format = SdistFilename.format(of: filename) else {
            throw PythonPackageError("'\(PythonArchive.printable(filename))' is not a Python distribution: "
                + "only .whl, .tar.gz and .zip are Python distributions")
        }
        return try readSdist(path: path, filename: filename, format: format, decompressedBytesMax: decompressedBytesMax)
    }

    /// Parses a METADATA or PKG-INFO file and its Name and Version; errors start with `path`.
    static func identity(_ bytes: [UInt8], path: String) throws(PythonPackageError)
        -> (metadata: CoreMetadata, project: PythonProjectName, version: PEP440Version) {
        let shown = PythonArchive.printable(path)
        do {
            let metadata = try CoreMetadata(bytes: bytes)
            return (metadata, try PythonProjectName(metadata.name), try PEP440Version(metadata.version))
        } catch {
            throw PythonPackageError("\(shown): \(error.message)")
        }
    }
}
