import Memberlist
import MemberlistWire
import Testing

/// The observer's protocol rules on the pure instance: inputs in, directives out, time passed in. No sockets, no
/// sleeps: a timer "fires" because the test calls `onTimer`.
@Suite("ObserverInstance")
struct ObserverInstanceTests {
    static let vsn = ProtocolVersions.memberlistDefault.vsn
    static let name = "ringctl-test-observer"
    static let seed = "127.0.0.1:7946"
    static let here = NodeAddress(ipv4: 127, 0, 0, 1)
    static let now = ContinuousClock.now

    static func configuration(
        bindHost: String = "127.0.0.1", advertiseHost: String? = nil, advertisePort: Int? = nil
    ) -> ObserverConfiguration {
        ObserverConfiguration(
            transport: .dskit, nodeName: name, bindHost: bindHost, advertiseHost: advertiseHost,
            advertisePort: advertisePort, probeTimeout: .milliseconds(200))
    }

    static func node(
        _ name: String, port: UInt16, state: NodeState = .alive, incarnation: UInt32 = 4, vsn: [UInt8]? = vsn
    ) -> PushNodeState {
        PushNodeState(
            name: name, address: here.ipv4Mapped, port: port, incarnation: incarnation, state: state, vsn: vsn)
    }

    static func fresh(_ configuration: ObserverConfiguration = configuration()) -> ObserverInstance {
        ObserverInstance(configuration: configuration, boundPort: 40000, firstSequenceNumber: 1000)
    }

    /// The seed's reply to a join: its member list and a user state.
    static func reply(_ nodes: [PushNodeState], userState: [UInt8] = [1, 2, 3]) -> StreamEnvelope {
        StreamEnvelope(
            message: .pushPull(PushPull(join: false, nodes: nodes, userState: userState)), compression: .snappy)
    }

    /// Joined through `seed`, whose list holds itself ("peer-0", port 7946) and "peer-1" (port 7947).
    static func joined() throws -> ObserverInstance {
        var instance = fresh()
        let ticket = instance.beginJoin(peer: seed)
        let (me, _) = try ObserverInstance.joinRequest(
            ticket, configuration: instance.configuration, boundPort: instance.boundPort, connectionHost: nil)
        instance.joinWritten(ticket, announced: me)
        _ = try instance.onJoinReply(
            reply([node("peer-0", port: 7946), node("peer-1", port: 7947)]), ticket: ticket, connectionHost: nil,
            now: now)
        return instance
    }

    static func sends(_ directives: [ObserverDirective]) -> [OutgoingPacket] {
        directives.compactMap {
            if case .sendPacket(let packet) = $0 { return packet }
            return nil
        }
    }

    static func events(_ directives: [ObserverDirective]) -> [ObserverEvent] {
        directives.compactMap {
            if case .emit(let event) = $0 { return event }
            return nil
        }
    }

    // MARK: Join

    @Test("join request: our alive node at incarnation 1, IPv4-mapped bind address and bound port, no user state")
    func joinRequest() throws {
        let instance = Self.fresh()
        let (me, message) = try ObserverInstance.joinRequest(
            instance.beginJoin(peer: Self.seed), configuration: instance.configuration, boundPort: 40000,
            connectionHost: "10.9.9.9")
        #expect(
            me == Member(name: Self.name, address: Self.here.ipv4Mapped, port: 40000, incarnation: 1, vsn: Self.vsn))
        #expect(message == .pushPull(PushPull(join: true, nodes: [me.pushNodeState], userState: [])))
    }

    @Test("a wildcard bind advertises the connection's local address; advertise flags win; a wildcard alone fails")
    func localMemberAddress() throws {
        let wildcard = Self.configuration(bindHost: "0.0.0.0")
        let viaConnection = try ObserverInstance.localMember(wildcard, boundPort: 40000, connectionHost: "10.0.0.5")
        #expect(viaConnection.hostPort == "10.0.0.5:40000")
        let advertised = try ObserverInstance.localMember(
            Self.configuration(bindHost: "0.0.0.0", advertiseHost: "10.1.1.1", advertisePort: 9000), boundPort: 40000,
            connectionHost: "10.0.0.5")
        #expect(advertised.hostPort == "10.1.1.1:9000")
        #expect(throws: ObserverError.invalidAdvertiseAddress("0.0.0.0")) {
            try ObserverInstance.localMember(wildcard, boundPort: 40000, connectionHost: nil)
        }
        #expect(throws: ObserverError.invalidAdvertiseAddress("127.0.0.1:0")) {
            try ObserverInstance.localMember(Self.configuration(), boundPort: 0, connectionHost: nil)
        }
    }

    @Test("the join reply is merged: members joined in order, user state kept, then the remote state event")
    func joinReply() throws {
        var instance = Self.fresh()
        let ticket = instance.beginJoin(peer: Self.seed)
        let (result, directives) = try instance.onJoinReply(
            Self.reply([Self.node("peer-0", port: 7946)]), ticket: ticket, connectionHost: nil, now: Self.now)
        #expect(result.peer == Self.seed && result.nodes.map(\.name) == ["peer-0"] && result.compression == .snappy)
        let events = Self.events(directives)
        #expect(events.count == 2)
        guard case .member(.joined(let member)) = events.first else {
            Issue.record("expected a join event first, got \(events)")
            return
        }
        #expect(member.name == "peer-0")
        #expect(events.last == .remoteState([1, 2, 3], join: true, from: Self.seed))
        #expect(instance.snapshot.seed == Self.seed && instance.snapshot.userState == [1, 2, 3])
        #expect(instance.snapshot.local?.name == Self.name)
    }

    @Test("a reply that is no push/pull rejects the join and leaves the instance unjoined")
    func joinRejected() {
        var instance = Self.fresh()
        let ticket = instance.beginJoin(peer: Self.seed)
        #expect(throws: ObserverError.joinRejected(peer: Self.seed, message: "an error: no")) {
            try instance.onJoinReply(
                StreamEnvelope(message: .error(ErrorResponse(error: "no"))), ticket: ticket, connectionHost: nil,
                now: Self.now)
        }
        #expect(throws: ObserverError.joinRejected(peer: Self.seed, message: "a ackResp message")) {
            try instance.onJoinReply(
                StreamEnvelope(message: .ack(AckResponse(seqNo: 1))), ticket: ticket, connectionHost: nil, now: Self.now
            )
        }
        #expect(instance.table == nil)
    }

    @Test("a live member holding our name: the join fails, and the leave is withheld")
    func nodeNameTaken() {
        var instance = Self.fresh()
        let ticket = instance.beginJoin(peer: Self.seed)
        instance.joinWritten(
            ticket, announced: Member(name: Self.name, address: Self.here, port: 40000, incarnation: 1))
        #expect(
            throws: ObserverError.nodeNameTaken(
                name: Self.name, peer: Self.seed, holder: "127.0.0.1:40000", state: "suspect")
        ) {
            // At our own address, but this is the first seed we wrote to: never this join's own entry.
            try instance.onJoinReply(
                Self.reply([Self.node(Self.name, port: 40000, state: .suspect)]), ticket: ticket, connectionHost: nil,
                now: Self.now)
        }
        #expect(instance.nameTaken)
        #expect(
            instance.startLeave(now: Self.now)
                == .finished(LeaveOutcome(sentTo: [], failures: [], node: nil, withheld: true)))
    }

    @Test(
        "an entry in our name at our address, after an earlier seed took our join, is ours; behind advertise flags it is not"
    )
    func nameExemptionAfterEarlierJoin() throws {
        for (configuration, accepted) in [
            (Self.configuration(), true), (Self.configuration(advertiseHost: "127.0.0.1"), false),
        ] {
            var instance = Self.fresh(configuration)
            let first = instance.beginJoin(peer: "127.0.0.1:1111")
            let (me, _) = try ObserverInstance.joinRequest(
                first, configuration: configuration, boundPort: 40000, connectionHost: nil)
            instance.joinWritten(first, announced: me)
            let second = instance.beginJoin(peer: Self.seed)
            #expect(second.wroteBefore)
            let reply = Self.reply([Self.node(Self.name, port: 40000, incarnation: 1)])
            if accepted {
                _ = try instance.onJoinReply(reply, ticket: second, connectionHost: nil, now: Self.now)
                #expect(instance.snapshot.seed == Self.seed)
            } else {
                #expect(throws: ObserverError.self) {
                    try instance.onJoinReply(reply, ticket: second, connectionHost: nil, now: Self.now)
                }
                #expect(instance.nameTaken)
            }
        }
    }

    // MARK: Packets

    @Test("a ping is acked to its SourceAddr:SourcePort, with the CRC for a member on protocol 5; else to its sender")
    func pingAck() throws {
        var instance = try Self.joined()
        let ping = PingMessage(
            seqNo: 77, node: Self.name, sourceAddress: Self.here, sourcePort: 7947, sourceNode: "peer-1")
        #expect(
            instance.onPacket(.ping(ping), from: "127.0.0.1:5555", now: Self.now) == [
                .sendPacket(OutgoingPacket(.ack(AckResponse(seqNo: 77)), to: "127.0.0.1:7947", checksum: true))
            ])
        // No source given, from a node we do not know: to where it came from, without the CRC.
        #expect(
            instance.onPacket(.ping(PingMessage(seqNo: 78)), from: "127.0.0.1:5555", now: Self.now) == [
                .sendPacket(OutgoingPacket(.ack(AckResponse(seqNo: 78)), to: "127.0.0.1:5555", checksum: false))
            ])
    }

    @Test("a ping for another node name is a problem, not an answer")
    func pingForAnotherNode() throws {
        var instance = try Self.joined()
        let directives = instance.onPacket(
            .ping(PingMessage(seqNo: 78, node: "someone-else")), from: "127.0.0.1:5555", now: Self.now)
        #expect(Self.sends(directives).isEmpty)
        #expect(
            Self.events(directives) == [
                .problem("ping from 127.0.0.1:5555 for another node, \"someone-else\": not answered")
            ])
        #expect(instance.problemCount == 1 && instance.recentProblems.count == 1)
    }

    @Test("indirect ping: we ping the target from our address and set a probe timeout; its ack goes to the requester")
    func indirectPingRelaysAck() throws {
        var instance = try Self.joined()
        let request = IndirectPingRequest(
            seqNo: 500, target: Self.here, port: 7946, node: "peer-0", nack: true, sourceAddress: Self.here,
            sourcePort: 7947, sourceNode: "peer-1")
        let directives = instance.onPacket(.indirectPing(request), from: "127.0.0.1:7947", now: Self.now)
        let me = try #require(instance.table?.local)
        #expect(
            directives == [
                .sendPacket(
                    OutgoingPacket(
                        .ping(
                            PingMessage(
                                seqNo: 1000, node: "peer-0", sourceAddress: me.address, sourcePort: me.port,
                                sourceNode: Self.name)),
                        to: "127.0.0.1:7946", checksum: true)),
                .schedule(.relayTimeout(seqNo: 1000), at: Self.now.advanced(by: .milliseconds(200))),
            ])
        #expect(instance.pendingRelays == 1)
        #expect(
            instance.onPacket(.ack(AckResponse(seqNo: 1000)), from: "127.0.0.1:7946", now: Self.now) == [
                .sendPacket(OutgoingPacket(.ack(AckResponse(seqNo: 500)), to: "127.0.0.1:7947", checksum: true))
            ])
        // Answered: the timeout finds nothing to do, and a second ack is not relayed twice.
        #expect(instance.onTimer(.relayTimeout(seqNo: 1000), now: Self.now).isEmpty)
        #expect(instance.onPacket(.ack(AckResponse(seqNo: 1000)), from: "127.0.0.1:7946", now: Self.now).isEmpty)
        #expect(instance.pendingRelays == 0)
    }

    @Test("indirect ping: a silent target gets a nack at the timeout when asked for one, nothing when not")
    func indirectPingTimesOut() throws {
        var instance = try Self.joined()
        var request = IndirectPingRequest(
            seqNo: 501, target: Self.here, port: 9, node: "gone", nack: true, sourceAddress: Self.here,
            sourcePort: 7947, sourceNode: "peer-1")
        _ = instance.onPacket(.indirectPing(request), from: "127.0.0.1:7947", now: Self.now)
        #expect(
            instance.onTimer(.relayTimeout(seqNo: 1000), now: Self.now) == [
                .sendPacket(OutgoingPacket(.nack(NackResponse(seqNo: 501)), to: "127.0.0.1:7947", checksum: true))
            ])
        request.seqNo = 502
        request.nack = false
        _ = instance.onPacket(.indirectPing(request), from: "127.0.0.1:7947", now: Self.now)
        #expect(instance.onTimer(.relayTimeout(seqNo: 1001), now: Self.now).isEmpty)
        #expect(instance.pendingRelays == 0)
    }

    @Test("before the join answers, indirect pings and gossip are ignored (nothing to compare with), pings still acked")
    func unjoined() {
        var instance = Self.fresh()
        #expect(
            instance.onPacket(
                .indirectPing(IndirectPingRequest(seqNo: 1, target: Self.here, port: 1)), from: Self.seed, now: Self.now
            ).isEmpty)
        #expect(instance.onPacket(.alive(Self.node("peer-9", port: 9).alive), from: Self.seed, now: Self.now).isEmpty)
        #expect(Self.sends(instance.onPacket(.ping(PingMessage(seqNo: 3)), from: Self.seed, now: Self.now)).count == 1)
    }

    @Test("a suspicion of us is refuted: our alive at incarnation 2 to every live member, then the refute event")
    func refutation() throws {
        var instance = try Self.joined()
        _ = instance.onPacket(
            .dead(DeadMessage(incarnation: 4, node: "peer-1", from: "peer-0")), from: Self.seed, now: Self.now)
        let directives = instance.onPacket(
            .suspect(SuspectMessage(incarnation: 1, node: Self.name, from: "peer-0")), from: Self.seed, now: Self.now)
        let refuted = try #require(instance.table?.local)
        #expect(refuted.incarnation == 2)
        // peer-1 is dead: only peer-0 is told.
        #expect(
            directives == [
                .sendPacket(OutgoingPacket(.alive(refuted.aliveMessage), to: "127.0.0.1:7946", checksum: true)),
                .emit(.member(.refute(refuted.aliveMessage, accusedBy: "a suspicion from peer-0"))),
            ])
    }

    @Test("compound and compressed packets are unpacked: member updates and user messages become events in order")
    func gossipAndUserMessages() throws {
        var instance = try Self.joined()
        let newcomer = Self.node("peer-2", port: 7948, incarnation: 1).alive
        let directives = instance.onPacket(
            .compressed(
                .lzw,
                .compound([
                    .alive(newcomer), .user([9]), .dead(DeadMessage(incarnation: 1, node: "peer-2", from: "peer-2")),
                ])),
            from: Self.seed, now: Self.now)
        let events = Self.events(directives)
        #expect(events.count == 3)
        #expect(events[1] == .userMessage([9], from: Self.seed))
        guard case .member(.left(let left)) = events.last else {
            Issue.record("expected peer-2 to leave, got \(events)")
            return
        }
        #expect(left.name == "peer-2")
        #expect(instance.snapshot.members.map(\.name) == ["peer-0", "peer-1", "peer-2"])
    }

    @Test("an error message and an unknown type are problems")
    func problems() throws {
        var instance = try Self.joined()
        _ = instance.onPacket(.error(ErrorResponse(error: "boom")), from: Self.seed, now: Self.now)
        _ = instance.onPacket(.unknown(MessageType(rawValue: 42), body: []), from: Self.seed, now: Self.now)
        #expect(instance.recentProblems.first == "127.0.0.1:7946 sent an error: boom")
        #expect(instance.problemCount == 2)
        for index in 0..<30 { _ = instance.noteProblem("problem \(index)") }
        #expect(instance.problemCount == 32 && instance.recentProblems.count == 20)
        #expect(instance.recentProblems.last == "problem 29")
    }

    // MARK: Streams

    @Test("a push/pull is answered first with our view and an empty user state in its compression, then merged")
    func pushPullStream() throws {
        var instance = try Self.joined()
        let incoming = PushPull(join: false, nodes: [Self.node("peer-2", port: 7948)], userState: [7])
        let directives = instance.onStream(
            StreamEnvelope(message: .pushPull(incoming), compression: .lzw), from: "127.0.0.1:7948", now: Self.now)
        guard case .reply(let reply) = directives.first, case .pushPull(let ours) = reply.message else {
            Issue.record("expected the reply first, got \(directives)")
            return
        }
        #expect(reply.compression == .lzw)
        #expect(ours.userState.isEmpty && !ours.join)
        #expect(ours.nodes.map(\.name) == ["peer-0", "peer-1", Self.name])  // peer-2 is merged after the reply
        #expect(Self.events(directives).last == .remoteState([7], join: false, from: "127.0.0.1:7948"))
        #expect(instance.snapshot.members.map(\.name) == ["peer-0", "peer-1", "peer-2"])
        #expect(instance.snapshot.userState == [7])
        // An empty user state does not replace the one we hold.
        _ = instance.onStream(
            StreamEnvelope(message: .pushPull(PushPull(join: false, nodes: [], userState: []))), from: Self.seed,
            now: Self.now)
        #expect(instance.snapshot.userState == [7])
    }

    @Test("a push/pull that comes before our join's reply is merged is answered with the node we announced")
    func pushPullBeforeJoinReply() throws {
        var instance = Self.fresh()
        let incoming = StreamEnvelope(
            message: .pushPull(PushPull(join: false, nodes: [Self.node("peer-1", port: 7947)], userState: [])))
        // Before any join was written nobody can know us: no reply.
        let early = instance.onStream(incoming, from: "127.0.0.1:7947", now: Self.now)
        #expect(!early.contains { if case .reply = $0 { true } else { false } })

        let ticket = instance.beginJoin(peer: Self.seed)
        let (me, _) = try ObserverInstance.joinRequest(
            ticket, configuration: instance.configuration, boundPort: instance.boundPort, connectionHost: nil)
        instance.joinWritten(ticket, announced: me)
        let directives = instance.onStream(incoming, from: "127.0.0.1:7947", now: Self.now)
        guard case .reply(let reply) = directives.first, case .pushPull(let ours) = reply.message else {
            Issue.record("expected a reply first, got \(directives)")
            return
        }
        #expect(ours.nodes == [me.pushNodeState])
        #expect(ours.userState.isEmpty)
        // The join's reply still merges as usual afterwards.
        _ = try instance.onJoinReply(
            Self.reply([Self.node("peer-0", port: 7946)]), ticket: ticket, connectionHost: nil, now: Self.now)
        #expect(instance.snapshot.members.map(\.name) == ["peer-0"])
    }

    @Test("a stream ping is acked on the stream; for another node, or an ack opening a stream, a problem")
    func streamPing() throws {
        var instance = try Self.joined()
        #expect(
            instance.onStream(
                StreamEnvelope(message: .ping(PingMessage(seqNo: 5, node: Self.name))), from: Self.seed, now: Self.now)
                == [
                    .reply(StreamReply(.ack(AckResponse(seqNo: 5))))
                ])
        #expect(
            Self.events(
                instance.onStream(
                    StreamEnvelope(message: .ping(PingMessage(seqNo: 6, node: "x"))), from: Self.seed, now: Self.now)
            ).count == 1)
        #expect(
            Self.events(
                instance.onStream(StreamEnvelope(message: .ack(AckResponse(seqNo: 6))), from: Self.seed, now: Self.now))
                == [
                    .problem("127.0.0.1:7946 opened a stream with a ackResp message: ignored")
                ])
        #expect(instance.problemCount == 2)
    }

    // MARK: Leave

    static let dead = DeadMessage(incarnation: 1, node: name, from: name)
    static let empty = LeaveOutcome(sentTo: [], failures: [], node: nil)

    @Test("the leave: dead from ourselves to every live member by 2/3 of the budget, a peek, a resend, confirmed left")
    func leaveSequence() throws {
        var instance = try Self.joined()
        _ = instance.onPacket(
            .dead(DeadMessage(incarnation: 4, node: "peer-1", from: "peer-0")), from: Self.seed, now: Self.now)
        let packets = [OutgoingPacket(.dead(Self.dead), to: "127.0.0.1:7946", checksum: true)]
        #expect(instance.startLeave(now: Self.now) == .send(packets, by: Self.now.advanced(by: .seconds(2))))
        #expect(instance.table?.local.state == .left)
        #expect(
            instance.onLeaveSent(failures: [], now: Self.now)
                == .peek(Self.seed, by: Self.now.advanced(by: .seconds(3))))
        // The seed merged our join after our dead message: it still lists us alive, so the leave goes again.
        let later = Self.now.advanced(by: .milliseconds(100))
        #expect(
            instance.onLeavePeek(.success([Self.node(Self.name, port: 40000, incarnation: 1)]), now: later)
                == .pause(until: later.advanced(by: .milliseconds(50))))
        let resume = later.advanced(by: .milliseconds(50))
        #expect(instance.onLeavePause(now: resume) == .send(packets, by: resume.advanced(by: .milliseconds(500))))
        #expect(
            instance.onLeaveSent(failures: [], now: resume) == .peek(Self.seed, by: Self.now.advanced(by: .seconds(3))))
        #expect(
            instance.onLeavePeek(
                .success([Self.node(Self.name, port: 40000, state: .left, incarnation: 1)]), now: resume)
                == .finished(
                    LeaveOutcome(
                        sentTo: ["127.0.0.1:7946"], failures: [], node: Self.name,
                        confirmation: .left(seed: Self.seed, state: .left, resent: 1))))
        // Left: a second leave has nothing to do, and accusations are no longer refuted.
        #expect(instance.startLeave(now: resume) == .finished(Self.empty))
        #expect(
            instance.onPacket(
                .suspect(SuspectMessage(incarnation: 1, node: Self.name, from: "peer-0")), from: Self.seed,
                now: Self.now
            ).isEmpty)
    }

    @Test("a member a resend reaches is no longer a failure; a seed that cannot be asked leaves the leave unchecked")
    func leaveResendAndUncheckedSeed() throws {
        var instance = try Self.joined()
        let refused = MemberlistError.connectionRefused(peer: "127.0.0.1:7947")
        guard case .send(let packets, _) = instance.startLeave(now: Self.now) else {
            Issue.record("expected the leave's packets")
            return
        }
        #expect(packets.map(\.peer) == ["127.0.0.1:7946", "127.0.0.1:7947"])
        _ = instance.onLeaveSent(failures: [LeaveFailure(peer: "127.0.0.1:7947", error: refused)], now: Self.now)
        _ = instance.onLeavePeek(.success([Self.node(Self.name, port: 40000, incarnation: 1)]), now: Self.now)
        _ = instance.onLeavePause(now: Self.now)
        _ = instance.onLeaveSent(failures: [], now: Self.now)
        let unreachable = MemberlistError.connectionRefused(peer: Self.seed)
        #expect(
            instance.onLeavePeek(.failure(unreachable), now: Self.now)
                == .finished(
                    LeaveOutcome(
                        sentTo: ["127.0.0.1:7946", "127.0.0.1:7947"], failures: [], node: Self.name,
                        confirmation: .unchecked(seed: Self.seed, reason: "\(unreachable)"))))
    }

    @Test("no leave when nothing was written; a written, unanswered join asks the seed first and sends only if listed")
    func leaveWithoutTable() throws {
        var untouched = Self.fresh()
        #expect(untouched.startLeave(now: Self.now) == .finished(Self.empty))
        #expect(untouched.onLeavePause(now: Self.now) == .finished(Self.empty))  // an input nobody asked for
        func written() throws -> ObserverInstance {
            var instance = Self.fresh()
            let ticket = instance.beginJoin(peer: Self.seed)
            let (me, _) = try ObserverInstance.joinRequest(
                ticket, configuration: instance.configuration, boundPort: 40000, connectionHost: nil)
            instance.joinWritten(ticket, announced: me)
            return instance
        }
        var silent = try written()
        #expect(silent.startLeave(now: Self.now) == .peek(Self.seed, by: Self.now.advanced(by: .seconds(3))))
        let refused = MemberlistError.connectionRefused(peer: Self.seed)
        #expect(
            silent.onLeavePeek(.failure(refused), now: Self.now)
                == .finished(
                    LeaveOutcome(
                        sentTo: [], failures: [], node: Self.name,
                        confirmation: .unchecked(seed: Self.seed, reason: "\(refused)"))))
        var merged = try written()
        _ = merged.startLeave(now: Self.now)
        let later = Self.now.advanced(by: .seconds(1))
        let listed = [Self.node(Self.name, port: 40000, incarnation: 1), Self.node("peer-1", port: 7947)]
        #expect(
            merged.onLeavePeek(.success(listed), now: later)
                == .send(
                    [
                        OutgoingPacket(.dead(Self.dead), to: Self.seed, checksum: false),
                        OutgoingPacket(.dead(Self.dead), to: "127.0.0.1:7947", checksum: false),
                    ],
                    by: later.advanced(by: .seconds(2) * 2 / 3)))
        #expect(
            merged.onLeaveSent(failures: [], now: later) == .peek(Self.seed, by: Self.now.advanced(by: .seconds(3))))
        #expect(
            merged.onLeavePeek(.success([]), now: later)
                == .finished(
                    LeaveOutcome(
                        sentTo: [Self.seed, "127.0.0.1:7947"], failures: [], node: Self.name,
                        confirmation: .notListed(seed: Self.seed))))
    }

    @Test("an unanswered join: the leave goes out only when the seed lists us, at our address, still live")
    func unansweredJoinDecisions() throws {
        let instance = Self.fresh()
        let me = try ObserverInstance.localMember(instance.configuration, boundPort: 40000, connectionHost: nil)
        let others = [
            Self.node("peer-0", port: 7946), Self.node("peer-1", port: 7947, state: .suspect),
            Self.node("peer-2", port: 7948, state: .dead),
        ]
        #expect(
            instance.afterUnansweredJoinPeek(others, me: me, seed: Self.seed)
                == .done(
                    LeaveOutcome(sentTo: [], failures: [], node: Self.name, confirmation: .notListed(seed: Self.seed))))
        #expect(
            instance.afterUnansweredJoinPeek([Self.node(Self.name, port: 1)], me: me, seed: Self.seed)
                == .done(
                    LeaveOutcome(sentTo: [], failures: [], node: nil, withheld: true)))
        #expect(
            instance.afterUnansweredJoinPeek([Self.node(Self.name, port: 40000, state: .left)], me: me, seed: Self.seed)
                == .done(
                    LeaveOutcome(
                        sentTo: [], failures: [], node: Self.name,
                        confirmation: .left(seed: Self.seed, state: .left, resent: 0))))
        #expect(
            instance.afterUnansweredJoinPeek(
                others + [Self.node(Self.name, port: 40000, incarnation: 1)], me: me, seed: Self.seed)
                == .announce(
                    DeadMessage(incarnation: 1, node: Self.name, from: Self.name), to: [Self.seed, "127.0.0.1:7947"]))
    }

    @Test(
        "the confirmation: left is final; still alive is resent with growing pauses, at most 5 times, while time remains"
    )
    func confirmationSteps() {
        let dead = DeadMessage(incarnation: 1, node: Self.name, from: Self.name)
        let alive = [Self.node(Self.name, port: 40000, incarnation: 1)]
        func step(_ nodes: [PushNodeState], resent: Int, remaining: Duration = .seconds(3))
            -> ObserverInstance.ConfirmationStep
        {
            ObserverInstance.afterConfirmationPeek(
                nodes, dead: dead, seed: Self.seed, resent: resent, remaining: remaining)
        }
        #expect(
            step([Self.node(Self.name, port: 40000, state: .dead)], resent: 2)
                == .done(.left(seed: Self.seed, state: .dead, resent: 2)))
        #expect(step([], resent: 0) == .done(.notListed(seed: Self.seed)))
        #expect(step(alive, resent: 0) == .resend(after: .milliseconds(50)))
        #expect(step(alive, resent: 4) == .resend(after: .milliseconds(250)))
        #expect(step(alive, resent: 5) == .done(.stillListed(seed: Self.seed, state: .alive)))
        #expect(
            step(alive, resent: 0, remaining: .milliseconds(350)) == .done(.stillListed(seed: Self.seed, state: .alive))
        )
    }

    @Test("a resend round's reached members join sentTo and stop being failures")
    func absorbResend() {
        let failure = LeaveFailure(peer: "b:1", error: .connectionRefused(peer: "b:1"))
        var outcome = LeaveOutcome(sentTo: ["c:1", "a:1"], failures: [failure], node: Self.name)
        outcome.absorb(resend: LeaveOutcome(sentTo: ["b:1", "a:1"], failures: [], node: Self.name))
        #expect(outcome.sentTo == ["a:1", "b:1", "c:1"])
        #expect(outcome.failures.isEmpty)
    }
}

extension PushNodeState {
    var alive: AliveMessage {
        AliveMessage(incarnation: incarnation, node: name, address: address, port: port, meta: meta, vsn: vsn)
    }
}
