// The libFuzzer entry points, compiled only with -DFUZZING (and linked with libFuzzer by -sanitize=fuzzer).
#if FUZZING
import ArtifactFuzzing
import CLibFuzzer
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

/// SwiftPM links every executable with `main` aliased to `<module>_main`, which would clash with the `main`
/// libFuzzer brings; defining that name and handing over to libFuzzer's driver works whichever `main` wins.
@_cdecl("ArtifactFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) }
}
#endif
