// HTML markup that text can enter only escaped: interpolating a String into an `HTML` literal escapes it.
import Core

/// A fragment of HTML. Its literal parts are markup written in this module; every interpolated `String` is
/// escaped (and characters that disguise text replaced), an interpolated `HTML` is inserted as it is. There is no
/// initializer from a runtime string, so a catalogue value cannot become markup by mistake.
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var markup: String

    /// Literals are `StaticString`s: only text written in the source can be taken as markup.
    init(stringLiteral literal: StaticString) { markup = literal.description }

    init(stringInterpolation: StringInterpolation) { markup = stringInterpolation.markup }

    /// Fragments one after another.
    init(joining parts: [HTML]) {
        markup = parts.map(\.markup).joined()
    }

    static let empty: HTML = ""

    var description: String { markup }

    static func + (lhs: HTML, rhs: HTML) -> HTML {
        var joined = lhs
        joined.markup += rhs.markup
        return joined
    }

    struct StringInterpolation: StringInterpolationProtocol {
        typealias StringLiteralType = StaticString
        fileprivate var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: StaticString) { markup += literal.description }

        /// Text: escaped for element content and for quoted attribute values alike.
        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }

        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }

        mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { markup += part.markup }
        }

        mutating func appendInterpolation(_ number: some BinaryInteger) { markup += String(number) }
    }

    /// Escapes `& < > " '` and replaces control (other than tab, LF, CR), bidirectional and invisible characters
    /// with U+FFFD (`HTMLText.displayed`): a browser would otherwise show nothing, reorder what follows, or (for
    /// NUL) the replacement character anyway, and the DOM text a test reads would differ from what the page carries.
    static func escape(_ text: String) -> String { HTMLText.displayed(text) }
}
