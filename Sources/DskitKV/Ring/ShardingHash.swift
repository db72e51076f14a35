// How services turn a tenant or series into a ring key (a token), so `ringctl lookup --string` finds the replica
// set a request for it goes to. FNV (Fowler, Noll, Vo), 32 bits: offset basis 2166136261, prime 16777619.
// - FNV-1 multiplies, then XORs each byte. grafana/pyroscope pkg/distributor/distributor.go `TokenFor(tenantID,
//   labels)` hashes the tenant ID and then the series' label string with Go's hash/fnv `New32` (FNV-1), and pushes
//   with `ShuffleShard(tenant, size).Get(token, Write)`; grafana/mimir pkg/mimirpb `ShardByUser(userID)` (the
//   start of `ShardBySeriesLabels`, which goes on with each label's name and value) uses `HashNew32`/`HashAdd32`,
//   which is FNV-1 too, although Mimir's documentation says fnv32a.
// - FNV-1a XORs, then multiplies: Go's `New32a`, used by the alertmanager distributors of Cortex and Mimir
//   (`shardByUser`) to pick the alertmanagers of a tenant.

/// A 32-bit FNV hash, as the services use it to shard.
public enum ShardingHash: String, CaseIterable, Sendable {
    /// FNV-1: Pyroscope's `TokenFor`, Mimir's `ShardByUser`.
    case fnv1
    /// FNV-1a: the alertmanager distributors' `shardByUser`.
    case fnv1a

    static let offsetBasis: UInt32 = 2_166_136_261
    static let prime: UInt32 = 16_777_619

    /// The token of `bytes`.
    public func token<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var hash = Self.offsetBasis
        switch self {
        case .fnv1:
            for byte in bytes { hash = (hash &* Self.prime) ^ UInt32(byte) }
        case .fnv1a:
            for byte in bytes { hash = (hash ^ UInt32(byte)) &* Self.prime }
        }
        return hash
    }

    /// The token of a string's UTF-8 bytes (Go's `[]byte(s)`).
    public func token(_ string: String) -> UInt32 {
        token(string.utf8)
    }
}
