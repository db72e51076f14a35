/// Which TCP framing the cluster speaks.
public enum TransportKind: String, Hashable, Sendable, CaseIterable, Codable {
    /// grafana/dskit's TCP-only transport (kv/memberlist/tcp_transport.go): every stream starts with the byte 2.
    case dskit
    /// hashicorp/memberlist's standard transport (net_transport.go): streams start with the message itself.
    case memberlist
}
