import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `ringctl forget` (the binary) against dskit-shaped Go peers and against `ringctl demo`: a crashed member's
/// instance is forgotten everywhere and stays forgotten, nothing else changes, and every refusal changes nothing.
@Suite("ringctl forget (the binary)")
struct ForgetCommandTests {
    static let label = "ringctl-forget"

    /// One instance of a ring as `kv get` shows it, without what changes by itself (the heartbeat).
    struct Entry: Equatable, CustomStringConvertible {
        var state: String
        var address: String
        var zone: String
        var tokens: [Int]
        var registered: Int
        var heartbeat: Int

        var stable: [String] { [state, address, zone, "\(tokens)", "\(registered)"] }
        var description: String { "\(state) \(address) \(zone) \(tokens.count) tokens hb \(heartbeat)" }
    }

    /// The ring at `key` as `member` holds it (instance id → entry), or nil when it did not answer.
    static func ring(_ key: String, at member: String, _ more: [String] = []) async throws -> [String: Entry]? {
        let result = try await RingctlBinary.run(["kv", "get", key, "-j", member] + more)
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any],
            let ingesters = (object["value"] as? [String: Any])?["ingesters"] as? [String: [String: Any]]
        else { return nil }
        return ingesters.mapValues { value in
            Entry(
                state: value["state"] as? String ?? "?", address: value["addr"] as? String ?? "",
                zone: value["zone"] as? String ?? "", tokens: value["tokens"] as? [Int] ?? [],
                registered: value["registered_timestamp"] as? Int ?? 0, heartbeat: value["timestamp"] as? Int ?? 0)
        }
    }

    /// The KV keys a member holds, with codec and size: what `kv -o json` lists.
    static func keys(at member: String, _ more: [String] = []) async throws -> [String] {
        let result = try await RingctlBinary.run(["kv", "-o", "json", "-j", member] + more)
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let keys = try #require(object["keys"] as? [[String: Any]])
        return keys.map { "\($0["key"] ?? "")|\($0["codec"] ?? "")|\($0["deleted"] ?? "")" }
    }

    static func json(_ result: RingctlBinary.Result) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any],
            "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    /// Every entry but `forgotten` is the same in `after` as in `before`, heartbeats aside (live instances
    /// heartbeat on their own).
    static func othersUnchanged(_ before: [String: Entry], _ after: [String: Entry], forgotten: String) {
        #expect(Set(before.keys) == Set(after.keys), "instances before \(before), after \(after)")
        for (id, entry) in before where id != forgotten {
            #expect(after[id]?.stable == entry.stable, "\(id): before \(entry), after \(String(describing: after[id]))")
        }
    }

    @Test(
        "Go peers: a killed peer's instance is forgotten on every live peer and stays forgotten over push/pulls",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed"))
    func goPeersForgetCrashed() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: Self.label)
            let labelFlags = ["-memberlist.cluster-label", Self.label]
            let live = Array(peers.prefix(2))
            await peers[2].stop()
            try await GoPeer.waitForAll(live, toList: "peer-c", as: "dead", deadline: .seconds(60))
            try await eventually("peer-c's heartbeat to be 3s old", deadline: .seconds(30)) {
                guard let hb = live[0].status()?.ring?.instance("peer-c")?.heartbeatTimestamp else { return false }
                return Int64(Date().timeIntervalSince1970) - hb >= 3
            }
            var before: [[String: Entry]] = []
            for peer in live { before.append(try #require(try await Self.ring("ring", at: peer.address, labelFlags))) }
            let keysBefore = try await Self.keys(at: live[0].address, labelFlags)

            let result = try await RingctlBinary.run(
                ["forget", "peer-c", "--heartbeat-timeout", "2s", "--yes", "-o", "json", "-j", live[1].address,
                 "--bind-addr", "127.0.0.1", "--timeout", "10s"] + labelFlags)
            #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
            let report = try Self.json(result)
            let instances = try #require(report["instances"] as? [[String: Any]])
            #expect(instances.map { "\($0["key"] ?? "")/\($0["id"] ?? "")" } == ["ring/peer-c"])
            #expect(instances.first?["healthy"] as? Bool == false)
            let members = try #require(report["members"] as? [[String: Any]])
            #expect(members.map { $0["name"] as? String } == ["peer-a", "peer-b"])
            #expect(members.allSatisfy { $0["outcome"] as? String == "confirmed" }, "\(members)")
            #expect(report["confirmed"] as? Bool == true)
            #expect(report["dry_run"] as? Bool == false)
            // The transient node left cleanly: every live peer lists it as left, not failed (mlpeer's status says
            // "dead" for both; a peek tells them apart).
            let observer = try #require(report["observer"] as? String)
            for peer in live {
                let states = try await DemoCommandTests.members(peer.address, labelFlags)
                #expect(states[observer] == "left", "\(peer.name) lists \(observer) as \(states[observer] ?? "nothing")")
            }

            for (index, peer) in live.enumerated() {
                let status = try #require(peer.status()?.ring?.instance("peer-c"))
                #expect(status.state == "LEFT" && status.tokenCount == 0, "\(peer.name): \(status)")
                let after = try #require(try await Self.ring("ring", at: peer.address, labelFlags))
                Self.othersUnchanged(before[index], after, forgotten: "peer-c")
                #expect(after["peer-c"]?.state == "LEFT")
                #expect(after["peer-c"]?.address == before[index]["peer-c"]?.address)
                #expect(after["peer-c"]?.zone == before[index]["peer-c"]?.zone)
                #expect(after["peer-c"]?.registered == before[index]["peer-c"]?.registered)
            }
            #expect(try await Self.keys(at: live[0].address, labelFlags) == keysBefore)
            // Several push/pull rounds (300ms each) later it is still forgotten everywhere.
            let merges = live.map { $0.status()?.ring?.merges ?? 0 }
            try await eventually("ten more merges on each peer", deadline: .seconds(30)) {
                zip(live, merges).allSatisfy { ($0.status()?.ring?.merges ?? 0) >= $1 + 10 }
            }
            for peer in live {
                #expect(peer.status()?.ring?.instance("peer-c")?.state == "LEFT", "\(peer.name) brought peer-c back")
            }
        }
    }

    @Test(
        "Go peers: refusals (no terminal, healthy, a member's name), dry run, wrong label, missing key or id: no change",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed"))
    func refusalsChangeNothing() async throws {
        try await withFixtures { fixtures in
            let peers = try await fixtures.dskitCluster(label: Self.label, [[], [], ["--freeze-heartbeat"]])
            let labelFlags = ["-memberlist.cluster-label", Self.label]
            let seed = peers[0].address
            try await eventually("peer-c's frozen heartbeat to be 3s old", deadline: .seconds(30)) {
                guard let hb = peers[0].status()?.ring?.instance("peer-c")?.heartbeatTimestamp else { return false }
                return Int64(Date().timeIntervalSince1970) - hb >= 3
            }
            let base = ["forget", "-j", seed, "--heartbeat-timeout", "2s", "--bind-addr", "127.0.0.1"]
            let before = try #require(try await Self.ring("ring", at: seed, labelFlags))

            let noTerminal = try await RingctlBinary.run(base + ["peer-c"] + labelFlags)
            #expect(noTerminal.status == 64, "\(noTerminal.stdout)\(noTerminal.stderr)")
            #expect(noTerminal.stderr.contains("--yes"), "\(noTerminal.stderr)")
            #expect(noTerminal.stdout.contains("peer-c"), "the plan is shown first: \(noTerminal.stdout)")

            let healthy = try await RingctlBinary.run(base + ["peer-a", "--yes"] + labelFlags)
            #expect(healthy.status == 64, "\(healthy.stderr)")
            #expect(healthy.stderr.contains("--force"), "\(healthy.stderr)")
            #expect(healthy.stderr.contains("next heartbeat"), "\(healthy.stderr)")

            let dryRun = try await RingctlBinary.run(base + ["--unhealthy", "--dry-run", "-o", "json"] + labelFlags)
            #expect(dryRun.status == 0, "\(dryRun.stderr)")
            let plan = try Self.json(dryRun)
            #expect(plan["dry_run"] as? Bool == true)
            #expect((plan["instances"] as? [[String: Any]])?.map { $0["id"] as? String } == ["peer-c"])
            #expect((plan["members"] as? [Any])?.isEmpty == true)
            #expect(plan["observer"] is NSNull)

            let wrongLabel = try await RingctlBinary.run(
                base + ["peer-c", "--yes", "-memberlist.cluster-label", "not-\(Self.label)"])
            #expect(wrongLabel.status == 76, "\(wrongLabel.stderr)")

            let missingKey = try await RingctlBinary.run(
                base + ["peer-c", "--yes", "--key", "collectors/nope"] + labelFlags)
            #expect(missingKey.status == 1, "\(missingKey.stderr)")
            #expect(missingKey.stderr.contains("collectors/nope"), "\(missingKey.stderr)")

            // A node name a live member holds: our leave in it would tell the cluster that member left.
            let impostor = try await RingctlBinary.run(base + ["peer-c", "--yes", "--node-name", "peer-b"] + labelFlags)
            #expect(impostor.status == 64, "\(impostor.stderr)")
            #expect(impostor.stderr.contains("peer-b"), "\(impostor.stderr)")

            let missingID = try await RingctlBinary.run(base + ["peer-z", "--yes"] + labelFlags)
            #expect(missingID.status == 1, "\(missingID.stderr)")
            #expect(missingID.stderr.contains("peer-z") && missingID.stderr.contains("nothing was changed"))

            for peer in peers {
                let after = try #require(try await Self.ring("ring", at: peer.address, labelFlags))
                Self.othersUnchanged(before, after, forgotten: "")
                #expect(after["peer-c"]?.state == "ACTIVE")
                #expect(!(peer.status()?.members.contains { $0.name.hasPrefix("ringctl-") } ?? true),
                        "\(peer.name) saw a ringctl node join: \(String(describing: peer.status()))")
            }
        }
    }

    /// `key`'s value as `member` holds it, every field of every instance (`kv get`'s decoded value), nil when it
    /// has none. (Not the stored bytes: a ringctl node encodes a ring's protobuf map in dictionary order, which
    /// may differ from one encoding to the next.)
    static func value(_ key: String, at member: String) async throws -> NSDictionary? {
        let result = try await RingctlBinary.run(["kv", "get", key, "-j", member])
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
        else { return nil }
        return (object["value"] as? [String: Any]).map { NSDictionary(dictionary: $0) }
    }

    @Test(
        "demo: a crashed node is forgotten, stays forgotten, another key keeps every field; --force re-registers",
        .enabled(if: GoPeer.isGoInstalled, "go is not installed"))
    func demoCrashAndForce() async throws {
        try await withFixtures { fixtures in
            let (_, ready) = try await DemoCommandTests.startDemo(
                fixtures,
                ["--nodes", "3", "--heartbeat", "1s", "-memberlist.pullpush-interval", "1s",
                 "--crash", "ingester-2@0s"])
            let live = ready.nodes.prefix(2).map(\.address)
            // A second ring key that never changes by itself: a Go dskit-shaped peer whose instances never heartbeat.
            _ = try await fixtures.goPeer(
                name: "go-distributor",
                ["--transport", "dskit", "--join", ready.join, "--ring-key", "collectors/distributor",
                 "--zone", "zone-z", "--tokens", "4", "--synthetic-ring", "3x4", "--freeze-heartbeat"])
            for member in live {
                try await eventually("\(member) holding collectors/distributor", deadline: .seconds(30)) {
                    (try await Self.ring("collectors/distributor", at: member))?.count == 4
                }
            }
            // Generous: a loaded machine (a parallel run) slows the demo's failure detection down.
            try await eventually("ingester-2 declared dead", deadline: .seconds(120)) {
                try await DemoCommandTests.members(ready.join)["ingester-2"] == "dead"
            }
            try await eventually("ingester-2's heartbeat 3s old", deadline: .seconds(30)) {
                let ring = try await Self.ring(ready.ringKey, at: ready.join)
                guard let entry = ring?["ingester-2"] else { return false }
                return Int(Date().timeIntervalSince1970) - entry.heartbeat >= 3
            }
            var before: [[String: Entry]] = []
            var otherKey: [NSDictionary] = []
            for member in live {
                before.append(try #require(try await Self.ring(ready.ringKey, at: member)))
                otherKey.append(try #require(try await Self.value("collectors/distributor", at: member)))
            }

            let result = try await RingctlBinary.run(
                ["forget", "ingester-2", "--heartbeat-timeout", "2s", "--yes", "-j", ready.join, "--bind-addr",
                 "127.0.0.1", "--timeout", "10s"])
            #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
            #expect(result.stdout.contains("forgotten: every member confirmed (3 of 3)"), "\(result.stdout)")
            for (index, member) in live.enumerated() {
                #expect(try await Self.value("collectors/distributor", at: member) == otherKey[index], "\(member)")
                let after = try #require(try await Self.ring(ready.ringKey, at: member))
                #expect(after["ingester-2"]?.state == "LEFT", "\(member): \(after)")
                #expect(after["ingester-2"]?.tokens.isEmpty == true)
                Self.othersUnchanged(before[index], after, forgotten: "ingester-2")
            }
            // Push/pull every second: once ingester-0 has heartbeated three seconds further (three rounds at least),
            // it has not come back on either node.
            let heartbeat = try #require(before[0]["ingester-0"]?.heartbeat)
            try await eventually("three more seconds of heartbeats", deadline: .seconds(30)) {
                (try await Self.ring(ready.ringKey, at: ready.join)?["ingester-0"]?.heartbeat ?? 0) >= heartbeat + 3
            }
            for member in live {
                #expect(try await Self.ring(ready.ringKey, at: member)?["ingester-2"]?.state == "LEFT")
            }

            // A live node, forced: it writes itself back at its next heartbeat, registered anew.
            let registered = try #require(before[0]["ingester-1"]?.registered)
            let forced = try await RingctlBinary.run(
                ["forget", "ingester-1", "--force", "--yes", "-o", "json", "-j", ready.join, "--bind-addr", "127.0.0.1",
                 "--timeout", "10s"])
            #expect([0, 1].contains(forced.status), "\(forced.stderr)")
            let report = try Self.json(forced)
            let warnings = try #require(report["warnings"] as? [[String: Any]])
            #expect(warnings.contains { $0["kind"] as? String == "still_heartbeats" }, "\(warnings)")
            try await eventually("ingester-1 registered again on both nodes", deadline: .seconds(30)) {
                for member in live {
                    guard let entry = try await Self.ring(ready.ringKey, at: member)?["ingester-1"],
                        entry.state == "ACTIVE", entry.registered > registered
                    else { return false }
                }
                return true
            }
        }
    }
}
