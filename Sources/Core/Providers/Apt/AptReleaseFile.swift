// The text of dist-level and per-index Release files.
import Foundation

enum AptReleaseFile {
    /// `dists/<dist>/Release`: what the dist holds and the size and digests of every index file in it.
    static func distRelease(repository: String, dist: String, components: [String], architectures: [String],
                            date: Date, validFor: Duration?, files: [(path: String, digests: AptIndexDigests)]) -> String {
        var text = """
            Origin: \(repository)
            Label: \(repository)
            Suite: \(dist)
            Codename: \(dist)
            Date: \(rfc2822(date))

            """
        if let validFor {
            let seconds = Double(validFor.components.seconds) + Double(validFor.components.attoseconds) / 1e18
            text += "Valid-Until: \(rfc2822(date.addingTimeInterval(seconds)))\n"
        }
        // `all` packages are copied into every binary-<arch> index, so apt need not fetch binary-all.
        text += """
            Acquire-By-Hash: yes
            No-Support-for-Architecture-all: Packages
            Architectures: \((["all"] + architectures).joined(separator: " "))
            Components: \(components.joined(separator: " "))
            Description: artifactfs apt repository \(repository), dist \(dist)

            """
        let width = String(files.map(\.digests.size).max() ?? 0).count
        text += checksumList("MD5Sum", files, width: width) { $0.md5 }
        text += checksumList("SHA1", files, width: width) { $0.sha1 }
        text += checksumList("SHA256", files, width: width) { $0.sha256.hex }
        text += checksumList("SHA512", files, width: width) { $0.sha512 }
        return text
    }

    private static func checksumList(_ field: String, _ files: [(path: String, digests: AptIndexDigests)], width: Int,
                                     digest: (AptIndexDigests) -> String) -> String {
        var text = "\(field):\n"
        for file in files {
            let size = String(file.digests.size)
            text += " \(digest(file.digests)) \(String(repeating: " ", count: max(0, width - size.count)))\(size) \(file.path)\n"
        }
        return text
    }

    /// `dists/<dist>/<component>/binary-<arch>/Release`, as Debian's archive writes them.
    static func indexRelease(repository: String, dist: String, component: String, architecture: String) -> String {
        """
        Archive: \(dist)
        Origin: \(repository)
        Label: \(repository)
        Acquire-By-Hash: yes
        Component: \(component)
        Architecture: \(architecture)

        """
    }

    /// `Sat, 27 Nov 2026 01:40:00 UTC`, the form apt parses.
    static func rfc2822(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        return "\(weekdays[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) UTC"
    }
}
