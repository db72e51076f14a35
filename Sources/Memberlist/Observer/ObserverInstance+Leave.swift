import MemberlistWire

// The leave's decisions, kept pure; the shell runs the sequence they describe (sends with the leave's deadline,
// peeks at the seed, the pauses between resends), because each step is a bounded wait on the network whose result
// decides the next:
//
//   startLeave               → withheld (a live member holds our name) | nothing (never written) |
//                              askSeed (join written, never answered) | announce(dead, targets)
//   afterUnansweredJoinPeek  → done(outcome) | announce(dead, targets): only a seed that lists us, at our address,
//                              is told we left
//   afterConfirmationPeek    → done(confirmation) | resend(after: pause), at most 5 times, while time remains

extension ObserverInstance {
    /// What the leave starts with.
    public enum LeavePlan: Hashable, Sendable {
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

    /// Starts the leave: marks us leaving in the table (no more refutations) and says what to send.
    public mutating func startLeave() -> LeavePlan {
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
