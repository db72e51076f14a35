import MemberlistNode
import MemberlistWire
import Testing

/// The observer's member table against memberlist's rules (state.go aliveNode, suspectNode, deadNode, mergeState,
/// refute), without sockets or clocks.
@Suite("MemberTable")
struct MemberTableTests {
    static let vsn = ProtocolVersions.memberlistDefault.vsn
    static let me = Member(
        name: "ringctl-test-abcdef", address: NodeAddress(ipv4: 127, 0, 0, 1).ipv4Mapped, port: 40000, incarnation: 1,
        vsn: vsn)

    static func alive(_ name: String, _ incarnation: UInt32, port: UInt16 = 7946, meta: [UInt8]? = nil) -> AliveMessage {
        AliveMessage(
            incarnation: incarnation, node: name, address: NodeAddress(ipv4: 10, 0, 0, 1), port: port, meta: meta,
            vsn: vsn)
    }

    static func tableWithPeer(incarnation: UInt32 = 5) -> MemberTable {
        var table = MemberTable(local: me)
        _ = table.apply(.alive(alive("peer", incarnation)))
        return table
    }

    @Test("a new alive node joins; the same incarnation again changes nothing")
    func aliveJoins() {
        var table = MemberTable(local: Self.me)
        let events = table.apply(.alive(Self.alive("peer", 3)))
        #expect(events.count == 1)
        guard case .joined(let member) = events.first else {
            Issue.record("expected joined, got \(events)")
            return
        }
        #expect(member.name == "peer" && member.state == .alive && member.incarnation == 3)
        #expect(table.apply(.alive(Self.alive("peer", 3))).isEmpty)
        #expect(table.others.map(\.name) == ["peer"])
    }

    @Test("an older or equal incarnation is ignored, a newer one is taken (meta change reported)")
    func incarnationOrder() {
        var table = Self.tableWithPeer(incarnation: 5)
        #expect(table.apply(.alive(Self.alive("peer", 4, meta: [1]))).isEmpty)
        #expect(table.apply(.alive(Self.alive("peer", 5, meta: [1]))).isEmpty)
        #expect(table.members["peer"]?.meta == nil)
        let events = table.apply(.alive(Self.alive("peer", 6, meta: [1])))
        #expect(events == [.updated(table.members["peer"]!)])
        #expect(table.members["peer"]?.incarnation == 6)
        #expect(table.members["peer"]?.meta == [1])
    }

    @Test("a newer incarnation without changes updates silently")
    func silentIncarnationBump() {
        var table = Self.tableWithPeer(incarnation: 5)
        #expect(table.apply(.alive(Self.alive("peer", 9))).isEmpty)
        #expect(table.members["peer"]?.incarnation == 9)
    }

    @Test("alive with impossible protocol versions is ignored")
    func badVersions() {
        var table = MemberTable(local: Self.me)
        var message = Self.alive("peer", 1)
        message.vsn = [0, 5, 2, 0, 0, 0]
        #expect(table.apply(.alive(message)).isEmpty)
        message.vsn = [4, 2, 2, 0, 0, 0]
        #expect(table.apply(.alive(message)).isEmpty)
        #expect(table.others.isEmpty)
    }

    @Test("a known live node announced at another address is a conflict and ignored")
    func addressConflict() {
        var table = Self.tableWithPeer(incarnation: 5)
        #expect(table.apply(.alive(Self.alive("peer", 9, port: 9999))).isEmpty)
        #expect(table.members["peer"]?.port == 7946)
    }

    @Test("suspect at the current or a newer incarnation marks suspect; older is ignored; alive refutes it")
    func suspicion() {
        var table = Self.tableWithPeer(incarnation: 5)
        #expect(table.apply(.suspect(SuspectMessage(incarnation: 4, node: "peer", from: "x"))).isEmpty)
        let events = table.apply(.suspect(SuspectMessage(incarnation: 5, node: "peer", from: "x")))
        #expect(events.count == 1)
        #expect(table.members["peer"]?.state == .suspect)
        // A second suspicion of a suspect node changes nothing (no timers here to confirm).
        #expect(table.apply(.suspect(SuspectMessage(incarnation: 5, node: "peer", from: "y"))).isEmpty)
        // The node refutes with a higher incarnation: alive again, reported as an update.
        let refuted = table.apply(.alive(Self.alive("peer", 6)))
        #expect(refuted == [.updated(table.members["peer"]!)])
        #expect(table.members["peer"]?.state == .alive)
    }

    @Test("suspect and dead for unknown nodes are ignored")
    func unknownNodes() {
        var table = MemberTable(local: Self.me)
        #expect(table.apply(.suspect(SuspectMessage(incarnation: 9, node: "ghost", from: "x"))).isEmpty)
        #expect(table.apply(.dead(DeadMessage(incarnation: 9, node: "ghost", from: "x"))).isEmpty)
        #expect(table.others.isEmpty)
    }

    @Test("dead from another node means failed; dead from the node itself means left")
    func leaveVersusDead() {
        var table = Self.tableWithPeer(incarnation: 5)
        _ = table.apply(.alive(Self.alive("other", 2, port: 7947)))
        let failed = table.apply(.dead(DeadMessage(incarnation: 5, node: "peer", from: "other")))
        #expect(table.members["peer"]?.state == .dead)
        #expect(failed == [.dead(table.members["peer"]!)])
        let left = table.apply(.dead(DeadMessage(incarnation: 2, node: "other", from: "other")))
        #expect(table.members["other"]?.state == .left)
        #expect(left == [.left(table.members["other"]!)])
        // Already dead or left: a second notice changes nothing, and an older alive does not revive it.
        #expect(table.apply(.dead(DeadMessage(incarnation: 9, node: "other", from: "peer"))).isEmpty)
        #expect(table.members["other"]?.state == .left)
        #expect(table.apply(.alive(Self.alive("other", 2, port: 7947))).isEmpty)
    }

    @Test("dead at an older incarnation is ignored")
    func staleDeath() {
        var table = Self.tableWithPeer(incarnation: 5)
        #expect(table.apply(.dead(DeadMessage(incarnation: 4, node: "peer", from: "x"))).isEmpty)
        #expect(table.members["peer"]?.state == .alive)
    }

    @Test("a dead node comes back with a newer incarnation and is reported as joined")
    func rejoin() {
        var table = Self.tableWithPeer(incarnation: 5)
        _ = table.apply(.dead(DeadMessage(incarnation: 5, node: "peer", from: "x")))
        let events = table.apply(.alive(Self.alive("peer", 6)))
        #expect(events == [.joined(table.members["peer"]!)])
    }

    @Test("a left node may come back at a new address")
    func leftNodeNewAddress() {
        var table = Self.tableWithPeer(incarnation: 5)
        _ = table.apply(.dead(DeadMessage(incarnation: 5, node: "peer", from: "peer")))
        let events = table.apply(.alive(Self.alive("peer", 1, port: 9000)))
        #expect(table.members["peer"]?.port == 9000)
        #expect(table.members["peer"]?.state == .alive)
        #expect(events == [.joined(table.members["peer"]!)])
    }

    @Test("suspicion of us is refuted with the next incarnation, announced to the cluster")
    func refuteSuspicion() {
        var table = MemberTable(local: Self.me)
        let events = table.apply(.suspect(SuspectMessage(incarnation: 1, node: Self.me.name, from: "peer")))
        #expect(table.local.incarnation == 2)
        #expect(table.local.state == .alive)
        guard case .refute(let alive, _) = events.first, events.count == 1 else {
            Issue.record("expected one refutation, got \(events)")
            return
        }
        #expect(alive.incarnation == 2 && alive.node == Self.me.name && alive.port == Self.me.port)
        #expect(alive.vsn == Self.vsn)
    }

    @Test("an accusation at a higher incarnation is refuted one above it")
    func refuteAboveAccusation() {
        var table = MemberTable(local: Self.me)
        _ = table.apply(.dead(DeadMessage(incarnation: 7, node: Self.me.name, from: "peer")))
        #expect(table.local.incarnation == 8)
        #expect(table.local.state == .alive)
        // An older suspicion after that is ignored.
        #expect(table.apply(.suspect(SuspectMessage(incarnation: 7, node: Self.me.name, from: "peer"))).isEmpty)
    }

    @Test("an alive about us that differs from what we announced is refuted; an exact echo is not")
    func refuteWrongAlive() {
        var table = MemberTable(local: Self.me)
        #expect(table.apply(.alive(Self.me.aliveMessage)).isEmpty)
        var wrong = Self.me.aliveMessage
        wrong.meta = [9]
        let events = table.apply(.alive(wrong))
        #expect(table.local.incarnation == 2)
        #expect(events.count == 1)
    }

    @Test("after leave, we are left: accusations are not refuted and the dead message says From == Node")
    func leave() {
        var table = Self.tableWithPeer()
        _ = table.apply(.suspect(SuspectMessage(incarnation: 1, node: Self.me.name, from: "peer")))
        let dead = table.leave()
        #expect(dead == DeadMessage(incarnation: 2, node: Self.me.name, from: Self.me.name))
        #expect(dead.isLeave)
        #expect(table.local.state == .left)
        #expect(table.apply(.dead(DeadMessage(incarnation: 2, node: Self.me.name, from: "peer"))).isEmpty)
        #expect(table.apply(.alive(Self.me.aliveMessage)).isEmpty)
        #expect(table.local.state == .left)
    }

    @Test("push/pull merge: alive joins, left leaves, dead and suspect become suspicion")
    func pushPullMerge() {
        var table = Self.tableWithPeer(incarnation: 5)
        _ = table.apply(.alive(Self.alive("b", 1, port: 2)))
        _ = table.apply(.alive(Self.alive("c", 1, port: 3)))
        let nodes = [
            PushNodeState(name: "a", address: NodeAddress(ipv4: 10, 0, 0, 1), port: 1, incarnation: 1, state: .alive, vsn: Self.vsn),
            PushNodeState(name: "b", address: NodeAddress(ipv4: 10, 0, 0, 1), port: 2, incarnation: 1, state: .left),
            PushNodeState(name: "c", address: NodeAddress(ipv4: 10, 0, 0, 1), port: 3, incarnation: 1, state: .dead),
            PushNodeState(name: "peer", address: NodeAddress(ipv4: 10, 0, 0, 1), port: 7946, incarnation: 5, state: .suspect),
        ]
        let events = table.apply(.pushPull(nodes))
        #expect(table.members["a"]?.state == .alive)
        #expect(table.members["b"]?.state == .left)
        #expect(table.members["c"]?.state == .suspect)
        #expect(table.members["peer"]?.state == .suspect)
        #expect(events.count == 4)
        // Our push/pull reply lists everybody, ourselves included.
        #expect(table.pushNodeStates.map(\.name).sorted() == ["a", "b", "c", "peer", Self.me.name].sorted())
    }

    @Test("a push/pull that calls us dead is refuted, not believed")
    func pushPullAboutUs() {
        var table = MemberTable(local: Self.me)
        let events = table.apply(.pushPull([
            PushNodeState(name: Self.me.name, address: Self.me.address, port: Self.me.port, incarnation: 1, state: .dead)
        ]))
        #expect(table.local.state == .alive)
        #expect(table.local.incarnation == 2)
        #expect(events.count == 1)
    }
}
