// The import's progress line on a terminal: files, bytes, rate and time left.
import Foundation
import Synchronization

/// Redraws `[#####.....]  120/1000 files  45.2/380.0 MB  12.3 MB/s  ETA 0:27` on standard error, at most ten
/// times a second, only when standard error is a terminal (logs and pipes get the summary alone).
final class ImportProgress: Sendable {
    let isEnabled: Bool
    private let totalFiles: Int
    private let totalBytes: Int64
    private let start = ContinuousClock.now
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(totalFiles: Int, totalBytes: Int64, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.totalFiles = totalFiles
        self.totalBytes = totalBytes
        isEnabled = enabled
    }

    func update(files: Int, bytes: Int64) {
        guard isEnabled else { return }
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last -> Bool in
            if let last, now - last < .milliseconds(100), files < totalFiles { return false }
            last = now
            return true
        }
        if due { FileHandle.standardError.write(Data(("\r" + line(files: files, bytes: bytes, elapsed: now - start)).utf8)) }
    }

    func finish() {
        if isEnabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// The line itself (without the carriage return); the estimate follows the byte rate so far.
    func line(files: Int, bytes: Int64, elapsed: Duration) -> String {
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let fraction = totalBytes > 0 ? Double(bytes) / Double(totalBytes) : (totalFiles > 0 ? Double(files) / Double(totalFiles) : 1)
        let filled = Int((min(1, fraction) * 20).rounded(.down))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
        let rate = Double(bytes) / seconds
        let remaining = rate > 0 ? Double(totalBytes - bytes) / rate : 0
        return String(format: "%@ %d/%d files  %.1f/%.1f MB  %.1f MB/s  ETA %@", bar, files, totalFiles,
                      Double(bytes) / 1e6, Double(totalBytes) / 1e6, rate / 1e6, Self.clock(remaining))
    }

    /// m:ss, or h:mm:ss from an hour up.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, rest) = (total / 3600, (total % 3600) / 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }
}
