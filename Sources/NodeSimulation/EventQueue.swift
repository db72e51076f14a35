// The simulation's agenda: a binary min-heap ordered by virtual time, then by insertion. The insertion number
// breaks every tie, so two events due at the same nanosecond always run in the order they were scheduled and a
// run replays exactly from its seed (a heap alone is not stable).

/// A min-heap of payloads keyed by (time, insertion order).
struct EventQueue<Payload> {
    struct Entry {
        /// Nanoseconds since the simulation's origin.
        var time: Int64
        /// Insertion number, unique and increasing.
        var sequence: UInt64
        var payload: Payload

        func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }
    /// When the earliest event is due.
    var nextTime: Int64? { heap.first?.time }

    mutating func push(_ payload: Payload, at time: Int64) {
        heap.append(Entry(time: time, sequence: nextSequence, payload: payload))
        nextSequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            var smallest = left
            if right < count && heap[right].precedes(heap[left]) { smallest = right }
            guard heap[smallest].precedes(heap[parent]) else { break }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
        return first
    }
}
