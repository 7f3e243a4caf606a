// A one-line progress display (uploads, fsck --verify, imports), shown only when standard error is a terminal.
import Foundation
import Synchronization

/// Redraws one line at most ten times a second: `label  43% 120.0/280.0 MB 85.2 MB/s` for a transfer, or
/// `label [#####...............] 120/1000 files  45.2/380.0 MB  12.3 MB/s  ETA 0:27` for many files.
/// Logs and pipes get nothing from it.
final class ProgressMeter: Sendable {
    let isEnabled: Bool
    private let label: String
    private let start = ContinuousClock.now
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        isEnabled = enabled
    }

    /// Bytes of one transfer.
    @Sendable func update(sent: Int64, total: Int64) {
        guard total > 0 else { return }
        draw(final: false) { rate in
            String(format: "%@  %3d%% %.1f/%.1f MB %.1f MB/s", label, Int(100 * sent / total),
                   Double(sent) / 1e6, Double(total) / 1e6, rate(sent) / 1e6)
        }
    }

    /// Files and bytes of many files; the last file always draws, so the line ends complete.
    func update(files: Int, of totalFiles: Int, bytes: Int64, of totalBytes: Int64) {
        draw(final: files >= totalFiles) { rate in
            let fraction = totalBytes > 0 ? Double(bytes) / Double(totalBytes) : (totalFiles > 0 ? Double(files) / Double(totalFiles) : 1)
            let filled = Int((min(1, fraction) * 20).rounded(.down))
            let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
            let bytesPerSecond = rate(bytes)
            let remaining = bytesPerSecond > 0 ? Double(totalBytes - bytes) / bytesPerSecond : 0
            return String(format: "%@ %@ %d/%d files  %.1f/%.1f MB  %.1f MB/s  ETA %@", label, bar, files, totalFiles,
                          Double(bytes) / 1e6, Double(totalBytes) / 1e6, bytesPerSecond / 1e6, Self.clock(remaining))
        }
    }

    func finish() {
        if isEnabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// m:ss, or h:mm:ss from an hour up.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (hours, minutes, rest) = (total / 3600, (total % 3600) / 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }

    /// Redraws with `line` (given bytes → bytes per second since the start) unless the last draw was under 100 ms ago.
    private func draw(final: Bool, _ line: (_ rate: (Int64) -> Double) -> String) {
        guard isEnabled else { return }
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last -> Bool in
            if let last, now - last < .milliseconds(100), !final { return false }
            last = now
            return true
        }
        guard due else { return }
        let elapsed = now - start
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        FileHandle.standardError.write(Data(("\r" + line { Double($0) / seconds }).utf8))
    }
}
