import MemberlistWire

// The leave as steps of the instance: each step tells the shell one bounded thing to do (send the leave's packets
// by a deadline, peek at the seed by a deadline, pause), and the shell reports how it went as the next input.
// The budget (--leave-timeout), its split, the resend policy and the outcome are all decided here:
//
//   startLeave      withheld (a live member holds our name) | nothing (never written) → finished
//                   joined: mark us leaving, send dead{Node: us, From: us} to every live member and every seed we
//                   wrote to, by two thirds of the budget (one unreachable member cannot starve the confirmation)
//                   join written, never answered: peek at the seed first
//   onLeavePeek     unanswered join: only a seed that lists us, at our address, still live, is told (by two thirds
//                   of what the peek left); confirmation: left → finished; still live → pause and resend, at most 5
//                   times, while a round (pause, send, peek) fits the budget
//   onLeaveSent     record who was reached; then peek at the seed to confirm
//   onLeavePause    resend, by 500 ms or the budget's end

/// One thing the leave needs done, then reported back to the instance.
public enum LeaveStep: Hashable, Sendable {
    /// Send these packets, all at once, each by `deadline`; report the failures with `onLeaveSent`.
    case send([OutgoingPacket], by: ContinuousClock.Instant)
    /// Ask this seed how it lists us (one push/pull as a peek) by `deadline`; report with `onLeavePeek`.
    case peek(String, by: ContinuousClock.Instant)
    /// Wait until `until`, then call `onLeavePause`.
    case pause(until: ContinuousClock.Instant)
    /// The leave is over.
    case finished(LeaveOutcome)
}

/// Where a leave is: what it sends, to whom, by when, and what it has achieved so far.
struct LeaveProgress: Hashable, Sendable {
    enum Phase: Hashable, Sendable {
        /// The join was never answered: the peek decides whether anything is sent.
        case askingSeed(me: Member, seed: String)
        /// The leave's packets are out (the first round, or a resend).
        case sending
        /// The seed is being asked how it lists us.
        case confirming
        /// Pausing before a resend.
        case pausing
    }

    var phase: Phase
    var deadline: ContinuousClock.Instant
    var dead: DeadMessage?
    var targets: [String] = []
    var resent = 0
    var rounds = 0
    var outcome: LeaveOutcome
}

extension ObserverInstance {
    /// What the leave starts with (the first part of `startLeave`).
    enum LeavePlan: Hashable, Sendable {
        /// A live member holds our name: nothing is sent in it.
        case withheld
        /// Nothing was ever written in our name (or the leave already ran): no leave is needed.
        case nothing
        /// The join was written but never answered: ask `seed` how it lists `me` before sending anything.
        case askSeed(String, me: Member)
        /// Send `dead` to every target, then ask the seed how it lists us.
        case announce(DeadMessage, to: [String])
    }

    /// What to do after the seed answered how it lists a join that was never answered.
    public enum UnansweredJoinStep: Hashable, Sendable {
        /// Nothing (more) to send.
        case done(LeaveOutcome)
        /// The seed lists us, at our address, still live: send `dead` to the targets, then confirm.
        case announce(DeadMessage, to: [String])
    }

    /// What to do after the seed answered how it lists us after a leave.
    public enum ConfirmationStep: Hashable, Sendable {
        /// The answer is final.
        case done(LeaveConfirmation)
        /// The seed still lists us live: pause this long, send the leave again, and ask again.
        case resend(after: Duration)
    }

    /// The most extra leaves sent when the seed still lists us.
    public static let maxResends = 5

    // MARK: Inputs

    /// Starts the leave, whose budget is the configured leave timeout from `now`.
    public mutating func startLeave(now: ContinuousClock.Instant) -> LeaveStep {
        let budget = configuration.leaveTimeout
        let deadline = now.advanced(by: budget)
        let empty = LeaveOutcome(sentTo: [], failures: [], node: nil)
        switch planLeave() {
        case .withheld:
            return .finished(LeaveOutcome(sentTo: [], failures: [], node: nil, withheld: true))
        case .nothing:
            return .finished(empty)
        case .askSeed(let seed, let me):
            leaving = LeaveProgress(phase: .askingSeed(me: me, seed: seed), deadline: deadline, outcome: empty)
            return .peek(seed, by: deadline)
        case .announce(let dead, let targets):
            leaving = LeaveProgress(phase: .sending, deadline: deadline, dead: dead, targets: targets, outcome: empty)
            return .send(targets.map { leavePacket(dead, to: $0) }, by: now.advanced(by: budget * 2 / 3))
        }
    }

    /// The leave's packets went out; `failures` are the targets not reached (not encodable, not sent in time).
    public mutating func onLeaveSent(failures: [LeaveFailure], now: ContinuousClock.Instant) -> LeaveStep {
        guard var progress = leaving, progress.phase == .sending, let dead = progress.dead else { return stray() }
        let failed = Set(failures.map(\.peer))
        let round = LeaveOutcome(
            sentTo: progress.targets.filter { !failed.contains($0) }, failures: failures, node: dead.node)
        if progress.rounds == 0 {
            progress.outcome = round
        } else {
            progress.outcome.absorb(resend: round)
        }
        progress.rounds += 1
        guard let seed = confirmationSeed else {
            leaving = nil
            return .finished(progress.outcome)
        }
        progress.phase = .confirming
        leaving = progress
        return .peek(seed, by: progress.deadline)
    }

    /// The seed answered the peek with its member list, or could not be asked.
    public mutating func onLeavePeek(
        _ answer: Result<[PushNodeState], MemberlistError>, now: ContinuousClock.Instant
    ) -> LeaveStep {
        guard var progress = leaving else { return stray() }
        switch progress.phase {
        case .askingSeed(let me, let seed):
            let nodes: [PushNodeState]
            switch answer {
            case .success(let listed): nodes = listed
            case .failure(let error):
                return finish(
                    LeaveOutcome(
                        sentTo: [], failures: [], node: me.name,
                        confirmation: .unchecked(seed: seed, reason: "\(error)")))
            }
            switch afterUnansweredJoinPeek(nodes, me: me, seed: seed) {
            case .done(let outcome):
                return finish(outcome)
            case .announce(let dead, let targets):
                progress.phase = .sending
                progress.dead = dead
                progress.targets = targets
                leaving = progress
                // The peek took part of the budget: the sends get two thirds of what is left.
                let sendBy = now.advanced(by: now.duration(to: progress.deadline) * 2 / 3)
                return .send(targets.map { leavePacket(dead, to: $0) }, by: sendBy)
            }
        case .confirming:
            guard let dead = progress.dead, let seed = confirmationSeed else { return stray() }
            var outcome = progress.outcome
            switch answer {
            case .failure(let error):
                outcome.confirmation = .unchecked(seed: seed, reason: "\(error)")
                return finish(outcome)
            case .success(let nodes):
                let step = Self.afterConfirmationPeek(
                    nodes, dead: dead, seed: seed, resent: progress.resent,
                    remaining: now.duration(to: progress.deadline))
                switch step {
                case .done(let confirmation):
                    outcome.confirmation = confirmation
                    return finish(outcome)
                case .resend(let pause):
                    progress.resent += 1
                    progress.phase = .pausing
                    leaving = progress
                    return .pause(until: now.advanced(by: pause))
                }
            }
        case .sending, .pausing:
            return stray()
        }
    }

    /// The pause before a resend is over: send the leave again, by 500 ms or the budget's end.
    public mutating func onLeavePause(now: ContinuousClock.Instant) -> LeaveStep {
        guard var progress = leaving, progress.phase == .pausing, let dead = progress.dead else { return stray() }
        progress.phase = .sending
        leaving = progress
        let sendBy = min(progress.deadline, now.advanced(by: .milliseconds(500)))
        return .send(progress.targets.map { leavePacket(dead, to: $0) }, by: sendBy)
    }

    private mutating func finish(_ outcome: LeaveOutcome) -> LeaveStep {
        leaving = nil
        return .finished(outcome)
    }

    /// An input the leave did not ask for: end it with what it has.
    private mutating func stray() -> LeaveStep {
        let outcome = leaving?.outcome ?? LeaveOutcome(sentTo: [], failures: [], node: nil)
        leaving = nil
        return .finished(outcome)
    }

    // MARK: Decisions

    /// Marks us leaving in the table (no more refutations) and says what the leave starts with.
    mutating func planLeave() -> LeavePlan {
        if nameTaken { return .withheld }
        guard table != nil else {
            guard let announced, let seed = contacted.first else { return .nothing }
            return .askSeed(seed, me: announced)
        }
        guard let dead = markLeaving(), let table else { return .nothing }
        var targets: [String] = []
        for member in table.others where member.isLive && !targets.contains(member.hostPort) {
            targets.append(member.hostPort)
        }
        for peer in contacted where !targets.contains(peer) {
            targets.append(peer)
        }
        return .announce(dead, to: targets)
    }

    /// The seed whose list confirms the leave: the one that answered the join, else the first we wrote to.
    public var confirmationSeed: String? { seed ?? contacted.first }

    /// The join was written but no reply came: we do not know what the seed made of it. The leave goes out only if
    /// the seed lists our node as ours, at our address: a dead message about a node it does not know is dropped
    /// anyway, and one in a name a real node holds would tell the cluster that node left.
    public func afterUnansweredJoinPeek(_ nodes: [PushNodeState], me: Member, seed: String) -> UnansweredJoinStep {
        guard let entry = nodes.first(where: { $0.name == me.name }) else {
            return .done(LeaveOutcome(sentTo: [], failures: [], node: me.name, confirmation: .notListed(seed: seed)))
        }
        guard isOurs(entry, me) else {
            return .done(LeaveOutcome(sentTo: [], failures: [], node: nil, withheld: true))
        }
        if entry.state == .left || entry.state == .dead {
            return .done(
                LeaveOutcome(
                    sentTo: [], failures: [], node: me.name,
                    confirmation: .left(seed: seed, state: entry.state, resent: 0)))
        }
        var targets = [seed]
        for node in nodes where (node.state == .alive || node.state == .suspect) && node.name != me.name {
            let target = node.address.hostPort(node.port)
            if !targets.contains(target) { targets.append(target) }
        }
        return .announce(DeadMessage(incarnation: me.incarnation, node: me.name, from: me.name), to: targets)
    }

    /// How the seed lists us after `resent` extra leaves, with `remaining` left of the leave's budget. A seed that
    /// still lists us alive got our dead message before it merged our join (memberlist answers a push/pull before
    /// merging it, and drops a dead message for a node it does not know yet): send again, while a round (its
    /// pause, a send and a peek) still fits.
    public static func afterConfirmationPeek(
        _ nodes: [PushNodeState], dead: DeadMessage, seed: String, resent: Int, remaining: Duration
    ) -> ConfirmationStep {
        // The join made sure no live member holds our name, so the entry in our name is ours.
        guard let entry = nodes.first(where: { $0.name == dead.node }) else {
            return .done(.notListed(seed: seed))
        }
        if entry.state == .left || entry.state == .dead {
            return .done(.left(seed: seed, state: entry.state, resent: resent))
        }
        let pause = Duration.milliseconds(50 * (resent + 1))
        guard resent < maxResends, remaining > pause + .milliseconds(300) else {
            return .done(.stillListed(seed: seed, state: entry.state))
        }
        return .resend(after: pause)
    }

    /// The leave's packet to `target`, framed for the member at that address.
    public func leavePacket(_ dead: DeadMessage, to target: String) -> OutgoingPacket {
        let name = table?.members.values.first { $0.hostPort == target }?.name
        return packet(.dead(dead), to: target, node: name)
    }
}

extension LeaveOutcome {
    /// Takes in a resend round: its addresses join `sentTo`, and a member it reached is no longer a failure.
    public mutating func absorb(resend again: LeaveOutcome) {
        sentTo = Array(Set(sentTo + again.sentTo)).sorted()
        failures.removeAll { failure in again.sentTo.contains(failure.peer) }
    }
}
