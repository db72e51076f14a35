import Foundation

/// Three real Go peers joined into one cluster through the first, returned once each sees all three alive (and,
/// for dskit-shaped ones, all three ring instances). When any step fails, the peers already started are stopped.
public enum GoCluster {
    /// Standard-transport peers named `names`, each started with `flags`.
    public static func standard(
        names: [String] = ["node-1", "node-2", "node-3"], _ flags: [String] = []
    ) throws -> [GoPeer] {
        try start(names.count, ring: false) { index, first in
            try GoPeer(name: names[index], flags + (first.map { ["--join", "127.0.0.1:\($0.port)"] } ?? []))
        }
    }

    /// dskit-shaped peers (`GoPeer.dskit`) named `names` in zones zone-a, zone-b, zone-c, with `label`;
    /// `flags[i]` goes to the i-th peer.
    public static func dskit(
        label: String, names: [String] = ["peer-a", "peer-b", "peer-c"], _ flags: [[String]] = [[], [], []]
    ) throws -> [GoPeer] {
        let zones = ["zone-a", "zone-b", "zone-c"]
        return try start(names.count, ring: true) { index, first in
            try GoPeer.dskit(
                name: names[index], label: label, zone: zones[index % zones.count], joining: first,
                index < flags.count ? flags[index] : [])
        }
    }

    private static func start(
        _ count: Int, ring: Bool, _ make: (Int, GoPeer?) throws -> GoPeer
    ) throws -> [GoPeer] {
        var peers: [GoPeer] = []
        do {
            for index in 0..<count { peers.append(try make(index, peers.first)) }
            for peer in peers {
                try peer.waitForStatus("\(peer.name) to see \(count) members alive") { status in
                    status.members.filter { $0.state == "alive" }.count == count
                        && (!ring || status.ring?.instances.count == count)
                }
            }
        } catch {
            peers.forEach { $0.stop() }
            throw error
        }
        return peers
    }
}
