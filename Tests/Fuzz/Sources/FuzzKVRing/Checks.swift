import DskitKV
import Foundation
import FuzzSupport

func checkFullState(_ input: [UInt8]) {
    let (prefix, failure) = KVState.decodePrefix(input)
    let strict = try? KVState(fullState: input)
    invariant((failure == nil) == (strict != nil), "KVState(fullState:) and decodePrefix disagree")
    if let strict {
        invariant(strict == prefix, "KVState(fullState:) and decodePrefix decode different pairs")
    }
    let encoded = prefix.fullStateBytes()
    let again = mustSucceed("decoding a re-encoded full state") { try KVState(fullState: encoded) }
    invariant(again == prefix, "full state round trip changed the pairs")
    invariant(again.fullStateBytes() == encoded, "full state encoding is not a fixed point")
    for pair in prefix.pairs {
        checkPair(pair)
    }
}

func checkPair(_ pair: KeyValuePair) {
    let encoded = pair.protobufBytes()
    let again = mustSucceed("decoding a re-encoded KeyValuePair") { try KeyValuePair(protobuf: encoded) }
    invariant(again == pair, "KeyValuePair round trip changed \(pair.key)")
    invariant(again.protobufBytes() == encoded, "KeyValuePair encoding is not a fixed point")
    switch pair.decodedValue() {
    case .ring(let ring): checkRing(ring, selector: UInt8(truncatingIfNeeded: encoded.count))
    case .propagationBeacons(let beacons): checkBeacons(beacons)
    case .partitionRing(let ring):
        // FuzzPartitionRing checks partition rings in depth; here only that one inside a pair round-trips.
        let again = mustSucceed("decoding a re-encoded partitionRingDesc value") {
            try PartitionRingDescription(codecValue: ring.codecValue())
        }
        invariant(again == ring, "partition ring round trip changed the ring")
    case .unknown(let codec, let size, let bytes):
        invariant(codec == pair.codec && size == pair.value.count && bytes == pair.value, "unknown value altered")
    case .undecodable(let codec, let size, _):
        invariant(codec == pair.codec && size == pair.value.count, "undecodable value misreported")
    }
}

func checkRing(_ ring: RingDescription, selector: UInt8) {
    let encoded = ring.codecValue()
    let again = mustSucceed("decoding a re-encoded ringDesc value") { try RingDescription(codecValue: encoded) }
    invariant(again == ring, "ring round trip changed the ring")
    let protobuf = ring.protobufBytes()
    let fromProtobuf = mustSucceed("decoding re-encoded ring.Desc") { try RingDescription(protobuf: protobuf) }
    // Values, not bytes: swift-protobuf writes map entries in Dictionary order, which is not canonical.
    invariant(fromProtobuf == ring, "ring.Desc round trip changed the ring")
    invariant(zip(ring.instances, ring.instances.dropFirst()).allSatisfy { $0.id < $1.id }, "instances unsorted")
    checkOwnership(ring)
    checkHealth(ring, selector: selector)
}

/// Ownership against a direct count: each zone's circle sums to 2^32, conflicts are the repeated tokens.
func checkOwnership(_ ring: RingDescription) {
    let ownership = RingOwnership(ring: ring)
    invariant(ownership.ownedRanges.count == ring.instances.count, "ownership not aligned with instances")
    var ownedByZone: [String: Int64] = [:]
    var tokensByZone: [String: Int] = [:]
    var holders: [UInt32: [String]] = [:]
    for (index, instance) in ring.instances.enumerated() {
        invariant(ownership.ownedRanges[index] >= 0, "negative ownership for \(instance.id)")
        ownedByZone[instance.zone, default: 0] += ownership.ownedRanges[index]
        tokensByZone[instance.zone, default: 0] += instance.tokens.count
        for token in instance.tokens {
            holders[token, default: []].append(instance.id)
        }
    }
    for (zone, owned) in ownedByZone {
        let expected: Int64 = tokensByZone[zone, default: 0] > 0 ? 1 << 32 : 0
        invariant(owned == expected, "zone \"\(zone)\" owns \(owned) of its circle, expected \(expected)")
    }
    let conflicts = holders.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map {
        TokenConflict(token: $0.key, holders: $0.value)
    }
    invariant(ownership.conflicts == conflicts, "token conflicts differ from a direct count")
}

func checkHealth(_ ring: RingDescription, selector: UInt8) {
    let now = Date(timeIntervalSince1970: 1_770_000_000 + Double(selector) * 3_600)
    let health = mustSucceed("judging the ring's health") {
        try RingHealth(
            ring: ring, now: now, heartbeatTimeout: .milliseconds(1 + Int64(selector) * 997),
            stuckAfter: selector % 3 == 0 ? nil : .seconds(Int64(selector % 3 - 1) * 90))
    }
    invariant(health.instances.count == ring.instances.count, "health rows differ from the instances")
    for (row, instance) in zip(health.instances, ring.instances) {
        invariant((row.heartbeatAgeSeconds == nil) == (instance.heartbeatTimestamp == 0), "heartbeat age shown wrongly")
        invariant(row.failsCheck == (row.stuck || (!row.healthy && instance.state != .left)), "check verdict wrong")
        invariant(!row.stuck || row.inStateSince != nil, "stuck without a time in the state")
    }
    let living = zip(health.instances, ring.instances).filter { $0.1.state != .left }
    invariant(health.allHeartbeatsStale == (!living.isEmpty && living.allSatisfy { !$0.0.healthy }), "all-stale wrong")
    let lag = mustSucceed("measuring heartbeat lag") {
        try HeartbeatLag(
            ring: ring, now: now, heartbeat: .seconds(1 + Int64(selector % 30)), delta: .seconds(Int64(selector % 7)),
            heartbeatTimeout: .seconds(60))
    }
    invariant(lag.measured.count + lag.unhealthy.count == ring.instances.filter { $0.state == .active }.count,
              "lag loses ACTIVE instances")
    invariant(lag.lagSeconds == lag.measured.first?.seconds, "lag is not the oldest measured heartbeat")
}

func checkNodeMeta(_ input: [UInt8]) {
    guard let meta = try? NodeMeta(bytes: input) else { return }
    let zoneLength = Int(input[2])
    let zoneBytes = input[3..<3 + zoneLength]
    let validZone = String(validating: zoneBytes, as: UTF8.self) != nil
    do {
        let encoded = try meta.bytes()
        invariant(encoded.count <= 3 + NodeMeta.maxZoneLength, "node metadata over dskit's 19 bytes")
        if validZone {
            invariant(encoded[...] == input[..<(3 + zoneLength)], "node metadata re-encodes differently")
        }
        let again = mustSucceed("decoding re-encoded node metadata") { try NodeMeta(bytes: encoded) }
        invariant(again == meta, "node metadata round trip changed it")
    } catch {
        // dskit reads zones of up to 255 bytes but its encoder refuses more than 16: so does NodeMeta.
        guard case .zoneNameTooLong = error, meta.zone.utf8.count > NodeMeta.maxZoneLength else {
            fatalError("fuzz invariant broken: re-encoding node metadata threw \(error)")
        }
    }
}

func checkBeacons(_ beacons: PropagationBeacons) {
    let encoded = beacons.codecValue()
    let again = mustSucceed("decoding re-encoded beacons") { try PropagationBeacons(codecValue: encoded) }
    invariant(again == beacons, "beacons round trip changed them")
}
