import MemberlistWire

// memberlist's probing order (state.go `probe`, `resetNodes`, `aliveNode`; util.go `moveDeadNodes`,
// `shuffleNodes`), as a value:
//
//   order     one list of every known member, ourselves included; each probe tick takes the next entry,
//             skipping ourselves and dead or left members, and gives up after looking at as many entries as
//             the list holds (so a list of only ourselves and the dead yields nothing)
//   new round when the index runs off the end: dead and left members whose state is older than
//             gossip-to-the-dead are dropped for good, then the list is shuffled
//   joins     a new member is appended and swapped with a uniformly random entry, so it is probed within a
//             round on average instead of always last (memberlist's note: appending would raise the
//             failure-detection bound)
//   timing    the probe budget (ack wait for the indirect phase) is the probe interval × (awareness + 1); the
//             direct ping's own timeout is never scaled

/// The round-robin order in which this node probes its members.
public struct ProbeSchedule: Sendable {
    /// One member in the probe list.
    public struct Entry: Hashable, Sendable {
        /// The member's name.
        public var name: String
        /// Its state as we know it.
        public var state: NodeState
        /// When that state was set (memberlist `StateChange`): dead members are kept until gossip-to-the-dead
        /// has passed since.
        public var stateChange: ContinuousClock.Instant
    }

    /// What one probe tick decided.
    public struct Turn: Hashable, Sendable {
        /// The member to probe, or nil when nobody is eligible.
        public var target: String?
        /// Dead or left members dropped from the list at a round's end: the instance forgets them too.
        public var removed: [String]
    }

    /// Our own name, never probed.
    public let localName: String
    /// How long dead and left members stay listed.
    public let gossipToTheDeadTime: Duration
    /// The list in probe order.
    public private(set) var entries: [Entry]
    /// Where each name sits in `entries` (so a thousand-member list is not scanned per update).
    private var positions: [String: Int]
    /// The next position to look at.
    public private(set) var index: Int = 0

    /// A list holding only ourselves.
    public init(
        localName: String,
        gossipToTheDeadTime: Duration = FailureDetectionSettings.memberlistLAN.gossipToTheDeadTime,
        now: ContinuousClock.Instant
    ) {
        self.localName = localName
        self.gossipToTheDeadTime = gossipToTheDeadTime
        self.entries = [Entry(name: localName, state: .alive, stateChange: now)]
        self.positions = [localName: 0]
    }

    /// Whether `name` is listed.
    public func contains(_ name: String) -> Bool { positions[name] != nil }

    /// The names in probe order.
    public var names: [String] { entries.map(\.name) }

    /// Adds a member never seen before at a random position (memberlist `aliveNode`); false, and nothing
    /// changes, when the name is already listed (use `update` for that).
    @discardableResult
    public mutating func insert(
        _ name: String, state: NodeState = .alive, now: ContinuousClock.Instant,
        using generator: inout some RandomNumberGenerator
    ) -> Bool {
        guard positions[name] == nil else { return false }
        let count = entries.count
        let offset = count == 0 ? 0 : Int.random(in: 0..<count, using: &generator)
        entries.append(Entry(name: name, state: state, stateChange: now))
        entries.swapAt(offset, count)
        positions[entries[count].name] = count
        positions[entries[offset].name] = offset
        return true
    }

    /// Records a member's new state; the state-change time moves only when the state really changes
    /// (memberlist sets `StateChange` on transitions). False when the name is not listed.
    @discardableResult
    public mutating func update(_ name: String, state: NodeState, now: ContinuousClock.Instant) -> Bool {
        guard let position = positions[name] else { return false }
        if entries[position].state != state {
            entries[position].state = state
            entries[position].stateChange = now
        }
        return true
    }

    /// The member to probe at this tick (memberlist `probe`), starting a new shuffled round when the list runs out.
    public mutating func next(now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator) -> Turn {
        var removed: [String] = []
        var checked = 0
        while checked < entries.count {
            if index >= entries.count {
                removed += startRound(now: now, using: &generator)
                index = 0
                checked += 1
                continue
            }
            let entry = entries[index]
            index += 1
            if entry.name == localName || entry.state == .dead || entry.state == .left {
                checked += 1
                continue
            }
            return Turn(target: entry.name, removed: removed)
        }
        return Turn(target: nil, removed: removed)
    }

    /// How long one probe may take before the next (memberlist `probeNode`: the probe interval scaled by
    /// awareness; the ticker skips the ticks a longer probe overruns).
    public static func probeBudget(interval: Duration, awareness: Awareness) -> Duration {
        awareness.scale(interval)
    }

    /// memberlist `resetNodes`: reap the long-dead, then shuffle what stays.
    private mutating func startRound(
        now: ContinuousClock.Instant, using generator: inout some RandomNumberGenerator
    ) -> [String] {
        var removed: [String] = []
        entries.removeAll { entry in
            let expired = (entry.state == .dead || entry.state == .left)
                && now - entry.stateChange > gossipToTheDeadTime
            if expired { removed.append(entry.name) }
            return expired
        }
        entries.shuffle(using: &generator)
        positions = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
        return removed
    }
}
