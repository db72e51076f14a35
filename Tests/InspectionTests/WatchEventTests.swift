import DskitKV
import Foundation
import Inspection
import Memberlist
import MemberlistWire
import Testing

/// `WatchTranslator`: the session's events as `watch` lines (present vs joined, what a ring update changed).
@Suite("WatchEvent")
struct WatchEventTests {
    static func member(_ name: String) -> Member {
        Member(name: name, address: NodeAddress(ipv4: 127, 0, 0, 1), port: 7946, incarnation: 1)
    }

    static func ring(_ instances: [InstanceDescription]) -> KeyValuePair {
        KeyValuePair(key: "collectors/ring", value: RingDescription(instances: instances).codecValue(), codec: .ringDesc)
    }

    static func instance(
        _ id: String, state: InstanceState = .active, heartbeat: Int64 = 100, tokens: [UInt32] = [1, 2],
        registered: Int64 = 50
    ) -> InstanceDescription {
        InstanceDescription(
            id: id, address: "10.0.0.1:9095", heartbeatTimestamp: heartbeat, state: state, tokens: tokens,
            zone: "zone-a", registeredTimestamp: registered)
    }

    @Test("observer_joined first, then the seed's members as present, its KV keys as kv_present; later members join")
    func presentThenJoined() {
        var translator = WatchTranslator()
        let state = KVState(pairs: [Self.ring([Self.instance("a")])]).fullStateBytes()
        let kinds = [
            ObserverEvent.member(.joined(Self.member("node-1"))),
            .member(.joined(Self.member("node-2"))),
            .remoteState(state, join: true, from: "127.0.0.1:7946"),
            .member(.joined(Self.member("node-3"))),
        ].flatMap { translator.translate($0) }.map(\.kind)
        #expect(kinds == [.observerJoined, .present, .present, .kvPresent, .joined])
    }

    @Test("a ring update says what changed in which instance: heartbeat, state A → B, tokens, registered, added, removed")
    func ringChanges() {
        let before = Self.ring([Self.instance("a"), Self.instance("b"), Self.instance("c", state: .joining)])
        let after = Self.ring([
            Self.instance("a", heartbeat: 105),
            Self.instance("c", state: .active, tokens: [1, 2, 3], registered: 60),
            Self.instance("d", tokens: [7]),
        ])
        let changes = WatchTranslator.ringChanges(from: before, to: after)
        #expect(changes == [
            .init(instance: "a", what: ["heartbeat"]),
            .init(instance: "b", what: ["removed"]),
            .init(instance: "c", what: ["state JOINING → ACTIVE", "tokens 2 → 3", "registered"]),
            .init(instance: "d", what: ["added (ACTIVE, 1 token)"]),
        ])
        let other = KeyValuePair(key: "x", value: [1], codec: CodecID(rawValue: "other"))
        #expect(WatchTranslator.ringChanges(from: nil, to: other) == nil)
    }

    @Test("a broadcast that only refreshes a heartbeat is one kv_updated event naming that instance")
    func broadcastHeartbeat() throws {
        var translator = WatchTranslator()
        let state = KVState(pairs: [Self.ring([Self.instance("a"), Self.instance("b")])]).fullStateBytes()
        _ = translator.translate(.remoteState(state, join: true, from: "127.0.0.1:7946"))
        let broadcast = Self.ring([Self.instance("b", heartbeat: 101)]).protobufBytes()
        let events = translator.translate(.userMessage(broadcast, from: "127.0.0.1:7947"))
        #expect(events.map(\.kind) == [.kvUpdated])
        #expect(events.first?.changes == [.init(instance: "b", what: ["heartbeat"])])
    }
}
