// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), what Go's `crc32.ChecksumIEEE` computes for memberlist's
// hasCrc header (net.go `rawSendMsgPacket`, `ingestPacket`):
//
//   [12][CRC-32 of the rest: uint32 big-endian][message]

/// CRC-32/IEEE checksums.
public enum CRC32 {
    /// Slicing-by-8 tables (eight 256-entry tables, one after the other): table k gives the CRC of a byte followed
    /// by k zero bytes, so eight bytes are folded in with eight lookups instead of eight dependent steps. Every
    /// packet to a protocol-5 peer is checksummed, so this is on the gossip path.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var crc = UInt32(index)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
            tables[index] = crc
        }
        for index in 0..<256 {
            var crc = tables[index]
            for slice in 1..<8 {
                crc = tables[Int(crc & 0xff)] ^ (crc >> 8)
                tables[slice * 256 + index] = crc
            }
        }
        return tables
    }()

    /// The CRC-32/IEEE of `bytes` (check value: "123456789" → 0xCBF43926).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let fast = bytes.withContiguousStorageIfAvailable { buffer in update(0xFFFF_FFFF, buffer) }
        if let fast { return ~fast }
        return ~update(0xFFFF_FFFF, Array(bytes))
    }

    private static func update(_ start: UInt32, _ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { update(start, $0) }
    }

    private static func update(_ start: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc = start
        tables.withUnsafeBufferPointer { t in
            var index = 0
            let count = bytes.count
            while count - index >= 8 {
                let one = (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
                    | UInt32(bytes[index + 3]) << 24) ^ crc
                let two = UInt32(bytes[index + 4]) | UInt32(bytes[index + 5]) << 8 | UInt32(bytes[index + 6]) << 16
                    | UInt32(bytes[index + 7]) << 24
                crc = t[7 * 256 + Int(one & 0xff)] ^ t[6 * 256 + Int((one >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((one >> 16) & 0xff)] ^ t[4 * 256 + Int(one >> 24)]
                    ^ t[3 * 256 + Int(two & 0xff)] ^ t[2 * 256 + Int((two >> 8) & 0xff)]
                    ^ t[1 * 256 + Int((two >> 16) & 0xff)] ^ t[Int(two >> 24)]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt32(bytes[index])) & 0xff)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc
    }
}
