// Fuzz target `wheel-filename`: one file name through the PEP 427 wheel-name splitter.
import Core

/// A wheel's name is all the server knows of it before opening it, and pip splits the same name on '-'
/// and '.' code points. An accepted name must therefore split into parts that hold no separator and that
/// join back into exactly the name that was given.
enum WheelFilenameFuzzing {
    static func run(_ bytes: [UInt8]) {
        let filename = FuzzInput.text(bytes)
        guard let wheel = try? WheelFilename(filename) else { return }
        let context = filename.debugDescription
        let tagSets = [wheel.pythonTags, wheel.abiTags, wheel.platformTags]
        let parts = [wheel.distribution, wheel.version] + (wheel.buildTag.map { [$0] } ?? [])
            + tagSets.map { $0.joined(separator: ".") }
        let rebuilt = parts.joined(separator: "-") + ".whl"
        require(rebuilt.utf8.elementsEqual(filename.utf8), "\(context) splits into \(parts), which join as \(rebuilt.debugDescription)")
        for part in parts {
            require(!part.isEmpty && !part.unicodeScalars.contains("-"), "\(context) has the part \(part.debugDescription)")
        }
        for tag in tagSets.joined() {
            require(!tag.isEmpty && !tag.unicodeScalars.contains("."), "\(context) has the tag \(tag.debugDescription)")
        }
        require(wheel.pythonTagText == parts[parts.count - 3], "\(context): python tag text \(wheel.pythonTagText)")
        require(wheel.buildTag.map { $0.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } == true } ?? true,
                "\(context): build tag \(wheel.buildTag ?? "") does not start with a digit")
        require((try? PEP440Version(wheel.version)) == wheel.parsedVersion, "\(context): version parsed differently alone")
        require((try? PythonProjectName(wheel.distribution)) == wheel.project, "\(context): project parsed differently alone")
    }
}
