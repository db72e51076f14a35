import DskitKV
import Foundation
import Memberlist
import MemberlistWire

// What `ringctl forget` would change, decided from one seed's KV state before anything is sent: which instance of
// which ring key, why each is a candidate, and which are refused. Pure: the snapshot and `now` come in.

/// Which instances to forget: named ones, or every unhealthy one.
public struct ForgetRequest: Hashable, Sendable {
    /// Instance ids named by the user (empty with `unhealthy`).
    public var ids: [String]
    /// Pick every instance whose heartbeat is older than `olderThan` instead of named ones.
    public var unhealthy: Bool
    /// With `unhealthy`: how old a heartbeat must be; nil: `heartbeatTimeout`.
    public var olderThan: Duration?
    /// Only these ring keys (empty: every ringDesc key).
    public var keys: [String]
    /// Forget a healthy ACTIVE instance too (it re-registers at its next heartbeat).
    public var force: Bool
    /// dskit's `-ring.heartbeat-timeout`: an instance whose heartbeat is older is unhealthy.
    public var heartbeatTimeout: Duration

    /// A request.
    public init(
        ids: [String] = [], unhealthy: Bool = false, olderThan: Duration? = nil, keys: [String] = [],
        force: Bool = false, heartbeatTimeout: Duration = .seconds(60)
    ) {
        self.ids = ids
        self.unhealthy = unhealthy
        self.olderThan = olderThan
        self.keys = keys
        self.force = force
        self.heartbeatTimeout = heartbeatTimeout
    }
}

/// One instance `forget` would turn into a LEFT tombstone.
public struct ForgetCandidate: Hashable, Sendable {
    /// The exact KV key of its ring.
    public var key: String
    /// The instance as the seed holds it.
    public var instance: InstanceDescription
    /// dskit's heartbeat health at the plan's time.
    public var healthy: Bool
    /// Whole seconds since its last heartbeat (nil: it never sent one).
    public var heartbeatAgeSeconds: Int64?
    /// Why it is a candidate, in words.
    public var reason: String
    /// Whether its process most likely still runs: a healthy heartbeat (it will register again).
    public var stillHeartbeats: Bool { healthy }
}

/// What `forget` would change: the candidates, by ring key, from one seed's state at one time.
public struct ForgetPlan: Hashable, Sendable {
    /// The seed whose state the plan was made from.
    public var seed: String
    /// When it was judged.
    public var now: Date
    /// The request it answers.
    public var request: ForgetRequest
    /// Every candidate, sorted by key then id.
    public var candidates: [ForgetCandidate]
    /// Named instances that are already LEFT tombstones everywhere the seed holds them ("key/id").
    public var alreadyLeft: [String]

    /// The ring keys touched, sorted.
    public var keys: [String] { Array(Set(candidates.map(\.key))).sorted() }

    /// The candidates of `key`.
    public func candidates(of key: String) -> [ForgetCandidate] { candidates.filter { $0.key == key } }

    /// Decides the plan for `request` from `snapshot` at `now`.
    ///
    /// Throws `ForgetError.instanceNotFound` when a named id is in none of the rings looked at,
    /// `.healthyActive` for healthy ACTIVE candidates without `force`, and `KVLookupError` for a key that is
    /// missing, deleted, not a ring or undecodable.
    public init(_ snapshot: KVSnapshot, request: ForgetRequest, now: Date) throws {
        let rings = try snapshot.rings(keys: request.keys)
        let timeout = request.heartbeatTimeout
        let olderThan = request.olderThan ?? timeout
        let nowSeconds = now.timeIntervalSince1970
        var candidates: [ForgetCandidate] = []
        var found: Set<String> = []
        var alreadyLeft: [String] = []
        for (key, ring) in rings {
            let health = try RingHealth(ring: ring, now: now, heartbeatTimeout: timeout, stuckAfter: .zero)
            for (instance, verdict) in zip(ring.instances, health.instances) {
                let age = verdict.heartbeatAgeSeconds
                let since = age.map { "last heartbeat \(UnixTime.age($0)) ago" } ?? "never heartbeated"
                let reason: String
                if request.unhealthy {
                    guard instance.state != .left,
                        Self.heartbeat(of: instance, isOlderThan: olderThan.inSeconds, now: nowSeconds)
                    else { continue }
                    reason = "\(instance.state.name), \(since): older than \(MemberlistError.format(olderThan))"
                } else {
                    guard request.ids.contains(instance.id) else { continue }
                    found.insert(instance.id)
                    if instance.state == .left {
                        alreadyLeft.append("\(key)/\(instance.id)")
                        continue
                    }
                    reason = verdict.healthy
                        ? "named; \(instance.state.name), \(since), within the \(MemberlistError.format(timeout))"
                            + " heartbeat timeout: its process still heartbeats and will register again"
                        : "named; \(instance.state.name), \(since), beyond the \(MemberlistError.format(timeout))"
                            + " heartbeat timeout"
                }
                candidates.append(
                    ForgetCandidate(
                        key: key, instance: instance, healthy: verdict.healthy, heartbeatAgeSeconds: age,
                        reason: reason))
            }
        }
        let missing = request.ids.filter { !found.contains($0) }
        if !missing.isEmpty {
            throw ForgetError.instanceNotFound(
                ids: missing, seed: snapshot.seed,
                rings: rings.map { key, ring in
                    ForgetError.RingIDs(key, ring.instances.filter { $0.state != .left }.map(\.id))
                })
        }
        let refused = candidates.filter { $0.healthy && $0.instance.state == .active }
        if !refused.isEmpty && !request.force {
            throw ForgetError.healthyActive(refused.map { "\($0.key)/\($0.instance.id)" })
        }
        self.seed = snapshot.seed
        self.now = now
        self.request = request
        self.candidates = candidates.sorted { ($0.key, $0.instance.id) < ($1.key, $1.instance.id) }
        self.alreadyLeft = alreadyLeft.sorted()
    }

    /// The tombstones of every key at `now`, from the rings in `snapshot` (the freshest state: a heartbeat since
    /// the plan moves the timestamp on), falling back to the plan's copy of an instance the snapshot lacks.
    /// The plan judged again on fresher rings (the transient join's state, which may be minutes newer than the
    /// peek when a prompt waited): a candidate now LEFT is dropped (already forgotten), one that heartbeated again
    /// is dropped under `--unhealthy` and refused as healthy ACTIVE otherwise (unless `--force`), before anything
    /// is sent. Candidates whose key or instance the fresh rings lack are kept as planned.
    public func revalidated(against rings: [String: RingDescription], now: Date) throws -> ForgetPlan {
        var plan = self
        var kept: [ForgetCandidate] = []
        var refused: [String] = []
        let nowSeconds = now.timeIntervalSince1970
        let olderThan = (request.olderThan ?? request.heartbeatTimeout).inSeconds
        for candidate in candidates {
            guard let fresh = rings[candidate.key]?[candidate.instance.id] else {
                kept.append(candidate)
                continue
            }
            if fresh.state == .left {
                plan.alreadyLeft.append("\(candidate.key)/\(candidate.instance.id)")
                continue
            }
            let healthy = fresh.isHeartbeatHealthy(now: nowSeconds, timeoutSeconds: request.heartbeatTimeout.inSeconds)
            if request.unhealthy && !Self.heartbeat(of: fresh, isOlderThan: olderThan, now: nowSeconds) { continue }
            if healthy && fresh.state == .active && !request.force {
                refused.append("\(candidate.key)/\(candidate.instance.id)")
                continue
            }
            var updated = candidate
            updated.instance = fresh
            updated.healthy = healthy
            kept.append(updated)
        }
        if !refused.isEmpty { throw ForgetError.healthyActive(refused) }
        plan.candidates = kept
        plan.alreadyLeft.sort()
        return plan
    }

    /// `--unhealthy`'s rule, for the plan and for its second judgement: the last heartbeat strictly older.
    private static func heartbeat(of instance: InstanceDescription, isOlderThan seconds: Double, now: Double) -> Bool {
        now - Double(instance.heartbeatTimestamp) > seconds
    }

    public func tombstones(from rings: [String: RingDescription], now: Date) -> [ForgetTombstone] {
        keys.map { key in
            let instances = candidates(of: key).map { candidate in
                rings[key]?[candidate.instance.id].flatMap { $0.state == .left ? nil : $0 } ?? candidate.instance
            }
            return ForgetTombstone(key: key, forgetting: instances, now: now)
        }
    }
}

/// Why `forget` did not (or could not) change anything.
public enum ForgetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Named ids that no ring looked at holds; each ring key with the ids it does hold.
    case instanceNotFound(ids: [String], seed: String, rings: [RingIDs])
    /// Healthy ACTIVE instances ("key/id") named without `--force`.
    case healthyActive([String])
    /// No terminal to ask and no `--yes`.
    case confirmationRequired(count: Int)
    /// The user answered no.
    case declined
    /// Ctrl-C or SIGTERM after the tombstones of these ("key/id") went out to `members` members, before every
    /// member confirmed them.
    case interruptedAfterSending([String], members: Int)

    /// A ring key and the instance ids it holds (tombstones aside).
    public struct RingIDs: Hashable, Sendable {
        public var key: String
        public var ids: [String]

        public init(_ key: String, _ ids: [String]) {
            self.key = key
            self.ids = ids
        }
    }

    public var description: String {
        switch self {
        case let .instanceNotFound(ids, seed, rings):
            let held = rings.map { "\($0.key): \($0.ids.isEmpty ? "none" : $0.ids.joined(separator: ", "))" }
            return "\(seed) holds no instance \(ids.map { "\"\($0)\"" }.joined(separator: ", ")) in "
                + (rings.count == 1 ? "ring \(rings[0].key)" : "any of its rings")
                + "; nothing was changed (instances: \(held.joined(separator: "; ")))"
        case .healthyActive(let instances):
            return "refusing to forget \(instances.joined(separator: ", ")): healthy ACTIVE (its heartbeat is within"
                + " the heartbeat timeout), so its process runs and would register again at its next heartbeat;"
                + " nothing was changed"
        case .confirmationRequired(let count):
            return "forget would change \(count) instance\(count == 1 ? "" : "s"), and there is no terminal to ask"
                + " for confirmation; nothing was changed"
        case .declined:
            return "not confirmed; nothing was changed"
        case .interruptedAfterSending(let instances, let members):
            return "interrupted while confirming: the tombstones of \(instances.joined(separator: ", ")) were already"
                + " sent to \(members) member\(members == 1 ? "" : "s") and gossiped, so the cluster forgets them"
                + " anyway; check with ringctl ring that they are gone"
        }
    }
}
