// PEP 503 HTML pages of the simple index, with the PEP 592, 658 and 714 data attributes.

/// Renders the HTML representation. Every value that comes from a package is escaped.
enum SimpleHTML {
    static func projectList(_ projects: [SimpleProject]) -> [UInt8] {
        var html = header(title: "Simple index")
        for project in projects {
            html += "    <a href=\"\(percentEncoded(project.normalizedName))/\">\(escaped(project.displayName))</a><br/>\n"
        }
        return Array((html + footer).utf8)
    }

    static func projectPage(_ project: SimpleProject) -> [UInt8] {
        var html = header(title: "Links for \(escaped(project.displayName))")
        for file in project.files {
            html += "    <a href=\"\(escaped(file.simpleIndexURL))#sha256=\(file.digests.sha256.hex)\""
            if let requires = file.attributes[PyPIAttribute.requiresPython] {
                html += " data-requires-python=\"\(escaped(requires))\""
            }
            if let metadata = file.coreMetadataSHA256 {
                // PEP 714 renamed the attribute; pip before 23.1 reads only the old name.
                html += " data-dist-info-metadata=\"sha256=\(metadata)\" data-core-metadata=\"sha256=\(metadata)\""
            }
            if let reason = file.attributes[PyPIAttribute.yanked] {
                html += " data-yanked=\"\(escaped(reason))\""
            }
            html += ">\(escaped(file.filename.rawValue))</a><br/>\n"
        }
        return Array((html + footer).utf8)
    }

    private static func header(title: String) -> String {
        """
        <!DOCTYPE html>
        <html>
          <head>
            <meta name="pypi:repository-version" content="\(SimpleIndexLayout.apiVersion)">
            <title>\(title)</title>
          </head>
          <body>
            <h1>\(title)</h1>

        """
    }

    private static let footer = "  </body>\n</html>\n"

    static func escaped(_ text: String) -> String { HTMLText.escaped(text) }

    /// Percent-encodes every byte outside RFC 3986's unreserved set (a local version's `+` becomes `%2B`).
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                result += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return result
    }
}
