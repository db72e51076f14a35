import Foundation

// A ring member's own lifecycle as a pure value, learnt from grafana/dskit ring/basic_lifecycler.go (register,
// heartbeat through `updateInstance`, `changeState`, and `stopping`: delegate sets LEAVING, then `unregisterInstance`),
// ring/basic_lifecycler_delegates.go (the register delegate keeps existing tokens and tops them up) and
// ring/token_generator.go (`RandomTokenGenerator`). dskit reads `time.Now()` and seeds `math/rand` from the clock;
// here `now` and the generator are passed in. Each operation returns the whole ring to hand to the KV store's CAS:
// with the memberlist KV that is `RingMerge.store(_:into:localCAS: true, now:)`, whose localCAS rule is what turns an
// unregistered (absent) instance into a LEFT tombstone without tokens.

/// One ring member's registration, heartbeats, state changes and leave, as dskit's `BasicLifecycler` does them.
///
/// Every operation takes the ring as the KV store hands it (nil: the key holds nothing yet) and returns the ring to
/// CAS back, updating `current` (dskit's `currInstanceDesc`) as dskit does once the CAS succeeded.
public struct RingLifecycler: Hashable, Sendable {
    /// dskit's default `-ingester.num-tokens` (ring/lifecycler.go): 128 tokens per instance.
    public static let defaultTokenCount = 128

    /// Why an operation could not produce a ring.
    public enum Failure: Error, Hashable, Sendable {
        /// The token range has fewer free tokens than the instance needs (dskit's generator would spin forever).
        case notEnoughFreeTokens(needed: Int, free: UInt64)
        /// Unregistering from a key that holds no ring (dskit: "found empty ring when trying to unregister").
        case emptyRing
    }

    /// What `leave` produces: the two CAS values dskit writes on stop, in order.
    public struct Leave: Hashable, Sendable {
        /// The ring with this instance LEAVING (nil when it already was: dskit then skips the CAS).
        public var leaving: RingDescription?
        /// The ring without this instance, to CAS with localCAS so the merge leaves a LEFT tombstone.
        public var unregistered: RingDescription

        /// A leave outcome from its parts.
        public init(leaving: RingDescription?, unregistered: RingDescription) {
            self.leaving = leaving
            self.unregistered = unregistered
        }
    }

    /// The instance id: the ring map key (dskit uses the node name).
    public var id: String
    /// The address other members dial, "host:port".
    public var address: String
    /// Availability zone, "" without zone awareness.
    public var zone: String
    /// How many tokens the instance owns.
    public var tokenCount: Int
    /// The state every registration writes (dskit's `InstanceRegisterDelegate` state; ACTIVE for a demo node).
    public var registerState: InstanceState
    /// Where tokens are drawn from. dskit always draws from all of `UInt32`; a smaller range lets tests fill it.
    public var tokenRange: ClosedRange<UInt32>
    /// The instance as last written, nil before registering and after unregistering (dskit's `currInstanceDesc`).
    public private(set) var current: InstanceDescription?

    /// A lifecycler that has not registered yet.
    public init(
        id: String, address: String, zone: String = "", tokenCount: Int = defaultTokenCount,
        registerState: InstanceState = .active, tokenRange: ClosedRange<UInt32> = 0...UInt32.max
    ) {
        self.id = id
        self.address = address
        self.zone = zone
        self.tokenCount = max(0, tokenCount)
        self.registerState = registerState
        self.tokenRange = tokenRange
        self.current = nil
    }

    /// dskit's `GetState`: PENDING while not registered.
    public var state: InstanceState { current?.state ?? .pending }
    /// dskit's `GetTokens`: empty while not registered.
    public var tokens: [UInt32] { current?.tokens ?? [] }
    /// dskit's `IsRegistered`.
    public var isRegistered: Bool { current != nil }

    /// Registers the instance (dskit `registerInstance`): the ring to CAS.
    ///
    /// The state is always `registerState` (dskit's register delegates restart from a clean state). An instance
    /// already in the ring keeps its tokens and registration time and gets the missing tokens topped up; a new one
    /// gets `tokenCount` fresh tokens and `registered = now`. Tokens never collide with any other instance's and are
    /// stored sorted; the heartbeat is `now` in whole seconds.
    public mutating func register(
        into ring: RingDescription?, now: Date, using generator: inout some RandomNumberGenerator
    ) throws(Failure) -> RingDescription {
        let view = Self.visible(ring)
        let existing = view[id]
        var tokens = existing?.tokens ?? []
        let taken = view.instances.flatMap(\.tokens)
        tokens += try Self.generateTokens(
            count: tokenCount - tokens.count, taken: taken, in: tokenRange, using: &generator)
        tokens.sort()
        // Known instance: its registration time is honoured even when 0 ("unknown" is not "now").
        let registered = existing.map(\.registeredTimestamp) ?? Self.seconds(now)
        let instance = InstanceDescription(
            id: id, address: address, heartbeatTimestamp: Self.seconds(now), state: registerState,
            tokens: tokens, zone: zone, registeredTimestamp: registered)
        current = instance
        return Self.replacing(instance, in: view)
    }

    /// Heartbeats (dskit `heartbeat`): the ring with this instance's timestamp set to `now` in whole seconds.
    ///
    /// An instance missing from the ring (store restarted, or forgotten) is written back from `current`.
    public mutating func heartbeat(_ ring: RingDescription?, now: Date) -> RingDescription {
        let (view, read, _) = instanceForUpdate(ring, now: now)
        var instance = read
        instance.heartbeatTimestamp = Self.seconds(now)
        current = instance
        return Self.replacing(instance, in: view)
    }

    /// Changes this instance's state (dskit `changeState`): the ring to CAS, or nil when the state is already `state`
    /// and the instance is in the ring (dskit then writes nothing).
    public mutating func changeState(
        to state: InstanceState, in ring: RingDescription?, now: Date
    ) -> RingDescription? {
        let (view, read, found) = instanceForUpdate(ring, now: now)
        if found, read.state == state { return nil }
        var instance = read
        instance.state = state
        // updateInstance: memberlist only takes an entry with a newer timestamp, so a change always moves it.
        instance.heartbeatTimestamp = Self.seconds(now)
        current = instance
        return Self.replacing(instance, in: view)
    }

    /// Unregisters (dskit `unregisterInstance`): the ring without this instance.
    ///
    /// CAS it with localCAS: the memberlist KV's merge then turns the absent instance into a LEFT tombstone with no
    /// tokens and timestamp `now`, gossiped until `-memberlist.left-ingesters-timeout`.
    public mutating func unregister(from ring: RingDescription?, now: Date) throws(Failure) -> RingDescription {
        guard let ring else { throw .emptyRing }
        current = nil
        return RingDescription(instances: Self.visible(ring).instances.filter { $0.id != id })
    }

    /// Leaves as dskit's `stopping` does with the leave-on-stopping delegate: LEAVING (a heartbeat-carrying CAS),
    /// then unregister from the ring that CAS produced. Both values at `now`; a node CASes them in order.
    public mutating func leave(from ring: RingDescription?, now: Date) throws(Failure) -> Leave {
        let leaving = changeState(to: .leaving, in: ring, now: now)
        let unregistered = try unregister(from: leaving ?? ring, now: now)
        return Leave(leaving: leaving, unregistered: unregistered)
    }

    /// `count` unique random tokens from `range`, none in `taken`, sorted (dskit `RandomTokenGenerator`: draw, skip
    /// anything already used, including its own earlier draws, then sort). Throws when the range cannot hold them.
    public static func generateTokens(
        count: Int, taken: [UInt32], in range: ClosedRange<UInt32> = 0...UInt32.max,
        using generator: inout some RandomNumberGenerator
    ) throws(Failure) -> [UInt32] {
        guard count > 0 else { return [] }
        var used = Set(taken.lazy.filter { range.contains($0) })
        let size = UInt64(range.upperBound - range.lowerBound) + 1
        let free = size - UInt64(used.count)
        guard UInt64(count) <= free else { throw .notEnoughFreeTokens(needed: count, free: free) }
        var tokens: [UInt32] = []
        tokens.reserveCapacity(count)
        // Rejection sampling terminates because at least `count` free tokens exist; dskit draws the same way.
        while tokens.count < count {
            let candidate = UInt32.random(in: range, using: &generator)
            if used.insert(candidate).inserted { tokens.append(candidate) }
        }
        tokens.sort()
        return tokens
    }

    // dskit updateInstance: the ring as read, this instance as it stands there (or re-added from `current` with
    // heartbeat `now`, state PENDING and no tokens if never registered), and whether it was found.
    private func instanceForUpdate(
        _ ring: RingDescription?, now: Date
    ) -> (RingDescription, InstanceDescription, Bool) {
        let view = Self.visible(ring)
        if let found = view[id] { return (view, found, true) }
        // Missing (forgotten, or the store was reset): dskit's BasicLifecycler.updateInstance writes it back with
        // its tokens and state, registered now (a shuffle shard may have moved meanwhile; the lookback must see it).
        let readded = InstanceDescription(
            id: id, address: address, heartbeatTimestamp: Self.seconds(now), state: state, tokens: tokens,
            zone: zone, registeredTimestamp: Self.seconds(now))
        return (view, readded, false)
    }

    // The memberlist KV hands CAS functions the ring without LEFT tombstones (kv/memberlist get), so a re-register
    // after leave finds no instance and starts afresh.
    private static func visible(_ ring: RingDescription?) -> RingDescription {
        ring?.removingAllTombstones() ?? RingDescription(instances: [])
    }

    private static func replacing(_ instance: InstanceDescription, in ring: RingDescription) -> RingDescription {
        RingDescription(instances: ring.instances.filter { $0.id != instance.id } + [instance])
    }

    // Go's time.Unix(): whole seconds, rounded down.
    private static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
