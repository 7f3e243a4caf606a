// Without -DFUZZING: replays files through a fuzz target, to reproduce a finding without libFuzzer.
#if !FUZZING
import ArtifactFuzzing
import Foundation

/// `artifactfs-fuzz [TARGET] FILE|DIR...`: the target is the first argument when it names one, else
/// `ARTIFACTFS_FUZZ_TARGET`. A broken property crashes with its message, just as under libFuzzer.
@main
enum Replay {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let named = arguments.first.flatMap(FuzzTarget.init(rawValue:))
        if named != nil { arguments.removeFirst() }
        let environment = ProcessInfo.processInfo.environment[FuzzTarget.environmentVariable]
        guard let target = named ?? environment.flatMap(FuzzTarget.init(rawValue:)), !arguments.isEmpty else {
            fail("usage: artifactfs-fuzz [\(FuzzTarget.names)] FILE|DIR... (or set \(FuzzTarget.environmentVariable))")
        }
        var count = 0
        for file in arguments.flatMap(files) {
            guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
            print("\(target.rawValue): \(file)")
            target.run([UInt8](data))
            count += 1
        }
        print("\(target.rawValue): \(count) inputs, no property violated")
    }

    /// `path` itself, or the regular files below it when it is a directory, in a stable order.
    private static func files(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("no such file: \(path)") }
        guard isDirectory.boolValue else { return [path] }
        let names = ((try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []).sorted()
        return names.map { path + "/" + $0 }.filter { file in
            var nested: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &nested) && !nested.boolValue
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}
#endif
