import Testing

import MemberlistNode
@testable import NodeSimulation

@Suite struct EventQueueTests {
    @Test func popsByTimeThenInsertion() {
        var queue = EventQueue<String>()
        queue.push("c@5", at: 5)
        queue.push("a@1", at: 1)
        queue.push("d@5", at: 5)
        queue.push("b@3", at: 3)
        queue.push("e@5", at: 5)
        var order: [String] = []
        while let entry = queue.pop() { order.append(entry.payload) }
        #expect(order == ["a@1", "b@3", "c@5", "d@5", "e@5"])
    }

    @Test func manyEqualTimesKeepInsertionOrder() {
        var queue = EventQueue<Int>()
        // Interleave two times so the heap has to reorder, and check stability within each.
        for value in 0..<1000 { queue.push(value, at: Int64(value % 2)) }
        var popped: [Int] = []
        while let entry = queue.pop() { popped.append(entry.payload) }
        let evens = Array(stride(from: 0, to: 1000, by: 2))
        let odds = Array(stride(from: 1, to: 1000, by: 2))
        #expect(popped == evens + odds)
    }

    @Test("interleaved pushes and pops come out by time, then insertion, as a sorted list says")
    func interleavedMatchesSorting() {
        var queue = EventQueue<Int>()
        var pending: [(time: Int64, order: Int)] = []
        var generator = SeededGenerator(seed: 7)
        var now: Int64 = 0
        var pushed = 0
        for _ in 0..<3000 {
            if pending.isEmpty || Int.random(in: 0..<5, using: &generator) < 3 {
                let time = now + Int64.random(in: 0...50, using: &generator)
                queue.push(pushed, at: time)
                pending.append((time, pushed))
                pushed += 1
            } else {
                let expected = pending.min { $0.time != $1.time ? $0.time < $1.time : $0.order < $1.order }!
                pending.removeAll { $0.order == expected.order }
                let entry = queue.pop()
                #expect(entry?.payload == expected.order && entry?.time == expected.time)
                now = expected.time
            }
            #expect(queue.count == pending.count)
        }
    }
}
