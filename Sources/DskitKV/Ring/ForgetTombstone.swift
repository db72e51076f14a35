import Foundation

// What dskit's Forget (ring/ring_http.go `forget`: a CAS that deletes the instance from the Desc) puts on the wire
// once the memberlist KV's localCAS merge (ring/model.go `mergeWithTime`) has turned the missing entry into a
// tombstone: one KeyValuePair whose value holds only the changed entries, each
//
//   state LEFT, tokens none, timestamp fresh, every other field (addr, zone, id, registered_timestamp, read_only,
//   read_only_updated_timestamp, versions) as the instance had it.
//
// Remote nodes merge gossip without localCAS, so absence means nothing to them: only this explicit entry forgets
// the instance, by the merge's first rule (a newer timestamp replaces the entry wholesale). dskit stamps it with its
// own clock; ringctl stamps max(now, last heartbeat + 1), so a clock behind the instance's still wins, and an old
// heartbeat still in flight cannot. (dskit's own stamp can be older than the heartbeat when its clock is behind;
// then rule 2, LEFT wins a tie, does not apply either and the forget is lost.)
//
//   KeyValuePair{key: exact KV key (prefix included), value: snappy(Desc{ingesters: {id: tombstone, ...}}),
//                codec: "ringDesc", deleted: false, update_time_millis: 0}
//
// update_time_millis: dskit sends the key's update time, which only moves when a key is deleted, so it is 0 for a
// ring; receivers read it only together with deleted = true.

/// The LEFT tombstones that forget instances of one ring key, and the KV pair that carries them.
public struct ForgetTombstone: Hashable, Sendable {
    /// The exact KV key, kvstore prefix included (`collectors/ring`).
    public var key: String
    /// One tombstone per forgotten instance, sorted by id.
    public var tombstones: [InstanceDescription]

    /// Tombstones for `instances` of the ring at `key`, stamped at `now` (see `tombstone(of:now:)`).
    public init(key: String, forgetting instances: [InstanceDescription], now: Date) {
        self.key = key
        self.tombstones = instances.map { Self.tombstone(of: $0, now: now) }.sorted { $0.id < $1.id }
    }

    /// The tombstone of `instance`: LEFT, no tokens, timestamp max(now, its heartbeat + 1), the rest kept.
    public static func tombstone(of instance: InstanceDescription, now: Date) -> InstanceDescription {
        var tombstone = instance
        tombstone.state = .left
        tombstone.tokens = []
        tombstone.heartbeatTimestamp = timestamp(forgetting: instance, now: now)
        return tombstone
    }

    /// The timestamp a tombstone of `instance` gets at `now`: whole Unix seconds, and after its last heartbeat.
    public static func timestamp(forgetting instance: InstanceDescription, now: Date) -> Int64 {
        let seconds = Int64(exactly: now.timeIntervalSince1970.rounded(.down)) ?? 0
        let (next, overflow) = instance.heartbeatTimestamp.addingReportingOverflow(1)
        return max(seconds, overflow ? Int64.max : next)
    }

    /// The change as a ring: only the tombstones.
    public var change: RingDescription { RingDescription(instances: tombstones) }

    /// The KV pair a dskit node's broadcast of this change is: codec ringDesc, not deleted, update time 0.
    public var pair: KeyValuePair {
        KeyValuePair(key: key, value: change.codecValue(), codec: .ringDesc, deleted: false, updateTimeMillis: 0)
    }

    /// Whether `ring` shows the instance `id` forgotten: absent, or LEFT (a tombstone, ours or a newer one).
    public static func isForgotten(_ id: String, in ring: RingDescription?) -> Bool {
        guard let instance = ring?[id] else { return true }
        return instance.state == .left
    }
}
