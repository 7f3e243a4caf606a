// The checks every settings value passes, whichever source it came from: each returns what is wrong, or nil.
import Core
import Foundation
import Logging

enum SettingsRules {
    static func listen(_ text: String) -> String? {
        do { _ = try ListenAddress(text); return nil } catch { return "must be HOST:PORT or [V6]:PORT (got '\(text)')" }
    }

    /// It is pasted into a shell script (`dists/<dist>/install`): only characters a URL needs, nothing a shell expands.
    static func publicURL(_ url: String) -> String? {
        let safe = url.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ":/.-_[]%".unicodeScalars.contains($0)) }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), safe else {
            return "must be an http:// or https:// URL of letters, digits and : / . - _ [ ] %"
        }
        return nil
    }

    static func logLevel(_ text: String) -> String? {
        Logger.Level(rawValue: text) == nil ? "must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))" : nil
    }

    /// Days of validity or expiry: 0 means none, negative makes no sense.
    static func days(_ days: Int) -> String? {
        days < 0 ? "must be 0 (none) or a positive number of days" : nil
    }

    static func s3URL(_ url: String) -> String? {
        do { _ = try S3Location(url); return nil } catch { return "\(error)" }
    }

    static func mountOptions(_ text: String) -> String? {
        do { _ = try MountFlags.options(from: text, allowOther: false); return nil } catch { return "\(error)" }
    }

    /// Debian architecture names (`amd64`, `arm64`, `riscv64`); `all` is always published and cannot be listed.
    static func architectures(_ names: [String]) -> String? {
        for name in names {
            guard !name.isEmpty, name != "all", name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                return "'\(name)' is not an architecture name (lowercase letters, digits and '-'; 'all' is implied)"
            }
        }
        return nil
    }

    /// A dist (`kind: "dist"`) or component name, as `mkdir -p pool/<dist>/<component>` would accept it.
    static func aptDirectoryName(_ name: String, kind: String) -> String? {
        do { try AptProvider.checkDirectoryName(name, kind: kind); return nil } catch { return "\(error)" }
    }
}
