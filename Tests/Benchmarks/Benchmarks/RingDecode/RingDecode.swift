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

/// Every range of `view` under Write, RF 3 zone-aware, now and with the first instance down (one sweep).
func sweepWithFirstDown(_ view: ReplicationRing, attribute: Bool) -> [QuorumOutcome] {
    let inputs = ReplicaInputs(
        operation: .write, states: view.instances.map(\.state),
        heartbeatHealthy: view.heartbeatHealthy(now: 1_767_225_600, timeoutSeconds: 60))
    var down = inputs.healthy
    down[0] = false
    return QuorumSweep.run(
        ring: view, settings: ReplicationSettings(replicationFactor: 3, zoneAwareness: true),
        extends: inputs.extends, healthy: [inputs.healthy, down], attribute: attribute
    ).outcomes
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

    // issue 11: every token range of the 1000x512 ring walked as dskit's Write builds replica sets (RF 3, zone-aware,
    // 3 zones), judged now and with one instance down (one sweep, two health assignments). Goal: ≤ 50 ms.
    Benchmark("Replication: quorum sweep, 1000x512, RF 3 zone-aware, one instance down") { benchmark, ring in
        let view = ReplicationRing(ring: ring)
        for _ in benchmark.scaledIterations {
            blackHole(sweepWithFirstDown(view, attribute: false))
        }
    } setup: {
        RingDescription.synthetic(instances: ringInstances, tokensPerInstance: ringTokensPerInstance)
    }

    // The same from the decoded ring: token table and client view built inside the loop too.
    Benchmark("Replication: view + quorum sweep + rollout attribution (1000x512, decoded)") { benchmark, ring in
        for _ in benchmark.scaledIterations {
            blackHole(sweepWithFirstDown(ReplicationRing(ring: ring), attribute: true))
        }
    } setup: {
        RingDescription.synthetic(instances: ringInstances, tokensPerInstance: ringTokensPerInstance)
    }

    // `ringctl ring --replication-factor 3 --zone-awareness` in DskitKV: decode, one token table for ownership and
    // effective ownership.
    Benchmark("Replication: decode + ownership + effective ownership (1000x512, RF 3 zone-aware)") { benchmark, value in
        for _ in benchmark.scaledIterations {
            do {
                let ring = try RingDescription(codecValue: value)
                let table = RingTokenTable(ring: ring)
                blackHole(RingOwnership(ring: ring, table: table))
                blackHole(EffectiveOwnership(
                    ring: ReplicationRing(ring: ring, table: table),
                    settings: ReplicationSettings(replicationFactor: 3, zoneAwareness: true)))
            } catch {
                benchmark.error("ring decode failed: \(error)")
            }
        }
    } setup: {
        syntheticRingValue()
    }
}
