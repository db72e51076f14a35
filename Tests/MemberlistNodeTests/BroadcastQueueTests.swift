import MemberlistNode
import Testing

/// The broadcast queue against memberlist's queue.go rules (transmit limit, order, packing, prune) and dskit's
/// broadcast.go invalidation, synchronously.
@Suite("BroadcastQueue")
struct BroadcastQueueTests {
    typealias Queue = BroadcastQueue<String>

    /// A message of `length` bytes all equal to `tag`, so a test can tell messages apart by their first byte.
    static func message(_ tag: UInt8, length: Int = 10) -> [UInt8] { [UInt8](repeating: tag, count: length) }

    /// Tags of taken messages, in the order they were taken.
    static func tags(_ messages: [[UInt8]]) -> [UInt8] { messages.map { $0.first ?? 0 } }

    @Test(
        "retransmit limit is multiplier × ceil(log10(N + 1))",
        arguments: [(0, 0), (1, 4), (9, 4), (10, 8), (99, 8), (100, 12), (999, 12), (1000, 16)])
    func retransmitLimit(clusterSize: Int, expected: Int) {
        #expect(Queue.retransmitLimit(multiplier: 4, clusterSize: clusterSize) == expected)
    }

    @Test("the multiplier scales the limit; memberlist's local config (2) halves the LAN default (4)")
    func retransmitMultiplier() {
        #expect(Queue.defaultRetransmitMultiplier == 4)
        #expect(Queue.retransmitLimit(multiplier: 2, clusterSize: 100) == 6)
        #expect(Queue.retransmitLimit(multiplier: 3, clusterSize: 10) == 6)
    }

    @Test(
        "a message is sent exactly the limit's number of times, then leaves the queue",
        arguments: [1, 9, 10, 99, 100, 1000])
    func sentLimitTimes(clusterSize: Int) {
        var queue = Queue()
        let id = queue.queue(Self.message(1), key: "node-a")!
        let limit = Queue.retransmitLimit(multiplier: 4, clusterSize: clusterSize)
        var sends = 0
        for _ in 0..<(limit + 5) {
            sends += queue.take(overhead: 2, limit: 1400, clusterSize: clusterSize).count
        }
        #expect(sends == limit)
        #expect(!queue.contains(id))
        #expect(queue.count == 0)
    }

    @Test("transmit counts go up by one per take, and the limit follows the cluster size passed in")
    func transmitCountsAndLimitFromClusterSize() {
        var queue = Queue()
        let id = queue.queue(Self.message(1), key: "node-a")!
        for expected in 1...3 {
            _ = queue.take(overhead: 2, limit: 1400, clusterSize: 9)
            #expect(queue.transmits(of: id) == expected)
        }
        // Three sends so far; at N = 9 the limit is 4, so the fourth take retires it.
        _ = queue.take(overhead: 2, limit: 1400, clusterSize: 9)
        #expect(queue.transmits(of: id) == nil)

        // The limit is taken at take time: a cluster that grew to 10 allows 8.
        let small = queue.queue(Self.message(2), key: "node-b")!
        for _ in 0..<4 { _ = queue.take(overhead: 2, limit: 1400, clusterSize: 9) }
        #expect(!queue.contains(small))
        let again = queue.queue(Self.message(3), key: "node-b")!
        for _ in 0..<4 { _ = queue.take(overhead: 2, limit: 1400, clusterSize: 10) }
        #expect(queue.transmits(of: again) == 4)
    }

    @Test("a newer message about the same key replaces the older one; other keys stay")
    func invalidationByKey() {
        var queue = Queue()
        let suspect = queue.queue(Self.message(1), key: "node-a")!
        let other = queue.queue(Self.message(2), key: "node-b")!
        let alive = queue.queue(Self.message(3), key: "node-a")!
        #expect(!queue.contains(suspect))
        #expect(queue.contains(other) && queue.contains(alive))
        #expect(queue.count == 2)
        #expect(Set(Self.tags(queue.take(overhead: 2, limit: 1400, clusterSize: 3))) == [2, 3])
    }

    @Test("a replacement starts again at zero transmits, ahead of messages already sent")
    func replacementRestartsAtZero() {
        var queue = Queue()
        queue.queue(Self.message(1), key: "node-a")
        queue.queue(Self.message(2), key: "node-b")
        _ = queue.take(overhead: 2, limit: 1400, clusterSize: 100)
        let fresh = queue.queue(Self.message(3), key: "node-a")!
        #expect(queue.transmits(of: fresh) == 0)
        // Room for one message: the fresh tier-0 one goes before node-b's tier-1 message.
        #expect(Self.tags(queue.take(overhead: 2, limit: 12, clusterSize: 100)) == [3])
    }

    @Test("unique messages never replace and are never replaced")
    func uniqueMessages() {
        var queue = Queue()
        let keyed = queue.queue(Self.message(1), key: "node-a")!
        let first = queue.queue(Self.message(2), about: .unique)!
        let second = queue.queue(Self.message(3), about: .unique)!
        queue.queue(Self.message(4), key: "node-b")
        #expect(queue.contains(keyed) && queue.contains(first) && queue.contains(second))
        #expect(queue.count == 4)
    }

    @Test("keyed and covering messages about the same key do not replace each other")
    func kindsStayApart() {
        var queue = Queue()
        let keyed = queue.queue(Self.message(1), key: "collectors/ring")!
        let covering = queue.queue(Self.message(2), about: .covering("collectors/ring", content: []))!
        #expect(queue.contains(keyed) && queue.contains(covering))
        queue.queue(Self.message(3), key: "collectors/ring")
        #expect(!queue.contains(keyed) && queue.contains(covering))
    }

    @Test("dskit: a KV update replaces older ones about the same key whose instances it covers, and no others")
    func coveringInvalidation() {
        var queue = Queue()
        let a = queue.queue(Self.message(1), about: .covering("collectors/ring", content: ["ingester-0"]))!
        let c = queue.queue(Self.message(2), about: .covering("collectors/ring", content: ["ingester-2"]))!
        let otherKey = queue.queue(Self.message(3), about: .covering("other/ring", content: ["ingester-0"]))!
        let ab = queue.queue(
            Self.message(4), about: .covering("collectors/ring", content: ["ingester-0", "ingester-1"]))!
        #expect(!queue.contains(a))
        #expect(queue.contains(c) && queue.contains(otherKey) && queue.contains(ab))
        // A narrower update does not replace a wider one.
        let b = queue.queue(Self.message(5), about: .covering("collectors/ring", content: ["ingester-1"]))!
        #expect(queue.contains(ab) && queue.contains(b))
        #expect(queue.count == 4)
    }

    @Test("fewest transmits first; newest first within a tier")
    func ordering() {
        var queue = Queue()
        queue.queue(Self.message(1), key: "a")
        queue.queue(Self.message(2), key: "b")
        // Room for one 10-byte message (+2 overhead) per take.
        #expect(Self.tags(queue.take(overhead: 2, limit: 12, clusterSize: 100)) == [2])  // newest of tier 0
        queue.queue(Self.message(3), key: "c")
        queue.queue(Self.message(4), key: "d")
        #expect(Self.tags(queue.take(overhead: 2, limit: 12, clusterSize: 100)) == [4])
        #expect(Self.tags(queue.take(overhead: 2, limit: 12, clusterSize: 100)) == [3])
        #expect(Self.tags(queue.take(overhead: 2, limit: 12, clusterSize: 100)) == [1])  // last of tier 0
        // All four are in tier 1 now; newest first again.
        #expect(Self.tags(queue.take(overhead: 2, limit: 48, clusterSize: 100)) == [4, 3, 2, 1])
    }

    @Test("within a tier the largest message that fits goes first (memberlist packs by size before age)")
    func largestFirstWithinTier() {
        var queue = Queue()
        queue.queue(Self.message(1, length: 30), key: "old-large")
        queue.queue(Self.message(2, length: 10), key: "new-small")
        #expect(Self.tags(queue.take(overhead: 2, limit: 100, clusterSize: 100)) == [1, 2])
    }

    @Test("a message is taken at most once per call, even with room to spare")
    func oncePerTake() {
        var queue = Queue()
        queue.queue(Self.message(1), key: "a")
        #expect(queue.take(overhead: 2, limit: 1400, clusterSize: 100).count == 1)
    }

    @Test("packing counts the overhead per message and stops at the budget")
    func packingWithOverhead() {
        var queue = Queue()
        for tag in UInt8(1)...5 { queue.queue(Self.message(tag), key: "node-\(tag)") }
        // Each costs 10 + 3 = 13 bytes: 38 bytes hold two (26), not three (39).
        let taken = queue.take(overhead: 3, limit: 38, clusterSize: 100)
        #expect(Self.tags(taken) == [5, 4])
        // Exactly 39 holds three: a message fits when its length is at most limit - used - overhead.
        #expect(Self.tags(queue.take(overhead: 3, limit: 39, clusterSize: 100)) == [3, 2, 1])
    }

    @Test("a message longer than the budget is passed over, not blocking smaller ones behind it")
    func oversizedSkipped() {
        var queue = Queue()
        queue.queue(Self.message(1, length: 10), key: "small-old")
        let big = queue.queue(Self.message(2, length: 500), key: "big")!
        queue.queue(Self.message(3, length: 10), key: "small-new")
        #expect(Self.tags(queue.take(overhead: 2, limit: 100, clusterSize: 100)) == [3, 1])
        #expect(queue.transmits(of: big) == 0)
        // With room, the big one goes (it leads tier 0 by size).
        #expect(Self.tags(queue.take(overhead: 2, limit: 1000, clusterSize: 100)) == [2, 3, 1])
    }

    @Test("a budget with no room after one overhead takes nothing and leaves counts alone")
    func noRoom() {
        var queue = Queue()
        let id = queue.queue(Self.message(1, length: 0), key: "a")!
        #expect(queue.take(overhead: 2, limit: 2, clusterSize: 100).isEmpty)
        #expect(queue.transmits(of: id) == 0)
        #expect(queue.take(overhead: 2, limit: 3, clusterSize: 100).count == 1)
    }

    @Test("prune keeps the least sent, newest messages")
    func prune() {
        var queue = Queue()
        let sent = queue.queue(Self.message(1), key: "sent")!
        _ = queue.take(overhead: 2, limit: 1400, clusterSize: 100)
        let old = queue.queue(Self.message(2, length: 50), key: "old")!
        let new = queue.queue(Self.message(3, length: 5), key: "new")!
        queue.prune(keeping: 2)
        #expect(!queue.contains(sent) && queue.contains(old) && queue.contains(new))
        queue.prune(keeping: 1)
        // Age, not length, decides among equals: the short new message stays.
        #expect(!queue.contains(old) && queue.contains(new))
        queue.prune(keeping: 5)
        #expect(queue.count == 1)
        queue.prune(keeping: 0)
        #expect(queue.count == 0)
    }

    @Test("the queue holds at most maxMessages, dropping the most sent, oldest first")
    func countCap() {
        var queue = Queue(maxMessages: 3)
        let sent = queue.queue(Self.message(1), key: "sent")!
        _ = queue.take(overhead: 2, limit: 1400, clusterSize: 100)
        let a = queue.queue(Self.message(2), key: "a")!
        let b = queue.queue(Self.message(3), key: "b")!
        let c = queue.queue(Self.message(4), key: "c")!
        #expect(queue.count == 3)
        #expect(!queue.contains(sent))
        let d = queue.queue(Self.message(5), about: .unique)!
        #expect(queue.count == 3)
        #expect(!queue.contains(a) && queue.contains(b) && queue.contains(c) && queue.contains(d))
        // Replacement after the cap still works: the index never points at dropped messages.
        let b2 = queue.queue(Self.message(6), key: "b")!
        #expect(!queue.contains(b) && queue.contains(b2) && queue.count == 3)
    }

    @Test("a message longer than maxMessageBytes is refused and replaces nothing")
    func lengthCap() {
        var queue = Queue(maxMessageBytes: 100)
        let kept = queue.queue(Self.message(1), key: "a")!
        #expect(queue.queue(Self.message(2, length: 101), key: "a") == nil)
        #expect(queue.contains(kept) && queue.count == 1)
        #expect(queue.queue(Self.message(3, length: 100), key: "b") != nil)
    }

    @Test("reset empties the queue")
    func reset() {
        var queue = Queue()
        let id = queue.queue(Self.message(1), key: "a")!
        queue.queue(Self.message(2), about: .unique)
        queue.reset()
        #expect(queue.count == 0 && !queue.contains(id))
        #expect(queue.take(overhead: 2, limit: 1400, clusterSize: 3).isEmpty)
        // Keys are forgotten too: a new message about "a" stands alone.
        let later = queue.queue(Self.message(3), key: "a")!
        #expect(queue.count == 1)
        // Ids are not reused after a reset, so the old one still reads as gone.
        #expect(later != id && !queue.contains(id))
    }

    /// The rules above as the plainest possible model: a list sorted afresh on every take.
    struct Reference {
        struct Item {
            var id: BroadcastID
            var tag: UInt8
            var length: Int
            var key: String?
            var transmits = 0
        }
        var items: [Item] = []

        mutating func queue(id: BroadcastID, tag: UInt8, length: Int, key: String?) {
            if let key { items.removeAll { $0.key == key } }
            items.append(Item(id: id, tag: tag, length: length, key: key))
        }

        mutating func take(overhead: Int, limit: Int, transmitLimit: Int) -> [UInt8] {
            let ordered = items.sorted {
                if $0.transmits != $1.transmits { return $0.transmits < $1.transmits }
                if $0.length != $1.length { return $0.length > $1.length }
                return $0.id > $1.id
            }
            var used = 0
            var taken: [BroadcastID] = []
            var tags: [UInt8] = []
            for item in ordered {
                let free = limit - used - overhead
                if free <= 0 { break }
                guard item.length <= free else { continue }
                used += overhead + item.length
                taken.append(item.id)
                tags.append(item.tag)
            }
            for id in taken {
                guard let index = items.firstIndex(where: { $0.id == id }) else { continue }
                items[index].transmits += 1
                if items[index].transmits >= transmitLimit { items.remove(at: index) }
            }
            return tags
        }
    }

    @Test("random queues, replacements and takes match a sorted-list model (slots freed and reused)", arguments: 1...8)
    func matchesReference(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        var queue = Queue()
        var reference = Reference()
        var ids: [BroadcastID] = []
        for step in 0..<400 {
            if Int.random(in: 0..<3, using: &generator) < 2 {
                let tag = UInt8(truncatingIfNeeded: step)
                let length = Int.random(in: 1...40, using: &generator)  // the tag is the first byte
                let key: String? = Bool.random(using: &generator) ? "key-\(Int.random(in: 0..<12, using: &generator))" : nil
                let bytes = [UInt8](repeating: tag, count: length)
                let id = key.map { queue.queue(bytes, key: $0) } ?? queue.queue(bytes, about: .unique)
                guard let id else {
                    Issue.record("queueing \(length) bytes failed")
                    return
                }
                ids.append(id)
                reference.queue(id: id, tag: tag, length: length, key: key)
            } else {
                let limit = Int.random(in: 0...120, using: &generator)
                let clusterSize = Int.random(in: 1...20, using: &generator)
                let transmitLimit = Queue.retransmitLimit(multiplier: 4, clusterSize: clusterSize)
                let taken = Self.tags(queue.take(overhead: 2, limit: limit, clusterSize: clusterSize))
                let expected = reference.take(overhead: 2, limit: limit, transmitLimit: transmitLimit)
                #expect(taken == expected, "step \(step), limit \(limit)")
            }
            #expect(queue.count == reference.items.count, "step \(step)")
        }
        for id in ids {
            #expect(queue.transmits(of: id) == reference.items.first { $0.id == id }?.transmits)
        }
    }

    @Test("memberlist's compound overheads")
    func overheadConstants() {
        #expect(Queue.compoundEntryOverhead == 2)
        #expect(Queue.compoundHeaderOverhead == 2)
    }
}
