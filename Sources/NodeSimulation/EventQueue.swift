// The simulation's agenda: a binary min-heap ordered by virtual time, then by insertion. The insertion number
// breaks every tie, so two events due at the same nanosecond always run in the order they were scheduled and a
// run replays exactly from its seed (a heap alone is not stable).
//
// The heap holds plain keys (time, insertion number, slot) and the payloads wait in a slab beside it: sifting moves
// 24-byte values and never copies a payload (a packet's messages, a stream's push/pull), which a heap of whole
// entries did on every comparison.

/// A min-heap of payloads keyed by (time, insertion order).
struct EventQueue<Payload> {
    struct Entry {
        /// Nanoseconds since the simulation's origin.
        var time: Int64
        /// Insertion number, unique and increasing.
        var sequence: UInt64
        var payload: Payload
    }

    private struct Key {
        var time: Int64
        var sequence: UInt64
        var slot: Int32

        func precedes(_ other: Key) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    private var heap: [Key] = []
    private var payloads: [Payload?] = []
    private var freeSlots: [Int32] = []
    private var nextSequence: UInt64 = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }
    /// When the earliest event is due.
    var nextTime: Int64? { heap.first?.time }

    mutating func push(_ payload: Payload, at time: Int64) {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            payloads[Int(slot)] = payload
        } else {
            slot = Int32(payloads.count)
            payloads.append(payload)
        }
        let key = Key(time: time, sequence: nextSequence, slot: slot)
        nextSequence += 1
        // Sift up with a hole: parents move down until the new key's place is found.
        heap.append(key)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard key.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = key
    }

    mutating func pop() -> Entry? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        let count = heap.count
        if count > 0 {
            // Sift the last key down from the root, with a hole.
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                let right = left + 1
                let smallest = right < count && heap[right].precedes(heap[left]) ? right : left
                guard heap[smallest].precedes(last) else { break }
                heap[parent] = heap[smallest]
                parent = smallest
            }
            heap[parent] = last
        }
        let payload = payloads[Int(top.slot)].take()
        freeSlots.append(top.slot)
        // Every pushed slot holds a payload until it is popped.
        guard let payload else { return nil }
        return Entry(time: top.time, sequence: top.sequence, payload: payload)
    }
}
