import Foundation
import Testing

@testable import DskitKV

@Suite("KeyValuePair: one dskit KV key, and broadcast user messages")
struct KeyValuePairTests {
    @Test("the three broadcasts in a real dskit packet are KeyValuePairs for key ring")
    func broadcasts() throws {
        let messages = try CaptureFixture.broadcastPairs()
        #expect(messages.count == 3)
        for message in messages {
            let pair = try KeyValuePair(protobuf: message)
            #expect(pair.key == "ring")
            #expect(pair.codec == .ringDesc)
            guard case .ring(let ring) = pair.decodedValue() else {
                Issue.record("broadcast value did not decode")
                continue
            }
            // A broadcast carries only the instances that changed.
            #expect(ring.instances.count >= 1)
            #expect(ring.instances.allSatisfy { $0.tokens.count == 128 })
        }
    }

    @Test("fields survive a round trip, and the update time reads as a date")
    func roundTrip() throws {
        let pair = KeyValuePair(
            key: "collectors/ring",
            value: [0, 1, 2, 255],
            codec: .ringDesc,
            deleted: true,
            updateTimeMillis: 1_767_225_600_123
        )
        let decoded = try KeyValuePair(protobuf: pair.protobufBytes())
        #expect(decoded == pair)
        #expect(decoded.updateTime == Date(timeIntervalSince1970: 1_767_225_600.123))
        #expect(KeyValuePair(key: "k", value: [], codec: .ringDesc).updateTime == nil)
    }

    @Test("encoding follows kv.proto's field numbers")
    func fieldNumbers() throws {
        let pair = KeyValuePair(key: "k", value: [7], codec: CodecID("c"), deleted: true, updateTimeMillis: 1)
        // key=1 (0x0a), value=2 (0x12), codec=3 (0x1a), deleted=4 (0x20), update_time_millis=5 (0x28)
        #expect(pair.protobufBytes() == [0x0a, 1, 0x6b, 0x12, 1, 7, 0x1a, 1, 0x63, 0x20, 1, 0x28, 1])
    }

    @Test("garbage is a protobuf error naming the message")
    func garbage() throws {
        let error = #expect(throws: DskitKVError.self) { try KeyValuePair(protobuf: [0x0a, 0x05, 0x41]) }
        guard case .protobufInvalid("memberlist.KeyValuePair", 3, _) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("memberlist.KeyValuePair") == true)
    }
}
