import DskitKV
import Foundation
import MemberlistWire

/// `ringctl forget`: what was (or, with --dry-run, would be) forgotten, which members confirmed it, and when.
public struct ForgetReport: Codable, Hashable, Sendable {
    /// One instance turned into a LEFT tombstone.
    public struct Instance: Codable, Hashable, Sendable {
        public var key: String
        public var id: String
        public var address: String
        /// Its state before the forget.
        public var state: String
        public var zone: String
        @NullEncoded public var heartbeat: Date? = nil
        @NullEncoded public var heartbeatAgeSeconds: Int64? = nil
        /// dskit's heartbeat health when the plan was made.
        public var healthy: Bool
        /// Why it is a candidate.
        public var reason: String
        /// The tombstone's timestamp (sent, or the one a run now would send).
        public var tombstoneTimestamp: Date

        enum CodingKeys: String, CodingKey {
            case key, id, address, state, zone, heartbeat, healthy, reason
            case heartbeatAgeSeconds = "heartbeat_age_seconds"
            case tombstoneTimestamp = "tombstone_timestamp"
        }
    }

    /// How one member ended up.
    public enum Outcome: String, Codable, Hashable, Sendable {
        /// Its state shows every forgotten instance LEFT or absent.
        case confirmed
        /// It answered, but still held some instance as before when the time was up.
        case notConfirmed = "not_confirmed"
        /// It holds some instance again, newer than the tombstone: the instance registered again.
        case cameBack = "came_back"
        /// It did not answer a peek before the time was up.
        case unreachable
    }

    /// One live member the tombstones were sent to.
    public struct Member: Codable, Hashable, Sendable {
        public var name: String
        public var address: String
        public var outcome: Outcome
        /// When its state first showed every instance forgotten.
        @NullEncoded public var confirmedAt: Date? = nil
        /// The instances ("key/id") it still holds (not_confirmed) or holds again (came_back).
        public var instances: [String] = []
        /// Why it was not reached, in words.
        @NullEncoded public var detail: String? = nil

        enum CodingKeys: String, CodingKey {
            case name, address, outcome, instances, detail
            case confirmedAt = "confirmed_at"
        }
    }

    /// Something the user should know about the result, with what to do.
    public struct Warning: Codable, Hashable, Sendable {
        public enum Kind: String, Codable, Hashable, Sendable {
            /// A forgotten instance's process still heartbeats: it registers again.
            case stillHeartbeats = "still_heartbeats"
            /// A member did not answer: partitioned past the tombstones' lifetime, it may bring an instance back.
            case unreachableMember = "unreachable_member"
        }

        public var kind: Kind
        /// The instances ("key/id") or members it is about.
        public var subjects: [String]
        public var message: String
    }

    /// The seed whose state the plan was made from.
    public var seed: String
    /// When the plan was made.
    public var at: Date
    /// True when nothing was sent (--dry-run).
    public var dryRun: Bool
    public var heartbeatTimeoutSeconds: Double
    /// The instances forgotten (or that would be).
    public var instances: [Instance]
    /// Named instances that were LEFT tombstones already ("key/id"): nothing to do for them.
    public var alreadyLeft: [String]
    /// The node name ringctl joined under; null for a dry run.
    @NullEncoded public var observer: String? = nil
    /// When the tombstones went out; null for a dry run.
    @NullEncoded public var sentAt: Date? = nil
    /// Every live member the tombstones were sent to, sorted by name.
    public var members: [Member] = []
    public var warnings: [Warning] = []
    /// True when every member the tombstones went to confirmed them (a dry run, or nothing to forget: true).
    public var confirmed: Bool

    enum CodingKeys: String, CodingKey {
        case seed, at, instances, observer, members, warnings
        case dryRun = "dry_run"
        case heartbeatTimeoutSeconds = "heartbeat_timeout_seconds"
        case alreadyLeft = "already_left"
        case sentAt = "sent_at"
        case confirmed
    }

    /// The report of `plan` before anything is sent: the instances, their tombstones as stamped at `now`.
    public init(plan: ForgetPlan, dryRun: Bool, now: Date = Date()) {
        seed = plan.seed
        at = plan.now
        self.dryRun = dryRun
        confirmed = dryRun || plan.candidates.isEmpty
        heartbeatTimeoutSeconds = plan.request.heartbeatTimeout.inSeconds
        alreadyLeft = plan.alreadyLeft
        instances = plan.candidates.map { candidate in
            let instance = candidate.instance
            return Instance(
                key: candidate.key, id: instance.id, address: instance.address, state: instance.state.name,
                zone: instance.zone, heartbeat: instance.heartbeat, heartbeatAgeSeconds: candidate.heartbeatAgeSeconds,
                healthy: candidate.healthy, reason: candidate.reason,
                tombstoneTimestamp: Date(
                    timeIntervalSince1970: Double(ForgetTombstone.timestamp(forgetting: instance, now: now))))
        }
        let live = plan.candidates.filter(\.stillHeartbeats).map { "\($0.key)/\($0.instance.id)" }
        if !live.isEmpty {
            warnings.append(
                Warning(
                    kind: .stillHeartbeats, subjects: live,
                    message: "\(live.joined(separator: ", ")) still heartbeat\(live.count == 1 ? "s" : ""): the"
                        + " process registers again at its next heartbeat (dskit's lifecycler finds its id missing"
                        + " and writes it back, registered now); stop the process first to keep it out"))
        }
    }

    /// Records the tombstones actually sent (their timestamps may be newer than the plan's).
    mutating func record(sent tombstones: [ForgetTombstone], at date: Date, observer: String) {
        sentAt = date
        self.observer = observer
        for tombstone in tombstones {
            for sent in tombstone.tombstones {
                if let index = instances.firstIndex(where: { $0.key == tombstone.key && $0.id == sent.id }) {
                    instances[index].tombstoneTimestamp = Date(timeIntervalSince1970: Double(sent.heartbeatTimestamp))
                }
            }
        }
    }

    /// Adds the members' outcomes, sorted by name, and the warnings they call for.
    mutating func record(members: [Member], leftIngestersTimeout: String) {
        self.members = members.sorted { $0.name < $1.name }
        confirmed = self.members.allSatisfy { $0.outcome == .confirmed }
        let back = Array(Set(self.members.filter { $0.outcome == .cameBack }.flatMap(\.instances))).sorted()
        let named = Set(warnings.filter { $0.kind == .stillHeartbeats }.flatMap(\.subjects))
        let newlyBack = back.filter { !named.contains($0) }
        if !newlyBack.isEmpty {
            warnings.append(
                Warning(
                    kind: .stillHeartbeats, subjects: newlyBack,
                    message: "\(newlyBack.joined(separator: ", ")) came back with a heartbeat newer than the"
                        + " tombstone: its process still runs and registered again; stop it first"))
        }
        let unreachable = self.members.filter { $0.outcome == .unreachable }
        if !unreachable.isEmpty {
            let names = unreachable.map(\.name)
            let (them, are) = names.count == 1 ? ("it", "it is") : ("them", "they are")
            warnings.append(
                Warning(
                    kind: .unreachableMember, subjects: names,
                    message: "\(names.joined(separator: ", ")) did not answer: gossip will still bring \(them)"
                        + " the tombstones if \(are) only slow, but a member cut off"
                        + " for longer than -memberlist.left-ingesters-timeout (\(leftIngestersTimeout)) may bring"
                        + " the instances back at its next push/pull; check with ringctl ring once it is reachable,"
                        + " and forget again if they are back"))
        }
    }
}
