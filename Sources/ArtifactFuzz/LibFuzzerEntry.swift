// The libFuzzer entry point, compiled only with -DFUZZING (libFuzzer's runtime then supplies `main`).
#if FUZZING
import ArtifactFuzzing
import Foundation

/// Read once: libFuzzer calls the entry point millions of times, and the target never changes in a run.
private let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment[FuzzTarget.environmentVariable] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set \(FuzzTarget.environmentVariable) to one of \(FuzzTarget.names)\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#endif
