import Memberlist
import MemberlistWire
import Testing
import TestSupport

/// Our node under hostile input on a real socket: a peer flooding 10,000 packets (garbage, impostors claiming our
/// name, accusations, pings for others, indirect pings for nobody, alive messages for thousands of strangers), and
/// the node keeps working: a second node still sees it alive, it still answers, and what it holds stays bounded.
@Suite("NodeSession under a flood")
struct NodeFloodTests {
    @Test("10,000 hostile packets: no crash, bounded state, the node still answers and stays alive to its peer")
    func flood() async throws {
        // memberlist's LAN probing (1 s, 500 ms, suspicion × 4): the flood competes with a whole parallel test run
        // for two cores, and the question is whether the node survives it, not how fast a busy node is suspected.
        let probes = FailureDetectionSettings.memberlistLAN
        let victimConfiguration = NodeSessionTests.configuration("victim", transport: .memberlist, probes: probes)
        let friendConfiguration = NodeSessionTests.configuration("friend", transport: .memberlist, probes: probes)
        try await withNode(victimConfiguration, delegate: NoDelegate(), seed: 7) { victim in
            try await withNode(friendConfiguration, delegate: NoDelegate(), seed: 8) {
                friend in
                try await friend.join([victim.node.hostPort])
                try await eventually("the two nodes seeing each other", deadline: .seconds(20)) {
                    let seen = await NodeSessionTests.state(of: "victim", in: friend)
                    let seer = await NodeSessionTests.state(of: "friend", in: victim)
                    return seen == .alive && seer == .alive
                }
                let endpoint = try LoopbackEndpoint.udp()
                defer { endpoint.close() }
                let port = UInt16(victim.boundPort)
                let here = NodeAddress("127.0.0.1")!
                let versions = ProtocolVersions.memberlistDefault.vsn
                var sent = 0
                for index in 0..<10_000 {
                    let message: Message?
                    switch index % 8 {
                    case 0: message = nil  // garbage
                    case 1:  // somebody else claims our name from another address, at a high incarnation
                        message = .alive(AliveMessage(
                            incarnation: UInt32(1000 + index), node: "victim", address: NodeAddress("127.0.0.9")!,
                            port: 9, meta: nil, vsn: versions))
                    case 2:  // accusations about us
                        message = .suspect(SuspectMessage(incarnation: UInt32(index), node: "victim", from: "mallory"))
                    case 3:
                        message = .dead(DeadMessage(incarnation: UInt32(index), node: "victim", from: "mallory"))
                    case 4:  // a ping for another node
                        message = .ping(PingMessage(seqNo: UInt32(index), node: "someone-else", sourceAddress: here, sourcePort: 1, sourceNode: "m"))
                    case 5:  // indirect pings towards a port nobody listens on
                        message = .indirectPing(IndirectPingRequest(
                            seqNo: UInt32(index), target: here, port: 1, node: "ghost-\(index)", nack: true,
                            sourceAddress: here, sourcePort: 1, sourceNode: "m"))
                    case 6:  // thousands of strangers
                        message = .alive(AliveMessage(
                            incarnation: 1, node: "stranger-\(index % 2000)", address: here, port: 1, meta: nil,
                            vsn: versions))
                    default:  // a compound of user messages (no delegate: dropped)
                        message = .compound([.user([1, 2, 3]), .user(Array(repeating: 0xAB, count: 200))])
                    }
                    let bytes = try message?.encoded() ?? [0xFF, UInt8(index & 0xFF), 0x00, 0x13]
                    try endpoint.send(bytes, toPort: port)
                    sent += 1
                    if index % 500 == 499 { await Task.yield() }
                }
                #expect(sent == 10_000)
                // Still answering and still alive to its peer after the flood; our incarnation refuted the
                // accusations (each refutation is one more), and the impostor did not replace us.
                try await eventually("the victim answering a push/pull after the flood", deadline: .seconds(30)) {
                    let states = try? await Peek.run(
                        peer: victim.node.hostPort, configuration: PeekConfiguration(transport: .memberlist, timeout: .seconds(2)))
                    return states?.nodes.contains { $0.name == "victim" && $0.port == victim.node.port } == true
                }
                try await eventually("the friend still listing the victim alive", deadline: .seconds(30)) {
                    await NodeSessionTests.state(of: "victim", in: friend) == .alive
                }
                let snapshot = await victim.snapshot()
                #expect(snapshot.local.port == victim.node.port)
                #expect(snapshot.local.address.ipv4Mapped == here.ipv4Mapped)
                #expect(snapshot.local.incarnation > 1, "the accusations were refuted")
                #expect(snapshot.problemCount > 0)
                // Bounded: at most the strangers it was told of, the friend and the forgotten; never one per packet.
                #expect(snapshot.others.count <= 2_002)
            }
        }
    }
}
