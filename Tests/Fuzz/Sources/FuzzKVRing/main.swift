import DskitKV
import Foundation
import FuzzSupport

// Input: [selector][bytes]; the selector picks the decoder: dskit KV full state, one KeyValuePair, a ringDesc
// codec value (snappy + protobuf) or bare ring.Desc protobuf, node metadata, propagation beacons, the JSON forms
// of a ring (/ring page, viewKey, kv get).
// Invariants:
// - no decoder traps; KVState's strict decode succeeds exactly when decodePrefix reports no failure;
// - what decodes re-encodes and decodes to an equal value, and the re-encoding is a fixed point;
// - a decoded ring always makes a report: one row per instance in id order, finite ownership, every zone with
//   tokens owning exactly 2^32 of its circle, token conflicts equal to a simple count, JSON that encodes;
// - node metadata re-encodes to its own header and zone bytes, or refuses a zone over dskit's 16 bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let all = fuzzBytes(start, count)
    guard let selector = all.first else { return 0 }
    let input = Array(all.dropFirst())
    switch selector % 8 {
    case 0: checkFullState(input)
    case 1:
        if let pair = try? KeyValuePair(protobuf: input) {
            checkPair(pair)
        }
    case 2:
        if let ring = try? RingDescription(codecValue: input) {
            checkRing(ring, selector: selector)
        }
    case 3:
        if let ring = try? RingDescription(protobuf: input) {
            checkRing(ring, selector: selector)
        }
    case 4: checkNodeMeta(input)
    case 5:
        if let beacons = try? PropagationBeacons(protobuf: input) {
            checkBeacons(beacons)
        }
    case 6:
        if let beacons = try? PropagationBeacons(codecValue: input) {
            checkBeacons(beacons)
        }
    default:
        if let json = try? RingJSON(input) {
            checkRing(json.ring, selector: selector)
        }
    }
    return 0
}
