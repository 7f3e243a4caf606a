// Whether a path is a mount point, from the kernel's mount table of this process.
import Foundation

public enum MountTable {
    /// True when `path` (made absolute) is listed in /proc/self/mountinfo.
    public static func contains(_ path: String) -> Bool {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            // mountinfo escapes spaces in paths as \040.
            return fields.count > 4 && fields[4].replacingOccurrences(of: "\\040", with: " ") == absolute
        }
    }
}
