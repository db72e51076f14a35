import Foundation

// grafana/dskit ring/ring.proto: message InstanceDesc {
//     string addr = 1; int64 timestamp = 2 (heartbeat, Unix s); InstanceState state = 3; reserved 4, 5;
//     repeated uint32 tokens = 6 (packed); string zone = 7; int64 registered_timestamp = 8 (Unix s, 0 = unknown);
//     string id = 9; int64 read_only_updated_timestamp = 10 (Unix s); bool read_only = 11;
//     map<uint64, uint64> versions = 12; }

/// One instance of a dskit ring, as gossiped.
public struct InstanceDescription: Hashable, Sendable {
    /// The instance id: the key in the ring's map (dskit's ring page and ownership use the key, not field 9).
    public var id: String
    /// The address clients dial, "host:port".
    public var address: String
    /// Last heartbeat, Unix seconds (0 = never).
    public var heartbeatTimestamp: Int64
    /// Lifecycle state.
    public var state: InstanceState
    /// Tokens in wire order (dskit keeps them sorted, older versions may not).
    public var tokens: [UInt32]
    /// Availability zone, "" when zone awareness is off.
    public var zone: String
    /// Registration time, Unix seconds (0 = unknown).
    public var registeredTimestamp: Int64
    /// Whether the instance is read-only.
    public var readOnly: Bool
    /// When `readOnly` last changed, Unix seconds (0 = never).
    public var readOnlyUpdatedTimestamp: Int64
    /// Application-defined component id → version.
    public var versions: [UInt64: UInt64]

    /// An instance from its fields.
    public init(
        id: String,
        address: String,
        heartbeatTimestamp: Int64,
        state: InstanceState,
        tokens: [UInt32],
        zone: String = "",
        registeredTimestamp: Int64 = 0,
        readOnly: Bool = false,
        readOnlyUpdatedTimestamp: Int64 = 0,
        versions: [UInt64: UInt64] = [:]
    ) {
        self.id = id
        self.address = address
        self.heartbeatTimestamp = heartbeatTimestamp
        self.state = state
        self.tokens = tokens
        self.zone = zone
        self.registeredTimestamp = registeredTimestamp
        self.readOnly = readOnly
        self.readOnlyUpdatedTimestamp = readOnlyUpdatedTimestamp
        self.versions = versions
    }

    /// Last heartbeat, nil when 0 (dskit's `GetLastHeartbeatAt`).
    public var heartbeat: Date? { Self.date(heartbeatTimestamp) }
    /// Registration time, nil when unknown (dskit's `GetRegisteredAt`).
    public var registered: Date? { Self.date(registeredTimestamp) }
    /// When read-only last changed, nil when never.
    public var readOnlyUpdated: Date? { readOnlyUpdatedTimestamp > 0 ? Self.date(readOnlyUpdatedTimestamp) : nil }

    /// ring/model.go `IsHeartbeatHealthy`: `now.Sub(time.Unix(timestamp, 0)) <= timeout`, inclusive, with `now` in
    /// (fractional) Unix seconds; a timestamp of 0 is 1970, so never healthy.
    public func isHeartbeatHealthy(now: Double, timeoutSeconds: Double) -> Bool {
        now - Double(heartbeatTimestamp) <= timeoutSeconds
    }

    private static func date(_ seconds: Int64) -> Date? {
        seconds == 0 ? nil : Date(timeIntervalSince1970: Double(seconds))
    }

    init(id: String, _ message: Ring_InstanceDesc) {
        self.init(
            id: id,
            address: message.addr,
            heartbeatTimestamp: message.timestamp,
            state: InstanceState(message.state),
            tokens: message.tokens,
            zone: message.zone,
            registeredTimestamp: message.registeredTimestamp,
            readOnly: message.readOnly,
            readOnlyUpdatedTimestamp: message.readOnlyUpdatedTimestamp,
            versions: message.versions
        )
    }

    var message: Ring_InstanceDesc {
        var message = Ring_InstanceDesc()
        message.addr = address
        message.timestamp = heartbeatTimestamp
        message.state = state.protobuf
        message.tokens = tokens
        message.zone = zone
        message.registeredTimestamp = registeredTimestamp
        message.id = id
        message.readOnlyUpdatedTimestamp = readOnlyUpdatedTimestamp
        message.readOnly = readOnly
        message.versions = versions
        return message
    }
}
