import Foundation
import MemberlistWire

// What a dskit node does with a ring value that arrives by gossip, push/pull or its own CAS.
// Two layers, as upstream:
// - `RingDescription.merging(_:localCAS:now:)` mirrors ring/model.go `Desc.mergeWithTime` (with
//   `normalizeIngestersMap`, `conflictingTokensExist` and `resolveConflicts`): per-instance rules, no tombstone sweep.
// - `RingMerge.store(_:into:localCAS:now:leftIngestersTimeout:)` mirrors kv/memberlist/memberlist_client.go
//   `mergeValueForKey` + `computeNewValue` for one ring key: the merge, then `RemoveTombstones(now − timeout)` on the
//   stored value and on the change, and the decision whether anything is stored, notified and gossiped.
// Pure: `now` is passed in (dskit reads `time.Now()` in both places).

/// The outcome of merging a ring value into a node's own (dskit ring/model.go `Desc.Merge`).
public struct RingMerge: Hashable, Sendable {
    /// dskit's default `-memberlist.left-ingesters-timeout` (kv/memberlist/memberlist_client.go): 5 minutes.
    public static let defaultLeftIngestersTimeout: Duration = .seconds(300)

    /// The node's ring after the merge.
    public var merged: RingDescription
    /// Only the instances the merge changed, as they are in `merged`: what dskit re-broadcasts.
    public var change: RingDescription

    /// The ids of the changed instances, sorted (dskit's `MergeContent` of the change).
    public var changedIDs: [String] { change.instances.map(\.id) }
    /// True when nothing changed: dskit then stores nothing and gossips nothing.
    public var isEmpty: Bool { change.instances.isEmpty }

    /// A merge result from its parts.
    public init(merged: RingDescription, change: RingDescription) {
        self.merged = merged
        self.change = change
    }

    /// What storing an incoming value did to a node's ring key (kv/memberlist `mergeValueForKey`).
    public struct Stored: Hashable, Sendable {
        /// The node's value afterwards; nil while the node holds no value for the key.
        public var value: RingDescription?
        /// The change to gossip, nil when dskit bumps no version, notifies no watcher and gossips nothing.
        public var broadcast: RingDescription?

        /// A store outcome from its parts.
        public init(value: RingDescription?, broadcast: RingDescription?) {
            self.value = value
            self.broadcast = broadcast
        }
    }

    /// Stores `incoming` into a node's ring key the way dskit's memberlist KV does.
    ///
    /// `stored` is the node's current value (nil: the key is new to it). `localCAS` is true only for the node's own
    /// CAS (dskit passes a CAS version then); gossip and push/pull merges pass false. A `leftIngestersTimeout` of zero
    /// keeps tombstones forever, as dskit's flag does.
    public static func store(
        _ incoming: RingDescription, into stored: RingDescription?, localCAS: Bool, now: Date,
        leftIngestersTimeout: Duration = defaultLeftIngestersTimeout
    ) -> Stored {
        // computeNewValue: with no stored value the incoming one is taken verbatim (dskit does not normalize it, nor
        // apply the localCAS rule), and it is both the result and the change.
        var result: RingDescription
        var change: RingDescription
        if let stored {
            let merge = stored.merging(incoming, localCAS: localCAS, now: now)
            // An empty change returns before the sweep: the stored value is left exactly as it was.
            guard !merge.isEmpty else { return Stored(value: stored, broadcast: nil) }
            result = merge.merged
            change = merge.change
        } else {
            guard !incoming.instances.isEmpty else { return Stored(value: nil, broadcast: nil) }
            result = incoming
            change = incoming
        }

        if leftIngestersTimeout > .zero {
            let limit = now.addingTimeInterval(-leftIngestersTimeout.inSeconds)
            result = result.removingTombstones(olderThan: limit).ring
            change = change.removingTombstones(olderThan: limit).ring
            if change.instances.isEmpty {
                // dskit merged in place, so a value it already held keeps the merge and the sweep, but the version
                // does not move and nothing is gossiped; a value it did not hold was never put in the store
                // (dskit's TestSendingOldTombstoneShouldNotForwardMessage).
                return Stored(value: stored == nil ? nil : result, broadcast: nil)
            }
        }
        return Stored(value: result, broadcast: change)
    }
}

extension RingDescription {
    /// Merges `incoming` into this ring as dskit's `Desc.Merge` does, returning the result and the change.
    ///
    /// Per instance: a newer heartbeat timestamp replaces the local entry wholesale; an equal one replaces it only when
    /// the incoming entry is LEFT and the local one is not; anything else is ignored. Instances missing from `incoming`
    /// are untouched unless `localCAS` is true (the node's own CAS, where `incoming` is its full new state): they then
    /// become LEFT tombstones with no tokens and timestamp `now`. Tombstones are not swept here (see `RingMerge.store`).
    public func merging(_ incoming: RingDescription, localCAS: Bool = false, now: Date) -> RingMerge {
        // The common case on a gossiping node: a repeat of a change already merged (each heartbeat arrives about
        // retransmit × log10(N) times). One lookup per incoming instance shows nothing would be taken, before any
        // dictionary of the whole ring is built or any token list sorted.
        if !localCAS, incoming.instances.count <= Self.fastPathLimit, !incoming.instances.contains(where: { wouldTake($0) }) {
            return RingMerge(merged: self, change: RingDescription(instances: []))
        }
        var mine: [String: InstanceDescription] = [:]
        for instance in instances { mine[instance.id] = instance }
        var theirs: [String: InstanceDescription] = [:]
        for instance in incoming.instances { theirs[instance.id] = Self.normalized(instance) }

        var updated: Set<String> = []
        var tokensChanged = false
        for (id, other) in theirs {
            // An instance we do not hold counts as timestamp 0, state ACTIVE (Go's zero InstanceDesc): so an
            // incoming entry with timestamp 0 is only taken when it is LEFT.
            let localTimestamp = mine[id]?.heartbeatTimestamp ?? 0
            let localState = mine[id]?.state ?? .active
            if other.heartbeatTimestamp > localTimestamp {
                if (mine[id]?.tokens ?? []) != other.tokens { tokensChanged = true }
                mine[id] = other
                updated.insert(id)
            } else if other.heartbeatTimestamp == localTimestamp, localState != .left, other.state == .left {
                // The one state precedence rule: a tombstone wins a tie, so forgetting needs no clock ahead of X's.
                mine[id] = other
                updated.insert(id)
            }
        }

        if localCAS {
            // Only the node's own CAS may read absence as deletion (dskit notes it breaks commutativity). The fresh
            // timestamp keeps an in-flight, older heartbeat from resurrecting the entry.
            let stamp = Int64(now.timeIntervalSince1970.rounded(.down))
            for (id, var instance) in mine where theirs[id] == nil && instance.state != .left {
                instance.state = .left
                instance.tokens = []
                instance.heartbeatTimestamp = stamp
                mine[id] = instance
                updated.insert(id)
            }
        }

        guard !updated.isEmpty else {
            return RingMerge(merged: self, change: RingDescription(instances: []))
        }
        // dskit resolves only when a newer entry brought different tokens and some token is then claimed twice. The
        // resolution rewrites every instance's tokens, changed or not, but only `updated` goes into the change.
        if tokensChanged, Self.hasConflictingTokens(mine) {
            Self.resolveConflicts(&mine)
        }
        let merged = RingDescription(instances: Array(mine.values))
        let change = RingDescription(instances: updated.compactMap { mine[$0] })
        return RingMerge(merged: merged, change: change)
    }

    /// The largest incoming ring the repeat check looks at instance by instance (each lookup scans the stored ring;
    /// a full state goes the dictionary way).
    static let fastPathLimit = 8

    /// Whether the per-instance rule below takes `other` over what this ring holds.
    private func wouldTake(_ other: InstanceDescription) -> Bool {
        let local = self[other.id]
        let localTimestamp = local?.heartbeatTimestamp ?? 0
        if other.heartbeatTimestamp > localTimestamp { return true }
        return other.heartbeatTimestamp == localTimestamp && (local?.state ?? .active) != .left && other.state == .left
    }

    /// This ring without the LEFT instances whose timestamp is strictly before `limit` (dskit's `RemoveTombstones`),
    /// and how many were removed.
    public func removingTombstones(olderThan limit: Date) -> (ring: RingDescription, removed: Int) {
        let limitSeconds = limit.timeIntervalSince1970
        let kept = instances.filter { !($0.state == .left && Double($0.heartbeatTimestamp) < limitSeconds) }
        return (RingDescription(instances: kept), instances.count - kept.count)
    }

    /// This ring without any LEFT instance: what dskit's KV `get` hands to the Ring client and lifecyclers.
    public func removingAllTombstones() -> RingDescription {
        RingDescription(instances: instances.filter { $0.state != .left })
    }

    // normalizeIngestersMap: an incoming LEFT entry owns no tokens; tokens are sorted and deduplicated.
    private static func normalized(_ instance: InstanceDescription) -> InstanceDescription {
        var instance = instance
        instance.tokens = instance.state == .left ? [] : Array(Set(instance.tokens)).sorted()
        return instance
    }

    // conflictingTokensExist counts every instance's tokens, LEFT included (normally none).
    private static func hasConflictingTokens(_ instances: [String: InstanceDescription]) -> Bool {
        var seen: Set<UInt32> = []
        for instance in instances.values {
            for token in instance.tokens where !seen.insert(token).inserted { return true }
        }
        return false
    }

    // resolveConflicts: LEFT instances give up their tokens; of two claimants a LEAVING one loses to a non-LEAVING one,
    // otherwise the smaller id (Go's bytewise string order) keeps the token. That is a total order on (leaving, id),
    // so the winner does not depend on map order. Every instance's list is rebuilt sorted.
    private static func resolveConflicts(_ instances: inout [String: InstanceDescription]) {
        func beats(_ a: InstanceDescription, _ b: InstanceDescription) -> Bool {
            let aLeaving = a.state == .leaving
            let bLeaving = b.state == .leaving
            if aLeaving != bLeaving { return bLeaving }
            return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
        }
        var owner: [UInt32: String] = [:]
        for instance in instances.values where instance.state != .left {
            for token in instance.tokens {
                if let current = owner[token], let holder = instances[current], !beats(instance, holder) { continue }
                owner[token] = instance.id
            }
        }
        var lists: [String: [UInt32]] = [:]
        for (token, id) in owner { lists[id, default: []].append(token) }
        for id in Array(instances.keys) {
            instances[id]?.tokens = (lists[id] ?? []).sorted()
        }
    }
}
