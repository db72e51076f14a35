// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), what Go's `crc32.ChecksumIEEE` computes for memberlist's
// hasCrc header (net.go `rawSendMsgPacket`, `ingestPacket`):
//
//   [12][CRC-32 of the rest: uint32 big-endian][message]

/// CRC-32/IEEE checksums.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// The CRC-32/IEEE of `bytes` (check value: "123456789" → 0xCBF43926).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
            }
        }
        return ~crc
    }
}
