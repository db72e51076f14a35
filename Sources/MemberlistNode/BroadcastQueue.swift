import MemberlistWire

// The node's gossip broadcast queue as a pure value, with hashicorp/memberlist's rules (queue.go
// `TransmitLimitedQueue`, util.go `retransmitLimit`, net.go compound overheads) and dskit's invalidation rule for
// KV broadcasts (kv/memberlist/broadcast.go `ringBroadcast.Invalidates`):
//
//   limit     each message is sent at most multiplier × ceil(log10(N + 1)) times, N the cluster size at the time
//             of taking (memberlist counts itself in N); memberlist's LAN default multiplier is 4 (2 in its
//             local config), and dskit's `-memberlist.retransmit-factor` defaults to memberlist's LAN value, 4
//   order     fewest transmits first; within a tier the largest message that still fits (memberlist packs the
//             packet greedily by size), then the newest
//   packing   every message costs its length plus the per-message overhead; one that does not fit is passed
//             over, never blocking smaller ones behind it; taking stops once no byte would be left after overhead
//   once      a message is taken at most once per call, even if it drops to a tier the walk has not reached yet
//   replace   a keyed message removes the older keyed message about the same key (memberlist's NamedBroadcast:
//             alive/suspect/dead by node name); a covering message removes older covering messages about the
//             same key whose content it contains (dskit: an update about instances {a, b} of a ring replaces one
//             about {a}, but not one about {c}); a unique message never replaces nor is replaced
//   prune     keeps the n least transmitted messages, newest first among equals; memberlist's `Prune` drops in
//             queue order, where length outranks age, so a short new message could go before a long old one;
//             ordering by transmits and age alone keeps what its doc promises (the latest messages)
//
// dskit also requires the newer broadcast's local version to be at least the older one's; a queue fed in merge
// order satisfies that by construction, so queue order stands in for the version here.
//
// Caps (memberlist has none; serf prunes its queues to a depth of 4096, which Consul keeps as a minimum): at most
// `maxMessages` messages are held, the most transmitted (then oldest) dropped first when a new one would exceed
// it, and a message longer than `maxMessageBytes` is refused, since it could never fit a packet and would
// otherwise sit in the queue forever.

/// What a queued broadcast is about, which decides what it replaces.
public enum BroadcastSubject<Key: Hashable & Sendable>: Hashable, Sendable {
    /// About one key (a node name): replaces the older keyed message about the same key.
    case key(Key)
    /// About part of one key's value (a KV key and the instances the change covers): replaces older covering
    /// messages about the same key whose content is a subset of this one's.
    case covering(Key, content: Set<String>)
    /// Never replaces anything and is never replaced.
    case unique
}

/// Identifies one queued broadcast, so a caller can tell whether it is still pending (memberlist's leave waits
/// for its dead message to be done).
public struct BroadcastID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Increasing in queue order: a larger id is a newer message.
    public let rawValue: UInt64

    public static func < (lhs: BroadcastID, rhs: BroadcastID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "broadcast#\(rawValue)" }
}

/// A transmit-limited gossip queue: messages sent a bounded number of times, fewest-sent and newest first, packed
/// into a byte budget, older messages about the same subject replaced.
public struct BroadcastQueue<Key: Hashable & Sendable>: Sendable {
    /// Memberlist's per-entry overhead inside a compound message (net.go `compoundOverhead`).
    public static var compoundEntryOverhead: Int { 2 }
    /// Memberlist's compound header overhead (net.go `compoundHeaderOverhead`), taken off the packet once.
    public static var compoundHeaderOverhead: Int { 2 }
    /// Memberlist's LAN default retransmit multiplier (config.go `DefaultLANConfig`), also dskit's default.
    public static var defaultRetransmitMultiplier: Int { 4 }
    /// Default cap on held messages (serf's queue depth; memberlist itself never prunes).
    public static var defaultMaxMessages: Int { 4096 }
    /// Default cap on one message's length: the largest UDP payload, so anything longer could never be sent.
    public static var defaultMaxMessageBytes: Int { 65_507 }

    struct Entry: Sendable {
        var id: BroadcastID
        var bytes: [UInt8]
        /// The message the bytes encode, when the queuer kept it (the node's own broadcasts), so taking it for a
        /// packet never decodes it again.
        var message: Message?
        var subject: BroadcastSubject<Key>
        var transmits: Int

        /// A free slot's filler.
        static var vacant: Entry {
            Entry(id: BroadcastID(rawValue: 0), bytes: [], message: nil, subject: .unique, transmits: 0)
        }
    }

    /// Where an entry sits in queue order, and where it is stored.
    struct Rank: Hashable, Sendable {
        var transmits: Int
        var length: Int
        var id: BroadcastID
        /// The entry's index in `slots` (not part of the order: ids are unique).
        var slot: Int32

        /// Memberlist's queue order: fewer transmits, then longer, then newer.
        func precedes(_ other: Rank) -> Bool {
            if transmits != other.transmits { return transmits < other.transmits }
            if length != other.length { return length > other.length }
            return id > other.id
        }
    }

    /// Multiplies the log-scaled cluster size into the transmit limit.
    public var retransmitMultiplier: Int
    /// Most messages held at once.
    public let maxMessages: Int
    /// Longest message accepted.
    public let maxMessageBytes: Int

    // Entries live in a slab addressed by the rank's slot, so a gossip round's walk over a thousand queued messages
    // reads and counts them by index: no hashing (a join storm takes the whole queue three times every round).
    private var slots: [Entry] = []
    private var freeSlots: [Int32] = []
    /// Each queued id's slot: for `contains`, `transmits(of:)` and replacement, never on the take path.
    private var slotByID: [BroadcastID: Int32] = [:]
    /// Every entry's rank, kept in queue order, so taking walks from the front instead of sorting the queue (a
    /// thousand-member cluster's join storm queues a thousand alive messages, taken every gossip round).
    private var order: [Rank] = []
    /// Ids of keyed and covering messages by key, so replacement does not scan the whole queue.
    private var idsByKey: [Key: Set<BroadcastID>] = [:]
    private var lastID: UInt64 = 0

    /// An empty queue; caps below 1 are raised to 1.
    public init(
        retransmitMultiplier: Int = defaultRetransmitMultiplier, maxMessages: Int = defaultMaxMessages,
        maxMessageBytes: Int = defaultMaxMessageBytes
    ) {
        self.retransmitMultiplier = retransmitMultiplier
        self.maxMessages = max(1, maxMessages)
        self.maxMessageBytes = max(1, maxMessageBytes)
    }

    /// How many times a message is sent in a cluster of `clusterSize` members: multiplier × ceil(log10(N + 1)).
    ///
    /// ceil(log10(N + 1)) is the number of decimal digits of N (0 for N = 0), computed on integers so that no
    /// floating-point rounding can move a power of ten into the next tier.
    public static func retransmitLimit(multiplier: Int, clusterSize: Int) -> Int {
        var digits = 0
        var rest = max(0, clusterSize)
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return multiplier * digits
    }

    /// Number of messages waiting.
    public var count: Int { slotByID.count }

    /// Whether the message queued as `id` is still waiting to be sent (false once it reached its limit, was
    /// replaced, pruned or reset).
    public func contains(_ id: BroadcastID) -> Bool { slotByID[id] != nil }

    /// How many times the message queued as `id` has been taken, or nil once it is gone.
    public func transmits(of id: BroadcastID) -> Int? { slotByID[id].map { slots[Int($0)].transmits } }

    /// Queues an encoded message, replacing older ones about the same subject; nil if it is longer than
    /// `maxMessageBytes`. When the queue is full, the most transmitted, oldest message is dropped.
    @discardableResult
    public mutating func queue(_ bytes: [UInt8], about subject: BroadcastSubject<Key>) -> BroadcastID? {
        queue(bytes, message: nil, about: subject)
    }

    /// Queues a message together with its encoding (`take(…)` gives the bytes, `takeMessages(…)` the message).
    @discardableResult
    public mutating func queue(_ message: Message, encoded bytes: [UInt8], key: Key) -> BroadcastID? {
        queue(bytes, message: message, about: .key(key))
    }

    private mutating func queue(
        _ bytes: [UInt8], message: Message?, about subject: BroadcastSubject<Key>
    ) -> BroadcastID? {
        guard bytes.count <= maxMessageBytes else { return nil }
        for old in replaced(by: subject) { remove(old) }
        lastID += 1
        let id = BroadcastID(rawValue: lastID)
        let entry = Entry(id: id, bytes: bytes, message: message, subject: subject, transmits: 0)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(slot)] = entry
        } else {
            slot = Int32(slots.count)
            slots.append(entry)
        }
        slotByID[id] = slot
        insertRank(Rank(transmits: 0, length: bytes.count, id: id, slot: slot))
        if let key = Self.key(of: subject) { idsByKey[key, default: []].insert(id) }
        prune(keeping: maxMessages)
        return id
    }

    /// Queues a message about one key (a node name), replacing the older one about it.
    @discardableResult
    public mutating func queue(_ bytes: [UInt8], key: Key) -> BroadcastID? {
        queue(bytes, about: .key(key))
    }

    /// Takes the messages to send now within `limit` bytes, counting `overhead` bytes per message; each one's
    /// transmit count goes up, and those reaching the limit for `clusterSize` members leave the queue.
    public mutating func take(overhead: Int, limit: Int, clusterSize: Int) -> [[UInt8]] {
        var taken: [[UInt8]] = []
        takeEntries(overhead: overhead, limit: limit, clusterSize: clusterSize) { taken.append($0.bytes) }
        return taken
    }

    /// `take`, appending the messages to `messages`: those queued with their message as they were, the others
    /// decoded (an undecodable one is left out). Returns the bytes taken, overhead included.
    public mutating func takeMessages(
        into messages: inout [Message], overhead: Int, limit: Int, clusterSize: Int
    ) -> Int {
        var used = 0
        takeEntries(overhead: overhead, limit: limit, clusterSize: clusterSize) { entry in
            if let message = entry.message ?? (try? Message(bytes: entry.bytes)) {
                messages.append(message)
                used += entry.bytes.count + overhead
            }
        }
        return used
    }

    /// Hands each message taken to `use` (in queue order, before its count moves), then updates the queue.
    private mutating func takeEntries(
        overhead: Int, limit: Int, clusterSize: Int, _ use: (borrowing Entry) -> Void
    ) {
        guard !order.isEmpty else { return }
        let transmitLimit = Self.retransmitLimit(multiplier: retransmitMultiplier, clusterSize: clusterSize)
        // One walk in queue order is memberlist's tier-by-tier search: within a tier, everything before the
        // message it picks was already too long for the space then free, so it is too long for what is left.
        // Transmit counts are raised only after the walk, so nothing is taken twice in one call.
        var used = 0
        var taken: [Int] = []  // positions in `order`, increasing
        for position in order.indices {
            let free = limit - used - overhead
            if free <= 0 { break }
            let length = order[position].length
            guard length <= free else { continue }
            used += overhead + length
            use(slots[Int(order[position].slot)])
            taken.append(position)
        }
        guard !taken.isEmpty else { return }
        // The taken move up one tier (or leave): the untaken keep their order, the bumped keep theirs, and one
        // merge of the two restores queue order (a dskit-sized packet takes the whole queue every round).
        var kept: [Rank] = []
        var bumped: [Rank] = []
        kept.reserveCapacity(order.count - taken.count)
        bumped.reserveCapacity(taken.count)
        var next = 0
        for position in order.indices {
            var rank = order[position]
            guard next < taken.count, taken[next] == position else {
                kept.append(rank)
                continue
            }
            next += 1
            if rank.transmits + 1 >= transmitLimit {
                release(slot: rank.slot)
            } else {
                rank.transmits += 1
                slots[Int(rank.slot)].transmits = rank.transmits
                bumped.append(rank)
            }
        }
        order = Self.merge(kept, bumped)
    }

    /// Two lists each in queue order, as one.
    private static func merge(_ first: [Rank], _ second: [Rank]) -> [Rank] {
        guard !second.isEmpty else { return first }
        guard !first.isEmpty else { return second }
        var merged: [Rank] = []
        merged.reserveCapacity(first.count + second.count)
        var i = 0
        var j = 0
        while i < first.count, j < second.count {
            if second[j].precedes(first[i]) {
                merged.append(second[j])
                j += 1
            } else {
                merged.append(first[i])
                i += 1
            }
        }
        merged.append(contentsOf: first[i...])
        merged.append(contentsOf: second[j...])
        return merged
    }

    /// Keeps the `maxRetain` least transmitted messages, newest first among equals, and drops the rest (memberlist
    /// `Prune`).
    public mutating func prune(keeping maxRetain: Int) {
        let excess = order.count - max(0, maxRetain)
        guard excess > 0 else { return }
        // Victims are the most transmitted, then the oldest, whatever their length (queue order also weighs length).
        func sentMoreOrOlder(_ a: Rank, _ b: Rank) -> Bool {
            a.transmits != b.transmits ? a.transmits > b.transmits : a.id < b.id
        }
        if excess == 1 {
            // The usual case (one message over the cap): one scan for the victim instead of a sort.
            if let victim = order.min(by: sentMoreOrOlder) { remove(victim.id) }
            return
        }
        for rank in order.sorted(by: sentMoreOrOlder).prefix(excess) { remove(rank.id) }
    }

    /// Drops every message.
    public mutating func reset() {
        slots = []
        freeSlots = []
        slotByID = [:]
        order = []
        idsByKey = [:]
        // lastID keeps counting: an id handed out before the reset must never name a later message.
    }

    private static func key(of subject: BroadcastSubject<Key>) -> Key? {
        switch subject {
        case .key(let key), .covering(let key, _): key
        case .unique: nil
        }
    }

    /// Messages a new one about `subject` replaces: keyed ones only replace keyed ones, covering ones only
    /// covering ones (memberlist lets its special broadcast kinds invalidate only their own kind).
    private func replaced(by subject: BroadcastSubject<Key>) -> [BroadcastID] {
        guard let key = Self.key(of: subject), let ids = idsByKey[key] else { return [] }
        return ids.filter { id in
            guard let slot = slotByID[id] else { return false }
            switch (subject, slots[Int(slot)].subject) {
            case (.key, .key): return true
            case (.covering(_, let content), .covering(_, let oldContent)): return oldContent.isSubset(of: content)
            default: return false
            }
        }
    }

    private mutating func remove(_ id: BroadcastID) {
        guard let slot = slotByID[id] else { return }
        let entry = slots[Int(slot)]
        removeRank(Rank(transmits: entry.transmits, length: entry.bytes.count, id: id, slot: slot))
        release(slot: slot)
    }

    /// Frees an entry's slot and forgets its id and key (its rank is the caller's to drop).
    private mutating func release(slot: Int32) {
        let entry = slots[Int(slot)]
        slots[Int(slot)] = .vacant
        freeSlots.append(slot)
        slotByID[entry.id] = nil
        if let key = Self.key(of: entry.subject) {
            idsByKey[key]?.remove(entry.id)
            if idsByKey[key]?.isEmpty == true { idsByKey[key] = nil }
        }
    }

    /// The first position whose rank does not precede `rank` (binary search in queue order).
    private func position(of rank: Rank) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle].precedes(rank) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func insertRank(_ rank: Rank) {
        order.insert(rank, at: position(of: rank))
    }

    private mutating func removeRank(_ rank: Rank) {
        let index = position(of: rank)
        if index < order.count, order[index] == rank { order.remove(at: index) }
    }
}
