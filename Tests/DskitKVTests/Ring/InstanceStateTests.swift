import Testing

@testable import DskitKV

@Suite("InstanceState: ring.proto's enum as an open set")
struct InstanceStateTests {
    @Test("numbers and names follow ring.proto")
    func names() {
        #expect(InstanceState.known.map(\.rawValue) == [0, 1, 2, 3, 4])
        #expect(InstanceState.known.map(\.name) == ["ACTIVE", "LEAVING", "PENDING", "JOINING", "LEFT"])
        #expect(InstanceState(rawValue: 17).name == "UNKNOWN(17)")
    }

    @Test("LEAVING, PENDING and JOINING are transitions; ACTIVE and LEFT are not")
    func transitional() {
        #expect(InstanceState.known.filter(\.isTransitional) == [.leaving, .pending, .joining])
    }

    @Test("the generated enum converts both ways, keeping unrecognized numbers")
    func generated() {
        #expect(InstanceState(Ring_InstanceState.left) == .left)
        #expect(InstanceState(rawValue: 12).protobuf == .UNRECOGNIZED(12))
        #expect(InstanceState.joining.protobuf == .joining)
    }
}
