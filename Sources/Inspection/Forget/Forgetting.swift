import DskitKV
import DskitNode
import Foundation
import Memberlist
import MemberlistNode
import MemberlistWire

// `ringctl forget` over gossip, what dskit's /ring page Forget does from inside a member:
//
//   1. a transient join: a memberlist node of ours with dskit's KV store and no ring instance of its own (no
//      lifecycler), not probing anybody, joined through the seed the plan was made from; the join's push/pull
//      carries an empty KV state, so it changes nothing
//   2. per ring key one KV change holding only the forgotten instances as LEFT tombstones (ForgetTombstone), built
//      from the freshest state (the join's), merged into our store and queued with our own broadcasts (gossiped
//      retransmit × log10(N) times), and sent straight to every live member as a packet of its own
//   3. a peek at every live member, again and again, until each shows every instance LEFT or absent, or holds one
//      again newer than the tombstone (its process registered it again), or the time is up; a member still
//      holding an instance as before gets the change again straight away
//   4. the leave (the node's scope), as `members --observe` leaves
//
// Nothing else is written: no other key, no other instance; the store re-gossips what others sent as any dskit
// member does, unchanged.

/// Runs a forget plan against the cluster.
public enum Forgetting {
    /// How long the node's leave may take (its tombstones still queued go out meanwhile).
    static let leaveTimeout: Duration = .seconds(3)
    /// The pause between two rounds of peeks at the members not confirmed yet.
    static let confirmationPause: Duration = .milliseconds(250)

    /// Joins, sends `plan`'s tombstones, confirms them at every live member within `confirmWithin`, leaves.
    ///
    /// `network` is the node's side (transport, label, keys, TLS, name, bind and advertise address); a wildcard
    /// bind without an advertise address advertises `localHost` (our end of the plan's peek). `members` is the
    /// plan's seed's member list: a node name a live member holds is refused (`ObserverError.nodeNameTaken`), as
    /// the observer refuses it, before anything is sent (our leave in that name would tell the cluster the real
    /// node left). `peek` reaches the members for the confirmation. `leftIngestersTimeout` names the cluster's
    /// tombstone lifetime in warnings.
    public static func run(
        _ plan: ForgetPlan, network: ObserverConfiguration, members: [PushNodeState], peek: PeekConfiguration,
        localHost: String?, confirmWithin: Duration, leftIngestersTimeout: String = "5m by default"
    ) async throws -> ForgetReport {
        if let holder = members.first(where: {
            $0.name == network.nodeName && ($0.state == .alive || $0.state == .suspect)
        }) {
            throw ObserverError.nodeNameTaken(
                name: network.nodeName, peer: plan.seed, holder: holder.address.hostPort(holder.port),
                state: holder.state == .alive ? "alive" : "suspect")
        }
        var network = network
        network.leaveTimeout = leaveTimeout
        if network.advertiseHost == nil, ["", "0.0.0.0", "::", "[::]"].contains(network.bindHost) {
            network.advertiseHost = localHost
        }
        var gossip = GossipSettings.dskit
        gossip.leaveTimeout = leaveTimeout
        let configuration = NodeSessionConfiguration(network: network, gossip: gossip, probing: false)
        let anchor = WallClockAnchor.now()
        let seed = UInt64.random(in: 0...UInt64.max)
        var report = ForgetReport(plan: plan, dryRun: false)
        let (sent, members) = try await withNode(configuration, seed: seed) { node in
            DskitKVDelegate(
                lifecycler: nil, anchor: anchor, seed: seed,
                maxBroadcastBytes: DemoCluster.maxBroadcastBytes(node))
        } body: { session in
            try await session.join([plan.seed])
            let rings = await session.withDelegate { Self.rings(in: $0.store) }
            let now = Date()
            // Judged again on the join's state: a prompt may have waited minutes since the peek.
            let tombstones = try plan.revalidated(against: rings, now: now).tombstones(from: rings, now: now)
            for tombstone in tombstones {
                _ = await session.withDelegate { $0.publish(tombstone.pair, now: .now) }
            }
            let payloads = tombstones.map { $0.pair.protobufBytes() }
            let targets = await session.members().filter { $0.isLive && $0.name != session.node.name }
            for payload in payloads { await session.sendUserMessage(payload, to: targets.map(\.name)) }
            let members: [ForgetReport.Member]
            do {
                members = try await confirm(
                    tombstones, at: targets, peek: peek, within: confirmWithin,
                    resend: { name in for payload in payloads { await session.sendUserMessage(payload, to: [name]) } })
            } catch is CancellationError {
                // Ctrl-C after the tombstones went out: they are in the cluster's hands now, and the user must know.
                throw ForgetError.interruptedAfterSending(
                    tombstones.flatMap { tombstone in tombstone.tombstones.map { "\(tombstone.key)/\($0.id)" } },
                    members: targets.count)
            }
            return ((tombstones, now, session.node.name), members)
        }
        report.record(sent: sent.0, at: sent.1, observer: sent.2)
        report.record(members: members, leftIngestersTimeout: leftIngestersTimeout)
        return report
    }

    /// Every ring the store holds, by key.
    static func rings(in store: KVStore) -> [String: RingDescription] {
        var rings: [String: RingDescription] = [:]
        for key in store.keys {
            if let entry = store[key], !entry.deleted, case .ring(let ring) = entry.value { rings[key] = ring }
        }
        return rings
    }

    /// Peeks at each target until its state shows the tombstones (or an instance back), or the time is up.
    static func confirm(
        _ tombstones: [ForgetTombstone], at targets: [Member], peek: PeekConfiguration, within budget: Duration,
        resend: (String) async -> Void
    ) async throws -> [ForgetReport.Member] {
        let deadline = ContinuousClock.now.advanced(by: budget)
        var outcomes: [String: ForgetReport.Member] = [:]
        for target in targets {
            outcomes[target.name] = ForgetReport.Member(
                name: target.name, address: target.hostPort, outcome: .unreachable, detail: "not asked yet")
        }
        while true {
            let open = targets.filter { target in
                let outcome = outcomes[target.name]?.outcome
                return outcome != .confirmed && outcome != .cameBack
            }
            if open.isEmpty || ContinuousClock.now >= deadline { break }
            let answers = await withTaskGroup(of: (String, Result<PeekResult, MemberlistError>).self) { group in
                for target in open {
                    var configuration = peek
                    configuration.deadline = deadline
                    group.addTask {
                        do throws(MemberlistError) {
                            let result = try await Peek.run(peer: target.hostPort, configuration: configuration)
                            return (target.name, .success(result))
                        } catch {
                            return (target.name, .failure(error))
                        }
                    }
                }
                var answers: [(String, Result<PeekResult, MemberlistError>)] = []
                for await answer in group { answers.append(answer) }
                return answers
            }
            try Task.checkCancellation()
            for (name, answer) in answers {
                guard var member = outcomes[name] else { continue }
                switch answer {
                case .failure(let error):
                    member.outcome = .unreachable
                    member.detail = error.description
                case .success(let result):
                    member.detail = nil
                    switch ForgetConfirmation(KVState.decodePrefix(result.userState).state, tombstones: tombstones) {
                    case .forgotten:
                        member.outcome = .confirmed
                        member.confirmedAt = Date()
                        member.instances = []
                    case .pending(let instances):
                        member.outcome = .notConfirmed
                        member.instances = instances
                        await resend(name)
                    case .cameBack(let instances):
                        member.outcome = .cameBack
                        member.instances = instances
                    }
                }
                outcomes[name] = member
            }
            if ContinuousClock.now < deadline { try await Task.sleep(for: confirmationPause) }
        }
        return Array(outcomes.values)
    }
}
