import Foundation
import Testing
import TestSupport

/// `ringctl members` and `ringctl kv` (the binary) against real memberlist 0.2.2 peers and bad listeners.
@Suite(
    "ringctl members / kv (the binary)",
    .enabled(if: GoPeer.isGoInstalled, "go is not installed (apt-get install golang-go, see .ci/apt-packages)")
)
struct MembersCommandTests {
    struct Report: Decodable {
        struct Member: Decodable {
            let name: String
            let address: String
            let state: String
            let incarnation: Int
        }
        let seed: String
        let members: [Member]
    }

    /// Three peers on the standard transport, joined through the first; each sees all three alive.
    static func cluster() throws -> [GoPeer] {
        let first = try GoPeer(name: "node-1")
        var peers = [first]
        do {
            for name in ["node-2", "node-3"] {
                peers.append(try GoPeer(name: name, ["--join", "127.0.0.1:\(first.port)"]))
            }
            for peer in peers {
                try peer.waitForStatus("\(peer.name) to see 3 alive members") { status in
                    status.members.count == 3 && status.members.allSatisfy { $0.state == "alive" }
                }
            }
        } catch {
            peers.forEach { $0.stop() }
            throw error
        }
        return peers
    }

    @Test("peek lists exactly the 3 peers as alive with their addresses, and leaves no trace in any peer")
    func membersOfRealCluster() throws {
        let peers = try Self.cluster()
        defer { peers.forEach { $0.stop() } }
        let result = try RingctlBinary.run(
            ["members", "--transport", "memberlist", "-j", "127.0.0.1:\(peers[1].port)", "-o", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        #expect(report.seed == "127.0.0.1:\(peers[1].port)")
        #expect(report.members.map(\.name) == ["node-1", "node-2", "node-3"])
        #expect(report.members.map(\.address) == peers.map { "127.0.0.1:\($0.port)" })
        #expect(report.members.allSatisfy { $0.state == "alive" })

        // A second peek through the single-dash alias; then every peer still knows exactly its three.
        let table = try RingctlBinary.run(
            ["members", "--transport", "memberlist", "-memberlist.join", "127.0.0.1:\(peers[0].port)"])
        #expect(table.status == 0, "stderr: \(table.stderr)")
        #expect(table.stdout.contains("alive: 3"))
        for peer in peers {
            let status = try #require(peer.status())
            #expect(Set(status.members.map(\.name)) == ["node-1", "node-2", "node-3"], "\(peer.name): \(status)")
        }
    }

    @Test("kv on a plain memberlist cluster: no keys, exit 0")
    func kvOfPlainCluster() throws {
        let peer = try GoPeer(name: "solo")
        defer { peer.stop() }
        let result = try RingctlBinary.run(["kv", "--transport", "memberlist", "-j", "127.0.0.1:\(peer.port)"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("0 keys, from 127.0.0.1:\(peer.port)"))
    }

    @Test("a seed that says nothing: timed out, exit 69; the next seed is still tried")
    func silentSeed() throws {
        let silent = try LoopbackSocket(.tcp)
        defer { silent.close() }
        let refused = try LoopbackSocket.freePort(.tcp)
        let result = try RingctlBinary.run(
            ["members", "-j", "127.0.0.1:\(silent.port)", "-j", "127.0.0.1:\(refused)", "--timeout", "300ms"])
        #expect(result.status == 69, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("no seed answered"))
        #expect(result.stderr.contains("127.0.0.1:\(silent.port) did not answer within 300ms while reading the push/pull reply"))
        #expect(result.stderr.contains("127.0.0.1:\(refused) refused the connection"))
    }

    @Test("a memberlist seed that closes at once: a clear error, exit 69")
    func closingSeed() throws {
        let closing = try LoopbackResponder(reply: [])
        defer { closing.close() }
        let result = try RingctlBinary.run(["members", "--transport", "memberlist", "-j", closing.address])
        #expect(result.status == 69, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("\(closing.address) closed the connection without replying"))
    }

    @Test("a dskit seed that closes at once: label mismatch named as the likely cause, exit 76")
    func closingDskitSeed() throws {
        let closing = try LoopbackResponder(reply: [])
        defer { closing.close() }
        let result = try RingctlBinary.run(["members", "-j", closing.address, "-memberlist.cluster-label", "mimir"])
        #expect(result.status == 76, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("we sent cluster label \"mimir\""))
        #expect(result.stderr.contains("hint:"))
    }

    @Test("a seed that replies with garbage: undecodable, exit 76")
    func garbageSeed() throws {
        let garbage = try LoopbackResponder(reply: Array("SSH-2.0-OpenSSH_9.2\r\n".utf8))
        defer { garbage.close() }
        let result = try RingctlBinary.run(["members", "--transport", "memberlist", "-j", garbage.address])
        #expect(result.status == 76, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("\(garbage.address)'s reply is not a memberlist push/pull"))
    }

    @Test("no seed: usage error, exit 64")
    func noSeed() throws {
        let result = try RingctlBinary.run(["members"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("-j/--join"))
    }
}
