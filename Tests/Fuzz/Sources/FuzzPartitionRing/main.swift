import DskitKV
import Foundation
import FuzzSupport

// Input: [selector][bytes]; an even selector reads the bytes as protobuf PartitionRingDesc, an odd one as the
// partitionRingDesc codec value (snappy + protobuf).
// Invariants:
// - no decoder traps; what decodes re-encodes and decodes to an equal value (compared as values: swift-protobuf
//   writes map entries in Dictionary order);
// - ownership: the partitions that are not DELETED and hold tokens own exactly 2^32 between them, DELETED ones
//   nothing, and the token conflicts are exactly the tokens held more than once among the others;
// - the check passes exactly when no finding fails it, and each failing partition or owner exists or is named
//   by an owner;
// - merging the ring into itself changes nothing; merging it into an empty ring yields it, apart from owners
//   dskit's zero-timestamp rule leaves out.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let all = fuzzBytes(start, count)
    guard let selector = all.first else { return 0 }
    let input = Array(all.dropFirst())
    let decoded = selector % 2 == 0
        ? try? PartitionRingDescription(protobuf: input) : try? PartitionRingDescription(codecValue: input)
    guard let ring = decoded else { return 0 }

    let again = mustSucceed("decoding a re-encoded partitionRingDesc value") {
        try PartitionRingDescription(codecValue: ring.codecValue())
    }
    invariant(again == ring, "partition ring round trip changed the ring")
    invariant(zip(ring.partitions, ring.partitions.dropFirst()).allSatisfy { $0.id < $1.id }, "partitions unsorted")
    invariant(zip(ring.owners, ring.owners.dropFirst()).allSatisfy { $0.id < $1.id }, "owners unsorted")

    let ownership = PartitionRingOwnership(ring: ring)
    invariant(ownership.ownedRanges.count == ring.partitions.count, "ownership not aligned with partitions")
    var holders: [UInt32: [Int32]] = [:]
    var counted = 0
    for (index, partition) in ring.partitions.enumerated() {
        invariant(ownership.ownedRanges[index] >= 0, "negative ownership for partition \(partition.id)")
        guard partition.state != .deleted else {
            invariant(ownership.ownedRanges[index] == 0, "DELETED partition \(partition.id) owns a range")
            continue
        }
        counted += partition.tokens.count
        for token in partition.tokens { holders[token, default: []].append(partition.id) }
    }
    let total = ownership.ownedRanges.reduce(0, +)
    invariant(total == (counted > 0 ? 1 << 32 : 0), "partitions own \(total) of the circle")
    let conflicts = holders.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map {
        PartitionTokenConflict(token: $0.key, partitions: $0.value)
    }
    invariant(ownership.conflicts == conflicts, "token conflicts differ from a direct count")

    let check = PartitionRingCheck(
        ring: ring, nowSeconds: 1_770_000_000 + Int64(selector) * 3_600, stuckAfterSeconds: Int64(selector % 4) * 60,
        ownership: ownership)
    invariant(check.checkPassed == !check.findings.contains(where: \.failsCheck), "verdict disagrees with findings")
    let ids = Set(ring.partitions.map(\.id)).union(ring.owners.map(\.partition))
    invariant(check.failingPartitions.isSubset(of: ids), "a failing partition nobody names")
    invariant(check.failingOwners.isSubset(of: Set(ring.owners.map(\.id))), "a failing owner that is not there")

    var merged = ring
    invariant(merged.merge(ring) == nil && merged == ring, "merging a ring into itself changed it")
    var fresh = PartitionRingDescription()
    fresh.merge(ring)
    let taken = ring.owners.filter { $0.updatedTimestamp > 0 || $0.state == .deleted }
    invariant(fresh == PartitionRingDescription(partitions: ring.partitions, owners: taken), "merge into empty")
    return 0
}
