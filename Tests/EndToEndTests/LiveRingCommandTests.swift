import DskitKV
import Foundation
import MemberlistWire
import Testing
import TestSupport

/// `ringctl ring`, `ringctl kv get` and `ringctl lag` (the binary) reading rings from a dskit-shaped listener.
///
/// The listener is a Swift `LoopbackResponder` answering every connection with one push/pull whose KV state holds
/// rings built here (MemberlistTests' dskit node checks the request bytes; these tests check what the binary
/// makes of the reply). Ages are judged with --at against the heartbeats written, so nothing depends on the clock.
@Suite("ringctl ring / kv get / lag against a live KV store (the binary)")
struct LiveRingCommandTests {
    static let now: Int64 = 1_767_225_600

    /// The ingester ring: 3 ACTIVE instances over 3 zones, heartbeats up to 15s before `now`.
    static let ingesters = RingDescription.synthetic(instances: 3, tokensPerInstance: 8, zones: 3, seed: 7, now: now)
    /// The distributor ring: two instances, one read-only with versions, every field set.
    static let distributors = RingDescription(instances: [
        InstanceDescription(
            id: "distributor-0", address: "10.0.1.1:9095", heartbeatTimestamp: now - 2, state: .active,
            tokens: [100, 200], zone: "zone-a", registeredTimestamp: now - 86_400, readOnly: true,
            readOnlyUpdatedTimestamp: now - 3600, versions: [1: 42]),
        InstanceDescription(
            id: "distributor-1", address: "10.0.1.2:9095", heartbeatTimestamp: now - 4, state: .active,
            tokens: [300], zone: "zone-b", registeredTimestamp: now - 7200),
    ])
    // Encoded once: two encodings may order the protobuf map differently (and so differ in bytes).
    static let ingesterValue = ingesters.codecValue()
    static let distributorValue = distributors.codecValue()
    static let beacons = PropagationBeacons(beacons: [
        .init(id: 9, publishedBy: "distributor-0", publishedAtMillis: now * 1000 - 1500),
        .init(id: 3, publishedBy: "ingester-zone-a-0", publishedAtMillis: now * 1000 - 500, deletedAtMillis: now * 1000),
    ])

    static var dskitState: KVState {
        KVState(pairs: [
            KeyValuePair(key: "collectors/ring", value: ingesterValue, codec: .ringDesc),
            KeyValuePair(key: "collectors/distributor", value: distributorValue, codec: .ringDesc),
            KeyValuePair(key: "memberlist-propagation-delay-tracker", value: beacons.codecValue(),
                         codec: .propagationDelayTracker, updateTimeMillis: now * 1000 - 250),
            KeyValuePair(key: "collectors/compactor", value: [], codec: .ringDesc, deleted: true,
                         updateTimeMillis: now * 1000 - 60_000),
            KeyValuePair(key: "settings", value: Array("{\"a\":1}".utf8), codec: CodecID("json")),
        ])
    }

    /// A dskit-shaped node whose push/pull reply carries `state`.
    static func node(_ state: KVState) throws -> LoopbackResponder {
        try node(userState: state.fullStateBytes())
    }

    /// A dskit-shaped node whose push/pull reply carries these user-state bytes.
    static func node(userState: [UInt8]) throws -> LoopbackResponder {
        let member = PushNodeState(
            name: "ingester-zone-a-0", address: NodeAddress(ipv4: 127, 0, 0, 1), port: 7946,
            meta: try NodeMeta(role: .member, zone: "zone-a").bytes(), incarnation: 1, state: .alive,
            vsn: ProtocolVersions.memberlistDefault.vsn)
        let reply = try StreamEnvelope(
            message: .pushPull(PushPull(join: false, nodes: [member], userState: userState)),
            compression: .lzw
        ).encoded(direction: .listener)
        return try LoopbackResponder(reply: reply)
    }

    static func json(_ result: RingctlBinary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                     "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    static let at = ["--at", String(now + 1)]

    // MARK: ring

    @Test("ring: every ringDesc key (not the deleted one), sorted, each as --from-file reports it")
    func ringJSON() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let result = try await RingctlBinary.run(["ring", "-j", node.address, "-o", "json"] + Self.at)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Self.json(result)
        #expect(object["seed"] as? String == node.address)
        let rings = try #require(object["rings"] as? [[String: Any]])
        #expect(rings.map { $0["key"] as? String } == ["collectors/distributor", "collectors/ring"])
        let ingesterRows = try #require(rings[1]["instances"] as? [[String: Any]])
        #expect(ingesterRows.map { $0["id"] as? String } == Self.ingesters.instances.map(\.id))
        #expect(ingesterRows.allSatisfy { $0["healthy"] as? Bool == true && $0["tokens"] as? Int == 8 })

        // Each element is exactly the object `ring --from-file` prints for the same value and key.
        for (key, value) in [("collectors/distributor", Self.distributorValue), ("collectors/ring", Self.ingesterValue)] {
            let file = try await RingctlBinary.run(["ring", "--from-file", "-", "--key", key, "-o", "json"] + Self.at,
                                             input: Data(value))
            #expect(file.status == 0, "stderr: \(file.stderr)")
            let fromFile = try Self.json(file) as NSDictionary
            let live = try #require(rings.first { $0["key"] as? String == key }) as NSDictionary
            #expect(live == fromFile, "\(key)")
        }
    }

    @Test("counts of one are singular: 1 member, 1 key, 1 ring, 1 instance, 1 ACTIVE instance")
    func singularCounts() async throws {
        var lone = Self.distributors
        lone.instances = [lone.instances[0]]
        lone.instances[0].heartbeatTimestamp = Self.now - 59
        let node = try Self.node(KVState(pairs: [
            KeyValuePair(key: "collectors/distributor", value: lone.codecValue(), codec: .ringDesc),
        ]))
        defer { node.close() }
        let members = try await RingctlBinary.run(["members", "-j", node.address])
        #expect(members.stdout.contains("\n1 alive, from \(node.address)"), "stdout: \(members.stdout)")
        let kv = try await RingctlBinary.run(["kv", "-j", node.address])
        #expect(kv.stdout.hasSuffix("\n1 key, from \(node.address)\n"), "stdout: \(kv.stdout)")
        let ring = try await RingctlBinary.run(["ring", "-j", node.address] + Self.at)
        #expect(ring.stdout.hasPrefix("1 ring from \(node.address)"), "stdout: \(ring.stdout)")
        #expect(ring.stdout.contains(": 1 instance, 1 healthy"), "stdout: \(ring.stdout)")
        let lag = try await RingctlBinary.run(["lag", "--heartbeat", "15s", "-j", node.address] + Self.at)
        #expect(lag.stdout.contains("(1 of 1 ACTIVE instance over it)"), "stdout: \(lag.stdout)")
        for output in [members.stdout, kv.stdout, ring.stdout, lag.stdout] {
            #expect(!output.contains(" 1 members") && !output.contains(" 1 keys") && !output.contains(" 1 instances"))
        }
    }

    @Test("kv: a key without update time (dskit's full state) shows UPDATED \"-\", and null in JSON")
    func kvUnsetUpdateTime() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let table = try await RingctlBinary.run(["kv", "-j", node.address])
        #expect(table.status == 0, "stderr: \(table.stderr)")
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("collectors/ring ") })
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            == ["collectors/ring", "ringDesc", "\(Self.ingesterValue.count)B", "-", "no"])
        #expect(!table.stdout.contains("never"))
        let beacons = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("memberlist-propagation") })
        #expect(beacons.contains(" ago "))  // a pair that carries a time still shows its age
        let json = try Self.json(try await RingctlBinary.run(["kv", "-j", node.address, "-o", "json"]))
        let ring = try #require((json["keys"] as? [[String: Any]])?.first { $0["key"] as? String == "collectors/ring" })
        #expect(ring["updated"] is NSNull)
    }

    @Test("ring: the table shows both rings with their instances, zones and health")
    func ringTable() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let result = try await RingctlBinary.run(["ring", "-j", node.address] + Self.at)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("2 rings from \(node.address): collectors/distributor, collectors/ring"))
        #expect(result.stdout.contains("ring \"collectors/ring\" at 2026-01-01T00:00:01Z: 3 instances, 3 healthy"))
        #expect(result.stdout.contains("ring \"collectors/distributor\" at 2026-01-01T00:00:01Z: 2 instances, 2 healthy"))
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("distributor-0 ") })
        let fields = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(Array(fields.prefix(4)) == ["distributor-0", "ACTIVE", "10.0.1.1:9095", "zone-a"])
        #expect(Array(fields[4...7]) == ["3s", "ago", "1d0h", "ago"])  // heartbeat, registered (RFC 3339 parsed back)
        #expect(fields.last == "healthy")
        // --at in RFC 3339 is the same instant as in Unix seconds.
        let rfc = try await RingctlBinary.run(["ring", "-j", node.address, "--at", "2026-01-01T00:00:01Z"])
        #expect(rfc.stdout == result.stdout)
    }

    @Test("ring --key: only that ring; --tokens lists its tokens")
    func ringKey() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let result = try await RingctlBinary.run(
            ["ring", "-j", node.address, "--key", "collectors/distributor", "--tokens", "-o", "json"] + Self.at)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rings = try #require(try Self.json(result)["rings"] as? [[String: Any]])
        #expect(rings.map { $0["key"] as? String } == ["collectors/distributor"])
        let instances = try #require(rings.first?["instances"] as? [[String: Any]])
        #expect(instances.map { $0["token_list"] as? [Int] } == [[100, 200], [300]])
    }

    @Test("ring --check: exit 1 when one instance's heartbeat is stale, naming it UNHEALTHY; 0 without --check")
    func ringCheck() async throws {
        var state = Self.dskitState
        var stale = Self.distributors
        stale.instances[1].heartbeatTimestamp = Self.now - 120
        state.pairs[1] = KeyValuePair(key: "collectors/distributor", value: stale.codecValue(), codec: .ringDesc)
        let node = try Self.node(state)
        defer { node.close() }
        let checked = try await RingctlBinary.run(["ring", "-j", node.address, "--check"] + Self.at)
        #expect(checked.status == 1, "stderr: \(checked.stderr)")
        let row = try #require(checked.stdout.split(separator: "\n").first { $0.hasPrefix("distributor-1 ") })
        #expect(row.hasSuffix("UNHEALTHY"))
        #expect(try await RingctlBinary.run(["ring", "-j", node.address] + Self.at).status == 0)
        // The healthy ring alone passes the check.
        let one = try await RingctlBinary.run(["ring", "-j", node.address, "--check", "--key", "collectors/ring"] + Self.at)
        #expect(one.status == 0, "stderr: \(one.stderr)")
    }

    @Test("ring: no ringDesc key exits 1 listing the keys present; a missing --key exits 1 too")
    func ringNoRing() async throws {
        let node = try Self.node(KVState(pairs: Array(Self.dskitState.pairs.suffix(3))))
        defer { node.close() }
        let result = try await RingctlBinary.run(["ring", "-j", node.address])
        #expect(result.status == 1)
        #expect(result.stderr.contains("holds no ring (no KV key with codec ringDesc)"))
        #expect(result.stderr.contains(
            "keys present: collectors/compactor (deleted), memberlist-propagation-delay-tracker, settings"))
        #expect(result.stderr.contains("hint:"))

        let missing = try await RingctlBinary.run(["ring", "-j", node.address, "--key", "ring"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("holds no KV key \"ring\""))
        let notRing = try await RingctlBinary.run(["ring", "-j", node.address, "--key", "settings"])
        #expect(notRing.status == 1)
        #expect(notRing.stderr.contains("has codec \"json\", not ringDesc"))
    }

    @Test("ring: an undecodable ring value exits 76 naming the key")
    func ringUndecodable() async throws {
        var state = Self.dskitState
        state.pairs[1] = KeyValuePair(key: "collectors/distributor", value: Array("not snappy".utf8), codec: .ringDesc)
        let node = try Self.node(state)
        defer { node.close() }
        let result = try await RingctlBinary.run(["ring", "-j", node.address])
        #expect(result.status == 76)
        #expect(result.stderr.contains("the ring under KV key \"collectors/distributor\""))
    }

    // MARK: kv

    @Test("kv get: a ring as JSON with every InstanceDesc field")
    func kvGetRing() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let result = try await RingctlBinary.run(["kv", "get", "collectors/distributor", "-j", node.address])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Self.json(result)
        #expect(object["seed"] as? String == node.address)
        #expect(object["key"] as? String == "collectors/distributor")
        #expect(object["codec"] as? String == "ringDesc")
        #expect(object["deleted"] as? Bool == false)
        #expect(object["value_bytes"] as? Int == Self.distributorValue.count)
        #expect(object["value_base64"] is NSNull)
        let value = try #require(object["value"] as? [String: Any])
        let ingesters = try #require(value["ingesters"] as? [String: [String: Any]])
        #expect(Set(ingesters.keys) == ["distributor-0", "distributor-1"])
        let first = try #require(ingesters["distributor-0"])
        #expect(Set(first.keys) == [
            "addr", "timestamp", "state", "tokens", "zone", "registered_timestamp", "id",
            "read_only_updated_timestamp", "read_only", "versions",
        ])
        #expect(first["addr"] as? String == "10.0.1.1:9095")
        #expect(first["timestamp"] as? Int == Int(Self.now - 2))
        #expect(first["state"] as? String == "ACTIVE")
        #expect(first["tokens"] as? [Int] == [100, 200])
        #expect(first["zone"] as? String == "zone-a")
        #expect(first["registered_timestamp"] as? Int == Int(Self.now - 86_400))
        #expect(first["read_only"] as? Bool == true)
        #expect(first["read_only_updated_timestamp"] as? Int == Int(Self.now - 3600))
        #expect(first["versions"] as? [String: Int] == ["1": 42])
    }

    @Test("kv get: propagation beacons decoded; an unknown codec as metadata and base64")
    func kvGetOthers() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let tracker = try Self.json(
            try await RingctlBinary.run(["kv", "get", "memberlist-propagation-delay-tracker", "-j", node.address]))
        #expect(tracker["updated"] as? String == "2025-12-31T23:59:59Z")
        let beacons = try #require((tracker["value"] as? [String: Any])?["beacons"] as? [[String: Any]])
        #expect(beacons.map { $0["id"] as? Int } == [9, 3])
        #expect(beacons.map { $0["published_by"] as? String } == ["distributor-0", "ingester-zone-a-0"])
        #expect(beacons.map { $0["deleted_at"] as? Int } == [0, Int(Self.now * 1000)])

        let unknown = try await RingctlBinary.run(["kv", "get", "settings", "-j", node.address])
        #expect(unknown.status == 0, "stderr: \(unknown.stderr)")
        let object = try Self.json(unknown)
        #expect(object["codec"] as? String == "json")
        #expect(object["value"] is NSNull)
        #expect(object["value_base64"] as? String == Data("{\"a\":1}".utf8).base64EncodedString())
    }

    @Test("kv get --raw: exactly the stored bytes, which ring --from-file reads back")
    func kvGetRaw() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let raw = try await RingctlBinary.run(["kv", "get", "collectors/ring", "--raw", "-j", node.address])
        #expect(raw.status == 0, "stderr: \(raw.stderr)")
        #expect(Array(raw.stdoutData) == Self.ingesterValue)
        let ring = try await RingctlBinary.run(
            ["ring", "--from-file", "-", "--key", "collectors/ring", "-o", "json"] + Self.at, input: raw.stdoutData)
        #expect(ring.status == 0, "stderr: \(ring.stderr)")
        let ids = (try Self.json(ring)["instances"] as? [[String: Any]])?.map { $0["id"] as? String }
        #expect(ids == Self.ingesters.instances.map(\.id))
    }

    @Test("kv get: a missing key exits 1 listing the keys present; --force needs --raw; kv and kv list still list")
    func kvMissingAndList() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let missing = try await RingctlBinary.run(["kv", "get", "ring", "-j", node.address])
        #expect(missing.status == 1)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("holds no KV key \"ring\"; keys present: collectors/compactor (deleted), "
            + "collectors/distributor, collectors/ring, memberlist-propagation-delay-tracker, settings"))

        let force = try await RingctlBinary.run(["kv", "get", "collectors/ring", "--force", "-j", node.address])
        #expect(force.status == 64)
        #expect(force.stderr.contains("--force only goes with --raw"))

        for arguments in [["kv", "-j", node.address], ["kv", "list", "-j", node.address]] {
            let list = try await RingctlBinary.run(arguments + ["-o", "json"])
            #expect(list.status == 0, "\(arguments): \(list.stderr)")
            let keys = (try Self.json(list)["keys"] as? [[String: Any]])?.map { $0["key"] as? String }
            #expect(keys?.count == 5, "\(arguments)")
        }
    }

    @Test("kv get: a value that does not decode is printed raw, then exits 76 naming key, codec and seed, with a hint")
    func kvGetUndecodable() async throws {
        var state = Self.dskitState
        state.pairs[1] = KeyValuePair(key: "collectors/distributor", value: Array("not snappy".utf8), codec: .ringDesc)
        let node = try Self.node(state)
        defer { node.close() }
        let result = try await RingctlBinary.run(["kv", "get", "collectors/distributor", "-j", node.address])
        #expect(result.status == 76, "stderr: \(result.stderr)")
        let json = try Self.json(result)
        #expect(json["value"] is NSNull)
        #expect(json["value_base64"] as? String == Data("not snappy".utf8).base64EncodedString())
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix(
            "ringctl: the value under KV key \"collectors/distributor\" (codec ringDesc) on \(node.address) does not decode: "
        ) == true, "\(result.stderr)")
        #expect(lines.last?.hasPrefix("  hint: ") == true && lines.last?.contains("--raw") == true, "\(result.stderr)")
    }

    @Test("kv: a KV state that stops decoding lists the keys before the damage, then exits 76 with a hint")
    func kvStateStopsDecoding() async throws {
        let damaged = Self.dskitState.fullStateBytes() + [0, 0, 0, 9, 1, 2]
        let node = try Self.node(userState: damaged)
        defer { node.close() }
        let result = try await RingctlBinary.run(["kv", "-j", node.address, "-o", "json"])
        #expect(result.status == 76, "stderr: \(result.stderr)")
        let keys = (try Self.json(result)["keys"] as? [[String: Any]])?.compactMap { $0["key"] as? String }
        #expect(keys?.count == 5)
        #expect(result.stderr.contains("ringctl: \(node.address)'s KV state stops decoding: "), "\(result.stderr)")
        #expect(result.stderr.contains("  hint: the seed may run a dskit version ringctl does not know"))
    }

    // MARK: lag

    @Test("lag: fresh heartbeats are healthy, exit 0, no tuning advice")
    func lagHealthy() async throws {
        let node = try Self.node(Self.dskitState)
        defer { node.close() }
        let result = try await RingctlBinary.run(["lag", "--heartbeat", "15s", "-j", node.address, "-o", "json"] + Self.at)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Self.json(result)
        #expect(object["healthy"] as? Bool == true)
        #expect(object["seed"] as? String == node.address)
        let rings = try #require(object["rings"] as? [[String: Any]])
        #expect(rings.map { $0["key"] as? String } == ["collectors/distributor", "collectors/ring"])
        #expect(rings.allSatisfy { $0["verdict"] as? String == "healthy" && ($0["tuning"] as? [Any])?.isEmpty == true })
        #expect(rings.first?["lag_seconds"] as? Double == 5)  // distributor-1: 4s before now, judged 1s after
        #expect(rings.allSatisfy { $0["diagnosis"] is NSNull })
    }

    @Test("lag: one heartbeat 60s old with --heartbeat 15s exits 1, names that instance and the four settings")
    func lagLagging() async throws {
        var state = Self.dskitState
        var frozen = Self.distributors
        frozen.instances[1].heartbeatTimestamp = Self.now - 59
        state.pairs[1] = KeyValuePair(key: "collectors/distributor", value: frozen.codecValue(), codec: .ringDesc)
        let node = try Self.node(state)
        defer { node.close() }
        let table = try await RingctlBinary.run(["lag", "--heartbeat", "15s", "-j", node.address] + Self.at)
        #expect(table.status == 1, "stderr: \(table.stderr)")
        #expect(table.stdout.contains("ring \"collectors/distributor\": LAGGING, oldest ACTIVE heartbeat 1m0.0s old"))
        let row = try #require(table.stdout.split(separator: "\n").first { $0.contains("distributor-1") })
        #expect(row.hasSuffix("yes"))
        for flag in ["decrease -memberlist.gossip-interval [dskit default 200ms]", "increase -memberlist.gossip-nodes [dskit default 3]",
                     "decrease -memberlist.pullpush-interval [dskit default 30s]", "increase -memberlist.retransmit-factor [dskit default 4]"] {
            #expect(table.stdout.contains(flag), "\(flag)")
        }

        let json = try Self.json(try await RingctlBinary.run(
            ["lag", "--heartbeat", "15s", "--delta", "15s", "-j", node.address, "-o", "json"] + Self.at))
        #expect(json["healthy"] as? Bool == false)
        let rings = try #require(json["rings"] as? [[String: Any]])
        let lagging = try #require(rings.first)
        #expect(lagging["verdict"] as? String == "lagging")
        #expect(lagging["lag_seconds"] as? Double == 60)
        #expect((lagging["oldest"] as? [[String: Any]])?.first?["id"] as? String == "distributor-1")
        #expect((lagging["tuning"] as? [[String: Any]])?.count == 4)
        #expect(rings.last?["verdict"] as? String == "healthy")

        // A larger delta tolerates it.
        let lenient = try await RingctlBinary.run(["lag", "--heartbeat", "15s", "--delta", "1m", "-j", node.address] + Self.at)
        #expect(lenient.status == 0, "stdout: \(lenient.stdout)")
    }

    /// Three ACTIVE instances heartbeating 2s, 1s and 0s before `now`, each in its own zone.
    static let staggered = RingDescription(instances: (0..<3).map { index in
        InstanceDescription(
            id: "ingester-\(index)", address: "10.0.0.\(index + 1):9095", heartbeatTimestamp: now - 2 + Int64(index),
            state: .active, tokens: [UInt32(index)], zone: "zone-\(index)")
    })

    @Test("lag: ages carry a tenth of a second, or more digits where a tenth would contradict OVER; JSON is exact")
    func lagAgePrecision() async throws {
        let value = Data(Self.staggered.codecValue())
        let arguments = ["lag", "--heartbeat", "1s", "--delta", "1s", "--from-file", "-"]
        // 0.4s after `now`: 2.4s, 1.4s and 0.4s against a 2s threshold.
        let tenth = try await RingctlBinary.run(arguments + ["--at", "\(Self.now).4"], input: value)
        #expect(tenth.status == 1, "stdout: \(tenth.stdout)")
        #expect(tenth.stdout.contains("threshold 2s (heartbeat 1s + delta 1s)"))
        #expect(tenth.stdout.contains("LAGGING, oldest ACTIVE heartbeat 2.4s old, over the 2s threshold"))
        let summary = try #require(tenth.stdout.split(separator: "\n").first { $0.hasPrefix("ring ") })
        #expect(summary.split(separator: " ", omittingEmptySubsequences: true)[1] == "2.4s")
        let ages = ["ingester-0": ("2.4s", "yes"), "ingester-1": ("1.4s", "no"), "ingester-2": ("0.4s", "no")]
        for (id, (age, over)) in ages {
            let row = try #require(tenth.stdout.split(separator: "\n").first { $0.contains(id) })
            #expect(row.split(separator: " ", omittingEmptySubsequences: true).suffix(2) == [Substring(age), Substring(over)])
        }
        #expect(tenth.stdout.contains("up to one heartbeat period, plus up to 1 s because dskit stores whole seconds, is normal"))

        // 0.04s after `now`: 2.04s is over 2s, and "2.0s" would not say so.
        let close = try await RingctlBinary.run(arguments + ["--at", "\(Self.now).04"], input: value)
        #expect(close.stdout.contains("oldest ACTIVE heartbeat 2.04s old, over the 2s threshold"), "\(close.stdout)")
        let over = try #require(close.stdout.split(separator: "\n").first { $0.contains("ingester-0") })
        #expect(over.hasSuffix("2.04s          yes"), "\(over)")
        #expect(!close.stdout.contains(" 2s  "))
        let json = try Self.json(try await RingctlBinary.run(arguments + ["--at", "\(Self.now).04", "-o", "json"], input: value))
        let ring = try #require((json["rings"] as? [[String: Any]])?.first)
        let lag = try #require(ring["lag_seconds"] as? Double)
        #expect(abs(lag - 2.04) < 0.001)  // not rounded to 2
    }

    @Test("lag: one instance over while the others are fresh leads with 'alone is behind', the settings kept")
    func lagDiagnosis() async throws {
        let value = Data(Self.staggered.codecValue())
        let arguments = ["lag", "--heartbeat", "1s", "--delta", "1s", "--from-file", "-", "--at", "\(Self.now).4"]
        let table = try await RingctlBinary.run(arguments, input: value)
        #expect(table.status == 1)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        let diagnosis = try #require(lines.firstIndex(of: "  instance ingester-0 alone is behind: is its process "
            + "stalled or cut off from the cluster? (check it before tuning gossip)"), "stdout: \(table.stdout)")
        let tune = try #require(lines.firstIndex { $0.hasSuffix("to spread heartbeats faster, tune:") })
        #expect(diagnosis < tune)
        #expect(lines.contains { $0.hasPrefix("    decrease -memberlist.gossip-interval") })

        let json = try Self.json(try await RingctlBinary.run(arguments + ["-o", "json"], input: value))
        let ring = try #require((json["rings"] as? [[String: Any]])?.first)
        #expect((ring["diagnosis"] as? String)?.hasPrefix("instance ingester-0 alone is behind") == true)
        #expect((ring["tuning"] as? [Any])?.count == 4)

        // Two of three over: not "alone"; the settings only.
        let wide = try await RingctlBinary.run(
            ["lag", "--heartbeat", "1s", "--delta", "0s", "--from-file", "-", "--at", "\(Self.now).4"], input: value)
        #expect(wide.status == 1)
        #expect(!wide.stdout.contains("alone is behind"))
        #expect(wide.stdout.contains("\n  to spread heartbeats faster, tune:"))
    }

    @Test("lag: an ACTIVE instance past the heartbeat timeout is listed as unhealthy, not lag (dskit's metric)")
    func lagUnhealthy() async throws {
        var dead = Self.distributors
        dead.instances[1].heartbeatTimestamp = Self.now - 600
        let value = Data(dead.codecValue())
        let result = try await RingctlBinary.run(["lag", "--heartbeat", "15s", "--from-file", "-"] + Self.at, input: value)
        #expect(result.status == 0, "stdout: \(result.stdout)")
        #expect(result.stdout.contains("1 ACTIVE past the 1m0s heartbeat timeout: unhealthy, not counted as lag"))
        let row = try #require(result.stdout.split(separator: "\n").first { $0.contains("distributor-1") })
        #expect(row.hasSuffix("UNHEALTHY"))
        // With a longer timeout it is lag again.
        let longer = try await RingctlBinary.run(
            ["lag", "--heartbeat", "15s", "--heartbeat-timeout", "1h", "--from-file", "-", "-o", "json"] + Self.at,
            input: value)
        #expect(longer.status == 1)
        let ring = try #require((try Self.json(longer)["rings"] as? [[String: Any]])?.first)
        #expect(ring["lag_seconds"] as? Double == 601)
        #expect(ring["unhealthy_instances"] as? Int == 0)
    }

    @Test("lag --from-file judges a saved ring value; a ring with no ACTIVE instance exits 1 and says so")
    func lagFromFile() async throws {
        let ok = try await RingctlBinary.run(["lag", "--heartbeat", "15s", "--from-file", "-", "-o", "json"] + Self.at,
                                       input: Data(Self.ingesterValue))
        #expect(ok.status == 0, "stderr: \(ok.stderr)")
        let object = try Self.json(ok)
        #expect(object["file"] as? String == "standard input")
        #expect(object["seed"] is NSNull)

        var joining = Self.distributors
        for index in joining.instances.indices { joining.instances[index].state = .joining }
        let none = try await RingctlBinary.run(["lag", "--heartbeat", "15s", "--from-file", "-"] + Self.at,
                                         input: Data(joining.codecValue()))
        #expect(none.status == 1)
        #expect(none.stdout.contains("no ACTIVE instance"))
    }
}
