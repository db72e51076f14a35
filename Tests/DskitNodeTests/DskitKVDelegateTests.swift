import DskitKV
import DskitNode
import Foundation
import MemberlistNode
import Testing

/// Two or three real delegates passing their broadcasts and push/pull states to each other by hand, on a virtual
/// clock: what a dskit memberlist KV does with its lifecycler's writes and with what others send.
@Suite("DskitKVDelegate")
struct DskitKVDelegateTests {
    static let start = ContinuousClock.Instant.now
    /// The wall-clock second `start` maps to.
    static let epoch: Int64 = 1_800_000_000
    static let ringKey = DskitKVDelegate.defaultRingKey

    static func anchor() -> WallClockAnchor {
        WallClockAnchor(instant: start, date: Date(timeIntervalSince1970: Double(epoch)))
    }

    /// `seconds` after the start.
    static func at(_ seconds: Int) -> ContinuousClock.Instant { start.advanced(by: .seconds(seconds)) }

    static func node(_ name: String, zone: String = "zone-a", tokens: Int = 8, seed: UInt64) -> DskitKVDelegate {
        DskitKVDelegate(
            name: name, address: "10.0.0.\(seed):9095", zone: zone, tokenCount: tokens, anchor: anchor(), seed: seed)
    }

    /// Hands every broadcast `sender` has now (a cluster of two, a 1400-byte packet) to `receiver`.
    @discardableResult
    static func gossip(
        _ sender: inout DskitKVDelegate, to receiver: inout DskitKVDelegate, now: ContinuousClock.Instant
    ) -> [[UInt8]] {
        let messages = sender.broadcasts(overhead: 2, limit: 1400, clusterSize: 2)
        for message in messages { receiver.notifyMessage(message, now: now) }
        return messages
    }

    /// Takes `node`'s broadcasts until none is left (each goes out a bounded number of times).
    static func drain(_ node: inout DskitKVDelegate) {
        for _ in 0..<100 where node.pendingBroadcasts + node.pendingRebroadcasts > 0 {
            _ = node.broadcasts(overhead: 2, limit: 1400, clusterSize: 2)
        }
        #expect(node.pendingBroadcasts + node.pendingRebroadcasts == 0)
    }

    /// The ring change one broadcast carries.
    static func ringChange(_ message: [UInt8]) throws -> RingDescription {
        let pair = try KeyValuePair(protobuf: message)
        #expect(pair.key == ringKey)
        return try RingDescription(pair: pair)
    }

    @Test("the first tick registers the instance; its broadcast gives a second delegate the same instance")
    func registerPropagates() throws {
        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        #expect(a.instance == nil && a.pendingBroadcasts == 0)

        a.tick(now: Self.at(0))
        let mine = try #require(a.instance)
        #expect(mine.state == .active && mine.tokens.count == 8 && mine.zone == "zone-a")
        #expect(mine.heartbeatTimestamp == Self.epoch && mine.registeredTimestamp == Self.epoch)
        #expect(a.pendingBroadcasts == 1)

        let sent = Self.gossip(&a, to: &b, now: Self.at(0))
        #expect(sent.count == 1)
        #expect(try Self.ringChange(sent[0]).instances == [mine])
        #expect(b.ring?["ingester-a"] == mine)
        // b passes a's change on, from its re-broadcast queue, not as its own.
        #expect(b.pendingRebroadcasts == 1 && b.pendingBroadcasts == 0)

        // b registers around a's tokens; its own change goes out first, then the re-broadcast.
        b.tick(now: Self.at(1))
        let back = Self.gossip(&b, to: &a, now: Self.at(1))
        #expect(try back.map { try Self.ringChange($0).instances.map(\.id) } == [["ingester-b"], ["ingester-a"]])
        #expect(a.ring == b.ring)
        #expect(a.ring?.instances.map(\.id) == ["ingester-a", "ingester-b"])
        let bTokens = try #require(b.instance).tokens
        #expect(Set(bTokens).isDisjoint(with: mine.tokens))
        // a passes b's registration on; its own instance came back unchanged and is not passed on.
        #expect(a.pendingRebroadcasts == 1)
    }

    @Test("a later tick heartbeats: the timestamp moves, tokens and registration stay, the receiver follows")
    func heartbeatMovesTimestamp() throws {
        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        #expect(a.tickInterval == .seconds(5))
        a.tick(now: Self.at(0))
        Self.gossip(&a, to: &b, now: Self.at(0))
        let registered = try #require(a.instance)

        a.tick(now: Self.at(5))
        let beat = try #require(a.instance)
        #expect(beat.heartbeatTimestamp == Self.epoch + 5)
        #expect(beat.tokens == registered.tokens && beat.registeredTimestamp == registered.registeredTimestamp)
        Self.gossip(&a, to: &b, now: Self.at(5))
        #expect(b.ring?["ingester-a"]?.heartbeatTimestamp == Self.epoch + 5)
    }

    @Test("freeze stops heartbeats while the node still merges gossip; unfreeze resumes them")
    func freezeStopsHeartbeats() throws {
        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        a.tick(now: Self.at(0))
        Self.gossip(&a, to: &b, now: Self.at(0))
        Self.drain(&a)
        let version = try #require(a.store[Self.ringKey]).version

        a.freeze()
        a.tick(now: Self.at(5))
        a.tick(now: Self.at(10))
        #expect(a.instance?.heartbeatTimestamp == Self.epoch)
        #expect(a.store[Self.ringKey]?.version == version && a.pendingBroadcasts == 0)

        b.tick(now: Self.at(10))
        Self.gossip(&b, to: &a, now: Self.at(10))
        #expect(a.ring?["ingester-b"] != nil)
        #expect(a.pendingRebroadcasts == 1)

        a.unfreeze()
        a.tick(now: Self.at(15))
        #expect(a.instance?.heartbeatTimestamp == Self.epoch + 15)
        #expect(a.pendingBroadcasts == 1)
    }

    @Test("changeState writes and broadcasts the new state, even in the second of the last write")
    func changeStateBroadcasts() throws {
        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        let beforeRegistering = a.changeState(to: .joining, now: Self.at(0))
        #expect(!beforeRegistering)
        a.tick(now: Self.at(0))
        Self.gossip(&a, to: &b, now: Self.at(0))

        // Same second as the registration: dskit's merge sees no change and CAS retries a second later.
        let joined = a.changeState(to: .joining, now: Self.at(0))
        #expect(joined)
        #expect(a.instance?.state == .joining && a.instance?.heartbeatTimestamp == Self.epoch + 1)
        let sent = Self.gossip(&a, to: &b, now: Self.at(0))
        #expect(try sent.map { try Self.ringChange($0).instances.map(\.state) } == [[.joining]])
        #expect(b.ring?["ingester-a"]?.state == .joining)

        // Already JOINING: nothing written, nothing queued.
        Self.drain(&a)
        let again = a.changeState(to: .joining, now: Self.at(3))
        #expect(!again)
        #expect(a.pendingBroadcasts == 0)
    }

    @Test("LEAVING, then willLeave: the other delegate sees LEAVING, then a LEFT tombstone without tokens")
    func leavingThenLeft() throws {
        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        a.tick(now: Self.at(0))
        b.tick(now: Self.at(0))
        Self.gossip(&a, to: &b, now: Self.at(0))
        Self.gossip(&b, to: &a, now: Self.at(0))
        let active = try #require(a.instance)

        let leavingWritten = a.changeState(to: .leaving, now: Self.at(10))
        #expect(leavingWritten)
        Self.gossip(&a, to: &b, now: Self.at(10))
        let leaving = try #require(b.ring?["ingester-a"])
        #expect(leaving.state == .leaving && leaving.tokens == active.tokens)

        a.willLeave(now: Self.at(20))
        #expect(a.hasLeft && a.pendingBroadcasts == 1)
        Self.gossip(&a, to: &b, now: Self.at(20))
        let left = try #require(b.ring?["ingester-a"])
        #expect(left.state == .left && left.tokens.isEmpty)
        #expect(left.heartbeatTimestamp == Self.epoch + 20 && left.registeredTimestamp == active.registeredTimestamp)
        #expect(b.ring?["ingester-b"]?.state == .active)

        // After leaving, ticks neither heartbeat nor register again.
        let version = try #require(a.store[Self.ringKey]).version
        a.tick(now: Self.at(25))
        #expect(a.store[Self.ringKey]?.version == version && a.instance?.state == .left)
    }

    @Test("willLeave from ACTIVE writes twice, but the queued tombstone replaces the queued LEAVING")
    func leaveReplacesLeaving() throws {
        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        a.tick(now: Self.at(0))
        Self.gossip(&a, to: &b, now: Self.at(0))
        let version = try #require(a.store[Self.ringKey]).version

        a.willLeave(now: Self.at(30))
        #expect(a.store[Self.ringKey]?.version == version + 2)
        #expect(a.pendingBroadcasts == 1)
        let sent = Self.gossip(&a, to: &b, now: Self.at(30))
        #expect(try sent.map { try Self.ringChange($0).instances.map(\.state) } == [[.left]])
        #expect(b.ring?["ingester-a"]?.state == .left)
        // A second willLeave does nothing.
        a.willLeave(now: Self.at(31))
        #expect(a.store[Self.ringKey]?.version == version + 2)
    }

    @Test("mergeRemoteState takes every instance of two full states and queues each change")
    func mergeFullStates() throws {
        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        var c = Self.node("ingester-c", seed: 3)
        var observer = DskitKVDelegate(lifecycler: nil, anchor: Self.anchor(), seed: 9)
        #expect(observer.tickInterval == nil)
        a.tick(now: Self.at(0))
        c.tick(now: Self.at(0))

        b.mergeRemoteState(a.localState(join: true, now: Self.at(1)), join: true, now: Self.at(1))
        b.mergeRemoteState(c.localState(join: false, now: Self.at(1)), join: false, now: Self.at(1))
        #expect(b.ring?.instances.map(\.id) == ["ingester-a", "ingester-c"])
        #expect(b.ring?["ingester-a"] == a.instance && b.ring?["ingester-c"] == c.instance)
        // Changes about different instances do not replace each other.
        #expect(b.pendingRebroadcasts == 2)
        #expect(b.problemCount == 0)

        // The same state again changes nothing.
        let version = try #require(b.store[Self.ringKey]).version
        b.mergeRemoteState(a.localState(join: false, now: Self.at(2)), join: false, now: Self.at(2))
        #expect(b.store[Self.ringKey]?.version == version)

        // b's full state carries both to a node that only gossips.
        observer.mergeRemoteState(b.localState(join: false, now: Self.at(3)), join: false, now: Self.at(3))
        observer.tick(now: Self.at(3))
        #expect(observer.ring == b.ring)
        let state = try KVState(fullState: observer.localState(join: false, now: Self.at(3)))
        #expect(state.pairs.map(\.key) == [Self.ringKey])
        #expect(try RingDescription(pair: try #require(state[Self.ringKey])) == b.ring)
    }

    @Test("a key with a codec ringctl does not decode passes through raw, byte for byte")
    func unknownCodecPassesThrough() throws {
        var generator = SeededGenerator(seed: 42)
        let blob = (0..<200).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let pair = KeyValuePair(
            key: "custom/blob", value: blob, codec: CodecID("someFutureCodec"), updateTimeMillis: 1_799_999_999_000)

        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        a.tick(now: Self.at(0))
        a.mergeRemoteState(KVState(pairs: [pair]).fullStateBytes(), join: true, now: Self.at(0))
        b.mergeRemoteState(a.localState(join: false, now: Self.at(1)), join: false, now: Self.at(1))
        let held = try KVState(fullState: b.localState(join: false, now: Self.at(1)))
        #expect(held.pairs.map(\.key) == ["collectors/ring", "custom/blob"])
        #expect(try #require(held["custom/blob"]).protobufBytes() == pair.protobufBytes())

        // As a user message: stored the same, and passed on exactly as it came.
        var c = Self.node("ingester-c", seed: 3)
        c.notifyMessage(pair.protobufBytes(), now: Self.at(2))
        let fromMessage = try KVState(fullState: c.localState(join: false, now: Self.at(2)))
        #expect(try #require(fromMessage["custom/blob"]).protobufBytes() == pair.protobufBytes())
        let passedOn = c.broadcasts(overhead: 2, limit: 1400, clusterSize: 3)
        #expect(passedOn == [pair.protobufBytes()])
    }

    @Test("a newer change about the same instance replaces the queued one; one about another instance does not")
    func invalidation() throws {
        var a = Self.node("ingester-a", seed: 1)
        var b = Self.node("ingester-b", seed: 2)
        var c = Self.node("ingester-c", seed: 3)
        // Our own queue: the heartbeat replaces the still queued registration.
        a.tick(now: Self.at(0))
        a.tick(now: Self.at(5))
        #expect(a.pendingBroadcasts == 1)

        // The re-broadcast queue: a at 0 s, then a at 5 s, then c.
        var early = Self.node("ingester-a", seed: 1)
        early.tick(now: Self.at(0))
        Self.gossip(&early, to: &b, now: Self.at(0))
        Self.gossip(&a, to: &b, now: Self.at(5))
        #expect(b.pendingRebroadcasts == 1)
        c.tick(now: Self.at(6))
        Self.gossip(&c, to: &b, now: Self.at(6))
        #expect(b.pendingRebroadcasts == 2)

        let passedOn = try b.broadcasts(overhead: 2, limit: 1400, clusterSize: 3).map(Self.ringChange)
        let aboutA = passedOn.compactMap { $0["ingester-a"] }
        #expect(aboutA.map(\.heartbeatTimestamp) == [Self.epoch + 5])
        #expect(passedOn.compactMap { $0["ingester-c"] }.count == 1)
    }

    @Test("a change longer than the broadcast cap is not queued but counted, and still goes out by push/pull")
    func broadcastCap() throws {
        var a = DskitKVDelegate(
            lifecycler: RingLifecycler(id: "ingester-a", address: "10.0.0.1:9095", tokenCount: 128),
            anchor: Self.anchor(), seed: 1, maxBroadcastBytes: 256)
        var b = Self.node("ingester-b", seed: 2)
        a.tick(now: Self.at(0))
        #expect(a.droppedBroadcasts == 1 && a.pendingBroadcasts == 0)
        #expect(a.instance?.tokens.count == 128)
        b.mergeRemoteState(a.localState(join: false, now: Self.at(1)), join: false, now: Self.at(1))
        #expect(b.ring?["ingester-a"] == a.instance)
    }

    @Test("node meta is dskit's encoding of role member and the zone; empty over the limit or when turned off")
    func nodeMeta() {
        var a = Self.node("ingester-a", zone: "zone-b", seed: 1)
        #expect(a.nodeMeta(limit: 512) == [1, 1, 6] + Array("zone-b".utf8))
        #expect(a.nodeMeta(limit: 8) == [])
        a.nodeMetadata = nil
        #expect(a.nodeMeta(limit: 512) == [])
        let longZone = Self.node("ingester-c", zone: String(repeating: "z", count: 17), seed: 3)
        #expect(longZone.nodeMeta(limit: 512) == [])
    }

    @Test("random, truncated and oversized user messages never crash; each unusable one is counted")
    func garbageMessages() throws {
        var node = Self.node("ingester-a", seed: 1)
        node.tick(now: Self.at(0))
        let valid = KeyValuePair(
            key: "collectors/other", value: [1, 2, 3, 4, 5], codec: CodecID("x"), updateTimeMillis: 7
        ).protobufBytes()

        var inputs: [[UInt8]] = [
            [],  // decodes, but has no key
            [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],  // key of 4 GiB announced
            [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // value of 2^64 - 1 bytes
            [0x0A, 0x05, 0x61],  // key of 5 announced, 1 present
            [0xFF],
        ]
        let sureFailures = inputs.count
        inputs += (0..<valid.count).map { Array(valid.prefix($0)) }
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let length = Int.random(in: 0...64, using: &generator)
            inputs.append((0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        }

        var expected = 0
        for input in inputs {
            let usable = (try? KeyValuePair(protobuf: input)).map { !$0.key.isEmpty } ?? false
            if !usable { expected += 1 }
            node.notifyMessage(input, now: Self.at(1))
        }
        #expect(expected >= sureFailures)
        #expect(node.problemCount == expected)

        // A well-formed pair whose ring value is not snappy(protobuf) is dropped and counted too.
        let badRing = KeyValuePair(key: Self.ringKey, value: [0xFF, 0x00, 0x13], codec: .ringDesc)
        node.notifyMessage(badRing.protobufBytes(), now: Self.at(1))
        #expect(node.problemCount == expected + 1)
        #expect(node.recentProblems.last?.contains(Self.ringKey) == true)
        #expect(node.recentProblems.count == DskitKVDelegate.recentProblemLimit)
        // The ring survived all of it.
        #expect(node.instance?.state == .active)
    }

    @Test("bad push/pull states are counted; the pairs before the bad entry are merged")
    func garbageStates() throws {
        var a = Self.node("ingester-a", seed: 1)
        a.tick(now: Self.at(0))
        let good = a.localState(join: false, now: Self.at(0))

        var b = Self.node("ingester-b", seed: 2)
        b.mergeRemoteState([0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3], join: false, now: Self.at(1))  // 4 GiB entry
        b.mergeRemoteState([0, 0, 0, 10, 1, 2], join: false, now: Self.at(1))  // entry cut short
        b.mergeRemoteState([0, 0], join: false, now: Self.at(1))  // length cut short
        b.mergeRemoteState([0, 0, 0, 2, 0xFF, 0xFF], join: false, now: Self.at(1))  // entry not protobuf
        #expect(b.problemCount == 4 && b.ring == nil)

        b.mergeRemoteState(good + [0, 0, 0, 9], join: false, now: Self.at(1))
        #expect(b.problemCount == 5)
        #expect(b.ring?["ingester-a"] == a.instance)
        b.mergeRemoteState([], join: false, now: Self.at(1))
        #expect(b.problemCount == 5)
    }
}

extension DskitKVDelegateTests {
    @Test("publish: a forget's tombstone is stored and queued exactly as built; every other key and instance stays")
    func publishTombstone() throws {
        var a = Self.node("a", seed: 1)
        var b = Self.node("b", seed: 2)
        a.tick(now: Self.at(0))
        b.tick(now: Self.at(0))
        Self.gossip(&a, to: &b, now: Self.at(1))
        let other = KeyValuePair(key: "collectors/distributor", value: [9, 9], codec: CodecID("someCodec"))
        var forgetter = DskitKVDelegate(lifecycler: nil, anchor: Self.anchor(), seed: 3)
        forgetter.mergeRemoteState(b.localState(join: false, now: Self.at(2)), join: false, now: Self.at(2))
        forgetter.mergeRemoteState(KVState(pairs: [other]).fullStateBytes(), join: false, now: Self.at(2))
        Self.drain(&forgetter)
        let before = forgetter.store
        let ring = try #require(forgetter.store[Self.ringKey].flatMap { entry -> RingDescription? in
            if case .ring(let ring) = entry.value { return ring }
            return nil
        })
        let victim = try #require(ring["a"])
        let tombstone = ForgetTombstone(
            key: Self.ringKey, forgetting: [victim], now: Date(timeIntervalSince1970: Double(Self.epoch + 3)))

        let published = forgetter.publish(tombstone.pair, now: Self.at(3))
        #expect(published)
        #expect(forgetter.pendingBroadcasts == 1)
        let sent = forgetter.broadcasts(overhead: 2, limit: 1400, clusterSize: 3)
        #expect(sent == [tombstone.pair.protobufBytes()])

        let after = try #require(forgetter.store[Self.ringKey])
        guard case .ring(let stored) = after.value else { throw CancellationError() }
        #expect(stored["a"] == tombstone.tombstones[0])
        #expect(stored.instances.filter { $0.id != "a" } == ring.instances.filter { $0.id != "a" })
        #expect(forgetter.store["collectors/distributor"] == before["collectors/distributor"])
        #expect(forgetter.store.keys == before.keys)
        // The same tombstone again changes nothing and queues nothing.
        Self.drain(&forgetter)
        let again = forgetter.publish(tombstone.pair, now: Self.at(4))
        #expect(!again)
        #expect(forgetter.pendingBroadcasts == 0)
    }
}
