// A one-line upload progress display, shown only when standard error is a terminal.
import Foundation
import Synchronization

/// Redraws `label  43% 120.0/280.0 MB 85.2 MB/s` at most ten times a second.
final class ProgressMeter: Sendable {
    let isEnabled = isatty(STDERR_FILENO) == 1
    private let label: String
    private let start = ContinuousClock.now
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(label: String) { self.label = label }

    @Sendable func update(sent: Int64, total: Int64) {
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last -> Bool in
            if let last, now - last < .milliseconds(100) { return false }
            last = now
            return true
        }
        guard due, total > 0 else { return }
        let seconds = max(0.001, Double((now - start).components.attoseconds) / 1e18 + Double((now - start).components.seconds))
        let line = String(format: "\r%@  %3d%% %.1f/%.1f MB %.1f MB/s", label, Int(100 * sent / total),
                          Double(sent) / 1e6, Double(total) / 1e6, Double(sent) / 1e6 / seconds)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if isEnabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
