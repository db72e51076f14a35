import Benchmark
import DskitKV
import Foundation
import MemberlistWire

// issue 3, Performance:
// - decode a push/pull state of 5,000 nodes, LZW-compressed (dskit compresses by default): goal ≤ 20 ms;
// - LZW decode throughput on realistic gossip bytes (1–4 MB): goal ≥ 100 MB/s;
// - msgpack small-message decode (alive / ping): goal ≥ 1,000,000 messages/s.
// Every input is built once in setup with ringctl's own encoders, from realistic names, addresses and meta.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(5),
        maxIterations: 500
    )

    let megabytesPerSecond = BenchmarkMetric.custom("decoded MB/s", polarity: .prefersLarger, useScalingFactor: false)
    // The fixture's sizes, shown as constant metrics so the table says what was measured.
    let inputKB = BenchmarkMetric.custom("input kB (fixture)", useScalingFactor: false)
    let outputKB = BenchmarkMetric.custom("output kB (fixture)", useScalingFactor: false)
    let pushPullMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .peakMemoryResident, .mallocCountTotal, inputKB]

    // The dialer's side of a dskit push/pull: label-less, LZW, 5,000 nodes, a small KV user state.
    Benchmark(
        "WireDecode: push/pull 5000 nodes, LZW (small user state)",
        configuration: .init(metrics: pushPullMetrics)
    ) { benchmark, stream in
        benchmark.measurement(inputKB, stream.count / 1_000)
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try StreamEnvelope.decode(stream))
            } catch {
                benchmark.error("push/pull decode failed: \(error)")
            }
        }
    } setup: {
        try GossipFixture.stream(userState: GossipFixture.smallUserState())
    }

    // The same with what a dskit cluster really carries in the user state: the ingester ring (1,000 × 128).
    Benchmark(
        "WireDecode: push/pull 5000 nodes + 1000x128 ring, LZW",
        configuration: .init(metrics: pushPullMetrics)
    ) { benchmark, stream in
        benchmark.measurement(inputKB, stream.count / 1_000)
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try StreamEnvelope.decode(stream))
            } catch {
                benchmark.error("push/pull decode failed: \(error)")
            }
        }
    } setup: {
        try GossipFixture.stream(userState: GossipFixture.ringUserState())
    }

    // LZW alone, on the compressed buffers of the two push/pulls above: 1.3 MB that is mostly snappy'd ring (LZW
    // gains little: the realistic dskit case), and 0.7 MB of node states only (compresses about 4:1).
    // MB/s counts decompressed bytes, as Go's compress/lzw benchmarks do.
    for (name, withRing) in [("push/pull + ring (gossip bytes)", true), ("push/pull 5000 nodes only", false)] {
        Benchmark(
            "WireDecode: LZW decompress \(name)",
            configuration: .init(metrics: [.wallClock, .throughput, megabytesPerSecond, inputKB, outputKB])
        ) { (benchmark: Benchmark, fixture: LZWFixture) in
            for _ in benchmark.scaledIterations {
                let start = ContinuousClock.now
                do {
                    let output = try LZW.decompress(fixture.compressed)
                    blackHole(output)
                } catch {
                    benchmark.error("LZW decode failed: \(error)")
                }
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                benchmark.measurement(megabytesPerSecond, Int(Double(fixture.plainCount) / 1e6 / seconds))
                benchmark.measurement(inputKB, fixture.compressed.count / 1_000)
                benchmark.measurement(outputKB, fixture.plainCount / 1_000)
            }
        } setup: { () throws -> LZWFixture in
            let userState = withRing ? GossipFixture.ringUserState() : GossipFixture.smallUserState()
            let plain = try GossipFixture.pushPullBody(userState: userState)
            return LZWFixture(compressed: LZW.compress(plain), plainCount: plain.count)
        }
    }

    // 1,000 packet messages per iteration (scaling factor kilo: throughput is in thousands of messages/s).
    Benchmark(
        "WireDecode: msgpack alive/ping messages",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark, messages in
        for index in benchmark.scaledIterations {
            do {
                blackHole(try Message(bytes: messages[index % messages.count]))
            } catch {
                benchmark.error("message decode failed: \(error)")
            }
        }
    } setup: {
        try GossipFixture.smallMessages(count: 1_000)
    }
}

struct LZWFixture {
    var compressed: [UInt8]
    var plainCount: Int
}

/// Realistic gossip: Kubernetes pod names with dskit's random node-name suffix, IPv4-mapped pod IPs (Go's
/// net.IP is 16 bytes), dskit node meta (role member, zone), memberlist's default Vsn.
enum GossipFixture {
    static let nodeCount = 5_000

    static func nodes(count: Int = nodeCount) throws -> [PushNodeState] {
        var random = SplitMix64(seed: 42)  // reproducible fixtures
        let zones = ["zone-a", "zone-b", "zone-c"]
        let deployments = ["distributor", "querier", "query-frontend", "ruler"]
        var nodes: [PushNodeState] = []
        nodes.reserveCapacity(count)
        for index in 0..<count {
            let zone = zones[index % zones.count]
            let podName: String
            if index % 2 == 0 {  // StatefulSet pods: mimir-ingester-zone-b-17
                podName = "mimir-ingester-\(zone)-\(index / 2)"
            } else {  // Deployment pods: mimir-querier-7c9f8d6b5-x2k4p
                let deployment = deployments[index / 2 % deployments.count]
                let replicaSet = alphanumeric(random.next(), count: 9)
                podName = "mimir-\(deployment)-\(replicaSet)-\(alphanumeric(random.next(), count: 5))"
            }
            let state: NodeState = index % 97 == 0 ? .dead : (index % 89 == 0 ? .suspect : .alive)
            nodes.append(
                PushNodeState(
                    name: "\(podName)-\(hexSuffix(random.next()))",  // dskit's -memberlist.randomize-node-name
                    address: NodeAddress(
                        ipv4: 10, UInt8(64 + index / 65_536), UInt8(index / 256 % 256), UInt8(index % 256)
                    ).ipv4Mapped,
                    port: 7946,
                    meta: try NodeMeta(role: .member, zone: zone).bytes(),
                    incarnation: UInt32(truncatingIfNeeded: random.next() % 40),
                    state: state,
                    vsn: ProtocolVersions.memberlistDefault.vsn
                )
            )
        }
        return nodes
    }

    /// dskit's KV full state with a small distributor ring (100 instances, 1 token each).
    static func smallUserState() -> [UInt8] {
        let ring = RingDescription.synthetic(instances: 100, tokensPerInstance: 1, zones: 0, seed: 2)
        return KVState(pairs: [pair("distributor", ring)]).fullStateBytes()
    }

    /// dskit's KV full state with the ingester ring (1,000 × 128 tokens, 3 zones) and the distributor ring.
    static func ringUserState() -> [UInt8] {
        let ingesters = RingDescription.synthetic(instances: 1_000, tokensPerInstance: 128, zones: 3, seed: 3)
        let distributors = RingDescription.synthetic(instances: 100, tokensPerInstance: 1, zones: 0, seed: 2)
        return KVState(pairs: [pair("ring", ingesters), pair("distributor", distributors)]).fullStateBytes()
    }

    static func pair(_ key: String, _ ring: RingDescription) -> KeyValuePair {
        KeyValuePair(key: key, value: ring.codecValue(), codec: .ringDesc, updateTimeMillis: 1_767_225_600_000)
    }

    static func pushPull(userState: [UInt8]) throws -> StreamEnvelope {
        StreamEnvelope(message: .pushPull(PushPull(join: false, nodes: try nodes(), userState: userState)))
    }

    /// The whole stream message as the dialer writes it, LZW-compressed.
    static func stream(userState: [UInt8]) throws -> [UInt8] {
        var envelope = try pushPull(userState: userState)
        envelope.compression = .lzw
        let bytes = try envelope.encoded()
        // Check once that the fixture is what it claims to be.
        guard case .pushPull(let decoded) = try StreamEnvelope.decode(bytes).message,
            decoded.nodes.count == nodeCount
        else { throw FixtureError.notAPushPull }
        return bytes
    }

    /// The uncompressed push/pull message ([6][header][nodes][user state]): what LZW compresses.
    static func pushPullBody(userState: [UInt8]) throws -> [UInt8] {
        try pushPull(userState: userState).encoded()
    }

    /// Half alive (with meta and Vsn), half ping messages, each a whole packet message with its type byte.
    static func smallMessages(count: Int) throws -> [[UInt8]] {
        let nodes = try nodes(count: count)
        return try nodes.enumerated().map { index, node in
            let message: Message
            if index % 2 == 0 {
                message = .alive(
                    AliveMessage(
                        incarnation: node.incarnation, node: node.name, address: node.address, port: node.port,
                        meta: node.meta, vsn: node.vsn))
            } else {
                let source = nodes[(index + 1) % nodes.count]
                message = .ping(
                    PingMessage(
                        seqNo: UInt32(index * 7919), node: node.name, sourceAddress: source.address,
                        sourcePort: source.port, sourceNode: source.name))
            }
            return try message.encoded()
        }
    }

    enum FixtureError: Error { case notAPushPull }

    /// A Kubernetes-style random name part (lowercase letters and digits).
    static func alphanumeric(_ value: UInt64, count: Int) -> String {
        String(String(value | 1 << 63, radix: 36).suffix(count))
    }

    /// dskit's random node-name suffix: 4 random bytes as 8 hex digits.
    static func hexSuffix(_ value: UInt64) -> String {
        String(String(value | 1 << 63, radix: 16).suffix(8))
    }
}
