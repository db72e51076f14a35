// hashicorp/memberlist net.go: alive.Vsn and pushNodeState.Vsn are `[]uint8` in the order
// pmin, pmax, pcur, dmin, dmax, dcur (protocol and delegate versions). memberlist itself speaks protocol 1…5,
// default 2; dskit's delegate versions are 0.

/// The six version bytes of a node (`Vsn`).
public struct ProtocolVersions: Hashable, Sendable, CustomStringConvertible {
    /// Lowest protocol version the node understands.
    public var protocolMin: UInt8
    /// Highest protocol version the node understands.
    public var protocolMax: UInt8
    /// Protocol version the node speaks.
    public var protocolCurrent: UInt8
    /// Lowest delegate version.
    public var delegateMin: UInt8
    /// Highest delegate version.
    public var delegateMax: UInt8
    /// Delegate version the node speaks.
    public var delegateCurrent: UInt8

    /// Versions from their six values.
    public init(
        protocolMin: UInt8, protocolMax: UInt8, protocolCurrent: UInt8,
        delegateMin: UInt8, delegateMax: UInt8, delegateCurrent: UInt8
    ) {
        self.protocolMin = protocolMin
        self.protocolMax = protocolMax
        self.protocolCurrent = protocolCurrent
        self.delegateMin = delegateMin
        self.delegateMax = delegateMax
        self.delegateCurrent = delegateCurrent
    }

    /// What memberlist (protocol 1…5, speaking 2) with a dskit delegate (0) sends: `01 05 02 00 00 00`.
    public static let memberlistDefault = ProtocolVersions(
        protocolMin: 1, protocolMax: 5, protocolCurrent: 2, delegateMin: 0, delegateMax: 0, delegateCurrent: 0)

    /// Versions from a Vsn field; nil unless it holds at least six bytes (memberlist ignores shorter ones).
    public init?(vsn: [UInt8]?) {
        guard let vsn, vsn.count >= 6 else { return nil }
        self.init(
            protocolMin: vsn[0], protocolMax: vsn[1], protocolCurrent: vsn[2],
            delegateMin: vsn[3], delegateMax: vsn[4], delegateCurrent: vsn[5])
    }

    /// The Vsn bytes.
    public var vsn: [UInt8] {
        [protocolMin, protocolMax, protocolCurrent, delegateMin, delegateMax, delegateCurrent]
    }

    /// "protocol 1-5 (speaks 2), delegate 0-0 (speaks 0)".
    public var description: String {
        "protocol \(protocolMin)-\(protocolMax) (speaks \(protocolCurrent)), "
            + "delegate \(delegateMin)-\(delegateMax) (speaks \(delegateCurrent))"
    }
}
