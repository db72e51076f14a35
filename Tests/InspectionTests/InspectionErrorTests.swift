import Memberlist
import Testing

@testable import Inspection

@Suite("InspectionError: every failing seed named once, with why")
struct InspectionErrorTests {
    static let srv = "dnssrv+_memberlist._tcp.ring.test"

    @Test("a literal seed: the peer's own sentence, which names it")
    func literal() {
        let failure = SeedFailure(seed: "127.0.0.1:1", error: MemberlistError.connectionRefused(peer: "127.0.0.1:1"))
        #expect(failure.description == "127.0.0.1:1 refused the connection (nothing listens on that port)")
    }

    @Test("a resolved seed: 'SEED → ENDPOINT …' when the sentence starts with the endpoint, else 'SEED: …'")
    func resolved() {
        let refused = SeedFailure(
            seed: Self.srv, endpoint: "127.0.0.1:1", error: MemberlistError.connectionRefused(peer: "127.0.0.1:1"))
        #expect(refused.description == "\(Self.srv) → 127.0.0.1:1 refused the connection (nothing listens on that port)")
        let unreachable = SeedFailure(
            seed: Self.srv, endpoint: "127.0.0.1:1",
            error: MemberlistError.connectFailed(peer: "127.0.0.1:1", reason: "No route to host"))
        #expect(unreachable.description == "\(Self.srv): connecting to 127.0.0.1:1 failed: No route to host")
        let nothing = SeedFailure(seed: "dns+missing.ring.test:7946", error: SeedResolvedToNothing())
        #expect(nothing.description == "dns+missing.ring.test:7946: resolved to no address (NXDOMAIN or an empty answer)")
    }

    @Test("several endpoints of one seed: the seed heads them, each line names its endpoint once")
    func grouped() {
        let failures = [
            SeedFailure(seed: Self.srv, endpoint: "127.0.0.1:1", error: MemberlistError.connectionRefused(peer: "127.0.0.1:1")),
            SeedFailure(
                seed: Self.srv, endpoint: "127.0.0.1:2",
                error: MemberlistError.timedOut(peer: "127.0.0.1:2", step: .readReply, after: .seconds(5))),
            SeedFailure(seed: "127.0.0.1:3", error: MemberlistError.connectionRefused(peer: "127.0.0.1:3")),
        ]
        #expect(InspectionError.noSeedAnswered(failures).description == """
            no seed answered:
              \(Self.srv) → 2 endpoints:
                127.0.0.1:1 refused the connection (nothing listens on that port)
                127.0.0.1:2 did not answer within 5s while reading the push/pull reply
              127.0.0.1:3 refused the connection (nothing listens on that port)
            """)
    }
}
