import Foundation
import Testing

/// The real dskit byte captures in Fixtures/dskit-captures (see its README).
enum CaptureFixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/dskit-captures"),
            "fixture \(name) missing"
        )
        return [UInt8](try Data(contentsOf: url))
    }

    /// The push/pull user state: memberlist writes it last, and the header announced its length.
    static func userState(_ name: String, userStateLength: Int) throws -> [UInt8] {
        let stream = try bytes(name)
        try #require(stream.count >= userStateLength)
        return Array(stream.suffix(userStateLength))
    }

    /// The push/pull captures with their header's UserStateLen.
    static let pushPullStates: [(file: String, userStateLength: Int)] = [
        ("pushpull-join-nolabel.c2s.bin", 2085),
        ("pushpull-join-nolabel.s2c.bin", 1424),
        ("pushpull-periodic-label.c2s.bin", 2088),
        ("pushpull-periodic-label.s2c.bin", 2109),
    ]

    /// The user messages (type 8) inside the packet capture's compound, found by hand:
    /// [01][addrLen][addr] [0c][crc32: 4] [07][count][u16 BE length × count][parts...] [md5: 16].
    static func broadcastPairs() throws -> [[UInt8]] {
        let packet = try bytes("packet-compound-alive-kv.c2s.bin")
        var offset = 2 + Int(packet[1])
        try #require(packet[offset] == 0x0c)
        offset += 5
        try #require(packet[offset] == 0x07)
        let count = Int(packet[offset + 1])
        offset += 2
        var lengths: [Int] = []
        for index in 0..<count {
            lengths.append(Int(packet[offset + 2 * index]) << 8 | Int(packet[offset + 2 * index + 1]))
        }
        offset += 2 * count
        var userMessages: [[UInt8]] = []
        for length in lengths {
            let part = Array(packet[offset..<offset + length])
            if part.first == 0x08 { userMessages.append(Array(part.dropFirst())) }
            offset += length
        }
        try #require(offset == packet.count - 16, "compound should end where the MD5 trailer starts")
        return userMessages
    }
}
