import Foundation
import Inspection
import Testing

/// The ring client blocks of a service's YAML (replication_factor, zone_awareness_enabled, heartbeat_timeout).
@Suite("RingClientSettings")
struct RingClientSettingsTests {
    @Test("a replication_factor of 0 or beyond 1000 is a configuration error naming the key", arguments: [0, -1, 1001, Int.max])
    func replicationFactorOutOfRange(value: Int) {
        let yaml = "ingester:\n  ring:\n    replication_factor: \(value)\n"
        #expect {
            try ClusterConfigFile(yaml: yaml, path: "mimir.yaml")
        } throws: { error in
            "\(error)".contains("ingester.ring.replication_factor")
        }
    }

    @Test("Pyroscope's ingester ring under ingester.lifecycler.ring, the store-gateway's under sharding_ring")
    func pyroscope() throws {
        let yaml = """
            ingester:
              lifecycler:
                ring:
                  replication_factor: 3
                  zone_awareness_enabled: true
                  heartbeat_timeout: 2m
            store_gateway:
              sharding_ring:
                replication_factor: 1
            memberlist:
              join_members: [dns+pyroscope-memberlist:7946]
            """
        let file = try ClusterConfigFile(yaml: yaml, path: "pyroscope.yaml")
        #expect(file.ringClients["ring"] == RingClientSettings(
            replicationFactor: 3, zoneAwarenessEnabled: true, heartbeatTimeout: "2m", block: "ingester.lifecycler.ring"))
        #expect(file.ringClients["store-gateway"]?.replicationFactor == 1)
        #expect(file.ringClients["compactor"] == nil)
        #expect(file.joinMembers == ["dns+pyroscope-memberlist:7946"])
    }

    @Test("Mimir's ingester.ring, with no memberlist block at all")
    func mimir() throws {
        let file = try ClusterConfigFile(yaml: "ingester:\n  ring:\n    zone_awareness_enabled: true\n", path: "m.yaml")
        #expect(file.ringClients["ring"]?.zoneAwarenessEnabled == true)
        #expect(file.ringClients["ring"]?.replicationFactor == nil)
        #expect(file.ringClients["ring"]?.block == "ingester.ring")
    }

    @Test("a wrong type names the ring block's key and line")
    func wrongType() {
        #expect {
            try ClusterConfigFile(yaml: "ingester:\n  lifecycler:\n    ring:\n      replication_factor: three\n", path: "x.yaml")
        } throws: { error in
            "\(error)".contains("ingester.lifecycler.ring.replication_factor")
        }
    }

    @Test("the ring name of a KV key is its last path component")
    func ringName() {
        #expect(RingClientSettings.ringName(ofKey: "collectors/ring") == "ring")
        #expect(RingClientSettings.ringName(ofKey: "store-gateway") == "store-gateway")
        #expect(RingClientSettings.ringName(ofKey: "a/b/compactor") == "compactor")
    }
}
