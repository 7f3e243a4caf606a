// The characters no name may hold because they change how a name looks: control, bidirectional and invisible ones.

/// Classes of Unicode scalars that `NameRules` refuses in every identifier and that pages show as U+FFFD
/// (`HTMLText.displayed`), so a listing never shows a name other than the one it links to.
public enum NameCharacters {
    /// C0 and C1 controls and DEL.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: return false
        }
    }

    /// The Unicode Bidi_Control characters: ALM (U+061C), LRM and RLM (U+200E, U+200F), the embeddings and
    /// overrides (U+202A–U+202E) and the isolates (U+2066–U+2069). `evil\u{202E}gpj.exe` shows as `evilexe.jpg`.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Characters with no visible form of their own: the format characters (general category Cf: U+200B zero
    /// width space, U+00AD soft hyphen, U+FEFF, U+2060 word joiner, tags, …) and the other default-ignorable
    /// code points (U+034F, the Hangul fillers, U+180B–U+180F, unassigned ignorables). Kept: U+200C ZERO WIDTH
    /// NON-JOINER and U+200D ZERO WIDTH JOINER (Persian and Indic spelling, emoji sequences) and the variation
    /// selectors (emoji and CJK presentation), which real names need. Bidi controls are Cf too; they are
    /// reported by `isBidiControl` first.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0x80 else { return false }
        switch scalar.value {
        case 0x200C, 0x200D, 0xFE00...0xFE0F, 0xE0100...0xE01EF: return false
        default: return scalar.properties.generalCategory == .format || scalar.properties.isDefaultIgnorableCodePoint
        }
    }

    /// Any of the above: what a page replaces with U+FFFD (tab, line feed and carriage return excepted by callers
    /// that show multi-line text).
    public static func disguises(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || isBidiControl(scalar) || isInvisible(scalar)
    }
}
