import Testing

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
}
