// The ar members of a .deb in the order dpkg requires: debian-binary, control.tar*, data.tar*.

/// An ar member the reader is positioned on, with the compression its name promises.
struct DebMember {
    let name: String
    let size: Int64
    let expectedCompression: ArchiveReader.Compression

    /// The name promised a compression; the bytes must agree, as dpkg-deb picks the decoder by name.
    func checkDetected(_ reader: ArchiveReader) throws(DebPackageError) {
        guard reader.format == .tar else { throw DebPackageError("\(name) is not a tar archive") }
        guard reader.compression == expectedCompression else {
            let found = reader.compression == .none ? "not compressed" : "\(reader.compression.rawValue)-compressed"
            throw DebPackageError("\(name) is \(found), which its name does not say")
        }
    }
}

/// Walks the outer ar archive; members named `_…` (signatures, vendor data) are skipped as dpkg skips them.
struct DebMembers {
    let reader: ArchiveReader

    private static let extensions: [String: ArchiveReader.Compression] = [
        "": .none, ".gz": .gzip, ".xz": .xz, ".zst": .zstd, ".bz2": .bzip2,
    ]

    /// The first member must be `debian-binary` holding format 2.x; anything else is not a binary package.
    func expectDebianBinary() throws(DebPackageError) {
        let first: ArchiveEntryInfo?
        do { first = try reader.next() } catch { throw DebPackageError("not a Debian package: not an ar archive") }
        // dpkg refuses a compressed ar (say, a gzipped .deb); the reader does not even try to decompress one.
        guard reader.format == .ar, reader.compression == .none else {
            throw DebPackageError("not a Debian package: not an ar archive")
        }
        guard let first else { throw DebPackageError("not a Debian package: the ar archive is empty") }
        guard first.path == "debian-binary" else {
            throw DebPackageError("not a Debian package: the first member is '\(printable(first.path))', not debian-binary")
        }
        let content: [UInt8]
        do { content = try reader.readData(maxBytes: 1024) } catch {
            throw DebPackageError("not a Debian package: unreadable debian-binary member (\(error.message))")
        }
        guard content.starts(with: Array("2.".utf8)) else {
            let shown = String(decoding: content.prefix(16), as: UTF8.self).trimmingTrailingNewlines
            throw DebPackageError("unsupported Debian package format '\(printable(shown))' (only 2.x is supported)")
        }
    }

    /// The next non-`_` member, which must be `<base>` or `<base>.<compression>`.
    func expect(_ base: String) throws(DebPackageError) -> DebMember {
        guard let entry = try nextMember() else { throw DebPackageError("not a Debian package: no \(base) member") }
        guard entry.path.hasPrefix(base) else {
            throw DebPackageError("not a Debian package: expected a \(base) member, found '\(printable(entry.path))'")
        }
        guard let compression = Self.extensions[String(entry.path.dropFirst(base.count))] else {
            throw DebPackageError("unsupported member '\(printable(entry.path))' (expected \(base), \(base).gz, .xz, .zst or .bz2)")
        }
        return DebMember(name: entry.path, size: entry.size, expectedCompression: compression)
    }

    /// The current member's bytes, refused beyond `maxBytes`.
    func read(_ member: DebMember, maxBytes: Int) throws(DebPackageError) -> [UInt8] {
        guard member.size <= Int64(maxBytes) else {
            throw DebPackageError("\(member.name) is larger than \(maxBytes >> 20) MiB")
        }
        do { return try reader.readData(maxBytes: maxBytes) } catch {
            throw DebPackageError("\(member.name): \(error.message)")
        }
    }

    /// Reads the data.tar member as a tar archive to its end (streamed, never held in memory): a truncated or
    /// corrupt payload, or one compressed otherwise than its name says, is refused here and not at install time.
    func validateData(_ member: DebMember, decompressedBytesMax: Int64) throws(DebPackageError) {
        func archive<T>(_ body: () throws(ArchiveError) -> T) throws(DebPackageError) -> T {
            do { return try body() } catch { throw DebPackageError("\(member.name): \(error.message)") }
        }
        let data = try archive { () throws(ArchiveError) in
            // dpkg unpacks data.tar with its own checks, and absolute symbolic links are normal there.
            try ArchiveReader(entryOf: reader, formats: .tar, entryPaths: .notExtracted,
                              decompressedBytesMax: decompressedBytesMax)
        }
        defer { data.close() }
        var first = true
        while try archive({ () throws(ArchiveError) in try data.next() }) != nil {
            if first { try member.checkDetected(data) }
            first = false
            try archive { () throws(ArchiveError) in try data.drainData() }
        }
    }

    /// Nothing but `_` members may follow data.tar, and the archive must end cleanly.
    func expectEnd() throws(DebPackageError) {
        if let extra = try nextMember() {
            throw DebPackageError("not a Debian package: unexpected member '\(printable(extra.path))' after data.tar")
        }
    }

    private func nextMember() throws(DebPackageError) -> ArchiveEntryInfo? {
        do {
            while let entry = try reader.next() {
                guard entry.path.hasPrefix("_") else { return entry }
                try reader.drainData()
            }
            return nil
        } catch {
            throw DebPackageError("corrupt ar archive: \(error.message)")
        }
    }

    private func printable(_ raw: String) -> String { IdentifierError.printable(raw) }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var copy = self
        while copy.last?.isNewline == true { copy.removeLast() }
        return copy
    }
}
