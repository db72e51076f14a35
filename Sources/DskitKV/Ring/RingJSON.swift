import Foundation

// The JSON forms of a ring that people paste into tickets, read back into a ring (facts from grafana/dskit at
// 06829887, 2026-08-21):
// - the /ring page with `Accept: application/json` (ring/ring_http.go): {"shards": [...] or null, "now": time}, each
//   shard {id, state, address, timestamp, registered_timestamp, read_only, read_only_updated_timestamp, zone,
//   tokens, versions (omitempty)}. Times are Go time.Time (RFC 3339; Go's zero time 0001-01-01T00:00:00Z for an
//   unset registration or read-only change, 1970-01-01T00:00:00Z for a 0 heartbeat). `state` is the state's name,
//   or "UNHEALTHY" in its place when the heartbeat was stale (the page's Reporting health): that state is lost.
//   Older dskit pages lack the read-only fields.
// - /memberlist?viewKey=KEY&format=json (kv/memberlist/http_status_handler.go): Go's encoding/json of the
//   gogo-protobuf ring.Desc, {"ingesters": {id: InstanceDesc} or null}; every InstanceDesc field is omitempty, so
//   an absent field is its zero value: `state` is the enum number and absent when ACTIVE (0), times are Unix
//   seconds, `versions` keys are decimal strings. Nothing is lost.
// - `ringctl kv get KEY` output: {"key", "codec", "value": {"ingesters": ...}} with `state` by name.
// - a partition ring (codec partitionRingDesc) in the viewKey form, Go's encoding/json of the gogo-protobuf
//   PartitionRingDesc: {"partitions": {"ID": {id, tokens, state, stateTimestamp, stateChangeLocked,
//   stateChangeLockedTimestamp}}, "owners": {ID: {ownedPartition, state, updatedTimestamp}}}, every field omitempty,
//   states as enum numbers; or in `kv get` output, the same names with states by name. Nothing is lost.
// Every field is optional and type-checked; a wrong type fails with its path, never a trap.

/// A ring read from JSON, with what the JSON form did not carry.
public struct RingJSON: Hashable, Sendable {
    /// Which JSON form it was.
    public enum Form: String, Hashable, Sendable {
        /// dskit's /ring page JSON.
        case ringPage = "dskit /ring page JSON"
        /// /memberlist?viewKey=KEY&format=json (Go's encoding/json of ring.Desc).
        case viewKey = "/memberlist viewKey JSON (ring.Desc)"
        /// `ringctl kv get KEY` output.
        case kvGet = "ringctl kv get JSON"
    }

    /// The ring (empty when the JSON held a partition ring).
    public var ring: RingDescription
    /// The partition ring, when the JSON held one instead of a ring.
    public var partitionRing: PartitionRingDescription?
    /// The form recognised.
    public var form: Form
    /// The KV key, when the JSON names it (only `kv get` output does).
    public var key: String?
    /// When the page was served (the /ring page's `now`), Unix seconds; nil when the form has no such time.
    public var savedAt: Double?
    /// Instances whose state the /ring page replaced with UNHEALTHY (their heartbeat was stale when it was
    /// served), sorted: their state is lost, read as UNKNOWN.
    public var stateReplaced: [String]
    /// Instance fields this dskit's /ring page does not have at all, read as unset.
    public var missingFields: [String]

    init(
        ring: RingDescription, form: Form, key: String?, savedAt: Double?, stateReplaced: [String] = [],
        missingFields: [String] = [], partitionRing: PartitionRingDescription? = nil
    ) {
        self.ring = ring
        self.partitionRing = partitionRing
        self.form = form
        self.key = key
        self.savedAt = savedAt
        self.stateReplaced = stateReplaced
        self.missingFields = missingFields
    }

    /// Whether `bytes` look like JSON (the first non-blank byte opens an object).
    public static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "{")
    }

    /// Reads any of the three forms; throws `RingJSONError` saying what the JSON is instead, and where.
    public init(_ bytes: [UInt8]) throws(RingJSONError) {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch let error as RingJSONError {
            throw error
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw .notJSON(reason: Self.describe(context.underlyingError) ?? context.debugDescription)
        } catch let error as DecodingError {
            throw .wrongField(path: Self.path(error), reason: Self.describe(error))
        } catch {
            throw .notJSON(reason: "\(error)")
        }
        self = document.ring
    }

    private static func path(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        case .keyNotFound(let key, let c): return render(c.codingPath + [key])
        @unknown default: return "?"
        }
        return render(context.codingPath)
    }

    private static func render(_ path: [any CodingKey]) -> String {
        path.reduce("") { text, key in
            if let index = key.intValue { return text + "[\(index)]" }
            return text.isEmpty ? key.stringValue : text + "." + key.stringValue
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _): return "expected \(typeName(type))"
        case .valueNotFound(let type, _): return "expected \(typeName(type)), found null"
        case .keyNotFound: return "missing"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "\(error)"
        }
    }

    private static func describe(_ error: (any Error)?) -> String? {
        guard let error else { return nil }
        let text = "\(error)"
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is UInt32.Type: return "a token (0 to 4294967295)"
        case is Int64.Type, is UInt64.Type, is Int.Type: return "an integer"
        case is [Any].Type: return "an array"
        default: return "an object"
        }
    }
}

/// JSON that is not one of the ring forms ringctl reads.
public enum RingJSONError: Error, Hashable, CustomStringConvertible {
    /// The bytes do not parse as JSON.
    case notJSON(reason: String)
    /// A JSON object of another shape; `keys` are its top-level keys.
    case unknownShape(keys: [String])
    /// A field has the wrong type or value.
    case wrongField(path: String, reason: String)

    public var description: String {
        switch self {
        case .notJSON(let reason):
            return "starts like JSON but does not parse (\(reason))"
        case .unknownShape(let keys):
            return "is JSON but not a ring: ringctl reads dskit's /ring page JSON (\"shards\"), "
                + "/memberlist?viewKey=KEY&format=json (\"ingesters\", or \"partitions\" for a partition ring) and "
                + "`ringctl kv get` output (\"value\"); "
                + "this object has " + (keys.isEmpty ? "no keys" : "keys " + keys.sorted().joined(separator: ", "))
        case .wrongField(let path, let reason):
            return "is ring JSON with a bad field at \(path.isEmpty ? "the top level" : path): \(reason)"
        }
    }
}

// MARK: - Decoding

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// The top level: which form, by its keys.
private struct Document: Decodable {
    var ring: RingJSON

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if container.contains(AnyKey("shards")) {
            let shards = try container.decodeIfPresent([Shard].self, forKey: AnyKey("shards")) ?? []
            let now = try container.decodeIfPresent(String.self, forKey: AnyKey("now"))
            ring = try Shard.ring(shards, now: now, path: [AnyKey("shards")])
        } else if container.contains(AnyKey("ingesters")) {
            let desc = try DescJSON(from: decoder)
            ring = RingJSON(ring: desc.ring, form: .viewKey, key: nil, savedAt: nil)
        } else if container.contains(AnyKey("partitions")) || container.contains(AnyKey("owners")) {
            let desc = try PartitionDescJSON(from: decoder)
            ring = RingJSON(ring: RingDescription(instances: []), form: .viewKey, key: nil, savedAt: nil,
                            partitionRing: desc.ring)
        } else if container.contains(AnyKey("value")), container.contains(AnyKey("codec")) {
            let key = try container.decodeIfPresent(String.self, forKey: AnyKey("key"))
            if try container.decodeIfPresent(String.self, forKey: AnyKey("codec")) == CodecID.partitionRingDesc.rawValue {
                let desc = try container.decode(PartitionDescJSON.self, forKey: AnyKey("value"))
                ring = RingJSON(ring: RingDescription(instances: []), form: .kvGet, key: key, savedAt: nil,
                                partitionRing: desc.ring)
            } else {
                let desc = try container.decode(DescJSON.self, forKey: AnyKey("value"))
                ring = RingJSON(ring: desc.ring, form: .kvGet, key: key, savedAt: nil)
            }
        } else {
            throw RingJSONError.unknownShape(keys: container.allKeys.map(\.stringValue))
        }
    }
}

/// One element of the /ring page's "shards".
private struct Shard: Decodable {
    var id: String
    var state: String?
    var address: String?
    var timestamp: String?
    var registeredTimestamp: String?
    var readOnly: Bool?
    var readOnlyUpdatedTimestamp: String?
    var zone: String?
    var tokens: [UInt32]?
    var versions: [String: UInt64]?
    /// Keys present, to tell which fields this page version does not have.
    var present: Set<String>

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, state, address, timestamp, zone, tokens, versions
        case registeredTimestamp = "registered_timestamp"
        case readOnly = "read_only"
        case readOnlyUpdatedTimestamp = "read_only_updated_timestamp"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        state = try container.decodeIfPresent(String.self, forKey: .state)
        address = try container.decodeIfPresent(String.self, forKey: .address)
        timestamp = try container.decodeIfPresent(String.self, forKey: .timestamp)
        registeredTimestamp = try container.decodeIfPresent(String.self, forKey: .registeredTimestamp)
        readOnly = try container.decodeIfPresent(Bool.self, forKey: .readOnly)
        readOnlyUpdatedTimestamp = try container.decodeIfPresent(String.self, forKey: .readOnlyUpdatedTimestamp)
        zone = try container.decodeIfPresent(String.self, forKey: .zone)
        tokens = try container.decodeIfPresent([UInt32].self, forKey: .tokens)
        versions = try container.decodeIfPresent([String: UInt64].self, forKey: .versions)
        present = Set(container.allKeys.map(\.stringValue))
    }

    static func ring(_ shards: [Shard], now: String?, path: [AnyKey]) throws -> RingJSON {
        var instances: [InstanceDescription] = []
        var replaced: [String] = []
        for (index, shard) in shards.enumerated() {
            let at = path + [AnyKey(intValue: index)!]
            func time(_ text: String?, _ key: CodingKeys) throws -> Int64 {
                guard let text else { return 0 }
                guard let seconds = UnixTime.parseRFC3339(text), seconds.isFinite, abs(seconds) < 1e15 else {
                    throw RingJSONError.wrongField(
                        path: RingJSON.renderPath(at + [AnyKey(key.rawValue)]),
                        reason: "\"\(text.prefix(40))\" is not an RFC 3339 time")
                }
                let whole = Int64(seconds.rounded(.down))
                return whole == UnixTime.goZeroTime ? 0 : whole
            }
            var state = InstanceState.active
            switch shard.state {
            case nil: break
            case "UNHEALTHY"?:
                state = .unknown
                replaced.append(shard.id)
            case let name?:
                if let known = InstanceState.known.first(where: { $0.name == name }) {
                    state = known
                } else if let number = Int(name) {
                    state = InstanceState(rawValue: number)
                } else {
                    throw RingJSONError.wrongField(
                        path: RingJSON.renderPath(at + [AnyKey("state")]),
                        reason: "\"\(name.prefix(40))\" is not a dskit instance state")
                }
            }
            var versions: [UInt64: UInt64] = [:]
            for (key, value) in shard.versions ?? [:] {
                guard let component = UInt64(key) else {
                    throw RingJSONError.wrongField(
                        path: RingJSON.renderPath(at + [AnyKey("versions")]),
                        reason: "key \"\(key.prefix(40))\" is not a number")
                }
                versions[component] = value
            }
            instances.append(
                InstanceDescription(
                    id: shard.id, address: shard.address ?? "",
                    heartbeatTimestamp: try time(shard.timestamp, .timestamp), state: state,
                    tokens: shard.tokens ?? [], zone: shard.zone ?? "",
                    registeredTimestamp: try time(shard.registeredTimestamp, .registeredTimestamp),
                    readOnly: shard.readOnly ?? false,
                    readOnlyUpdatedTimestamp: try time(shard.readOnlyUpdatedTimestamp, .readOnlyUpdatedTimestamp),
                    versions: versions))
        }
        let missing = shards.isEmpty ? []
            : ["registered_timestamp", "read_only", "read_only_updated_timestamp", "zone", "tokens"]
                .filter { key in !shards.contains { $0.present.contains(key) } }
        let savedAt = now.flatMap(UnixTime.parseRFC3339)
        return RingJSON(
            ring: RingDescription(instances: instances), form: .ringPage, key: nil, savedAt: savedAt,
            stateReplaced: replaced.sorted(), missingFields: missing)
    }
}

extension RingJSON {
    fileprivate static func renderPath(_ path: [AnyKey]) -> String { render(path) }
}

/// PartitionRingDesc as Go's encoding/json writes it (and `kv get`, with states by name).
private struct PartitionDescJSON: Decodable {
    var ring: PartitionRingDescription

    enum CodingKeys: String, CodingKey { case partitions, owners }

    struct Partition: Decodable {
        var id: Int32?
        var tokens: [UInt32]?
        var state: EnumJSON<PartitionStateNames>?
        var stateTimestamp: Int64?
        var stateChangeLocked: Bool?
        var stateChangeLockedTimestamp: Int64?
    }

    struct Owner: Decodable {
        var ownedPartition: Int32?
        var state: EnumJSON<OwnerStateNames>?
        var updatedTimestamp: Int64?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let partitions = try container.decodeIfPresent([String: Partition].self, forKey: .partitions) ?? [:]
        let owners = try container.decodeIfPresent([String: Owner].self, forKey: .owners) ?? [:]
        var parsed: [PartitionDescription] = []
        for (key, partition) in partitions {
            guard let id = Int32(key) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: container.codingPath + [CodingKeys.partitions],
                    debugDescription: "key \"\(key.prefix(40))\" is not a partition id (a 32-bit integer)"))
            }
            parsed.append(PartitionDescription(
                id: id, tokens: partition.tokens ?? [], state: PartitionState(rawValue: partition.state?.rawValue ?? 0),
                stateTimestamp: partition.stateTimestamp ?? 0, stateChangeLocked: partition.stateChangeLocked ?? false,
                stateChangeLockedTimestamp: partition.stateChangeLockedTimestamp ?? 0, recordedID: partition.id ?? id))
        }
        ring = PartitionRingDescription(partitions: parsed, owners: owners.map { id, owner in
            PartitionOwner(id: id, partition: owner.ownedPartition ?? 0, state: OwnerState(rawValue: owner.state?.rawValue ?? 0),
                           updatedTimestamp: owner.updatedTimestamp ?? 0)
        })
    }
}

/// The names an enum's numbers go by, in order from 0.
private protocol EnumNames { static var names: [String] { get } }

private enum PartitionStateNames: EnumNames {
    static let names = (0...4).map { PartitionState(rawValue: $0).name }
}

private enum OwnerStateNames: EnumNames {
    static let names = (0...2).map { OwnerState(rawValue: $0).name }
}

/// The enum number (Go's encoding/json of a gogo enum) or its name (`ringctl kv get`).
private struct EnumJSON<Names: EnumNames>: Decodable {
    var rawValue: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int32.self) {
            rawValue = Int(number)
        } else if let name = try? container.decode(String.self), let index = Names.names.firstIndex(of: name) {
            rawValue = index
        } else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath,
                debugDescription: "not a state (0 to \(Names.names.count - 1), or \(Names.names.joined(separator: ", ")))"))
        }
    }
}

/// ring.Desc as Go's encoding/json writes it (and `kv get`, with states by name).
private struct DescJSON: Decodable {
    var ring: RingDescription

    enum CodingKeys: String, CodingKey { case ingesters }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let ingesters = try container.decodeIfPresent([String: InstanceJSON].self, forKey: .ingesters) ?? [:]
        ring = RingDescription(instances: ingesters.map { id, instance in instance.description(id: id) })
    }
}

private struct InstanceJSON: Decodable {
    var addr: String?
    var timestamp: Int64?
    var state: StateJSON?
    var tokens: [UInt32]?
    var zone: String?
    var registeredTimestamp: Int64?
    var readOnlyUpdatedTimestamp: Int64?
    var readOnly: Bool?
    var versions: [String: UInt64]?

    enum CodingKeys: String, CodingKey {
        case addr, timestamp, state, tokens, zone, versions
        case registeredTimestamp = "registered_timestamp"
        case readOnlyUpdatedTimestamp = "read_only_updated_timestamp"
        case readOnly = "read_only"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addr = try container.decodeIfPresent(String.self, forKey: .addr)
        timestamp = try container.decodeIfPresent(Int64.self, forKey: .timestamp)
        state = try container.decodeIfPresent(StateJSON.self, forKey: .state)
        tokens = try container.decodeIfPresent([UInt32].self, forKey: .tokens)
        zone = try container.decodeIfPresent(String.self, forKey: .zone)
        registeredTimestamp = try container.decodeIfPresent(Int64.self, forKey: .registeredTimestamp)
        readOnlyUpdatedTimestamp = try container.decodeIfPresent(Int64.self, forKey: .readOnlyUpdatedTimestamp)
        readOnly = try container.decodeIfPresent(Bool.self, forKey: .readOnly)
        versions = try container.decodeIfPresent([String: UInt64].self, forKey: .versions)
        for key in (versions ?? [:]).keys where UInt64(key) == nil {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [CodingKeys.versions],
                debugDescription: "key \"\(key.prefix(40))\" is not a number"))
        }
    }

    func description(id: String) -> InstanceDescription {
        var parsed: [UInt64: UInt64] = [:]
        for (key, value) in versions ?? [:] { if let component = UInt64(key) { parsed[component] = value } }
        return InstanceDescription(
            id: id, address: addr ?? "", heartbeatTimestamp: timestamp ?? 0, state: state?.state ?? .active,
            tokens: tokens ?? [], zone: zone ?? "", registeredTimestamp: registeredTimestamp ?? 0,
            readOnly: readOnly ?? false, readOnlyUpdatedTimestamp: readOnlyUpdatedTimestamp ?? 0, versions: parsed)
    }
}

/// The enum number (Go's encoding/json of gogo's InstanceState) or its name (`ringctl kv get`).
private struct StateJSON: Decodable {
    var state: InstanceState

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int32.self) {
            state = InstanceState(rawValue: Int(number))
        } else if let name = try? container.decode(String.self),
                  let known = InstanceState.known.first(where: { $0.name == name }) {
            state = known
        } else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath,
                debugDescription: "not a dskit instance state (0 to 4, or ACTIVE, LEAVING, PENDING, JOINING, LEFT)"))
        }
    }
}
