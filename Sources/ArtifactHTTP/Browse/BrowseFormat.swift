// How the browse pages write sizes and times: short for people, exact in a tooltip.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum BrowseFormat {
    /// `812 B`, `14.2 KiB`, `3.0 MiB`: binary units, one decimal from KiB up.
    static func size(_ bytes: Int64) -> String {
        guard bytes >= 1024 else { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        for unit in ["KiB", "MiB", "GiB", "TiB"] {
            if value < 1024 || unit == "TiB" { return String(format: "%.1f", value) + " " + unit }
            value /= 1024
        }
        return "\(bytes) B"
    }

    /// `2026-11-27 09:58 UTC`: minutes are enough to read, and the tooltip carries the seconds (`exactTime`).
    static func time(_ date: Date) -> String {
        let parts = utc(date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min)
    }

    /// RFC 3339 in UTC, for the `datetime` attribute of `<time>`.
    static func exactTime(_ date: Date) -> String {
        let parts = utc(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    private static func utc(_ date: Date) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return parts
    }
}
