// Wheels (PEP 427): one top-level .dist-info directory whose METADATA and WHEEL agree with the file name.

extension PythonDistributionReader {
    static func readWheel(path: String, name: WheelFilename,
                          decompressedBytesMax: Int64) throws(PythonPackageError) -> PythonDistribution {
        let archive = try PythonArchive(path: path, role: "a wheel", container: .zip, compression: .none,
                                        decompressedBytesMax: decompressedBytesMax)
        var scan = WheelScan()
        while let entry = try archive.next() { try scan.visit(entry, in: archive) }
        guard let distInfo = scan.distInfo else {
            throw PythonPackageError("not a wheel: the archive has no top-level .dist-info directory")
        }
        let metadataPath = distInfo + "/METADATA", wheelPath = distInfo + "/WHEEL"
        guard let metadataBytes = scan.metadata else {
            throw PythonPackageError("the wheel has no \(printable(metadataPath))")
        }
        guard let wheelBytes = scan.wheel else { throw PythonPackageError("the wheel has no \(printable(wheelPath))") }
        let (metadata, project, version) = try identity(metadataBytes, path: metadataPath)
        guard name.project == project else {
            throw PythonPackageError(
                "the file name says project '\(name.distribution)' but METADATA says '\(project.rawValue)'")
        }
        guard name.parsedVersion == version else {
            throw PythonPackageError("the file name says version '\(name.version)' but METADATA says '\(version)'")
        }
        guard distInfo.hasSuffix(".dist-info"),
              SdistFilename.matches(String(distInfo.dropLast(10)), project: project, version: version) else {
            throw PythonPackageError("the metadata directory '\(printable(distInfo))' does not match project "
                + "'\(project.rawValue)' version '\(version)' from METADATA (expected "
                + "'\(SdistFilename.pep625Stem(project: project, version: version)).dist-info')")
        }
        try checkWheelVersion(wheelBytes, path: wheelPath)
        return PythonDistribution(kind: .wheel, project: project, version: version, pythonTag: name.pythonTagText,
                                  metadata: metadata, metadataBytes: metadataBytes)
    }

    /// Installers refuse a wheel whose major Wheel-Version they do not know; so do we, at upload.
    private static func checkWheelVersion(_ bytes: [UInt8], path: String) throws(PythonPackageError) {
        let fields: [CoreMetadata.Field]
        do { fields = try MetadataHeaders.parse(bytes).fields } catch {
            throw PythonPackageError("\(printable(path)): \(error.message)")
        }
        guard let version = fields.first(where: { $0.name.lowercased() == "wheel-version" })?.value else {
            throw PythonPackageError("\(printable(path)) has no Wheel-Version field")
        }
        let major = version.split(separator: ".", omittingEmptySubsequences: false).first ?? ""
        guard major.count > 0, major.allSatisfy({ $0.isASCII && $0.isNumber }), Int(major) == 1 else {
            throw PythonPackageError(
                "\(printable(path)): Wheel-Version '\(printable(version))' is not supported (only 1.x)")
        }
    }
}

/// What a walk over a wheel's entries found at the top-level `.dist-info` directory.
private struct WheelScan {
    var distInfo: String?
    var metadata: [UInt8]?
    var wheel: [UInt8]?

    /// Reads METADATA and WHEEL, drains everything else. A second .dist-info directory stops the walk at once, so
    /// a crafted wheel cannot make us hold many METADATA files.
    mutating func visit(_ entry: PythonArchive.Entry, in archive: PythonArchive) throws(PythonPackageError) {
        let parts = entry.components
        guard let top = parts.first, top.hasSuffix(".dist-info"), parts.count > 1 || entry.info.isDirectory else {
            return try archive.drain(entry)
        }
        if let distInfo, distInfo != top {
            throw PythonPackageError("the wheel has two .dist-info directories, '\(printable(distInfo))' and "
                + "'\(printable(String(top)))'; a wheel has exactly one")
        }
        distInfo = String(top)
        guard parts.count == 2 else { return try archive.drain(entry) }
        switch parts[1] {
        case "METADATA": metadata = try readOnce(entry, in: archive, seen: metadata, maxBytes: CoreMetadata.bytesMax)
        case "WHEEL":
            wheel = try readOnce(entry, in: archive, seen: wheel, maxBytes: PythonDistributionReader.wheelFileBytesMax)
        default: try archive.drain(entry)
        }
    }

    /// A zip may name one path twice; which copy an installer picks is not defined, so neither is accepted.
    private func readOnce(_ entry: PythonArchive.Entry, in archive: PythonArchive, seen: [UInt8]?,
                          maxBytes: Int) throws(PythonPackageError) -> [UInt8] {
        guard seen == nil else { throw PythonPackageError("the wheel holds '\(printable(entry.path))' twice") }
        return try archive.read(entry, maxBytes: maxBytes)
    }
}

private func printable(_ raw: String) -> String { PythonArchive.printable(raw) }
