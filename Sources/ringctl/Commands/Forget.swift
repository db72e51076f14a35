import ArgumentParser
import DskitKV
import Foundation
import Inspection
import Memberlist

#if canImport(Glibc)
import Glibc
#endif

struct Forget: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove dead instances from a dskit ring (what the /ring page's Forget button does), over gossip.",
        discussion: """
            The only ringctl command that writes to a cluster, and only what you name. First one push/pull with \
            the first seed that answers (as `ringctl ring`), then the plan: each instance, its state, zone, last \
            heartbeat and why it is a candidate. On a terminal ringctl asks before it changes anything; scripts \
            pass --yes (without a terminal and without --yes it refuses, exit 64). --dry-run shows the plan and \
            sends nothing.

            Then it does what dskit's Forget does, from a member's seat: it joins the cluster for a few seconds \
            as a transient member (a node of its own, ringctl-<host>-<random> or --node-name, with no ring \
            instance), writes one KV change per ring key holding only the forgotten instances as LEFT tombstones \
            (no tokens, timestamp max(now, last heartbeat + 1), every other field kept; key and codec as the \
            cluster has them), gossips it and sends it straight to every live member, peeks at every member until \
            each shows the instances LEFT or gone, and leaves. Nothing else in the KV store is touched. dskit \
            drops the tombstones after -memberlist.left-ingesters-timeout (default 5m).

            Candidates: the instance ids given (in every ring key that holds them, or only --key), or with \
            --unhealthy every instance whose last heartbeat is older than --older-than (default: \
            --heartbeat-timeout, dskit's -ring.heartbeat-timeout, 1m). A healthy ACTIVE instance (fresh \
            heartbeat) is refused unless --force: its process runs, and dskit's lifecycler registers it again at \
            its next heartbeat (5s for ingesters, 15s for Pyroscope's other rings). Stop the process first.

            Warnings: an instance whose process still heartbeats (it comes back), and a member that did not \
            answer (cut off for longer than the tombstones' lifetime, it may bring the instance back at its \
            next push/pull: check with ringctl ring and forget again).

            JSON (-o json): {seed, at, dry_run, heartbeat_timeout_seconds, instances: [{key, id, address, state, \
            zone, heartbeat, heartbeat_age_seconds, healthy, reason, tombstone_timestamp}], already_left, \
            observer, sent_at, members: [{name, address, outcome (confirmed, not_confirmed, came_back, \
            unreachable), confirmed_at, instances, detail}], warnings: [{kind, subjects, message}], confirmed}.

            The transient join takes the node flags of `members --observe` (--bind-addr, --advertise-addr, ...); \
            with the default wildcard bind, ringctl advertises the address its peek reached the seed from. \
            --timeout bounds the peek, each step of the join, and the confirmation.

            Examples:
              ringctl forget -j pyroscope-memberlist:7946 pyroscope-ingester-2
              ringctl forget -j 10.0.0.3:7946 --unhealthy --older-than 10m --dry-run
              ringctl forget -j 10.0.0.3:7946 --unhealthy \\
                --key collectors/distributor --yes -o json
              ringctl forget -memberlist.join dnssrv+_memberlist._tcp.mimir-gossip-ring \\
                -memberlist.cluster-label mimir ingester-zone-b-0 --yes

            Exit status: 0 forgotten and confirmed by every live member (or nothing to forget, or a dry run); 1 \
            some member did not confirm within --timeout (or an instance came back), a named instance or --key is \
            not in the cluster, or the answer was no; 64 usage, a healthy ACTIVE instance without --force, no \
            terminal and no --yes; 69 no seed answered, or the join failed; 76 a seed replied with something \
            undecodable or closed without replying (a cluster label mismatch), or TLS or the gossip key did not \
            match; 78 a TLS, key or config file is unusable, or the listen port is taken; 130 interrupted.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @OptionGroup var node: ObserverNodeOptions

    @Argument(help: ArgumentHelp("Instance ids to forget (as `ringctl ring` lists them).", valueName: "id"))
    var ids: [String] = []

    @Flag(help: "Forget every instance whose heartbeat is older than --older-than (instead of naming them).")
    var unhealthy = false

    @Option(
        name: .customLong("older-than"),
        help: ArgumentHelp(
            "With --unhealthy: how old a heartbeat must be (default: --heartbeat-timeout).", valueName: "duration"))
    var olderThan: DurationArgument?

    @Option(help: ArgumentHelp(
        "Only in this ring key (repeatable; default every key with codec ringDesc).", valueName: "key"))
    var key: [String] = []

    @Option(name: .customLong("heartbeat-timeout"), help: ArgumentHelp(
        "An instance whose heartbeat is older than this is unhealthy (dskit's -ring.heartbeat-timeout).",
        valueName: "duration"))
    var heartbeatTimeout = DurationArgument(.seconds(60), text: "1m")

    @Flag(help: "Also forget healthy ACTIVE instances (they register again at their next heartbeat).")
    var force = false

    @Flag(name: [.short, .long], help: "Do not ask: forget at once (for scripts).")
    var yes = false

    @Flag(name: .customLong("dry-run"), help: "Show what would be forgotten and send nothing.")
    var dryRun = false

    @Option(
        name: [.short, .customLong("output")], help: "Output format: table or json.",
        completion: OutputFormat.completion(OutputFormat.events))
    var output: OutputFormat = .table

    func validate() throws {
        try output.check(OutputFormat.events, command: "forget")
        guard heartbeatTimeout.duration > .zero else { throw ValidationError("--heartbeat-timeout must be positive.") }
        if unhealthy && !ids.isEmpty {
            throw ValidationError("Give instance ids or --unhealthy, not both.")
        }
        if !unhealthy && ids.isEmpty {
            throw ValidationError("Name the instances to forget (ringctl ring lists them), or give --unhealthy.")
        }
        if olderThan != nil && !unhealthy {
            throw ValidationError("--older-than only applies with --unhealthy.")
        }
        if let olderThan, olderThan.duration <= .zero {
            throw ValidationError("--older-than must be positive.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let resolved = try cluster.resolved(observing: true)
            let network = try node.configuration(resolved)
            let peek = try await resolved.seeds.peek(resolved.peek)
            let request = ForgetRequest(
                ids: ids, unhealthy: unhealthy, olderThan: olderThan?.duration, keys: key, force: force,
                heartbeatTimeout: heartbeatTimeout.duration)
            let plan = try ForgetPlan(KVSnapshot(peek), request: request, now: Date())
            let planned = ForgetReport(plan: plan, dryRun: dryRun)
            if plan.candidates.isEmpty {
                if output == .json {
                    print(try JSONOutput.render(planned))
                } else {
                    print("nothing to forget: \(describe(plan))")
                }
                return .ok
            }
            if dryRun {
                print(output == .json ? try JSONOutput.render(planned) : ForgetRendering.plan(planned))
                return .ok
            }
            let shown = ForgetRendering.plan(ForgetReport(plan: plan, dryRun: false))
            if output != .json {
                print(shown)
            } else if !yes && isatty(STDIN_FILENO) == 1 {
                // JSON goes to stdout at the end; whoever is asked must still see what they are asked about.
                Terminal.printError(shown)
            }
            if !yes { try confirm(plan) }
            let report = try await Forgetting.run(
                plan, network: network, members: peek.nodes, peek: resolved.peek, localHost: peek.localHost,
                confirmWithin: cluster.timeout.duration)
            if output == .json {
                print(try JSONOutput.render(report))
            } else {
                print(ForgetRendering.result(report, within: cluster.timeout.description))
            }
            return report.confirmed ? .ok : .unhealthy
        }
    }

    /// Why nothing matched.
    private func describe(_ plan: ForgetPlan) -> String {
        if !plan.alreadyLeft.isEmpty {
            return "already LEFT: " + plan.alreadyLeft.joined(separator: ", ")
        }
        let limit = olderThan?.description ?? heartbeatTimeout.description
        return "no instance in \(plan.keys.isEmpty ? "the rings" : plan.keys.joined(separator: ", ")) of "
            + "\(plan.seed) has a heartbeat older than \(limit)"
    }

    /// Asks on the terminal; refuses without one.
    private func confirm(_ plan: ForgetPlan) throws {
        guard isatty(STDIN_FILENO) == 1 else {
            throw ForgetError.confirmationRequired(count: plan.candidates.count)
        }
        Terminal.printError(
            "Forget \(Plural.count(plan.candidates.count, "instance")) from the cluster? Type yes to go on: ",
            newline: false)
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "yes" || answer == "y" else { throw ForgetError.declined }
    }
}
