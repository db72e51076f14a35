import DskitKV
import Foundation
import Testing

@testable import Inspection

/// What `ringctl forget` decides from one seed's KV state before anything is sent.
@Suite("ForgetPlan: candidates, reasons, refusals, tombstones from the freshest state")
struct ForgetPlanTests {
    static let now = Date(timeIntervalSince1970: 1_767_226_500)
    static let nowSeconds: Int64 = 1_767_226_500

    static func instance(_ id: String, age: Int64, _ state: InstanceState = .active, zone: String = "zone-a")
        -> InstanceDescription
    {
        InstanceDescription(
            id: id, address: "10.0.0.\(id.count):9095", heartbeatTimestamp: nowSeconds - age, state: state,
            tokens: state == .left ? [] : [UInt32(id.utf8.reduce(0) { $0 &* 31 &+ UInt32($1) })], zone: zone,
            registeredTimestamp: nowSeconds - 86_400)
    }

    /// collectors/ring: a (fresh), b (15 min stale), c (a LEFT tombstone), d (JOINING, 2 min stale);
    /// collectors/distributor: a (stale there), e (fresh); and a key of another codec.
    static let snapshot = KVSnapshot(
        seed: "127.0.0.1:7946",
        state: KVState(pairs: [
            KeyValuePair(
                key: "collectors/ring",
                value: RingDescription(instances: [
                    instance("a", age: 2), instance("b", age: 900), instance("c", age: 30, .left),
                    instance("d", age: 120, .joining),
                ]).codecValue(), codec: .ringDesc),
            KeyValuePair(
                key: "collectors/distributor",
                value: RingDescription(instances: [instance("a", age: 700), instance("e", age: 1)]).codecValue(),
                codec: .ringDesc),
            KeyValuePair(key: "tracker", value: [1, 2, 3], codec: CodecID("propagationDelayTracker")),
        ]))

    @Test("a named stale instance is a candidate, with its heartbeat and why")
    func namedStale() throws {
        let plan = try ForgetPlan(Self.snapshot, request: ForgetRequest(ids: ["b"]), now: Self.now)
        #expect(plan.candidates.map { "\($0.key)/\($0.instance.id)" } == ["collectors/ring/b"])
        let candidate = try #require(plan.candidates.first)
        #expect(!candidate.healthy)
        #expect(candidate.heartbeatAgeSeconds == 900)
        #expect(candidate.reason.contains("15m0s ago, beyond the 60s heartbeat timeout"), "\(candidate.reason)")
    }

    @Test("judged again on the join's fresher state: back to life is refused or dropped, already LEFT is dropped")
    func revalidatedOnFresherState() throws {
        let named = try ForgetPlan(Self.snapshot, request: ForgetRequest(ids: ["b", "d"]), now: Self.now)
        #expect(named.candidates.map(\.instance.id) == ["b", "d"])
        // Unchanged: the same plan.
        let rings = try Dictionary(uniqueKeysWithValues: Self.snapshot.rings(keys: []).map { ($0.key, $0.ring) })
        #expect(try named.revalidated(against: rings, now: Self.now).candidates.map(\.instance.id) == ["b", "d"])
        // b restarted while the prompt waited: a fresh ACTIVE heartbeat is refused, nothing is sent.
        var revived = rings
        revived["collectors/ring"] = RingDescription(instances: [
            Self.instance("a", age: 2), Self.instance("b", age: 1), Self.instance("c", age: 30, .left),
            Self.instance("d", age: 120, .joining),
        ])
        #expect(throws: ForgetError.healthyActive(["collectors/ring/b"])) {
            try named.revalidated(against: revived, now: Self.now)
        }
        var forced = named
        forced.request.force = true
        #expect(try forced.revalidated(against: revived, now: Self.now).candidates.first?.healthy == true)
        // d was forgotten by somebody else meanwhile: dropped, listed as already LEFT.
        var gone = rings
        gone["collectors/ring"] = RingDescription(instances: [
            Self.instance("a", age: 2), Self.instance("b", age: 900), Self.instance("d", age: 5, .left),
        ])
        let dropped = try named.revalidated(against: gone, now: Self.now)
        #expect(dropped.candidates.map(\.instance.id) == ["b"])
        #expect(dropped.alreadyLeft == ["collectors/ring/d"])
        // --unhealthy: an instance that heartbeated again is simply no longer a candidate.
        let unhealthy = try ForgetPlan(
            Self.snapshot, request: ForgetRequest(unhealthy: true, keys: ["collectors/ring"]), now: Self.now)
        #expect(unhealthy.candidates.map(\.instance.id) == ["b", "d"])
        #expect(try unhealthy.revalidated(against: revived, now: Self.now).candidates.map(\.instance.id) == ["d"])
    }

    @Test("a name is looked for in every ring key; --key narrows it")
    func everyKey() throws {
        let request = ForgetRequest(ids: ["a"], force: true)
        let plan = try ForgetPlan(Self.snapshot, request: request, now: Self.now)
        #expect(plan.keys == ["collectors/distributor", "collectors/ring"])
        var narrowed = request
        narrowed.keys = ["collectors/distributor"]
        narrowed.force = false
        let one = try ForgetPlan(Self.snapshot, request: narrowed, now: Self.now)
        #expect(one.candidates.map(\.key) == ["collectors/distributor"])
    }

    @Test("a healthy ACTIVE instance is refused without --force, taken with it and flagged as heartbeating")
    func healthyActive() throws {
        #expect(throws: ForgetError.healthyActive(["collectors/ring/a"])) {
            try ForgetPlan(Self.snapshot, request: ForgetRequest(ids: ["a"], keys: ["collectors/ring"]), now: Self.now)
        }
        let forced = try ForgetPlan(
            Self.snapshot, request: ForgetRequest(ids: ["a"], keys: ["collectors/ring"], force: true), now: Self.now)
        #expect(forced.candidates.first?.stillHeartbeats == true)
        #expect(forced.candidates.first?.reason.contains("will register again") == true)
        let report = ForgetReport(plan: forced, dryRun: true, now: Self.now)
        #expect(report.warnings.map(\.kind) == [.stillHeartbeats])
    }

    @Test("an id no ring holds fails and lists what there is; a missing --key fails as kv get does")
    func missing() throws {
        #expect {
            try ForgetPlan(Self.snapshot, request: ForgetRequest(ids: ["b", "zz"]), now: Self.now)
        } throws: { error in
            guard case ForgetError.instanceNotFound(let ids, _, let rings) = error else { return false }
            return ids == ["zz"] && rings.map(\.key) == ["collectors/distributor", "collectors/ring"]
                && rings[1].ids == ["a", "b", "d"]
        }
        #expect {
            try ForgetPlan(Self.snapshot, request: ForgetRequest(ids: ["b"], keys: ["collectors/nope"]), now: Self.now)
        } throws: { error in
            if case KVLookupError.keyMissing(let key, _, _) = error { return key == "collectors/nope" }
            return false
        }
        #expect {
            try ForgetPlan(Self.snapshot, request: ForgetRequest(ids: ["b"], keys: ["tracker"]), now: Self.now)
        } throws: { error in
            if case KVLookupError.notARing = error { return true }
            return false
        }
    }

    @Test("--unhealthy takes every non-LEFT instance older than the limit, in every ring, sorted")
    func unhealthy() throws {
        let plan = try ForgetPlan(Self.snapshot, request: ForgetRequest(unhealthy: true), now: Self.now)
        #expect(plan.candidates.map { "\($0.key)/\($0.instance.id)" }
            == ["collectors/distributor/a", "collectors/ring/b", "collectors/ring/d"])
        let older = try ForgetPlan(
            Self.snapshot, request: ForgetRequest(unhealthy: true, olderThan: .seconds(600)), now: Self.now)
        #expect(older.candidates.map { "\($0.key)/\($0.instance.id)" }
            == ["collectors/distributor/a", "collectors/ring/b"])
        #expect(older.candidates.allSatisfy { $0.reason.contains("older than 600s") })
    }

    @Test("a named LEFT tombstone is nothing to do")
    func alreadyLeft() throws {
        let plan = try ForgetPlan(Self.snapshot, request: ForgetRequest(ids: ["c"]), now: Self.now)
        #expect(plan.candidates.isEmpty)
        #expect(plan.alreadyLeft == ["collectors/ring/c"])
    }

    @Test("tombstones come from the freshest ring: a heartbeat since the plan moves the timestamp on")
    func freshest() throws {
        let plan = try ForgetPlan(Self.snapshot, request: ForgetRequest(ids: ["b", "d"]), now: Self.now)
        var newer = Self.instance("b", age: 900)
        newer.heartbeatTimestamp = Self.nowSeconds + 40
        let later = Self.now.addingTimeInterval(10)
        let tombstones = plan.tombstones(from: ["collectors/ring": RingDescription(instances: [newer])], now: later)
        #expect(tombstones.map(\.key) == ["collectors/ring"])
        let sent = try #require(tombstones.first?.tombstones)
        #expect(sent.map(\.id) == ["b", "d"])
        #expect(sent[0].heartbeatTimestamp == Self.nowSeconds + 41)
        // d is not in the fresher ring given: the plan's copy is used, stamped at `later`.
        #expect(sent[1].heartbeatTimestamp == Self.nowSeconds + 10)
        #expect(sent.allSatisfy { $0.state == .left && $0.tokens.isEmpty })
    }
}

/// How a member's KV state stands towards the tombstones sent.
@Suite("ForgetConfirmation: forgotten, pending, or back")
struct ForgetConfirmationTests {
    static let tombstones = [
        ForgetTombstone(
            key: "collectors/ring", forgetting: [ForgetPlanTests.instance("b", age: 900)], now: ForgetPlanTests.now)
    ]

    static func state(_ instances: InstanceDescription...) -> KVState {
        KVState(pairs: [
            KeyValuePair(
                key: "collectors/ring", value: RingDescription(instances: instances).codecValue(), codec: .ringDesc)
        ])
    }

    @Test("LEFT, absent, or a member without the key: forgotten")
    func forgotten() {
        let left = Self.tombstones[0].tombstones[0]
        #expect(ForgetConfirmation(Self.state(left), tombstones: Self.tombstones) == .forgotten)
        let other = ForgetPlanTests.instance("a", age: 1)
        #expect(ForgetConfirmation(Self.state(other), tombstones: Self.tombstones) == .forgotten)
        #expect(ForgetConfirmation(KVState(pairs: []), tombstones: Self.tombstones) == .forgotten)
    }

    @Test("still as before: pending; newer than the tombstone: came back")
    func pendingAndBack() {
        let before = ForgetPlanTests.instance("b", age: 900)
        #expect(ForgetConfirmation(Self.state(before), tombstones: Self.tombstones) == .pending(["collectors/ring/b"]))
        var back = before
        back.heartbeatTimestamp = Self.tombstones[0].tombstones[0].heartbeatTimestamp + 1
        #expect(ForgetConfirmation(Self.state(back), tombstones: Self.tombstones) == .cameBack(["collectors/ring/b"]))
    }
}
