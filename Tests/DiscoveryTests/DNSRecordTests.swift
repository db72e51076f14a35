import Testing

@testable import Discovery

@Suite("IPAddress and SRVRecord ordering")
struct DNSRecordTests {
    @Test("IP addresses parse both families and print canonically")
    func parsing() {
        #expect(IPAddress(parsing: "127.0.0.1")?.bytes == [127, 0, 0, 1])
        #expect(IPAddress(parsing: "fd00:0::12")?.description == "fd00::12")
        #expect(IPAddress(parsing: "node1.ring.test") == nil)
        #expect(IPAddress(parsing: "1.2.3") == nil)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test("IPv4 sorts before IPv6, then by bytes")
    func ordering() throws {
        let sorted = ["fd00::1", "10.0.0.2", "::1", "10.0.0.10", "9.9.9.9"].compactMap(IPAddress.init(parsing:)).sorted()
        #expect(sorted.map(\.description) == ["9.9.9.9", "10.0.0.2", "10.0.0.10", "::1", "fd00::1"])
    }

    @Test("SRV records sort by priority, then heavier weight first, then name")
    func srvOrdering() {
        let records = [
            SRVRecord(priority: 20, weight: 5, port: 1, target: "a."),
            SRVRecord(priority: 10, weight: 5, port: 1, target: "c."),
            SRVRecord(priority: 10, weight: 50, port: 1, target: "d."),
            SRVRecord(priority: 10, weight: 5, port: 1, target: "b."),
        ]
        #expect(records.sorted(by: SRVRecord.precedes).map(\.target) == ["d.", "b.", "c.", "a."])
    }
}
