import Testing

@testable import DskitKV

@Suite("DskitKVError: descriptions say what, where, and what to do")
struct DskitKVErrorTests {
    @Test("truncation names the field, offset and sizes")
    func truncated() {
        let text = DskitKVError.truncated(field: "KV pair 2", offset: 37, needed: 9, available: 4).description
        #expect(text.hasPrefix("KV pair 2 truncated at byte 37: needs 9 bytes, 4 left"))
    }

    @Test("every case has a non-empty sentence with advice")
    func allCases() {
        let errors: [DskitKVError] = [
            .truncated(field: "f", offset: 0, needed: 1, available: 0), .limitExceeded(field: "f", value: 2, limit: 1),
            .snappyInvalid(field: "f", size: 1), .protobufInvalid(message: "m", size: 1, reason: "r"),
            .empty(what: "w"),
            .codecMismatch(expected: .ringDesc, found: CodecID("x")), .unsupportedNodeMetaVersion(3),
            .zoneNameTooLong(zone: "z", limit: 1), .invalidHeartbeatTimeout(seconds: 0),
            .invalidLagSetting(name: "heartbeat", seconds: 0), .invalidLagSetting(name: "delta", seconds: -1),
        ]
        for error in errors {
            #expect(error.description.count > 20, "\(error)")
        }
        #expect(Set(errors.map(\.description)).count == errors.count)
    }
}
