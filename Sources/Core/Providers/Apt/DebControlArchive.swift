// control.tar of a .deb, opened from memory: finds the control file and checks the compression is the named one.

/// The parsed `control` file of a control.tar member.
struct DebControlArchive {
    let paragraph: Deb822Paragraph
    let compression: ArchiveReader.Compression

    /// Reads every entry (so corruption anywhere in the member surfaces) and parses `./control`.
    static func read(_ bytes: [UInt8], member: DebMember, decompressedBytesMax: Int64) throws(DebPackageError) -> DebControlArchive {
        let limit = DebPackageReader.controlFileBytesMax
        let reader: ArchiveReader
        do {
            // dpkg unpacks the control archive (maintainer scripts) into its own directory: nothing may leave it.
            reader = try ArchiveReader(bytes: bytes, formats: .tar, entryPaths: .safeToExtract,
                                       decompressedBytesMax: decompressedBytesMax)
        } catch {
            throw DebPackageError("\(member.name) is not a tar archive: \(error.message)")
        }
        defer { reader.close() }
        // libarchive's messages, prefixed with the member they are about.
        func archive<T>(_ body: () throws(ArchiveError) -> T) throws(DebPackageError) -> T {
            do { return try body() } catch { throw DebPackageError("\(member.name): \(error.message)") }
        }
        var control: [UInt8]?
        var checked = false
        while let entry = try archive({ () throws(ArchiveError) in try reader.next() }) {
            if !checked { try member.checkDetected(reader) }
            checked = true
            guard entry.path == "./control" || entry.path == "control" else {
                try archive { () throws(ArchiveError) in try reader.drainData() }
                continue
            }
            guard entry.isRegularFile else { throw DebPackageError("the control file in \(member.name) is not a regular file") }
            guard control == nil else { throw DebPackageError("\(member.name) has two control files") }
            guard entry.size <= Int64(limit) else { throw DebPackageError("control file is larger than \(limit >> 20) MiB") }
            control = try archive { () throws(ArchiveError) in try reader.readData(maxBytes: limit) }
        }
        guard let control else { throw DebPackageError("control.tar has no control file") }
        do {
            return DebControlArchive(paragraph: try Deb822Paragraph.parseSingle(control), compression: member.expectedCompression)
        } catch {
            throw DebPackageError("control file: \(error.description)")
        }
    }
}
