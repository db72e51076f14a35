import DskitKV
import Foundation
import Inspection
import Memberlist
import MemberlistWire
import Testing
import TestSupport

/// The transient join over dskit's TCP-only transport, with a cluster label, against three dskit-shaped Go peers
/// (mlpeer serve --transport dskit) that hold a ring and heartbeat it: no suspicion, the peers' push/pulls answered
/// and their ring merged into the observer's KV view, and left after the leave.
@Suite(
    "Observer against dskit-shaped peers",
    .serialized,
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct ObserverDskitInteropTests {
    static let label = "observer-interop"

    static func cluster() throws -> [GoPeer] {
        let fast = ["--probe-interval", "100ms", "--heartbeat-period", "200ms"]
        let first = try GoPeer.dskit(name: "peer-a", label: label, zone: "zone-a", fast)
        var peers = [first]
        do {
            peers.append(try GoPeer.dskit(name: "peer-b", label: label, zone: "zone-b", joining: first, fast))
            peers.append(try GoPeer.dskit(name: "peer-c", label: label, zone: "zone-c", joining: first, fast))
        } catch {
            peers.forEach { $0.stop() }
            throw error
        }
        return peers
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
        let peers = try Self.cluster()
        defer { peers.forEach { $0.stop() } }
        try await Self.waitForMesh(peers)
        let name = ObserverConfiguration.defaultNodeName()
        let configuration = ObserverConfiguration(
            transport: .dskit, clusterLabel: Self.label, nodeName: name, bindHost: "127.0.0.1")
        let request = ObserveRequest(seeds: Seeds([peers[1].address]), configuration: configuration)
        let outcome = try await Observation.run(request) { session, joined in
            #expect(joined.nodes.count == 3)
            #expect(try KVState(fullState: joined.userState)["ring"] != nil)
            try await eventually("every peer to list \(name) alive", deadline: .seconds(20)) {
                peers.allSatisfy { $0.status()?.member(name)?.state == "alive" }
            }
            // Collect events for 2 s while the peers probe us and gossip their heartbeats.
            let (pushPulls, kv) = await withTaskGroup(of: (Int, KVView)?.self) { group in
                group.addTask {
                    var translator = WatchTranslator()
                    var pushPulls = 0
                    for await event in session.events {
                        // mlpeer's KV delegate spreads the ring by push/pull only (it queues no broadcasts).
                        if case .remoteState(_, join: false, _) = event { pushPulls += 1 }
                        _ = translator.translate(event)
                    }
                    return (pushPulls, translator.kv)
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(2))
                    return nil
                }
                _ = await group.next()
                group.cancelAll()
                var collected = (0, KVView())
                while let result = await group.next() {
                    if let result { collected = result }
                }
                return collected
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

    @Test("a wrong cluster label: the dskit peer closes the join, the error says so, and nobody learns of us")
    func wrongLabel() async throws {
        let peers = try Self.cluster()
        defer { peers.forEach { $0.stop() } }
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
