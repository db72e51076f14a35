import DskitKV
import Foundation
import Inspection
import Memberlist
import MemberlistWire
import Testing
import TestSupport

/// The transient join over dskit's TCP-only transport, with a cluster label, against three dskit-shaped Go peers
/// (mlpeer serve --transport dskit) that hold a ring and heartbeat it: no suspicion, the peers' push/pulls answered
/// and their ring merged into the observer's KV view, their KV broadcasts (user messages) merged too, and left
/// after the leave.
@Suite(
    "Observer against dskit-shaped peers",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct ObserverDskitInteropTests {
    static let label = "observer-interop"

    static func cluster(in fixtures: Fixtures, _ extra: [String] = []) async throws -> [GoPeer] {
        // Probes every second (an ack later than the interval fails the probe, whatever the timeout): often enough
        // to catch an observer that does not answer, lenient enough for one that waits for a core.
        let fast = ["--probe-interval", "1s", "--probe-timeout", "900ms", "--heartbeat-period", "200ms"] + extra
        let first = try await fixtures.dskitPeer(name: "peer-a", label: label, zone: "zone-a", fast)
        return [
            first,
            try await fixtures.dskitPeer(name: "peer-b", label: label, zone: "zone-b", joining: first, fast),
            try await fixtures.dskitPeer(name: "peer-c", label: label, zone: "zone-c", joining: first, fast),
        ]
    }

    static func waitForMesh(_ peers: [GoPeer]) async throws {
        try await eventually("3 members alive and 3 ring instances everywhere", deadline: .seconds(20)) {
            peers.allSatisfy { peer in
                guard let status = peer.status() else { return false }
                return status.members.filter { $0.state == "alive" }.count == 3 && status.ring?.instances.count == 3
            }
        }
    }

    @Test("dskit transport with a label: never suspected, the peers' push/pulls merged, left after the leave")
    func transientJoin() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            try await Self.waitForMesh(peers)
            let name = ObserverConfiguration.defaultNodeName()
            let configuration = ObserverConfiguration(
                transport: .dskit, clusterLabel: Self.label, nodeName: name, bindHost: "127.0.0.1")
            let request = ObserveRequest(seeds: Seeds([peers[1].address]), configuration: configuration)
            let outcome = try await Observation.run(request) { session, joined in
                #expect(joined.nodes.count == 3)
                #expect(try KVState(fullState: joined.userState)["ring"] != nil)
                try await GoPeer.waitForAll(peers, toList: name)
                // Collect events until a periodic push/pull has brought the ring with its three instances (mlpeer's
                // KV delegate spreads the ring by push/pull only: it queues no broadcasts); the deadline bounds a
                // hang, what was seen by then is checked below.
                let (pushPulls, kv) = await collecting(within: .seconds(30)) {
                    var translator = WatchTranslator()
                    var pushPulls = 0
                    for await event in session.events {
                        if case .remoteState(_, join: false, _) = event { pushPulls += 1 }
                        _ = translator.translate(event)
                        if pushPulls > 0, let pair = translator.kv.pairs["ring"],
                            (try? RingDescription(pair: pair))?.instances.count == 3
                        {
                            break
                        }
                    }
                    return (pushPulls, translator.kv)
                }
                // Stay joined until every peer has probed us (and had our ack) twice.
                try await eventually("every peer to have probed \(name) twice", deadline: .seconds(30)) {
                    peers.allSatisfy { ($0.status()?.probesAcked?[name] ?? 0) >= 2 }
                }
                #expect(pushPulls > 0, "no peer pushed its KV state to the observer")
                let ring = try RingDescription(pair: try #require(kv.pairs["ring"]))
                #expect(ring.instances.map(\.id) == ["peer-a", "peer-b", "peer-c"])
                let snapshot = await session.snapshot()
                #expect(snapshot.members.map(\.name) == ["peer-a", "peer-b", "peer-c"])
                #expect(snapshot.members.allSatisfy { $0.state == .alive })
                #expect(snapshot.local?.incarnation == 1)
                return peers.map(\.stderr)
            }
            for (peer, log) in zip(peers, outcome.value) {
                let accusations = log.split(separator: "\n").filter {
                    $0.contains(name) && ($0.contains("Suspect") || $0.contains("failed"))
                }
                #expect(accusations.isEmpty, "\(peer.name) accused \(name): \(accusations)")
            }
            #expect(Set(outcome.leave.sentTo) == Set(peers.map(\.address)))
            for peer in peers {
                let peek = try await Peek.run(
                    peer: peer.address,
                    configuration: PeekConfiguration(transport: .dskit, clusterLabel: Self.label, timeout: .seconds(5)))
                #expect(peek.nodes.first { $0.name == name }?.state == .left, "\(peer.name): \(peek.nodes)")
            }
            // We wrote nothing to the KV store: the ring still holds exactly the three peers.
            let state = try KVState(fullState: try await Peek.run(
                peer: peers[0].address,
                configuration: PeekConfiguration(transport: .dskit, clusterLabel: Self.label)).userState)
            #expect(state.pairs.map(\.key) == ["ring"])
            #expect(try RingDescription(pair: try #require(state["ring"])).instances.map(\.id) == ["peer-a", "peer-b", "peer-c"])
        }
    }

    @Test("--broadcast-kv peers: each heartbeat reaches the observer as a one-instance KV user message, not by push/pull")
    func broadcastsReachTheObserver() async throws {
        // Push/pull only every hour (memberlist staggers the first one randomly within that): after the joins,
        // a newer heartbeat can only travel as a broadcast. peer-b learns peer-c's instance that way too.
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures, ["--broadcast-kv", "--push-pull-interval", "1h"])
            try await Self.waitForMesh(peers)
            let ids = peers.map(\.name)
            let peerByAddress = Dictionary(uniqueKeysWithValues: peers.map { ($0.address, $0.name) })
            let name = ObserverConfiguration.defaultNodeName()
            let configuration = ObserverConfiguration(
                transport: .dskit, clusterLabel: Self.label, nodeName: name, bindHost: "127.0.0.1")
            let request = ObserveRequest(seeds: Seeds([peers[1].address]), configuration: configuration)

            /// What the event stream showed.
            struct Seen: Sendable {
                var translator = WatchTranslator()
                /// Per user message: the sender and the instances its ring value holds (id, heartbeat).
                var broadcasts: [(from: String, instances: [String: Int64])] = []
                /// Instances a user message brought with a heartbeat newer than the join reply's.
                var newerByGossip: Set<String> = []
                /// KV updates the watch translation reported for user messages, by sender.
                var kvUpdatesFrom: Set<String> = []
                var periodicPushPulls = 0
                var undecodable: [String] = []
            }

            let outcome = try await Observation.run(request) { session, joined in
                let joinRing = try RingDescription(pair: try #require(try KVState(fullState: joined.userState)["ring"]))
                #expect(joinRing.instances.map(\.id) == ids)
                let joinHeartbeats = Dictionary(
                    joinRing.instances.map { ($0.id, $0.heartbeatTimestamp) }, uniquingKeysWith: { first, _ in first })
                // memberlist gossips only to members it knows: wait until the observer's alive has reached every peer
                // (its spread is the transient-join test's subject; the session buffers events meanwhile).
                try await GoPeer.waitForAll(peers, toList: name)

                let seen = await collecting(within: .seconds(30)) {
                    var seen = Seen()
                    for await event in session.events {
                        let watchEvents = seen.translator.translate(event)
                        switch event {
                        case .remoteState(_, join: false, _):
                            seen.periodicPushPulls += 1
                        case .userMessage(let bytes, let from):
                            guard let pair = try? KeyValuePair(protobuf: bytes), pair.key == "ring",
                                let ring = try? RingDescription(pair: pair)
                            else {
                                seen.undecodable.append("\(bytes.count) bytes from \(from)")
                                continue
                            }
                            let instances = Dictionary(
                                ring.instances.map { ($0.id, $0.heartbeatTimestamp) },
                                uniquingKeysWith: { first, _ in first })
                            seen.broadcasts.append((from, instances))
                            for (id, heartbeat) in instances where heartbeat > (joinHeartbeats[id] ?? .max) {
                                seen.newerByGossip.insert(id)
                            }
                            if watchEvents.contains(where: { $0.kind == .kvUpdated && $0.key?.key == "ring" }) {
                                seen.kvUpdatesFrom.insert(from)
                            }
                        default:
                            break
                        }
                        if seen.newerByGossip == Set(ids) && seen.kvUpdatesFrom == Set(peerByAddress.keys) {
                            return seen
                        }
                    }
                    return seen  // the stream ended or the wait was cancelled: report what was seen
                }
                var summary = "\(seen.broadcasts.count) user messages, \(seen.periodicPushPulls) periodic push/pulls"
                if seen.newerByGossip != Set(ids) {
                    // Why a peer stayed silent: does it know us, did its sends fail, did we drop what came?
                    summary += "; observer problems: \(await session.snapshot().recentProblems)"
                    for peer in peers where !seen.newerByGossip.contains(peer.name) {
                        let status = peer.status()
                        let log = peer.stderr.split(separator: "\n").filter {
                            $0.contains(name) || $0.contains("[ERR]") || $0.contains("[WARN]")
                        }
                        summary += "; \(peer.name) sees us as \(status?.member(name)?.state ?? "unknown"), "
                            + "\(status?.ring?.broadcastTransmissions ?? 0) transmissions, log: \(log.suffix(10))"
                    }
                }
                #expect(seen.undecodable.isEmpty, "user messages that are not a ring KeyValuePair: \(seen.undecodable)")
                #expect(seen.newerByGossip == Set(ids), "instances a broadcast brought newer than the join: \(seen.newerByGossip); \(summary)")
                #expect(
                    seen.kvUpdatesFrom == Set(peerByAddress.keys),
                    "senders whose user message updated the watch view: \(seen.kvUpdatesFrom); \(summary)")
                // dskit's shape: each broadcast holds only the changed part, here the sender's own instance.
                for broadcast in seen.broadcasts {
                    let sender = peerByAddress[broadcast.from] ?? "an unknown sender \(broadcast.from)"
                    #expect(broadcast.instances.keys.sorted() == [sender], "from \(broadcast.from)")
                }
                // The observer's KV view holds the three peers, each newer than in the join reply.
                let ring = try RingDescription(pair: try #require(seen.translator.kv.pairs["ring"]))
                #expect(ring.instances.map(\.id) == ids)
                for instance in ring.instances {
                    #expect(instance.heartbeatTimestamp > joinHeartbeats[instance.id] ?? .max, "\(instance.id)")
                }
                return peers.map { $0.status() }
            }
            for (peer, status) in zip(peers, outcome.value) {
                let ring = try #require(status?.ring, "\(peer.name) wrote no status")
                #expect(ring.broadcastsQueued > 0 && ring.broadcastTransmissions > 0, "\(peer.name): \(ring.broadcastsQueued) queued")
                #expect(ring.mergeErrors == 0, "\(peer.name): \(ring.lastMergeError)")
                // We wrote nothing to the KV store: each peer's ring holds exactly the three peers.
                #expect(ring.instances.map(\.id) == ids, "\(peer.name)")
            }
            let state = try KVState(fullState: try await Peek.run(
                peer: peers[2].address,
                configuration: PeekConfiguration(transport: .dskit, clusterLabel: Self.label)).userState)
            #expect(state.pairs.map(\.key) == ["ring"])
            #expect(try RingDescription(pair: try #require(state["ring"])).instances.map(\.id) == ids)
        }
    }

    @Test("a wrong cluster label: the dskit peer closes the join, the error says so, and nobody learns of us")
    func wrongLabel() async throws {
        try await withFixtures { fixtures in
            let peers = try await Self.cluster(in: fixtures)
            try await Self.waitForMesh(peers)
            let configuration = ObserverConfiguration(
                transport: .dskit, clusterLabel: "another-cluster", nodeName: "ringctl-wrong-label", bindHost: "127.0.0.1",
                timeout: .seconds(2))
            let request = ObserveRequest(seeds: Seeds([peers[0].address]), configuration: configuration)
            let error = await #expect(throws: InspectionError.self) {
                try await Observation.run(request) { _, _ in }
            }
            guard case .noSeedAnswered(let failures) = error, let failure = failures.first?.error as? MemberlistError else {
                Issue.record("expected one MemberlistError, got \(String(describing: error))")
                return
            }
            #expect(failure.isProtocolMismatch)
            #expect(failure.description.contains("another-cluster"))
            #expect(peers.allSatisfy { $0.status()?.member("ringctl-wrong-label") == nil })
        }
    }
}
