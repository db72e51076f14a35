import DskitKV
import Foundation
import MemberlistWire
import Testing

@testable import Inspection
@testable import Memberlist

/// Every report's JSON has exactly the keys README documents, nested objects too: a field added to a report
/// but not to its JSON (or the other way round) fails here. Values with every optional empty and with every
/// optional set, so a `@NullEncoded` field shows as present either way and a plain optional as absent when nil.
@Suite("Report JSON key sets")
struct ReportKeySetTests {
    static let now: Int64 = 1_767_225_600

    /// The report as the CLI encodes it, back as Foundation objects.
    static func json(_ value: some Encodable) throws -> Any {
        try JSONSerialization.jsonObject(with: ReportJSON.encoder().encode(value), options: [.fragmentsAllowed])
    }

    static func object(_ value: Any?) throws -> [String: Any] {
        try #require(value as? [String: Any], "not a JSON object: \(String(describing: value))")
    }

    static func firstObject(_ value: Any?) throws -> [String: Any] {
        try object(try #require((value as? [Any])?.first, "not a non-empty array: \(String(describing: value))"))
    }

    static func keys(_ value: [String: Any]) -> Set<String> { Set(value.keys) }

    static let memberKeys: Set<String> = [
        "name", "address", "state", "incarnation", "protocol_versions", "delegate_versions", "role", "zone",
        "meta_bytes",
    ]
    static let versionKeys: Set<String> = ["min", "max", "current"]
    static let kvKeyKeys: Set<String> = ["key", "codec", "value_bytes", "updated", "deleted"]
    static let ringKeys: Set<String> = [
        "key", "at", "heartbeat_timeout_seconds", "health_rule", "stuck_after_seconds", "check_passed", "instances",
        "zones", "warnings",
    ]
    static let ringInstanceKeys: Set<String> = [
        "id", "address", "state", "zone", "heartbeat", "heartbeat_age_seconds", "registered", "tokens",
        "ownership_percent", "read_only", "read_only_updated", "healthy", "stuck", "in_state_since", "fails_check",
    ]
    static let zoneKeys: Set<String> = ["zone", "instances", "healthy", "states", "tokens", "ownership_percent"]
    static let lagKeys: Set<String> = [
        "key", "at", "heartbeat_seconds", "delta_seconds", "threshold_seconds", "heartbeat_timeout_seconds",
        "lag_seconds", "verdict", "instances", "active_instances", "lagging_instances", "unhealthy_instances", "oldest",
        "unhealthy", "future_instances", "future_heartbeats", "tuning", "diagnosis",
    ]
    static let lagInstanceKeys: Set<String> = ["id", "address", "zone", "heartbeat", "age_seconds", "lagging"]
    static let settingKeys: Set<String> = ["flag", "change", "default", "effect", "configured"]

    static func peek(_ nodes: [PushNodeState], userState: [UInt8] = []) -> PeekResult {
        PeekResult(peer: "127.0.0.1:7946", nodes: nodes, userState: userState, compression: nil)
    }

    /// An instance whose one token is derived from its id, so no two instances here share one by accident.
    static func instance(_ id: String, age: Int64, state: InstanceState = .active, zone: String = "zone-a")
        -> InstanceDescription
    {
        InstanceDescription(
            id: id, address: "10.0.0.1:9095", heartbeatTimestamp: age == .max ? 0 : now - age, state: state,
            tokens: [id.utf8.reduce(UInt32(1000)) { $0 &* 31 &+ UInt32($1) }], zone: zone,
            registeredTimestamp: now - 86_400)
    }

    @Test("members: {seed, transport, members}, every member key present with or without dskit meta and Vsn")
    func members() throws {
        let dskit = PushNodeState(
            name: "ingester-0", address: NodeAddress(ipv4: 127, 0, 0, 1), port: 7946,
            meta: try NodeMeta(role: .member, zone: "zone-a").bytes(), incarnation: 3, state: .alive,
            vsn: [1, 5, 2, 0, 0, 0])
        let plain = PushNodeState(name: "node-1", address: NodeAddress(ipv4: 127, 0, 0, 2), port: 7946, state: .left)
        let report = MembersReport(Self.peek([dskit, plain]), transport: .dskit)
        let object = try Self.object(try Self.json(report))
        #expect(Self.keys(object) == ["seed", "transport", "members"])
        let members = try #require(object["members"] as? [[String: Any]])
        #expect(members.count == 2)
        for member in members { #expect(Self.keys(member) == Self.memberKeys) }
        #expect(Self.keys(try Self.object(members[0]["protocol_versions"])) == Self.versionKeys)
        #expect(Self.keys(try Self.object(members[0]["delegate_versions"])) == Self.versionKeys)
        #expect(members[1]["role"] is NSNull && members[1]["zone"] is NSNull && members[1]["protocol_versions"] is NSNull)

        var observed = report
        observed.observer = "ringctl-host-abc123"
        observed.observerIncarnation = 2
        #expect(Self.keys(try Self.object(try Self.json(observed))) == ["seed", "transport", "members", "observer"])
    }

    @Test("kv: {seed, keys: [{key, codec, value_bytes, updated, deleted}], decode_error}")
    func kvKeys() throws {
        let state = KVState(pairs: [
            KeyValuePair(key: "ring", value: [1, 2], codec: .ringDesc),
            KeyValuePair(key: "gone", value: [], codec: .ringDesc, deleted: true, updateTimeMillis: 1_767_225_600_500),
        ]).fullStateBytes()
        let object = try Self.object(try Self.json(KVKeysReport(Self.peek([], userState: state))))
        #expect(Self.keys(object) == ["seed", "keys", "decode_error"])
        let keys = try #require(object["keys"] as? [[String: Any]])
        #expect(keys.count == 2)
        for key in keys { #expect(Self.keys(key) == Self.kvKeyKeys) }
        #expect(keys[0]["updated"] as? String == "2026-01-01T00:00:00Z")  // "gone" sorts first; .500 rounds down
        #expect(keys[1]["updated"] is NSNull)
    }

    @Test("kv get: every key for a ring, beacons and an unknown codec; the decoded values keep the proto's names")
    func kvValue() throws {
        let top: Set<String> = [
            "seed", "key", "codec", "deleted", "updated", "update_time_millis", "value_bytes", "value", "value_base64",
            "decode_error",
        ]
        let ring = KeyValuePair(
            key: "collectors/ring", value: RingDescription(instances: [Self.instance("a", age: 1)]).codecValue(),
            codec: .ringDesc, updateTimeMillis: 1_767_225_600_999)
        let ringObject = try Self.object(try Self.json(KVValueReport(seed: "s", pair: ring)))
        #expect(Self.keys(ringObject) == top)
        #expect(ringObject["updated"] as? String == "2026-01-01T00:00:00Z")
        let ingesters = try Self.object(try Self.object(ringObject["value"])["ingesters"])
        #expect(Self.keys(try Self.object(ingesters["a"])) == [
            "addr", "timestamp", "state", "tokens", "zone", "registered_timestamp", "id", "read_only_updated_timestamp",
            "read_only", "versions",
        ])

        let beacons = KeyValuePair(
            key: "tracker", value: PropagationBeacons(beacons: [.init(id: 1, publishedBy: "a", publishedAtMillis: 5)])
                .codecValue(), codec: .propagationDelayTracker)
        let beaconObject = try Self.object(try Self.json(KVValueReport(seed: "s", pair: beacons)))
        #expect(Self.keys(beaconObject) == top)
        let beacon = try Self.firstObject(try Self.object(beaconObject["value"])["beacons"])
        #expect(Self.keys(beacon) == ["id", "published_by", "published_at", "deleted_at"])

        let partitions = KeyValuePair(
            key: "collectors/ingester-partitions",
            value: PartitionRingDescription(
                partitions: [PartitionDescription(id: 3, tokens: [1], state: .active, stateTimestamp: 5)],
                owners: [PartitionOwner(id: "ingester-3", partition: 3, state: .active, updatedTimestamp: 5)]
            ).codecValue(), codec: .partitionRingDesc)
        let partitionObject = try Self.object(try Self.json(KVValueReport(seed: "s", pair: partitions)))
        #expect(Self.keys(partitionObject) == top)
        let partitionValue = try Self.object(partitionObject["value"])
        #expect(Self.keys(try Self.object(try Self.object(partitionValue["partitions"])["3"])) == [
            "id", "tokens", "state", "stateTimestamp", "stateChangeLocked", "stateChangeLockedTimestamp",
        ])
        #expect(Self.keys(try Self.object(try Self.object(partitionValue["owners"])["ingester-3"])) == [
            "ownedPartition", "state", "updatedTimestamp",
        ])

        let unknown = KeyValuePair(key: "x", value: [9], codec: CodecID("other"))
        let unknownObject = try Self.object(try Self.json(KVValueReport(seed: "s", pair: unknown)))
        #expect(Self.keys(unknownObject) == top)
        #expect(unknownObject["value"] is NSNull && unknownObject["updated"] is NSNull)
        #expect(unknownObject["value_base64"] as? String == "CQ==")
    }

    @Test("ring: the documented object, every instance key always there, token_list only with --tokens")
    func ring() throws {
        let ring = RingDescription(instances: [
            Self.instance("a", age: 5), Self.instance("never", age: .max, state: .joining),
            Self.instance("b", age: 5), Self.instance("b-twin", age: 5),
        ])
        let report = try RingReport(
            key: "collectors/ring", ring: ring, now: Date(timeIntervalSince1970: Double(Self.now)),
            options: .init(stuckAfter: .zero))
        let object = try Self.object(try Self.json(report))
        #expect(Self.keys(object) == Self.ringKeys)
        #expect(object["stuck_after_seconds"] is NSNull)
        let instances = try #require(object["instances"] as? [[String: Any]])
        for instance in instances { #expect(Self.keys(instance) == Self.ringInstanceKeys) }
        #expect(Self.keys(try Self.firstObject(object["zones"])) == Self.zoneKeys)

        let tokens = try RingReport(ring: ring, now: Date(timeIntervalSince1970: Double(Self.now)),
                                    options: .init(includeTokens: true))
        let tokenInstance = try Self.firstObject(try Self.object(try Self.json(tokens))["instances"])
        #expect(Self.keys(tokenInstance) == Self.ringInstanceKeys.union(["token_list"]))

        let cluster = try ClusterRingsReport(
            KVSnapshot(Self.peek([], userState: KVState(pairs: [
                KeyValuePair(key: "collectors/ring", value: ring.codecValue(), codec: .ringDesc),
            ]).fullStateBytes())),
            now: Date(timeIntervalSince1970: Double(Self.now)), options: .init())
        let clusterObject = try Self.object(try Self.json(cluster))
        #expect(Self.keys(clusterObject) == ["seed", "rings", "partition_rings"])
        #expect(Self.keys(try Self.firstObject(clusterObject["rings"])) == Self.ringKeys)
        #expect((clusterObject["partition_rings"] as? [Any])?.isEmpty == true)
    }

    static let partitionRingKeys: Set<String> = [
        "key", "type", "at", "stuck_after_seconds", "check_passed", "states", "partitions", "owners", "warnings",
    ]
    static let partitionKeys: Set<String> = [
        "id", "state", "state_changed", "state_age_seconds", "state_change_locked", "state_change_locked_updated",
        "tokens", "ownership_percent", "owners", "other_owners", "fails_check",
    ]
    static let partitionOwnerKeys: Set<String> = [
        "id", "partition", "state", "updated", "updated_age_seconds", "partition_state", "fails_check",
    ]

    @Test("partition ring: the documented object; every partition and owner key always there, token_list with --tokens")
    func partitionRing() throws {
        let ring = PartitionRingDescription(
            partitions: [
                PartitionDescription(id: 0, tokens: [5, 9], state: .active, stateTimestamp: Self.now - 60),
                PartitionDescription(id: 1, tokens: [9], state: .pending, stateTimestamp: 0, stateChangeLocked: true,
                                     stateChangeLockedTimestamp: Self.now - 5),
            ],
            owners: [
                PartitionOwner(id: "a", partition: 0, state: .active, updatedTimestamp: Self.now - 60),
                PartitionOwner(id: "b", partition: 4, state: .unknown, updatedTimestamp: 0),
            ])
        let now = Date(timeIntervalSince1970: Double(Self.now))
        let object = try Self.object(try Self.json(PartitionRingReport(key: "collectors/ingester-partitions", ring: ring, now: now)))
        #expect(Self.keys(object) == Self.partitionRingKeys)
        #expect(object["type"] as? String == "partition_ring")
        let partitions = try #require(object["partitions"] as? [[String: Any]])
        for partition in partitions { #expect(Self.keys(partition) == Self.partitionKeys) }
        #expect(partitions[1]["state_changed"] is NSNull && partitions[0]["state_change_locked_updated"] is NSNull)
        let owners = try #require(object["owners"] as? [[String: Any]])
        for owner in owners { #expect(Self.keys(owner) == Self.partitionOwnerKeys) }
        #expect(owners[1]["partition_state"] is NSNull && owners[1]["updated"] is NSNull)
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(Self.keys(try #require(warnings.first)) == ["kind", "partitions", "owners", "message", "token", "fails_check"])
        for warning in warnings.dropFirst() {
            #expect(Self.keys(warning) == ["kind", "partitions", "owners", "message", "fails_check"])
        }

        let tokens = PartitionRingReport(key: "k", ring: ring, now: now, options: .init(includeTokens: true))
        let tokenPartition = try Self.firstObject(try Self.object(try Self.json(tokens))["partitions"])
        #expect(Self.keys(tokenPartition) == Self.partitionKeys.union(["token_list"]))

        let cluster = try ClusterRingsReport(
            KVSnapshot(Self.peek([], userState: KVState(pairs: [
                KeyValuePair(key: "collectors/ingester-partitions", value: ring.codecValue(), codec: .partitionRingDesc),
            ]).fullStateBytes())),
            now: now, options: .init())
        let clusterObject = try Self.object(try Self.json(cluster))
        #expect((clusterObject["rings"] as? [Any])?.isEmpty == true)
        #expect(Self.keys(try Self.firstObject(clusterObject["partition_rings"])) == Self.partitionRingKeys)
    }

    @Test("ring warnings: kind, instances and message always; token, state, heartbeat_age_seconds, newest_heartbeat where they apply")
    func ringWarnings() throws {
        let conflict = RingDescription(instances: [
            InstanceDescription(id: "a", address: "x", heartbeatTimestamp: Self.now, state: .active, tokens: [7]),
            InstanceDescription(id: "b", address: "y", heartbeatTimestamp: Self.now, state: .active, tokens: [7]),
            Self.instance("gone", age: 30, state: .left),
        ])
        let report = try RingReport(ring: conflict, now: Date(timeIntervalSince1970: Double(Self.now)))
        let warnings = try #require(try Self.object(try Self.json(report))["warnings"] as? [[String: Any]])
        #expect(warnings.map(Self.keys) == [
            ["kind", "instances", "message", "token"],
            ["kind", "instances", "message", "state", "heartbeat_age_seconds"],
        ])
        let stale = try RingReport(
            ring: RingDescription(instances: [Self.instance("old", age: 7200)]),
            now: Date(timeIntervalSince1970: Double(Self.now)))
        let staleWarnings = try #require(try Self.object(try Self.json(stale))["warnings"] as? [[String: Any]])
        #expect(staleWarnings.map(Self.keys) == [["kind", "instances", "message", "newest_heartbeat"]])
        #expect(staleWarnings[0]["newest_heartbeat"] as? String == "2025-12-31T22:00:00Z")
    }

    @Test("lag: {seed, file, healthy, rings}, each ring and its instance and setting lists with every key")
    func lag() throws {
        let ring = RingDescription(instances: [
            Self.instance("frozen", age: 45), Self.instance("fresh", age: 1), Self.instance("dead", age: 600),
            Self.instance("ahead", age: -30),
        ])
        let lag = try LagReport(
            key: "collectors/ring", ring: ring, now: Date(timeIntervalSince1970: Double(Self.now)),
            options: .init(heartbeat: .seconds(15)))
        let fromFile = ClusterLagReport(seed: nil, file: "ring.bin", rings: [lag])
        let object = try Self.object(try Self.json(fromFile))
        #expect(Self.keys(object) == ["seed", "file", "healthy", "rings"])
        #expect(object["seed"] is NSNull)
        let ringObject = try Self.firstObject(object["rings"])
        #expect(Self.keys(ringObject) == Self.lagKeys)
        for list in ["oldest", "unhealthy", "future_heartbeats"] {
            #expect(Self.keys(try Self.firstObject(ringObject[list])) == Self.lagInstanceKeys, "\(list)")
        }
        #expect(Self.keys(try Self.firstObject(ringObject["tuning"])) == Self.settingKeys)

        let empty = try LagReport(
            key: "ring", ring: RingDescription(instances: []), now: Date(timeIntervalSince1970: Double(Self.now)),
            options: .init(heartbeat: .seconds(15)))
        let live = try Self.object(try Self.json(ClusterLagReport(seed: "127.0.0.1:7946", file: nil, rings: [empty])))
        #expect(live["file"] is NSNull)
        let emptyRing = try Self.firstObject(live["rings"])
        #expect(Self.keys(emptyRing) == Self.lagKeys)
        #expect(emptyRing["lag_seconds"] is NSNull && emptyRing["diagnosis"] is NSNull)
    }

    @Test("watch events: {time, kind} and only the keys the kind carries (README: absent keys left out)")
    func watchEvents() throws {
        let time = Date(timeIntervalSince1970: Double(Self.now) + 0.75)
        let member = MembersReport.member(PushNodeState(name: "n", address: NodeAddress(ipv4: 127, 0, 0, 1), port: 1))
        let key = KVKeysReport.Key(key: "ring", codec: "ringDesc", valueBytes: 2, updated: nil, deleted: false)
        let cases: [(WatchEvent, Set<String>)] = [
            (WatchEvent(time: time, kind: .observerJoined, from: "s", observer: "me"), ["time", "kind", "from", "observer"]),
            (WatchEvent(time: time, kind: .joined, member: member), ["time", "kind", "member"]),
            (WatchEvent(time: time, kind: .refuted, member: member, detail: "x"), ["time", "kind", "member", "detail"]),
            (WatchEvent(time: time, kind: .kvUpdated, key: key, from: "s", changes: [.init(instance: "a", what: ["heartbeat"])]),
             ["time", "kind", "key", "from", "changes"]),
            (WatchEvent(time: time, kind: .problem, detail: "bad"), ["time", "kind", "detail"]),
        ]
        for (event, expected) in cases {
            let object = try Self.object(try Self.json(event))
            #expect(Self.keys(object) == expected, "\(event.kind)")
            #expect(object["time"] as? String == "2026-01-01T00:00:00Z")
            if let member = object["member"] { #expect(Self.keys(try Self.object(member)) == Self.memberKeys) }
            if let key = object["key"] { #expect(Self.keys(try Self.object(key)) == Self.kvKeyKeys) }
            if let changes = object["changes"] { #expect(Self.keys(try Self.firstObject(changes)) == ["instance", "what"]) }
        }
    }

    @Test("times are RFC 3339 to the whole second, rounded down, proleptic Gregorian (Go's zero time stays 0001-01-01)")
    func times() {
        #expect(ReportJSON.rfc3339(Date(timeIntervalSince1970: 1_795_561_105.999)) == "2026-11-24T22:58:25Z")
        #expect(ReportJSON.rfc3339(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58Z")
        #expect(ReportJSON.rfc3339(Date(timeIntervalSince1970: Double(UnixTime.goZeroTime))) == "0001-01-01T00:00:00Z")
    }
}

extension ReportKeySetTests {
    static let forgetKeys: Set<String> = [
        "seed", "at", "dry_run", "heartbeat_timeout_seconds", "instances", "already_left", "observer", "sent_at",
        "members", "warnings", "confirmed",
    ]
    static let forgetInstanceKeys: Set<String> = [
        "key", "id", "address", "state", "zone", "heartbeat", "heartbeat_age_seconds", "healthy", "reason",
        "tombstone_timestamp",
    ]
    static let forgetMemberKeys: Set<String> = ["name", "address", "outcome", "confirmed_at", "instances", "detail"]

    @Test("forget: README's keys, nulls for a dry run's observer and sent_at, every member key even when empty")
    func forget() throws {
        let ring = RingDescription(instances: [Self.instance("x", age: 900)])
        let snapshot = KVSnapshot(
            seed: "127.0.0.1:7946",
            state: KVState(pairs: [KeyValuePair(key: "collectors/ring", value: ring.codecValue(), codec: .ringDesc)]))
        let now = Date(timeIntervalSince1970: Double(Self.now))
        let plan = try ForgetPlan(snapshot, request: ForgetRequest(ids: ["x"]), now: now)
        var report = ForgetReport(plan: plan, dryRun: true, now: now)
        var object = try Self.object(try Self.json(report))
        #expect(Self.keys(object) == Self.forgetKeys)
        #expect(object["observer"] is NSNull && object["sent_at"] is NSNull)
        #expect(Self.keys(try Self.firstObject(object["instances"])) == Self.forgetInstanceKeys)

        report.record(sent: plan.tombstones(from: [:], now: now), at: now, observer: "ringctl-test")
        report.record(
            members: [
                ForgetReport.Member(name: "a", address: "127.0.0.1:1", outcome: .unreachable, detail: "refused"),
                ForgetReport.Member(name: "b", address: "127.0.0.1:2", outcome: .confirmed, confirmedAt: now),
            ], leftIngestersTimeout: "5m")
        object = try Self.object(try Self.json(report))
        #expect(object["observer"] as? String == "ringctl-test")
        #expect(object["confirmed"] as? Bool == false)
        let members = try #require(object["members"] as? [[String: Any]])
        #expect(members.allSatisfy { Self.keys($0) == Self.forgetMemberKeys })
        #expect(members.first?["confirmed_at"] is NSNull)
        let warning = try Self.firstObject(object["warnings"])
        #expect(Self.keys(warning) == ["kind", "subjects", "message"])
        #expect(warning["kind"] as? String == "unreachable_member")
    }
}
