import Foundation
import Testing

@testable import DskitKV

@Suite("RingJSON: the /ring page, viewKey and kv get JSON forms of a ring")
struct RingJSONTests {
    @Test("RFC 3339 as Go marshals time.Time: Z, offsets, nanoseconds, Go's zero time; anything else is nil")
    func rfc3339() {
        #expect(UnixTime.parseRFC3339("2026-01-01T00:00:00Z") == 1_767_225_600)
        #expect(UnixTime.parseRFC3339("2026-01-01T01:00:00+01:00") == 1_767_225_600)
        #expect(UnixTime.parseRFC3339("2025-12-31T19:30:00-04:30") == 1_767_225_600)
        let nanos = UnixTime.parseRFC3339("2026-01-01T00:00:00.123456789Z") ?? 0
        #expect(abs(nanos - 1_767_225_600.123456789) < 1e-6)
        #expect(UnixTime.parseRFC3339("1970-01-01T00:00:00Z") == 0)
        #expect(UnixTime.parseRFC3339("2028-02-29T00:00:00Z") != nil)  // a leap day
        #expect(UnixTime.parseRFC3339("2000-02-29T00:00:00Z") != nil)  // divisible by 400
        #expect(UnixTime.parseRFC3339("0001-01-01T00:00:00Z") == Double(UnixTime.goZeroTime))
        for bad in ["", "yesterday", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00.Z",
                    "2026-01-01T00:00:00+0100", "2026-01-01T00:00:00Zjunk", String(repeating: "9", count: 100),
                    "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-01-01T23:59:60Z"] {
            #expect(UnixTime.parseRFC3339(bad) == nil, "\(bad)")
        }
    }

    @Test("viewKey JSON: state a number and absent when ACTIVE, omitempty fields are zero, versions keys are strings")
    func viewKey() throws {
        let json = #"""
            {"ingesters": {
              "b": {"addr": "10.0.0.2:9095", "timestamp": 1767225600, "state": 3, "tokens": [5, 1], "zone": "z",
                    "registered_timestamp": 1767225500, "id": "b", "read_only": true,
                    "read_only_updated_timestamp": 1767225000, "versions": {"1": 42}},
              "a": {"addr": "10.0.0.1:9095", "timestamp": 1767225599}
            }}
            """#
        let parsed = try RingJSON(Array(json.utf8))
        #expect(parsed.form == .viewKey)
        #expect(parsed.stateReplaced.isEmpty && parsed.missingFields.isEmpty)
        #expect(parsed.ring.instances.map(\.id) == ["a", "b"])
        let a = parsed.ring.instances[0], b = parsed.ring.instances[1]
        #expect(a.state == .active && a.tokens.isEmpty && a.zone == "" && a.registeredTimestamp == 0 && !a.readOnly)
        #expect(b.state == .joining && b.tokens == [5, 1] && b.registeredTimestamp == 1_767_225_500)
        #expect(b.readOnly && b.readOnlyUpdatedTimestamp == 1_767_225_000 && b.versions == [1: 42])
        #expect(try RingJSON(Array(#"{"ingesters": null}"#.utf8)).ring.instances.isEmpty)
    }

    @Test("/ring page JSON: UNHEALTHY replaces the state (lost, UNKNOWN), Go's zero time is unset, now is kept")
    func ringPage() throws {
        let json = #"""
            {"shards": [
              {"id": "a", "state": "UNHEALTHY", "address": "10.0.0.1:9095", "timestamp": "2026-01-01T00:00:00Z",
               "registered_timestamp": "0001-01-01T00:00:00Z", "read_only": false,
               "read_only_updated_timestamp": "0001-01-01T00:00:00Z", "zone": "z", "tokens": null},
              {"id": "b", "state": "LEAVING", "address": "10.0.0.2:9095", "timestamp": "2026-01-01T00:00:00Z",
               "registered_timestamp": "2025-12-31T00:00:00Z", "read_only": false,
               "read_only_updated_timestamp": "0001-01-01T00:00:00Z", "zone": "z", "tokens": [7],
               "versions": {"2": 3}}
            ], "now": "2026-01-01T01:00:05.5+01:00"}
            """#
        let parsed = try RingJSON(Array(json.utf8))
        #expect(parsed.form == .ringPage)
        #expect(parsed.ring.instances.map(\.state) == [.unknown, .leaving])
        #expect(parsed.ring.instances[0].registeredTimestamp == 0 && parsed.ring.instances[0].tokens.isEmpty)
        #expect(parsed.ring.instances[1].registeredTimestamp == 1_767_139_200 && parsed.ring.instances[1].versions == [2: 3])
        #expect(parsed.savedAt == 1_767_225_605.5)
        #expect(parsed.stateReplaced == ["a"])
        #expect(parsed.missingFields.isEmpty)
        #expect(InstanceState.unknown.name == "UNKNOWN")

        let old = try RingJSON(Array(#"{"shards": [{"id": "a", "state": "ACTIVE", "timestamp": "2026-01-01T00:00:00Z"}]}"#.utf8))
        #expect(old.missingFields == ["registered_timestamp", "read_only", "read_only_updated_timestamp", "zone", "tokens"])
        #expect(old.stateReplaced.isEmpty)
        #expect(try RingJSON(Array(#"{"shards": null, "now": "2026-01-01T00:00:00Z"}"#.utf8)).ring.instances.isEmpty)
    }

    @Test("kv get output: the value under \"value\", states by name, the key kept")
    func kvGet() throws {
        let json = #"{"key": "collectors/ring", "codec": "ringDesc", "value": {"ingesters": {"a": {"state": "PENDING", "timestamp": 5}}}}"#
        let parsed = try RingJSON(Array(json.utf8))
        #expect(parsed.form == .kvGet && parsed.key == "collectors/ring")
        #expect(parsed.ring.instances.first?.state == .pending)
    }

    @Test("a partition ring as viewKey JSON (states as numbers, fields omitted when zero) and as kv get output")
    func partitionRing() throws {
        let viewKey = try RingJSON(Array(#"""
            {"partitions": {"0": {"tokens": [5, 9], "state": 2, "stateTimestamp": 1767225600},
                            "3": {"id": 3, "state": 3, "stateChangeLocked": true, "stateChangeLockedTimestamp": 7}},
             "owners": {"ingester-zone-a-0": {"state": 1, "updatedTimestamp": 1767225600},
                        "ingester-zone-a-3": {"ownedPartition": 3, "state": 2}}}
            """#.utf8))
        #expect(viewKey.form == .viewKey && viewKey.ring.instances.isEmpty)
        #expect(viewKey.partitionRing == PartitionRingDescription(
            partitions: [
                PartitionDescription(id: 0, tokens: [5, 9], state: .active, stateTimestamp: 1_767_225_600),
                PartitionDescription(id: 3, tokens: [], state: .inactive, stateTimestamp: 0, stateChangeLocked: true,
                                     stateChangeLockedTimestamp: 7),
            ],
            owners: [
                PartitionOwner(id: "ingester-zone-a-0", partition: 0, state: .active, updatedTimestamp: 1_767_225_600),
                PartitionOwner(id: "ingester-zone-a-3", partition: 3, state: .deleted, updatedTimestamp: 0),
            ]))
        let kvGet = try RingJSON(Array(#"""
            {"key": "collectors/ingester-partitions", "codec": "partitionRingDesc",
             "value": {"partitions": {"-1": {"id": -1, "state": "PENDING"}}, "owners": {"o": {"state": "DELETED"}}}}
            """#.utf8))
        #expect(kvGet.form == .kvGet && kvGet.key == "collectors/ingester-partitions")
        #expect(kvGet.partitionRing?.partitions.map(\.state) == [.pending])
        #expect(kvGet.partitionRing?.owners.map(\.state) == [.deleted])

        func failure(_ json: String) -> String? {
            do { _ = try RingJSON(Array(json.utf8)); return nil } catch { return "\(error)" }
        }
        #expect(failure(#"{"partitions": {"x": {}}}"#)?.contains("is not a partition id") == true)
        #expect(failure(#"{"partitions": {"1": {"state": "SLEEPING"}}}"#)?.contains("partitions[1].state") == true)
        #expect(failure(#"{"owners": {"a": {"ownedPartition": "1"}}}"#)?.contains("owners.a.ownedPartition") == true)
    }

    @Test("wrong shapes and types throw with the path, never trap")
    func errors() {
        func failure(_ json: String) -> RingJSONError? {
            do { _ = try RingJSON(Array(json.utf8)); return nil } catch { return error }
        }
        #expect(failure(#"{"x": 1}"#) == .unknownShape(keys: ["x"]))
        #expect(failure(#"{"ingesters": {"a": {"state": 9999999999}}}"#).map { "\($0)" }?.contains("ingesters.a.state") == true)
        #expect(failure(#"{"ingesters": {"a": {"tokens": [4294967296]}}}"#) != nil)  // over UInt32 (Foundation's reason)
        #expect(failure(#"{"ingesters": {"a": {"tokens": ["x"]}}}"#).map { "\($0)" }?.contains("ingesters.a.tokens[0]") == true)
        #expect(failure(#"{"ingesters": {"a": {"versions": {"x": 1}}}}"#).map { "\($0)" }?.contains("not a number") == true)
        #expect(failure(#"{"shards": [{"state": "ACTIVE"}]}"#).map { "\($0)" }?.contains("shards[0].id: missing") == true)
        #expect(failure(#"{"shards": [{"id": "a", "state": "SLEEPING"}]}"#).map { "\($0)" }?.contains("not a dskit instance state") == true)
        #expect(failure(#"{"shards": [{"id": "a", "timestamp": "9999-99-99T99:99:99Z"}]}"#) != nil)
        #expect(failure(#"{"shards": [1, 2"#).map { "\($0)" }?.contains("does not parse") == true)
        #expect(failure(String(repeating: "[", count: 100_000)) != nil)
        #expect(failure(String(repeating: #"{"a":"#, count: 100_000)) != nil)  // deep nesting: refused, no stack overflow
    }
}
