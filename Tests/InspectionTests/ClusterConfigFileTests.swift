import Foundation
import Inspection
import Memberlist
import Testing

/// Reading the `memberlist:` block of a service's YAML configuration.
@Suite("ClusterConfigFile")
struct ClusterConfigFileTests {
    static let sample = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EndToEndTests/Fixtures/pyroscope-config.yaml").path

    @Test("the sample Pyroscope config: every memberlist key ringctl reads, other keys and blocks ignored")
    func sampleConfig() throws {
        let file = try ClusterConfigFile(contentsOf: Self.sample)
        #expect(file.joinMembers == [
            "dns+pyroscope-memberlist.pyroscope.svc.cluster.local:7946",
            "pyroscope-memberlist-fallback.pyroscope.svc.cluster.local:7946",
        ])
        #expect(file.clusterLabel == "pyroscope-prod")
        #expect(file.clusterLabelVerificationDisabled == false)
        #expect(file.gossipInterval == "200ms")
        #expect(file.gossipNodes == 3)
        #expect(file.pullPushInterval == "30s")
        #expect(file.retransmitFactor == 4)
        #expect(file.tlsSettings == TLSSettings(
            enabled: true, certPath: "/etc/pyroscope/tls/tls.crt", keyPath: "/etc/pyroscope/tls/tls.key",
            caPath: "/etc/pyroscope/tls/ca.crt", serverName: "pyroscope-memberlist.pyroscope.svc",
            insecureSkipVerify: false))
    }

    @Test("no memberlist block, an empty block, an empty file, null values: everything absent")
    func absent() throws {
        let files = [
            "server:\n  http_listen_port: 4040\n", "memberlist:\n", "",
            "memberlist:\n  cluster_label:\n  tls_enabled: null\n",
        ]
        for yaml in files {
            let file = try ClusterConfigFile(yaml: yaml, path: "test.yaml")
            #expect(file == ClusterConfigFile(path: "test.yaml"), "\(yaml)")
        }
    }

    @Test("a single join_members string is one seed; numbers as strings stay text")
    func scalars() throws {
        let file = try ClusterConfigFile(
            yaml: "memberlist:\n  join_members: 10.0.0.1:7946\n  cluster_label: 2024\n", path: "test.yaml")
        #expect(file.joinMembers == ["10.0.0.1:7946"])
        #expect(file.clusterLabel == "2024")
    }

    @Test("dskit's YAML names: pull_push_interval (not the flag's pullpush), join_members as a comma list; the rest listed as ignored")
    func dskitKeys() throws {
        let file = try ClusterConfigFile(yaml: """
            memberlist:
              node_name: ingester-0
              join_members: a:7946,b:7946
              pull_push_interval: 10s
              bind_port: 7946
              compression_enabled: false
            """, path: "test.yaml")
        #expect(file.pullPushInterval == "10s")
        #expect(file.joinMembers == ["a:7946", "b:7946"])
        #expect(file.ignoredKeys == ["node_name", "bind_port", "compression_enabled"])
        let sample = try ClusterConfigFile(contentsOf: Self.sample)
        #expect(sample.ignoredKeys == [
            "node_name", "randomize_node_name", "bind_addr", "bind_port", "advertise_addr", "advertise_port",
            "left_ingesters_timeout", "abort_if_cluster_join_fails",
        ])
    }

    @Test("a key of the wrong type names the file, the key, its line and what was found")
    func wrongTypes() {
        let cases: [(String, String, Int, String)] = [
            ("memberlist:\n  gossip_nodes: 3\n  tls_enabled: maybe\n", "memberlist.tls_enabled", 3, "\"maybe\""),
            ("memberlist:\n  gossip_nodes: seventy\n", "memberlist.gossip_nodes", 2, "\"seventy\""),
            ("memberlist:\n  join_members:\n    a: b\n", "memberlist.join_members", 3, "a mapping"),
            ("memberlist:\n  cluster_label: [a, b]\n", "memberlist.cluster_label", 2, "a list"),
        ]
        for (yaml, key, line, found) in cases {
            let error = #expect(throws: InspectionError.self) { try ClusterConfigFile(yaml: yaml, path: "c.yaml") }
            guard case .configFile(let path, let errorKey, let errorLine, let reason) = error else {
                Issue.record("expected configFile, got \(String(describing: error))")
                continue
            }
            #expect(path == "c.yaml")
            #expect(errorKey == key)
            #expect(errorLine == line)
            #expect(reason.hasSuffix("not \(found)"), "\(reason)")
        }
        let block = #expect(throws: InspectionError.self) {
            try ClusterConfigFile(yaml: "memberlist: 7946\n", path: "c.yaml")
        }
        #expect(block?.description == "config file c.yaml:1: memberlist must be a mapping, not \"7946\"")
    }

    @Test("bad YAML gives the line; a missing file says so")
    func badFiles() {
        let yaml = #expect(throws: InspectionError.self) {
            try ClusterConfigFile(yaml: "memberlist:\n  join_members: [a, b\n  bind_port: 1\n", path: "c.yaml")
        }
        guard case .configFile("c.yaml", nil, let line?, let reason) = yaml else {
            Issue.record("expected a YAML error with a line, got \(String(describing: yaml))")
            return
        }
        #expect(line >= 2)
        #expect(reason.hasPrefix("is not valid YAML"))

        let missing = #expect(throws: InspectionError.self) {
            try ClusterConfigFile(contentsOf: "/nonexistent/pyroscope.yaml")
        }
        #expect(missing?.description == "config file /nonexistent/pyroscope.yaml does not exist")
    }

    @Test("environment references expand as -config.expand-env does: ${VAR}, defaults, $VAR; unset is empty")
    func expand() {
        let environment = ["LABEL": "prod", "PORT": "7946", "EMPTY": ""]
        #expect(ClusterConfigFile.expand("${LABEL}-ring", environment: environment) == "prod-ring")
        #expect(ClusterConfigFile.expand("h:${PORT}", environment: environment) == "h:7946")
        #expect(ClusterConfigFile.expand("${MISSING:dflt}", environment: environment) == "dflt")
        #expect(ClusterConfigFile.expand("${MISSING:-dflt}", environment: environment) == "dflt")
        #expect(ClusterConfigFile.expand("${EMPTY:dflt}", environment: environment) == "dflt")
        #expect(ClusterConfigFile.expand("${MISSING}", environment: environment) == "")
        #expect(ClusterConfigFile.expand("$LABEL/x $ 5$", environment: environment) == "prod/x $ 5$")
        #expect(ClusterConfigFile.expand("${UNCLOSED", environment: environment) == "${UNCLOSED")
    }
}
