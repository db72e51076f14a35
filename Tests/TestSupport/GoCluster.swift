import Foundation

/// Three real Go peers joined into one cluster through the first, returned once each sees all three alive (and,
/// for dskit-shaped ones, all three ring instances). Started in a fixture scope, which stops them on every path.
public enum GoCluster {
    /// Standard-transport peers named `names`, each started with `flags`.
    static func standard(
        names: [String] = ["node-1", "node-2", "node-3"], _ flags: [String] = [], in fixtures: Fixtures
    ) async throws -> [GoPeer] {
        try await start(names.count, ring: false) { index, first in
            try await fixtures.goPeer(name: names[index], flags + (first.map { ["--join", "127.0.0.1:\($0.port)"] } ?? []))
        }
    }

    /// dskit-shaped peers (`GoPeer.dskit`) named `names` in zones zone-a, zone-b, zone-c, with `label`;
    /// `flags[i]` goes to the i-th peer.
    static func dskit(
        label: String, names: [String] = ["peer-a", "peer-b", "peer-c"], _ flags: [[String]] = [[], [], []],
        in fixtures: Fixtures
    ) async throws -> [GoPeer] {
        let zones = ["zone-a", "zone-b", "zone-c"]
        return try await start(names.count, ring: true) { index, first in
            try await fixtures.dskitPeer(
                name: names[index], label: label, zone: zones[index % zones.count], joining: first,
                index < flags.count ? flags[index] : [])
        }
    }

    private static func start(
        _ count: Int, ring: Bool, _ make: (Int, GoPeer?) async throws -> GoPeer
    ) async throws -> [GoPeer] {
        var peers: [GoPeer] = []
        for index in 0..<count { peers.append(try await make(index, peers.first)) }
        for peer in peers {
            try await peer.waitForStatus("\(peer.name) to see \(count) members alive") { status in
                status.members.filter { $0.state == "alive" }.count == count
                    && (!ring || status.ring?.instances.count == count)
            }
        }
        return peers
    }
}
