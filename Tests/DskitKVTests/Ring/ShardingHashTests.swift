import Testing

@testable import DskitKV

@Suite("ShardingHash: FNV-1 and FNV-1a, 32 bits, as the services shard")
struct ShardingHashTests {
    // Published vectors: Go's hash/fnv golden32 and golden32a tables, and "foobar" from Noll's FNV test suite.
    @Test(
        "published FNV-1 32 vectors",
        arguments: [("", UInt32(0x811C_9DC5)), ("a", 0x050C_5D7E), ("ab", 0x7077_2D38), ("abc", 0x439C_2F4B),
                    ("foobar", 0x31F0_B262)])
    func fnv1(input: String, expected: UInt32) {
        #expect(ShardingHash.fnv1.token(input) == expected)
    }

    @Test(
        "published FNV-1a 32 vectors",
        arguments: [("", UInt32(0x811C_9DC5)), ("a", 0xE40C_292C), ("ab", 0x4D25_05CA), ("abc", 0x1A47_E90B),
                    ("foobar", 0xBF9C_F968)])
    func fnv1a(input: String, expected: UInt32) {
        #expect(ShardingHash.fnv1a.token(input) == expected)
    }

    @Test("FNV-1 of one byte is offset × prime (mod 2^32) XOR the byte, for every byte")
    func oneByteFromTheDefinition() {
        // 2166136261 × 16777619 = 36342608889142559 = 0x811C9DC5 × 0x01000193; its low 32 bits are 0x050C5D1F.
        let product: UInt64 = 2_166_136_261 * 16_777_619
        #expect(product == 36_342_608_889_142_559)
        let low = UInt32(truncatingIfNeeded: product)
        #expect(low == 0x050C_5D1F)
        for byte in UInt8.min...UInt8.max {
            #expect(ShardingHash.fnv1.token([byte]) == low ^ UInt32(byte))
        }
    }

    @Test("Pyroscope's TokenFor(tenant, labels) hashes the tenant then the labels: the hash of both strings joined")
    func tokenForIsTheJoinedString() {
        let tenant = "tenant-1"
        let labels = "{__name__=\"process_cpu\", service_name=\"api\"}"
        #expect(ShardingHash.fnv1.token(tenant + labels) == ShardingHash.fnv1.token(Array(tenant.utf8) + Array(labels.utf8)))
        #expect(ShardingHash.fnv1.token(tenant) != ShardingHash.fnv1a.token(tenant))
        // UTF-8 bytes, as Go's []byte(s).
        #expect(ShardingHash.fnv1.token("é") == ShardingHash.fnv1.token([0xC3, 0xA9]))
    }
}
