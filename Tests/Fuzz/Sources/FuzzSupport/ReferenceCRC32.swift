/// CRC-32/IEEE computed bit by bit, the textbook way: a second opinion for the table-driven `CRC32`.
public func referenceCRC32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            let lowBit = crc & 1
            crc >>= 1
            if lowBit == 1 { crc ^= 0xEDB8_8320 }
        }
    }
    return ~crc
}
