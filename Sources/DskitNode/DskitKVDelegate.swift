import DskitKV
import Foundation
import MemberlistNode

// dskit's memberlist KV client (grafana/dskit kv/memberlist/memberlist_client.go) as the node's delegate, with one
// ring member's lifecycle (ring/basic_lifecycler.go) riding on it, as a pure value:
//
//   NodeMeta          dskit returns its encoded node metadata (version 1, role, zone) only when zone-aware routing
//                     is on, nil otherwise; `nodeMetadata = nil` gives the latter
//   NotifyMsg         the payload is exactly one marshalled KeyValuePair (no framing, no version); an empty key or a
//                     payload that does not unmarshal is counted as invalid and dropped. A stored change is
//                     re-broadcast, never the message as received: only the changed instances (`MergeContent`)
//   GetBroadcasts     two queues: locally generated changes (our CAS) first, then re-broadcasts of what others sent,
//                     in whatever budget the first left; both with the same retransmit multiplier
//   LocalState        every key, length-prefixed (KVState); MergeRemoteState merges each pair, stops at the first
//                     bad entry, and re-broadcasts each change
//   CAS               our lifecycler's writes go through KVStore.cas (localCAS: an instance we drop becomes a LEFT
//                     tombstone). When the merge sees no change (ring timestamps have one-second resolution) dskit
//                     sleeps a second and retries; a pure value cannot sleep, so the one retry is written at once,
//                     stamped one second later, which is what dskit would have written after its sleep
//   stopping          dskit's KV waits for the local queue only (`localBroadcasts.NumQueued`), so
//                     `pendingBroadcasts` counts that queue
//
// Invalidation is dskit's ringBroadcast rule: a ring change is about its changed instance ids, and a newer change
// whose ids contain an older queued one's replaces it (BroadcastQueue `.covering`). Values ringctl keeps raw (codecs it
// does not decode, deleted keys) are won whole by the newer pair, so a newer one replaces any older queued one about
// the same key (`.key`). dskit drops pairs with a codec it has not registered; KVStore keeps them (a ringctl node
// never hides a key from the cluster), and so they are re-broadcast like any other change.
//
// Too large for a packet: dskit sends broadcasts only by gossip, never another way. It gets away with that because
// its TCP transport carries every "packet" over a stream, so it sets memberlist's UDPBufferSize to 10 MiB and any
// ring change fits (kv/memberlist/memberlist_client.go buildMemberlistConfig). A message that never fits the budget
// would sit unsent in memberlist's queue (dskit never prunes it) until a newer change replaces it; here one over
// `maxBroadcastBytes` is not queued at all but counted in `droppedBroadcasts` (dskit's numberOfBroadcastMessagesDropped
// counts encoding failures the same way), and the value still travels in every push/pull. A node on GossipSettings'
// 1400-byte budget should pass that budget less its packet overhead here, or raise the budget as dskit does.

/// dskit's memberlist KV store and one ring lifecycler, as the node's delegate.
public struct DskitKVDelegate: NodeDelegate {
    /// The Pyroscope ingester ring's key: dskit's default KV prefix `collectors/` plus the ring key `ring`.
    public static let defaultRingKey = "collectors/ring"
    /// dskit's `-ingester.heartbeat-period` default (ring/lifecycler.go).
    public static let defaultHeartbeatPeriod: Duration = .seconds(5)
    /// How many problem descriptions are kept (the count keeps going).
    public static let recentProblemLimit = 8

    /// The KV key the lifecycler writes its ring to.
    public let ringKey: String
    /// How often the lifecycler heartbeats.
    public let heartbeatPeriod: Duration
    /// Maps the node's instants to the wall-clock times dskit stamps heartbeats and updates with.
    public var anchor: WallClockAnchor
    /// Our node meta (dskit: only with zone-aware routing); nil sends none.
    public var nodeMetadata: NodeMeta?
    /// Longest broadcast queued; a longer change goes out by push/pull only.
    public let maxBroadcastBytes: Int

    /// Every key this node holds.
    public private(set) var store: KVStore
    /// Our ring member, nil for a node that only gossips the KV store.
    public private(set) var lifecycler: RingLifecycler?
    /// Whether heartbeats are stopped (`freeze`).
    public private(set) var isFrozen = false
    /// Whether the instance has left the ring (`willLeave`): no more registration or heartbeats.
    public private(set) var hasLeft = false
    /// How many received messages or states could not be used.
    public private(set) var problemCount = 0
    /// The last few of them, oldest first.
    public private(set) var recentProblems: [String] = []
    /// How many changes were too long to broadcast.
    public private(set) var droppedBroadcasts = 0

    private var generator: SeededGenerator
    /// The last user messages merged, to skip their repeats.
    private var recentPayloads = RecentPayloads(capacity: 128)
    /// Changes we made (dskit `localBroadcasts`).
    private var localBroadcasts: BroadcastQueue<String>
    /// Changes others made that we merged and pass on (dskit `gossipBroadcasts`).
    private var gossipBroadcasts: BroadcastQueue<String>

    /// A delegate holding an empty store; `lifecycler` (if any) registers on the first tick, its tokens drawn from
    /// `seed`. The node meta says role member in the lifecycler's zone.
    public init(
        lifecycler: RingLifecycler?, anchor: WallClockAnchor, seed: UInt64, ringKey: String = defaultRingKey,
        heartbeatPeriod: Duration = defaultHeartbeatPeriod,
        retransmitMultiplier: Int = BroadcastQueue<String>.defaultRetransmitMultiplier,
        leftIngestersTimeout: Duration = RingMerge.defaultLeftIngestersTimeout,
        maxBroadcastBytes: Int = BroadcastQueue<String>.defaultMaxMessageBytes
    ) {
        self.lifecycler = lifecycler
        self.anchor = anchor
        self.generator = SeededGenerator(seed: seed)
        self.ringKey = ringKey
        self.heartbeatPeriod = heartbeatPeriod
        self.maxBroadcastBytes = max(1, maxBroadcastBytes)
        self.nodeMetadata = NodeMeta(role: .member, zone: lifecycler?.zone ?? "")
        self.store = KVStore(leftIngestersTimeout: leftIngestersTimeout)
        self.localBroadcasts = BroadcastQueue(
            retransmitMultiplier: retransmitMultiplier, maxMessageBytes: self.maxBroadcastBytes)
        self.gossipBroadcasts = BroadcastQueue(
            retransmitMultiplier: retransmitMultiplier, maxMessageBytes: self.maxBroadcastBytes)
    }

    /// A ring member named like its node: instance id `name`, ACTIVE on registration.
    public init(
        name: String, address: String, zone: String = "", tokenCount: Int = RingLifecycler.defaultTokenCount,
        anchor: WallClockAnchor, seed: UInt64, ringKey: String = defaultRingKey
    ) {
        self.init(
            lifecycler: RingLifecycler(id: name, address: address, zone: zone, tokenCount: tokenCount),
            anchor: anchor, seed: seed, ringKey: ringKey)
    }

    // MARK: Reading

    /// The ring at `ringKey` as stored, LEFT tombstones included; nil while the key holds no ring.
    public var ring: RingDescription? {
        guard let entry = store[ringKey], !entry.deleted, case .ring(let ring) = entry.value else { return nil }
        return ring
    }

    /// Our instance as the stored ring has it (a LEFT tombstone after leaving); nil before registering.
    public var instance: InstanceDescription? {
        guard let id = lifecycler?.id else { return nil }
        return ring?[id]
    }

    /// How many re-broadcasts of others' changes are queued (not counted in `pendingBroadcasts`).
    public var pendingRebroadcasts: Int { gossipBroadcasts.count }

    // MARK: NodeDelegate

    /// dskit's node metadata, or nothing when there is none or it is longer than `limit`.
    public func nodeMeta(limit: Int) -> [UInt8] {
        guard let nodeMetadata, let bytes = try? nodeMetadata.bytes(), bytes.count <= limit else { return [] }
        return bytes
    }

    /// Merges one gossiped KeyValuePair and queues what changed for re-broadcast; bad input is counted.
    public mutating func notifyMessage(_ payload: [UInt8], now: ContinuousClock.Instant) {
        // Every change arrives retransmit × log10(N) times: a payload merged moments ago changes nothing (merges only
        // move timestamps forward), so its decode and merge are skipped.
        let hash = RecentPayloads.hash(payload)
        guard !recentPayloads.contains(payload, hash: hash) else { return }
        let pair: KeyValuePair
        do throws(DskitKVError) {
            // KeyValuePair caps the payload before decoding; swift-protobuf checks every length against the bytes left.
            pair = try KeyValuePair(protobuf: payload)
        } catch {
            return noteProblem("user message of \(payload.count) bytes dropped: \(error)")
        }
        guard !pair.key.isEmpty else {
            return noteProblem("user message of \(payload.count) bytes dropped: KeyValuePair has an empty key")
        }
        recentPayloads.insert(payload, hash: hash)
        merge(pair, now: now, from: "user message")
    }

    /// Our changes first, then re-broadcasts in the bytes left (dskit `GetBroadcasts`).
    public mutating func broadcasts(overhead: Int, limit: Int, clusterSize: Int) -> [[UInt8]] {
        var messages = localBroadcasts.take(overhead: overhead, limit: limit, clusterSize: clusterSize)
        let left = limit - messages.reduce(0) { $0 + overhead + $1.count }
        if left > 0 {
            messages += gossipBroadcasts.take(overhead: overhead, limit: left, clusterSize: clusterSize)
        }
        return messages
    }

    /// Our own changes still queued: what dskit's KV waits for before leaving memberlist.
    public var pendingBroadcasts: Int { localBroadcasts.count }

    /// Every key, tombstones included (dskit `LocalState`).
    public func localState(join: Bool, now: ContinuousClock.Instant) -> [UInt8] {
        store.fullState()
    }

    /// Merges the pairs of a push/pull state up to the first bad entry (counted) and queues every change.
    public mutating func mergeRemoteState(_ state: [UInt8], join: Bool, now: ContinuousClock.Instant) {
        // decodePrefix refuses a state over the full-state cap, and every entry length over the pair cap, before
        // allocating anything for it.
        let (decoded, failure) = KVState.decodePrefix(state)
        // Pair by pair, as KVStore.mergeFullState does, so a ring value that does not decode can be told apart.
        for pair in decoded.pairs { merge(pair, now: now, from: "push/pull state") }
        if let failure {
            noteProblem("push/pull state of \(state.count) bytes cut after \(decoded.pairs.count) pairs: \(failure)")
        }
    }

    /// The heartbeat period while there is a lifecycler, else never.
    public var tickInterval: Duration? { lifecycler == nil ? nil : heartbeatPeriod }

    /// The first tick registers the instance; later ones heartbeat, unless frozen or left.
    public mutating func tick(now: ContinuousClock.Instant) {
        guard let lifecycler, !hasLeft, !isFrozen else { return }
        let date = anchor.date(at: now)
        if lifecycler.isRegistered {
            writeRing(at: date) { lifecycler, ring, stamp in lifecycler.heartbeat(ring, now: stamp) }
        } else {
            var generator = self.generator
            var failure: RingLifecycler.Failure?
            writeRing(at: date) { lifecycler, ring, stamp in
                do throws(RingLifecycler.Failure) {
                    return try lifecycler.register(into: ring, now: stamp, using: &generator)
                } catch {
                    failure = error
                    return nil
                }
            }
            self.generator = generator
            if let failure { noteProblem("could not register \(lifecycler.id) in \(ringKey): \(failure)") }
        }
    }

    /// dskit's BasicLifecycler stopping: LEAVING (skipped when already), then unregister, which the localCAS merge
    /// turns into a LEFT tombstone; both changes are queued (the tombstone replaces a still queued LEAVING).
    public mutating func willLeave(now: ContinuousClock.Instant) {
        guard lifecycler?.isRegistered == true, !hasLeft else { return }
        var date = anchor.date(at: now)
        if let written = writeRing(at: date, { lifecycler, ring, stamp in
            lifecycler.changeState(to: .leaving, in: ring, now: stamp)
        }) {
            // The tombstone must not be older than the LEAVING entry, or receivers would keep LEAVING.
            date = written
        }
        writeRing(at: date) { lifecycler, ring, stamp in try? lifecycler.unregister(from: ring, now: stamp) }
        hasLeft = true
    }

    /// Writes a change that is ours but not our lifecycler's (`ringctl forget`'s tombstones): merged into the store
    /// as a received pair is, then queued exactly as given with our own broadcasts (dskit's CAS broadcasts the
    /// change it computed; here the caller built it). False, and nothing queued, when the store took nothing.
    @discardableResult
    public mutating func publish(_ pair: KeyValuePair, now: ContinuousClock.Instant) -> Bool {
        guard store.mergeRemote(pair, now: anchor.date(at: now)) != nil else { return false }
        queue(pair, locally: true)
        return true
    }

    // MARK: Failure switches for the demo

    /// Stops heartbeats (a hung process whose memberlist still runs): the node keeps gossiping and merging.
    public mutating func freeze() { isFrozen = true }

    /// Heartbeats again from the next tick.
    public mutating func unfreeze() { isFrozen = false }

    /// Writes our instance in `state` (dskit `changeState`) and queues the change; false when nothing was written
    /// (not registered, left, or already in that state).
    @discardableResult
    public mutating func changeState(to state: InstanceState, now: ContinuousClock.Instant) -> Bool {
        guard lifecycler?.isRegistered == true, !hasLeft else { return false }
        return writeRing(at: anchor.date(at: now)) { lifecycler, ring, stamp in
            lifecycler.changeState(to: state, in: ring, now: stamp)
        } != nil
    }

    // MARK: Internals

    /// One lifecycler write through the store's CAS; returns the time it was stamped with, or nil when nothing was
    /// stored. `operation` gets the lifecycler, the ring as the KV hands it and the time to stamp, and returns the
    /// ring to CAS or nil for nothing to do.
    @discardableResult
    private mutating func writeRing(
        at date: Date, _ operation: (inout RingLifecycler, RingDescription?, Date) -> RingDescription?
    ) -> Date? {
        guard var lifecycler else { return nil }
        defer { self.lifecycler = lifecycler }
        // dskit's retry after errNoChangeDetected, its one-second sleep folded into the stamp.
        for stamp in [date, date.addingTimeInterval(1)] {
            var proposed = false
            let change = store.cas(ringKey, now: stamp) { ring in
                let next = operation(&lifecycler, ring, stamp)
                proposed = next != nil
                return next
            }
            if let change {
                queue(change, locally: true)
                return stamp
            }
            if !proposed { return nil }
        }
        return nil
    }

    /// Merges a pair someone sent and queues the change for re-broadcast. A ring value that does not decode is
    /// dropped by the store as by dskit ("failed to store received value"); it is counted here.
    private mutating func merge(_ pair: KeyValuePair, now: ContinuousClock.Instant, from source: String) {
        if let change = store.mergeRemote(pair, now: anchor.date(at: now)) {
            return queue(change, locally: false)
        }
        // No change: usually a duplicate. Only then is the value decoded a second time to tell a bad one apart.
        guard pair.codec == .ringDesc, !pair.deleted else { return }
        do throws(DskitKVError) {
            _ = try RingDescription(codecValue: pair.value)
        } catch {
            noteProblem("\(source): ring value of \(pair.key) dropped: \(error)")
        }
    }

    /// Queues a change as dskit's broadcastNewValue does, about what it covers.
    private mutating func queue(_ change: KeyValuePair, locally: Bool) {
        let bytes = change.protobufBytes()
        let subject = Self.subject(of: change)
        let id =
            locally
            ? localBroadcasts.queue(bytes, about: subject) : gossipBroadcasts.queue(bytes, about: subject)
        if id == nil { droppedBroadcasts += 1 }
    }

    /// A ring change covers its instance ids (dskit `MergeContent`); a raw value is about its whole key.
    static func subject(of change: KeyValuePair) -> BroadcastSubject<String> {
        if change.codec == .ringDesc, !change.deleted, let ring = try? RingDescription(codecValue: change.value) {
            return .covering(change.key, content: Set(ring.instances.map(\.id)))
        }
        return .key(change.key)
    }

    private mutating func noteProblem(_ problem: String) {
        problemCount += 1
        recentProblems.append(problem)
        if recentProblems.count > Self.recentProblemLimit {
            recentProblems.removeFirst(recentProblems.count - Self.recentProblemLimit)
        }
    }
}

/// The last `capacity` payloads seen, oldest dropped first: `contains` says whether a payload is among them.
struct RecentPayloads: Sendable {
    let capacity: Int
    private var ring: [(hash: Int, bytes: [UInt8])] = []
    private var next = 0
    private var counts: [Int: Int] = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// One hash of the whole buffer (an array's own hash feeds the hasher a byte at a time, which cost more than the
    /// decode it saves).
    static func hash(_ payload: [UInt8]) -> Int {
        var hasher = Hasher()
        payload.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

    /// Whether an identical payload is among the last `capacity` recorded (compared byte for byte).
    func contains(_ payload: [UInt8]) -> Bool {
        contains(payload, hash: Self.hash(payload))
    }

    func contains(_ payload: [UInt8], hash: Int) -> Bool {
        counts[hash] != nil && ring.contains { $0.hash == hash && $0.bytes == payload }
    }

    /// Records `payload` (a repeat is recorded again: it counts as recent once more).
    mutating func insert(_ payload: [UInt8]) {
        insert(payload, hash: Self.hash(payload))
    }

    mutating func insert(_ payload: [UInt8], hash: Int) {
        if ring.count < capacity {
            ring.append((hash, payload))
        } else {
            let old = ring[next].hash
            if let count = counts[old] { counts[old] = count > 1 ? count - 1 : nil }
            ring[next] = (hash, payload)
            next = (next + 1) % capacity
        }
        counts[hash, default: 0] += 1
    }
}
