@testable import DskitNode
import Testing

@Suite("RecentPayloads")
struct RecentPayloadsTests {
    @Test("remembers the last `capacity` payloads byte for byte and forgets the oldest first")
    func window() {
        var recent = RecentPayloads(capacity: 3)
        let payloads: [[UInt8]] = [[1], [2], [3], [4]]
        #expect(!recent.contains([1]))
        for payload in payloads.prefix(3) { recent.insert(payload) }
        #expect(payloads.prefix(3).allSatisfy { recent.contains($0) })
        recent.insert([4])
        #expect(!recent.contains([1]), "the oldest went first")
        #expect(recent.contains([2]) && recent.contains([3]) && recent.contains([4]))
        #expect(!recent.contains([2, 0]), "same prefix, other bytes")
        // A repeat recorded again outlives one eviction of its older copy.
        recent.insert([2])
        recent.insert([5])
        #expect(recent.contains([2]))
        #expect(!recent.contains([3]))
    }
}
