// Escaping for text put into HTML pages (the simple index, directory listings).

public enum HTMLText {
    /// Escapes the five characters that matter in HTML text and in quoted attribute values.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `escaped`, after replacing every character that could make the text look like other text with U+FFFD:
    /// controls (tab, line feed and carriage return kept), bidirectional controls and invisible characters
    /// (`NameCharacters`). Names holding them are refused now; one stored before, or a package's free text, still
    /// shows what it is instead of reversing or hiding what follows (`evil\u{202E}gpj.exe` as `evil�gpj.exe`).
    public static func displayed(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: disguises) else { return escaped(text) }
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { shown.append(disguises(scalar) ? "\u{FFFD}" : scalar) }
        return escaped(String(shown))
    }

    private static func disguises(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\t" && scalar != "\n" && scalar != "\r" && NameCharacters.disguises(scalar)
    }
}
