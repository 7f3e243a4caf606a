// Source distributions: one top-level directory with PKG-INFO directly inside, named as PKG-INFO says.

extension PythonDistributionReader {
    static func readSdist(path: String, filename: String, format: SdistFilename.Format,
                          decompressedBytesMax: Int64) throws(PythonPackageError) -> PythonDistribution {
        let archive = try PythonArchive(path: path, role: "a \(format.rawValue) source distribution",
                                        container: format == .zip ? .zip : .tar,
                                        compression: format == .zip ? .none : .gzip,
                                        decompressedBytesMax: decompressedBytesMax)
        var scan = SdistScan()
        while let entry = try archive.next() { try scan.visit(entry, in: archive) }
        guard let top = scan.top else { throw PythonPackageError("the archive is empty") }
        let pkgInfoPath = top + "/PKG-INFO"
        guard let pkgInfo = scan.pkgInfo else {
            let deeper = scan.deeperPkgInfo.map { ", only '\(printable($0))', which is not the distribution's" } ?? ""
            throw PythonPackageError("the source distribution has no \(printable(pkgInfoPath))\(deeper)")
        }
        let (metadata, project, version) = try identity(pkgInfo, path: pkgInfoPath)
        try SdistFilename.check(filename, project: project, version: version)
        return PythonDistribution(kind: .sdist, project: project, version: version, pythonTag: "source",
                                  metadata: metadata, metadataBytes: pkgInfo)
    }
}

/// What a walk over an sdist's entries found: its top-level directory and the PKG-INFO right inside it.
private struct SdistScan {
    var top: String?
    var pkgInfo: [UInt8]?
    /// The first PKG-INFO further down (an egg-info's), named in the error when the real one is missing.
    var deeperPkgInfo: String?

    mutating func visit(_ entry: PythonArchive.Entry, in archive: PythonArchive) throws(PythonPackageError) {
        let parts = entry.components
        guard let first = parts.first else { return try archive.drain(entry) }
        if let top, top != first {
            throw PythonPackageError("all files of a source distribution must be in one top-level directory, but the "
                + "archive holds '\(printable(top))/' and '\(printable(entry.path))'")
        }
        guard parts.count > 1 || entry.info.isDirectory else {
            throw PythonPackageError("'\(printable(entry.path))' is not inside a top-level directory; a source distribution "
                + "holds everything in one")
        }
        top = String(first)
        if parts.count == 2 && parts[1] == "PKG-INFO" {
            guard pkgInfo == nil else { throw PythonPackageError("the archive holds '\(printable(entry.path))' twice") }
            pkgInfo = try archive.read(entry, maxBytes: CoreMetadata.bytesMax)
            return
        }
        if parts.last == "PKG-INFO" && deeperPkgInfo == nil { deeperPkgInfo = entry.path }
        try archive.drain(entry)
    }
}

private func printable(_ raw: String) -> String { PythonArchive.printable(raw) }
