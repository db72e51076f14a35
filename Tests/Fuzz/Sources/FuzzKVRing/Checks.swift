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
    checkReport(ring, selector: selector)
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

func checkReport(_ ring: RingDescription, selector: UInt8) {
    let options = RingReport.Options(
        heartbeatTimeout: .milliseconds(1 + Int64(selector) * 997),
        stuckAfter: selector % 3 == 0 ? nil : .seconds(Int64(selector % 3 - 1) * 90),
        includeTokens: selector & 8 != 0,
        maxConflictWarnings: Int(selector % 5)
    )
    let now = Date(timeIntervalSince1970: 1_770_000_000 + Double(selector) * 3_600)
    let report = mustSucceed("building a ring report") { try RingReport(ring: ring, now: now, options: options) }
    invariant(report.instances.map(\.id) == ring.instances.map(\.id), "report rows differ from the instances")
    for (row, instance) in zip(report.instances, ring.instances) {
        invariant(row.ownershipPercent.isFinite && row.ownershipPercent >= 0, "ownership \(row.ownershipPercent)")
        invariant(row.tokens == instance.tokens.count, "token count differs")
        if let list = row.tokenList {
            invariant(list == instance.tokens.sorted(), "token list is not the sorted tokens")
        }
        invariant((row.heartbeat == nil) == (instance.heartbeatTimestamp == 0), "heartbeat shown wrongly")
        invariant(row.failsCheck == (row.stuck || (!row.healthy && instance.state != .left)), "check verdict wrong")
    }
    invariant(report.zones.reduce(0) { $0 + $1.instances } == ring.instances.count, "zones lose instances")
    invariant(report.checkPassed == !report.instances.contains(where: \.failsCheck), "check_passed disagrees")
    for zone in report.zones {
        invariant(zone.ownershipPercent <= 100.000_001, "zone \(zone.zone) owns \(zone.ownershipPercent) %")
    }
    _ = mustSucceed("encoding the report as JSON") { try JSONEncoder().encode(report) }
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
