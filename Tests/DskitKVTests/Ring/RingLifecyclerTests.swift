import Foundation
import Testing

@testable import DskitKV

@Suite("RingLifecycler: dskit's BasicLifecycler register, heartbeat, state change and leave as ring values")
struct RingLifecyclerTests {
    static let now = Date(timeIntervalSince1970: 1_767_226_500.75)
    static let nowSeconds: Int64 = 1_767_226_500

    static func lifecycler(tokens: Int = 16, range: ClosedRange<UInt32> = 0...UInt32.max) -> RingLifecycler {
        RingLifecycler(id: "node-1", address: "10.0.0.1:7946", zone: "zone-a", tokenCount: tokens, tokenRange: range)
    }

    static func other(_ id: String, tokens: [UInt32], at timestamp: Int64 = 1_767_226_400) -> InstanceDescription {
        InstanceDescription(
            id: id, address: "10.0.0.9:7946", heartbeatTimestamp: timestamp, state: .active, tokens: tokens,
            registeredTimestamp: 1_767_000_000)
    }

    // MARK: tokens

    @Test("generated tokens: count N, unique, sorted, none taken", arguments: [1, 7, 128, 512])
    func generatedTokens(count: Int) throws {
        var random = SplitMix64(seed: UInt64(count))
        let ring = RingDescription.synthetic(instances: 30, tokensPerInstance: 128, seed: 9)
        let taken = ring.instances.flatMap(\.tokens)
        let tokens = try RingLifecycler.generateTokens(count: count, taken: taken, using: &random)
        #expect(tokens.count == count)
        #expect(Set(tokens).count == count)
        #expect(tokens == tokens.sorted())
        #expect(Set(tokens).isDisjoint(with: taken))
    }

    @Test("a nearly full range: the only free tokens are the ones drawn")
    func nearlyFullRange() throws {
        // 0...999 with all but 5 tokens taken: the generator must find exactly the 5 holes.
        let holes: Set<UInt32> = [3, 250, 251, 777, 999]
        let taken = (0...999 as ClosedRange<UInt32>).filter { !holes.contains($0) }
        var random = SplitMix64(seed: 1)
        let tokens = try RingLifecycler.generateTokens(count: 5, taken: taken, in: 0...999, using: &random)
        #expect(tokens == holes.sorted())
    }

    @Test("a range too small fails instead of spinning")
    func rangeTooSmall() {
        var random = SplitMix64(seed: 1)
        #expect(throws: RingLifecycler.Failure.notEnoughFreeTokens(needed: 3, free: 2)) {
            try RingLifecycler.generateTokens(count: 3, taken: [10, 11, 12], in: 10...14, using: &random)
        }
    }

    @Test("the same seed gives the same tokens, another seed others")
    func seededTokens() throws {
        var first = SplitMix64(seed: 42)
        var again = SplitMix64(seed: 42)
        var other = SplitMix64(seed: 43)
        let a = try RingLifecycler.generateTokens(count: 32, taken: [], using: &first)
        #expect(a == (try RingLifecycler.generateTokens(count: 32, taken: [], using: &again)))
        #expect(a != (try RingLifecycler.generateTokens(count: 32, taken: [], using: &other)))
    }

    // MARK: register

    @Test("register into an empty key: one ACTIVE instance, N tokens, heartbeat and registration now in seconds")
    func registerIntoEmpty() throws {
        var node = Self.lifecycler()
        var random = SplitMix64(seed: 7)
        let ring = try node.register(into: nil, now: Self.now, using: &random)
        #expect(ring.instances.count == 1)
        let me = try #require(ring["node-1"])
        #expect(me.address == "10.0.0.1:7946")
        #expect(me.zone == "zone-a")
        #expect(me.state == .active)
        #expect(me.heartbeatTimestamp == Self.nowSeconds)
        #expect(me.registeredTimestamp == Self.nowSeconds)
        #expect(me.tokens.count == 16)
        #expect(me.tokens == me.tokens.sorted())
        #expect(node.current == me)
        #expect(node.isRegistered)
    }

    @Test("register in a crowded small range never takes another instance's token, others untouched")
    func registerAvoidsTakenTokens() throws {
        // 64 tokens, 56 owned by two others: node-1 must get exactly the 8 free ones.
        let a = Self.other("a", tokens: Array(0..<28))
        let b = Self.other("b", tokens: Array(28..<56))
        var node = Self.lifecycler(tokens: 8, range: 0...63)
        var random = SplitMix64(seed: 3)
        let ring = try node.register(into: RingDescription(instances: [a, b]), now: Self.now, using: &random)
        #expect(ring["node-1"]?.tokens == Array(56..<64))
        #expect(ring["a"] == a)
        #expect(ring["b"] == b)
    }

    @Test("register again while in the ring keeps tokens and registration time, tops tokens up, resets the state")
    func registerExisting() throws {
        let mine = InstanceDescription(
            id: "node-1", address: "10.0.0.2:7946", heartbeatTimestamp: 1_767_226_000, state: .joining,
            tokens: [100, 5], registeredTimestamp: 0)
        var node = Self.lifecycler(tokens: 4)
        var random = SplitMix64(seed: 11)
        let ring = try node.register(into: RingDescription(instances: [mine]), now: Self.now, using: &random)
        let me = try #require(ring["node-1"])
        #expect(me.state == .active)  // the register state, not the JOINING found in the ring
        #expect(me.registeredTimestamp == 0)  // unknown stays unknown, not "now"
        #expect(me.address == "10.0.0.1:7946")  // config wins
        #expect(me.heartbeatTimestamp == Self.nowSeconds)
        #expect(me.tokens.count == 4)
        #expect(me.tokens.contains(5) && me.tokens.contains(100))
        #expect(me.tokens == me.tokens.sorted())
    }

    // MARK: heartbeat and state

    @Test("heartbeat changes the timestamp and nothing else")
    func heartbeatOnlyTimestamp() throws {
        var node = Self.lifecycler()
        var random = SplitMix64(seed: 5)
        let peer = Self.other("peer", tokens: [1, 2, 3])
        let registered = try node.register(into: RingDescription(instances: [peer]), now: Self.now, using: &random)
        let later = Self.now.addingTimeInterval(5)
        let beat = node.heartbeat(registered, now: later)
        var expected = try #require(registered["node-1"])
        expected.heartbeatTimestamp = Self.nowSeconds + 5
        #expect(beat["node-1"] == expected)
        #expect(beat["peer"] == peer)
        #expect(beat.instances.count == 2)
        #expect(node.current == expected)
    }

    @Test("heartbeat after the store lost the instance writes it back from the lifecycler, registered anew")
    func heartbeatReadds() throws {
        var node = Self.lifecycler()
        var random = SplitMix64(seed: 5)
        let registered = try node.register(into: nil, now: Self.now, using: &random)
        let beat = node.heartbeat(RingDescription(instances: []), now: Self.now.addingTimeInterval(5))
        var expected = try #require(registered["node-1"])
        expected.heartbeatTimestamp = Self.nowSeconds + 5
        // dskit's BasicLifecycler.updateInstance: "registering the instance with an updated registration timestamp".
        expected.registeredTimestamp = Self.nowSeconds + 5
        #expect(beat["node-1"] == expected)
    }

    @Test("changeState moves the state and the timestamp; the same state again writes nothing")
    func changeState() throws {
        var node = Self.lifecycler()
        var random = SplitMix64(seed: 5)
        let registered = try node.register(into: nil, now: Self.now, using: &random)
        let unchanged = node.changeState(to: .active, in: registered, now: Self.now.addingTimeInterval(1))
        #expect(unchanged == nil)
        let changed = node.changeState(to: .leaving, in: registered, now: Self.now.addingTimeInterval(1))
        let leaving = try #require(changed)
        #expect(leaving["node-1"]?.state == .leaving)
        #expect(leaving["node-1"]?.heartbeatTimestamp == Self.nowSeconds + 1)
        #expect(leaving["node-1"]?.tokens == registered["node-1"]?.tokens)
        #expect(node.state == .leaving)
    }

    // MARK: leave, through the memberlist KV merge

    @Test("leave: LEAVING, then unregister, which the localCAS merge stores as a LEFT tombstone without tokens")
    func leaveLeavesTombstone() throws {
        var node = Self.lifecycler()
        var random = SplitMix64(seed: 8)
        let peer = Self.other("peer", tokens: [1, 2, 3])
        let start = RingDescription(instances: [peer])
        let cas = try node.register(into: start, now: Self.now, using: &random)
        var stored = try #require(RingMerge.store(cas, into: start, localCAS: true, now: Self.now).value)

        let leaveTime = Self.now.addingTimeInterval(10)
        let leave = try node.leave(from: stored, now: leaveTime)
        let leaving = try #require(leave.leaving)
        #expect(leaving["node-1"]?.state == .leaving)
        #expect(leaving["node-1"]?.tokens.count == 16)
        stored = try #require(RingMerge.store(leaving, into: stored, localCAS: true, now: leaveTime).value)
        #expect(stored["node-1"]?.state == .leaving)

        #expect(leave.unregistered["node-1"] == nil)
        #expect(leave.unregistered["peer"] == peer)
        let result = RingMerge.store(leave.unregistered, into: stored, localCAS: true, now: leaveTime)
        let tombstone = try #require(result.value?["node-1"])
        #expect(tombstone.state == .left)
        #expect(tombstone.tokens.isEmpty)
        #expect(tombstone.heartbeatTimestamp == Self.nowSeconds + 10)
        #expect(result.broadcast?.instances.map(\.id) == ["node-1"])
        #expect(result.value?["peer"] == peer)
        #expect(!node.isRegistered)
        #expect(node.state == .pending)
    }

    @Test("unregister from a key with no ring fails as dskit's does")
    func unregisterEmpty() {
        var node = Self.lifecycler()
        #expect(throws: RingLifecycler.Failure.emptyRing) { try node.unregister(from: nil, now: Self.now) }
    }

    @Test("re-register after leave: the tombstone is replaced by a fresh ACTIVE instance with new tokens")
    func reregisterAfterLeave() throws {
        var node = Self.lifecycler()
        var random = SplitMix64(seed: 21)
        var stored = try node.register(into: nil, now: Self.now, using: &random)
        let first = try #require(stored["node-1"])
        let leaveTime = Self.now.addingTimeInterval(10)
        let leave = try node.leave(from: stored, now: leaveTime)
        let leaving = try #require(leave.leaving)
        stored = try #require(RingMerge.store(leaving, into: stored, localCAS: true, now: leaveTime).value)
        stored = try #require(RingMerge.store(leave.unregistered, into: stored, localCAS: true, now: leaveTime).value)
        #expect(stored["node-1"]?.state == .left)

        let back = Self.now.addingTimeInterval(20)
        let cas = try node.register(into: stored, now: back, using: &random)
        let result = RingMerge.store(cas, into: stored, localCAS: true, now: back)
        let me = try #require(result.value?["node-1"])
        #expect(me.state == .active)
        #expect(me.tokens.count == 16)
        #expect(me.tokens != first.tokens)  // the tombstone kept no tokens to reuse
        #expect(me.registeredTimestamp == Self.nowSeconds + 20)
        #expect(me.heartbeatTimestamp == Self.nowSeconds + 20)
    }

    @Test("a heartbeat after a forget writes the instance back with its tokens and state, registered now (dskit)")
    func heartbeatAfterForget() throws {
        var node = Self.lifecycler()
        var random = SplitMix64(seed: 31)
        let stored = try node.register(into: nil, now: Self.now, using: &random)
        let first = try #require(stored["node-1"])
        let forgetTime = Self.now.addingTimeInterval(30)
        let tombstone = ForgetTombstone(key: "ring", forgetting: [first], now: forgetTime).change
        let forgotten = try #require(RingMerge.store(tombstone, into: stored, localCAS: false, now: forgetTime).value)
        #expect(forgotten["node-1"]?.state == .left)

        let next = forgetTime.addingTimeInterval(5)
        let cas = node.heartbeat(forgotten, now: next)
        let me = try #require(RingMerge.store(cas, into: forgotten, localCAS: true, now: next).value?["node-1"])
        #expect(me.state == .active)
        #expect(me.tokens == first.tokens)
        #expect(me.registeredTimestamp == Self.nowSeconds + 35)
        #expect(me.heartbeatTimestamp == Self.nowSeconds + 35)
    }
}
