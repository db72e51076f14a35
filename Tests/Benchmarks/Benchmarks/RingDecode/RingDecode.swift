import Benchmark
import DskitKV
import Foundation

// issue 3, Performance: decode a ring.Desc of 1,000 instances × 512 tokens, snappy'd as dskit stores it under
// codec "ringDesc", and compute every instance's ownership. Goal: ≤ 15 ms and ≤ 64 MiB peak memory.
// The value is built once (setup) from `RingDescription.synthetic`, never inside the measured loop.
// The split benchmarks (decode only, ownership only, full report) say where the time goes.

let ringInstances = 1_000
let ringTokensPerInstance = 512

/// The "ringDesc" value of the benchmark ring: snappy(protobuf ring.Desc), about 2.6 MB.
func syntheticRingValue() -> [UInt8] {
    RingDescription.synthetic(instances: ringInstances, tokensPerInstance: ringTokensPerInstance).codecValue()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [
            .wallClock, .throughput, .peakMemoryResident, .peakMemoryResidentDelta, .mallocCountTotal,
            .mallocBytesCount,
        ],
        warmupIterations: 3,
        maxDuration: .seconds(5),
        maxIterations: 200
    )

    Benchmark("RingDecode: ring.Desc 1000x512 decode + ownership") { benchmark, value in
        for _ in benchmark.scaledIterations {
            do {
                let ring = try RingDescription(codecValue: value)
                blackHole(RingOwnership(ring: ring))
            } catch {
                benchmark.error("ring decode failed: \(error)")
            }
        }
    } setup: {
        syntheticRingValue()
    }

    Benchmark("RingDecode: ring.Desc 1000x512 decode only") { benchmark, value in
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try RingDescription(codecValue: value))
            } catch {
                benchmark.error("ring decode failed: \(error)")
            }
        }
    } setup: {
        syntheticRingValue()
    }

    Benchmark("RingDecode: ownership only (1000x512, decoded)") { benchmark, ring in
        for _ in benchmark.scaledIterations {
            blackHole(RingOwnership(ring: ring))
        }
    } setup: {
        RingDescription.synthetic(instances: ringInstances, tokensPerInstance: ringTokensPerInstance)
    }

    // What `ringctl ring --from-file` computes in DskitKV before Inspection words it: decode, ownership, health.
    Benchmark("RingDecode: decode + ownership + health (1000x512)") { benchmark, value in
        for _ in benchmark.scaledIterations {
            do {
                let ring = try RingDescription(codecValue: value)
                blackHole(RingOwnership(ring: ring))
                blackHole(try RingHealth(
                    ring: ring, now: Date(timeIntervalSince1970: 1_767_225_600), heartbeatTimeout: .seconds(60),
                    stuckAfter: nil))
            } catch {
                benchmark.error("ring report failed: \(error)")
            }
        }
    } setup: {
        syntheticRingValue()
    }
}
