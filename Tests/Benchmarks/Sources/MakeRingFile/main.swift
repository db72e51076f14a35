import DskitKV
import Foundation

// Writes the benchmark ring (RingDescription.synthetic, 1,000 instances × 512 tokens unless told otherwise) as a
// "ringDesc" codec value, exactly what `ringctl ring --from-file` reads; or decodes such a file once and computes
// ownership, so `/usr/bin/time` can give the library's peak RSS as a whole process.
//
//   MakeRingFile write PATH [INSTANCES [TOKENS]]
//   MakeRingFile decode PATH

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 2, let mode = arguments.first else {
    FileHandle.standardError.write(Data("usage: MakeRingFile write PATH [INSTANCES [TOKENS]] | decode PATH\n".utf8))
    exit(64)
}
let path = arguments[arguments.startIndex + 1]
let numbers = arguments.dropFirst(2).compactMap { Int($0) }

switch mode {
case "write":
    let instances = numbers.first ?? 1_000
    let tokens = numbers.dropFirst().first ?? 512
    let value = RingDescription.synthetic(instances: instances, tokensPerInstance: tokens).codecValue()
    do {
        try Data(value).write(to: URL(fileURLWithPath: path))
    } catch {
        FileHandle.standardError.write(Data("MakeRingFile: cannot write \(path): \(error)\n".utf8))
        exit(73)
    }
    print("\(path): \(instances) instances x \(tokens) tokens, \(value.count) bytes")
case "decode":
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("MakeRingFile: cannot read \(path)\n".utf8))
        exit(66)
    }
    do {
        let start = ContinuousClock.now
        let ring = try RingDescription(codecValue: [UInt8](data))
        let ownership = RingOwnership(ring: ring)
        let elapsed = ContinuousClock.now - start
        let total = ownership.ownedRanges.reduce(0, +)
        print("\(ring.instances.count) instances, \(ownership.conflicts.count) conflicts, owned \(total), \(elapsed)")
    } catch {
        FileHandle.standardError.write(Data("MakeRingFile: \(error)\n".utf8))
        exit(65)
    }
default:
    FileHandle.standardError.write(Data("MakeRingFile: unknown mode \(mode)\n".utf8))
    exit(64)
}
