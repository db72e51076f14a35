import DskitKV
import Foundation

// How one member's KV state stands towards the tombstones ringctl sent: every instance gone (LEFT or absent), some
// still there as they were (the tombstone has not arrived), or some back with a heartbeat newer than the tombstone
// (the instance's process registered it again). Pure: the member's state comes in as decoded pairs.

/// What one member's KV state shows of the forgotten instances.
public enum ForgetConfirmation: Hashable, Sendable {
    /// Every forgotten instance is LEFT or absent there.
    case forgotten
    /// These ("key/id") are still there, not newer than the tombstone: it has not arrived (yet).
    case pending([String])
    /// These ("key/id") are there again with a heartbeat newer than the tombstone: re-registered.
    case cameBack([String])

    /// Judges `state` (a member's push/pull KV state) against `tombstones`. A key the member does not hold, or
    /// holds as something that does not decode as a ring, counts as holding none of the instances.
    public init(_ state: KVState, tombstones: [ForgetTombstone]) {
        var pending: [String] = []
        var back: [String] = []
        for tombstone in tombstones {
            let ring = state[tombstone.key].flatMap { pair -> RingDescription? in
                guard pair.codec == .ringDesc, !pair.deleted else { return nil }
                return try? RingDescription(codecValue: pair.value)
            }
            for sent in tombstone.tombstones where !ForgetTombstone.isForgotten(sent.id, in: ring) {
                let held = ring?[sent.id]
                let name = "\(tombstone.key)/\(sent.id)"
                if let held, held.heartbeatTimestamp > sent.heartbeatTimestamp {
                    back.append(name)
                } else {
                    pending.append(name)
                }
            }
        }
        if !back.isEmpty {
            self = .cameBack(back)
        } else if !pending.isEmpty {
            self = .pending(pending)
        } else {
            self = .forgotten
        }
    }
}
