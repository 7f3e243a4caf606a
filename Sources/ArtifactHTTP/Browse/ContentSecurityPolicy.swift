// The Content-Security-Policy of the browse pages: if escaping ever failed, injected scripts still would not run.
import Core
import Foundation

enum ContentSecurityPolicy {
    /// Inline styles are allowed (the pages carry their style sheet); the only script allowed is the page's own
    /// copy-button script, named by its SHA-256; no other origin, no framing, forms post only here.
    static let header: String = {
        "default-src 'none'; style-src 'unsafe-inline'; script-src '\(scriptSource(BrowseStyle.copyScript.markup))'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }()

    /// `sha256-<base64>` of a script's text, as CSP spells a hash source.
    static func scriptSource(_ script: String) -> String {
        let hex = SHA256Digest(of: Array(script.utf8)).hex
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return "sha256-" + Data(bytes).base64EncodedString()
    }
}
