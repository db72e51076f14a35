import DskitKV
import DskitNode
import MemberlistNode

// The measuring hook: dskit's KV delegate, unchanged, with a note of when each ring heartbeat was written and when
// each node first held it. Every call is passed through to `inner` first; the notes are taken after, on the same
// `now` the node shell hands the delegate (the instant the actor processed the packet or stream), so no polling
// runs beside the cluster and the resolution is the clock read, not a poll period.
//
// A heartbeat is identified by (instance id, heartbeat timestamp): the lifecycler heartbeats every 5 s and stamps
// whole Unix seconds, so each write of one instance carries its own timestamp (a CAS that finds the same second
// already stored is retried one second later by the delegate, and the timestamp written is what is noted).
// A node "holds" a heartbeat when its ring has that instance at that timestamp or a newer one.

/// One heartbeat as a node first saw it: the instance, its heartbeat timestamp, and the instant.
struct HeartbeatSighting: Sendable {
    var instance: String
    var timestamp: Int64
    var at: ContinuousClock.Instant
}

/// dskit's KV delegate noting, on every merge and tick, the heartbeats it now holds for the first time.
struct WatchedKVDelegate: NodeDelegate {
    /// The delegate doing the work.
    var inner: DskitKVDelegate
    /// Whether sightings are noted (off while the cluster forms, so registration traffic is not counted).
    var watching = false
    /// Heartbeats this node wrote (its own tick), in order.
    private(set) var written: [HeartbeatSighting] = []
    /// Heartbeats of other instances this node came to hold, in order of arrival.
    private(set) var sightings: [HeartbeatSighting] = []
    /// The newest heartbeat timestamp held per instance.
    private var newest: [String: Int64] = [:]

    /// Wraps `inner`.
    init(_ inner: DskitKVDelegate) {
        self.inner = inner
    }

    func nodeMeta(limit: Int) -> [UInt8] { inner.nodeMeta(limit: limit) }

    mutating func notifyMessage(_ payload: [UInt8], now: ContinuousClock.Instant) {
        inner.notifyMessage(payload, now: now)
        note(now: now)
    }

    mutating func broadcasts(overhead: Int, limit: Int, clusterSize: Int) -> [[UInt8]] {
        inner.broadcasts(overhead: overhead, limit: limit, clusterSize: clusterSize)
    }

    var pendingBroadcasts: Int { inner.pendingBroadcasts }

    func localState(join: Bool, now: ContinuousClock.Instant) -> [UInt8] { inner.localState(join: join, now: now) }

    mutating func mergeRemoteState(_ state: [UInt8], join: Bool, now: ContinuousClock.Instant) {
        inner.mergeRemoteState(state, join: join, now: now)
        note(now: now)
    }

    var tickInterval: Duration? { inner.tickInterval }

    mutating func tick(now: ContinuousClock.Instant) {
        let before = inner.instance?.heartbeatTimestamp
        inner.tick(now: now)
        guard watching, let own = inner.instance, own.heartbeatTimestamp != before else { return }
        written.append(HeartbeatSighting(instance: own.id, timestamp: own.heartbeatTimestamp, at: now))
    }

    mutating func willLeave(now: ContinuousClock.Instant) { inner.willLeave(now: now) }

    /// Starts noting, from what the node holds now (so only later heartbeats count as sightings).
    mutating func startWatching() {
        newest = [:]
        for instance in inner.ring?.instances ?? [] { newest[instance.id] = instance.heartbeatTimestamp }
        watching = true
    }

    /// Stops noting (the cluster is about to leave: LEAVING entries are not heartbeats).
    mutating func stopWatching() { watching = false }

    /// Notes every other instance whose heartbeat moved past what this node held.
    private mutating func note(now: ContinuousClock.Instant) {
        guard watching, let ring = inner.ring else { return }
        let own = inner.lifecycler?.id
        for instance in ring.instances where instance.id != own {
            let timestamp = instance.heartbeatTimestamp
            if timestamp > newest[instance.id, default: .min] {
                newest[instance.id] = timestamp
                sightings.append(HeartbeatSighting(instance: instance.id, timestamp: timestamp, at: now))
            }
        }
    }
}
