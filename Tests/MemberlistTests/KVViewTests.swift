import DskitKV
import Inspection
import Memberlist
import MemberlistWire
import Testing

/// The observer's local KV view (Inspection/Observer/KVView.swift) and the watch events made from session events.
/// Here rather than in a test target of its own: Inspection has none yet, and these need no sockets.
@Suite("KVView and WatchTranslator")
struct KVViewTests {
    static func instance(_ id: String, heartbeat: Int64, state: InstanceState = .active) -> InstanceDescription {
        InstanceDescription(id: id, address: "10.0.0.1:9095", heartbeatTimestamp: heartbeat, state: state, tokens: [1, 2])
    }

    static func ringPair(_ instances: [InstanceDescription], updated: Int64 = 1) -> KeyValuePair {
        KeyValuePair(
            key: "collectors/ring", value: RingDescription(instances: instances).codecValue(), codec: .ringDesc,
            updateTimeMillis: updated)
    }

    @Test("a ring broadcast holding one instance merges into the ring: newer heartbeats win, others stay")
    func ringMerge() throws {
        var view = KVView()
        let initial = view.merge(Self.ringPair([Self.instance("a", heartbeat: 10), Self.instance("b", heartbeat: 10)]))
        #expect(initial != nil)
        let update = view.merge(Self.ringPair([Self.instance("b", heartbeat: 20)], updated: 2))
        let merged = try #require(update)
        let ring = try RingDescription(pair: merged)
        #expect(ring.instances.map(\.id) == ["a", "b"])
        #expect(ring.instances.map(\.heartbeatTimestamp) == [10, 20])
        // An older heartbeat changes nothing and reports nothing.
        let stale = view.merge(Self.ringPair([Self.instance("b", heartbeat: 15)], updated: 3))
        #expect(stale == nil)
        #expect(try RingDescription(pair: try #require(view.pairs["collectors/ring"])).instances[1].heartbeatTimestamp == 20)
    }

    @Test("a partition ring broadcast holding one change merges by dskit's rules: the rest of the ring stays")
    func partitionRingMerge() throws {
        func pair(_ partitions: [PartitionDescription], _ owners: [PartitionOwner] = []) -> KeyValuePair {
            KeyValuePair(
                key: "collectors/ingester-partitions",
                value: PartitionRingDescription(partitions: partitions, owners: owners).codecValue(),
                codec: .partitionRingDesc, updateTimeMillis: 1)
        }
        var view = KVView()
        view.merge(pair(
            [0, 1].map { PartitionDescription(id: $0, tokens: [UInt32($0) + 1], state: .active, stateTimestamp: 10) },
            [PartitionOwner(id: "ingester-0", partition: 0, state: .active, updatedTimestamp: 10)]))
        // dskit gossips only what changed: partition 1 going INACTIVE, then the owner's deletion.
        let inactive = view.merge(pair([PartitionDescription(id: 1, tokens: [], state: .inactive, stateTimestamp: 20)]))
        let deleted = view.merge(pair([], [PartitionOwner(id: "ingester-0", partition: 0, state: .deleted, updatedTimestamp: 20)]))
        #expect(inactive != nil && deleted != nil)
        let ring = try PartitionRingDescription(pair: try #require(view.pairs["collectors/ingester-partitions"]))
        #expect(ring.partitions.map(\.state) == [.active, .inactive])
        #expect(ring.partitions.map(\.tokens) == [[1], [2]])  // tokens never merge
        #expect(ring.owners.map(\.state) == [.deleted])
        // An older state changes nothing and reports nothing.
        #expect(view.merge(pair([PartitionDescription(id: 1, tokens: [], state: .active, stateTimestamp: 15)])) == nil)
    }

    @Test("other codecs are replaced; the same pair twice reports once")
    func replace() {
        var view = KVView()
        let first = KeyValuePair(key: "k", value: [1], codec: CodecID(rawValue: "other"), updateTimeMillis: 1)
        let added = view.merge(first)
        let again = view.merge(first)
        #expect(added == first)
        #expect(again == nil)
        var second = first
        second.value = [2]
        let replaced = view.merge(second)
        #expect(replaced == second)
        #expect(view.state.pairs == [second])
    }

    @Test("watch events: member events keep their kind, the join's full state yields observer_joined and one kv_present per key")
    func translate() {
        var translator = WatchTranslator()
        let member = Member(
            name: "node-1", address: NodeAddress(ipv4: 127, 0, 0, 1), port: 7946, incarnation: 3, state: .left,
            vsn: ProtocolVersions.memberlistDefault.vsn)
        let left = translator.translate(.member(.left(member)))
        #expect(left.map(\.kind) == [.left])
        #expect(left.first?.member?.name == "node-1")
        #expect(left.first?.member?.state == .left)
        let state = KVState(pairs: [Self.ringPair([Self.instance("a", heartbeat: 1)])]).fullStateBytes()
        // The join's full state: ringctl's own joined line, then the keys the seed knew, as present.
        let keys = translator.translate(.remoteState(state, join: true, from: "127.0.0.1:7946"))
        #expect(keys.map(\.kind) == [.observerJoined, .kvPresent])
        #expect(keys.last?.key?.key == "collectors/ring")
        #expect(keys.last?.from == "127.0.0.1:7946")
        let repeated = translator.translate(.remoteState(state, join: false, from: "127.0.0.1:7947"))
        #expect(repeated.isEmpty)
        let garbage = translator.translate(.userMessage([0xff, 0xff], from: "x"))
        #expect(garbage.map(\.kind) == [.problem])
    }
}
