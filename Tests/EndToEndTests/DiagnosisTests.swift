import ArgumentParser
import Discovery
import DskitKV
import Foundation
@testable import Inspection
@testable import Memberlist
import MemberlistWire
import Testing
@testable import ringctl

// Swift Testing has an ExitStatus of its own (for exit tests): ringctl's is named in full.

/// One case of an error type, named, with a sample of it and the status README's table gives it.
///
/// `init(_:)` switches over every case of the error type with no `default`, and `sample` over every name: a case
/// added to a library fails to compile here until it has a name, and the name until it has a sample, so the walk
/// below reaches every case.
protocol CaseWalk: CaseIterable, Hashable {
    associatedtype Failure: Error
    init(_ error: Failure)
    var sample: Failure { get }
    var status: ringctl.ExitStatus { get }
}

/// `Diagnosis`: every case of every error type gets a message, a hint and the documented status.
@Suite("Diagnosis")
struct DiagnosisTests {
    /// The statuses README's "Exit status (every command)" table lists.
    static func documentedStatuses() throws -> Set<Int32> {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## Exit status (every command)").dropFirst().first)
        let table = section.components(separatedBy: "\n## ").first ?? section
        return Set(table.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return line.hasPrefix("|") ? cells.first.flatMap { Int32($0) } : nil
        })
    }

    func walk<Walk: CaseWalk>(_: Walk.Type, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let documented = try Self.documentedStatuses()
        for name in Walk.allCases {
            let error = name.sample
            #expect(Walk(error) == name, "the sample for \(name) is of another case", sourceLocation: sourceLocation)
            let diagnosis = Diagnosis(of: error)
            #expect(!diagnosis.message.isEmpty, "\(name): no message", sourceLocation: sourceLocation)
            #expect(diagnosis.hint?.isEmpty == false, "\(name): no hint", sourceLocation: sourceLocation)
            #expect(diagnosis.status == name.status, "\(name): \(diagnosis.status)", sourceLocation: sourceLocation)
            #expect(documented.contains(diagnosis.status.rawValue), "\(name)", sourceLocation: sourceLocation)
            #expect(diagnosis.status != .software, "\(name) fell through to 'this is a bug'", sourceLocation: sourceLocation)
        }
    }

    @Test("README's exit table lists exactly the statuses ringctl has, 70 among them; --help and the man page too")
    func exitTable() throws {
        let documented = try Self.documentedStatuses()
        #expect(documented == Set(ringctl.ExitStatus.allCases.map(\.rawValue)))
        #expect(documented.contains(70))
        let help = Ringctl.helpMessage()
        for status in ringctl.ExitStatus.allCases {
            #expect(help.contains("  \(status.rawValue) "), "--help lacks \(status.rawValue)")
        }
    }

    @Test("every DiscoveryError, AddressProblem and DNSStatus") func discovery() throws {
        try walk(DiscoveryErrorCase.self)
        try walk(AddressProblemCase.self)
        try walk(DNSStatusCase.self)
    }

    @Test("every MemberlistError (every TLSFailure among them); 76 exactly where the library says mismatch")
    func memberlist() throws {
        try walk(MemberlistErrorCase.self)
        try walk(TLSFailureCase.self)
        for name in MemberlistErrorCase.allCases {
            #expect((Diagnosis(of: name.sample).status == .protocolMismatch) == name.sample.isProtocolMismatch, "\(name)")
        }
    }

    @Test("every WireError") func wire() throws { try walk(WireErrorCase.self) }

    @Test("every DskitKVError and RingJSONError") func dskitKV() throws {
        try walk(DskitKVErrorCase.self)
        try walk(RingJSONErrorCase.self)
    }

    @Test("every InspectionError, KVLookupError and seed failure") func inspection() throws {
        try walk(InspectionErrorCase.self)
        try walk(KVLookupErrorCase.self)
        try walk(SeedErrorCase.self)
    }

    @Test("every NodeSessionError a command can meet, and every DemoError") func node() throws {
        try walk(NodeSessionErrorCase.self)
        try walk(DemoErrorCase.self)
    }

    @Test("every ObserverError, and ObserverEnded as its underlying error") func observer() throws {
        try walk(ObserverErrorCase.self)
        let ended = ObserverEnded(
            underlying: ObserverError.bindFailed(address: "127.0.0.1:7946", reason: "address in use"),
            leave: LeaveOutcome(sentTo: [], failures: [], node: nil), nodeName: "ringctl-test")
        #expect(Diagnosis(of: ended) == Diagnosis(of: ended.underlying))
    }

    @Test("every error of the CLI's own: files, flags, findings") func cli() throws {
        try walk(TLSConfigurationCase.self)
        try walk(InputFileCase.self)
        try walk(CLIErrorCase.self)
    }

    @Test("an error of a type ringctl does not know exits 70 as a bug, with its description")
    func unknownError() {
        struct Surprise: Error, CustomStringConvertible { var description: String { "the unexpected" } }
        let diagnosis = Diagnosis(of: Surprise())
        #expect(diagnosis.status == .software)
        #expect(diagnosis.status.rawValue == 70)
        #expect(diagnosis.message == "internal error: the unexpected")
        #expect(diagnosis.hint?.contains("this is a bug, please report it") == true)
    }

    @Test("several seeds failing differently: the worst decides, a bug over everything, its hint shown")
    func severity() {
        struct Surprise: Error {}
        let refused = SeedFailure(seed: "127.0.0.1:1", error: MemberlistError.connectionRefused(peer: "127.0.0.1:1"))
        let garbage = SeedFailure(
            seed: "127.0.0.1:2", error: MemberlistError.unexpectedReply(peer: "127.0.0.1:2", message: "a ping"))
        let badAddress = SeedFailure(seed: "x", error: MemberlistError.invalidPeerAddress("x"))
        let bug = SeedFailure(seed: "127.0.0.1:3", error: Surprise())
        let order: [([SeedFailure], ringctl.ExitStatus)] = [
            ([refused], .unavailable), ([refused, garbage], .protocolMismatch), ([garbage, badAddress], .usage),
            ([badAddress, bug, refused], .software),
        ]
        for (failures, status) in order {
            let diagnosis = Diagnosis(of: InspectionError.noSeedAnswered(failures))
            #expect(diagnosis.status == status, "\(failures.map(\.seed))")
            let worst = failures.map { Diagnosis(of: $0.error) }.first { $0.status == status }
            #expect(diagnosis.hint == worst?.hint)
        }
        #expect(ringctl.ExitStatus.software > ringctl.ExitStatus.usage)
        #expect(ringctl.ExitStatus.usage > ringctl.ExitStatus.configuration)
        #expect(ringctl.ExitStatus.configuration > ringctl.ExitStatus.protocolMismatch)
        #expect(ringctl.ExitStatus.protocolMismatch > ringctl.ExitStatus.unavailable)
        #expect(ringctl.ExitStatus.unavailable > ringctl.ExitStatus.unhealthy)
    }

    @Test("a probe's transport mismatch gives its hint, whichever failure is worst")
    func probedHint() {
        let mismatch = TransportMismatch(
            peer: "127.0.0.1:7946", spoken: .dskit, answers: .memberlist, answersLabel: "", sentLabel: "")
        let diagnosis = Diagnosis(of: InspectionError.noSeedAnswered([
            SeedFailure(seed: "127.0.0.1:7946", error: mismatch),
            SeedFailure(seed: "x", error: MemberlistError.invalidPeerAddress("x")),
        ]))
        #expect(diagnosis.status == .usage)
        #expect(diagnosis.hint == "add --transport memberlist (a plain memberlist cluster)")
    }

    @Test("findings: each error shown in order, the worst decides the status")
    func findings() {
        let nothing = ResolvedToNothing(
            input: "dnssrv+_x._tcp.test", mode: .dnssrv, query: DNSQuery(.srv, "_x._tcp.test"), status: .nxdomain)
        let failed = DiscoveryError.queryFailed(
            input: "dns+a.test:1", query: DNSQuery(.address, "a.test"), servers: ["127.0.0.1:53"],
            status: .timeout(tries: 2))
        let findings = Findings(errors: [nothing, failed])
        #expect(Diagnosis.all(of: findings) == [Diagnosis(of: nothing), Diagnosis(of: failed)])
        #expect(Diagnosis(of: findings).status == .unavailable)
        #expect(Diagnosis(of: nothing).message
            == "dnssrv+_x._tcp.test: SRV query for _x._tcp.test found nothing: NXDOMAIN (the name does not exist)")
    }

    @Test("an interruption exits 130 and says so, with no hint")
    func interruption() {
        #expect(Diagnosis(of: CancellationError()) == Diagnosis(.interrupted, "interrupted", hint: nil))
    }
}

// MARK: - The walks, one per error type

enum DiscoveryErrorCase: CaseWalk {
    case invalidAddress, queryFailed, invalidServer, channelSetup
    init(_ error: DiscoveryError) {
        switch error {
        case .invalidAddress: self = .invalidAddress
        case .queryFailed: self = .queryFailed
        case .invalidServer: self = .invalidServer
        case .channelSetup: self = .channelSetup
        }
    }
    var sample: DiscoveryError {
        switch self {
        case .invalidAddress: .invalidAddress(input: "dns+memberlist", reason: .missingPort)
        case .queryFailed:
            .queryFailed(input: "dns+a.test:7946", query: DNSQuery(.address, "a.test"), servers: [], status: .serverFailure)
        case .invalidServer: .invalidServer(server: "kube-dns", reason: "expected an IP address")
        case .channelSetup: .channelSetup(detail: "cannot read /etc/resolv.conf")
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .invalidAddress, .invalidServer: .usage
        case .queryFailed: .unavailable
        case .channelSetup: .configuration
        }
    }
}

enum AddressProblemCase: CaseWalk {
    case empty, whitespace, unknownPrefix, nothingAfterPrefix, repeatedSchemeSeparator, missingPort, badPort, ipForSRV
    case nonASCII, nameTooLong, labelTooLong, emptyLabel, badCharacter
    init(_ error: DiscoveryError) {
        guard case .invalidAddress(_, let problem) = error else { fatalError("only invalidAddress is walked here") }
        switch problem {
        case .empty: self = .empty
        case .whitespace: self = .whitespace
        case .unknownPrefix: self = .unknownPrefix
        case .nothingAfterPrefix: self = .nothingAfterPrefix
        case .repeatedSchemeSeparator: self = .repeatedSchemeSeparator
        case .missingPort: self = .missingPort
        case .badPort: self = .badPort
        case .ipForSRV: self = .ipForSRV
        case .nonASCII: self = .nonASCII
        case .nameTooLong: self = .nameTooLong
        case .labelTooLong: self = .labelTooLong
        case .emptyLabel: self = .emptyLabel
        case .badCharacter: self = .badCharacter
        }
    }
    var sample: DiscoveryError {
        let problem: AddressProblem = switch self {
        case .empty: .empty
        case .whitespace: .whitespace
        case .unknownPrefix: .unknownPrefix("dnsx")
        case .nothingAfterPrefix: .nothingAfterPrefix(.dnssrv)
        case .repeatedSchemeSeparator: .repeatedSchemeSeparator
        case .missingPort: .missingPort
        case .badPort: .badPort("0")
        case .ipForSRV: .ipForSRV("10.0.0.1")
        case .nonASCII: .nonASCII("é")
        case .nameTooLong: .nameTooLong(300)
        case .labelTooLong: .labelTooLong(String(repeating: "a", count: 70))
        case .emptyLabel: .emptyLabel
        case .badCharacter: .badCharacter("!")
        }
        return .invalidAddress(input: "dnssrv+x", reason: problem)
    }
    var status: ringctl.ExitStatus { .usage }
}

enum DNSStatusCase: CaseWalk {
    case nxdomain, noData, serverFailure, refused, timeout, connectionRefused, badResponse, other
    init(_ error: DNSStatus) {
        switch error {
        case .nxdomain: self = .nxdomain
        case .noData: self = .noData
        case .serverFailure: self = .serverFailure
        case .refused: self = .refused
        case .timeout: self = .timeout
        case .connectionRefused: self = .connectionRefused
        case .badResponse: self = .badResponse
        case .other: self = .other
        }
    }
    var sample: DNSStatus {
        switch self {
        case .nxdomain: .nxdomain
        case .noData: .noData
        case .serverFailure: .serverFailure
        case .refused: .refused
        case .timeout: .timeout(tries: 2)
        case .connectionRefused: .connectionRefused
        case .badResponse: .badResponse
        case .other: .other(code: 99, message: "odd")
        }
    }
    var status: ringctl.ExitStatus { self == .nxdomain || self == .noData ? .unhealthy : .unavailable }
}

enum MemberlistErrorCase: CaseWalk {
    case invalidPeerAddress, connectionRefused, timedOut, connectFailed
    /// peerClosed splits three ways: nothing back on dskit's transport, nothing back on memberlist's, part of a reply.
    case closedSilentDskit, closedSilentMemberlist, closedMidReply
    case replyTooLarge, undecodableReply, unexpectedReply, io, tlsHandshake, peerSpeaksTLS, keyringMismatch
    init(_ error: MemberlistError) {
        switch error {
        case .invalidPeerAddress: self = .invalidPeerAddress
        case .connectionRefused: self = .connectionRefused
        case .timedOut: self = .timedOut
        case .connectFailed: self = .connectFailed
        case .peerClosed(_, _, 0, .dskit, _): self = .closedSilentDskit
        case .peerClosed(_, _, 0, .memberlist, _): self = .closedSilentMemberlist
        case .peerClosed: self = .closedMidReply
        case .replyTooLarge: self = .replyTooLarge
        case .undecodableReply: self = .undecodableReply
        case .unexpectedReply: self = .unexpectedReply
        case .io: self = .io
        case .tlsHandshake: self = .tlsHandshake
        case .peerSpeaksTLS: self = .peerSpeaksTLS
        case .keyringMismatch: self = .keyringMismatch
        }
    }
    var sample: MemberlistError {
        let peer = "127.0.0.1:7946"
        return switch self {
        case .invalidPeerAddress: .invalidPeerAddress("nohost")
        case .connectionRefused: .connectionRefused(peer: peer)
        case .timedOut: .timedOut(peer: peer, step: .readReply, after: .seconds(5))
        case .connectFailed: .connectFailed(peer: peer, reason: "no route to host")
        case .closedSilentDskit: .peerClosed(peer: peer, step: .readReply, received: 0, transport: .dskit, label: "")
        case .closedSilentMemberlist:
            .peerClosed(peer: peer, step: .readReply, received: 0, transport: .memberlist, label: "loki")
        case .closedMidReply: .peerClosed(peer: peer, step: .readReply, received: 12, transport: .dskit, label: "")
        case .replyTooLarge: .replyTooLarge(peer: peer, limit: 1 << 20)
        case .undecodableReply: .undecodableReply(peer: peer, underlying: .keyringRequired(context: "the reply"))
        case .unexpectedReply: .unexpectedReply(peer: peer, message: "a ping")
        case .io: .io(peer: peer, step: .writePushPull, reason: "broken pipe")
        case .tlsHandshake: .tlsHandshake(peer: peer, failure: .closedDuringHandshake)
        case .peerSpeaksTLS: .peerSpeaksTLS(peer: peer)
        case .keyringMismatch: .keyringMismatch(peer: peer, keysTried: 1, keyFiles: ["/tmp/key"])
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .invalidPeerAddress: .usage
        case .connectionRefused, .timedOut, .connectFailed, .closedMidReply, .io: .unavailable
        case .closedSilentDskit, .closedSilentMemberlist, .replyTooLarge, .undecodableReply, .unexpectedReply,
            .tlsHandshake, .peerSpeaksTLS, .keyringMismatch:
            .protocolMismatch
        }
    }
}

enum TLSFailureCase: CaseWalk {
    case untrustedCertificate, nameMismatch, notTLS, closedDuringHandshake, other
    init(_ error: MemberlistError) {
        guard case .tlsHandshake(_, let failure) = error else { fatalError("only tlsHandshake is walked here") }
        switch failure {
        case .untrustedCertificate: self = .untrustedCertificate
        case .nameMismatch: self = .nameMismatch
        case .notTLS: self = .notTLS
        case .closedDuringHandshake: self = .closedDuringHandshake
        case .other: self = .other
        }
    }
    var sample: MemberlistError {
        let failure: TLSFailure = switch self {
        case .untrustedCertificate: .untrustedCertificate(detail: "self-signed")
        case .nameMismatch: .nameMismatch(expected: "node1")
        case .notTLS: .notTLS(detail: "plain bytes")
        case .closedDuringHandshake: .closedDuringHandshake
        case .other: .other("something")
        }
        return .tlsHandshake(peer: "127.0.0.1:7946", failure: failure)
    }
    var status: ringctl.ExitStatus { .protocolMismatch }
}

enum WireErrorCase: CaseWalk {
    case truncated, payloadTruncated, limitExceeded, unexpectedMsgpackType, invalidValue, unexpectedMessageType
    case checksumMismatch, digestMismatch, labelMismatch, decryptionFailed, unsupportedEncryptionVersion
    case keyringRequired, invalidKeyLength, unsupportedCompression, decompressionFailed, nestingTooDeep
    case trailingBytes, unknownFrameKind
    init(_ error: WireError) {
        switch error {
        case .truncated: self = .truncated
        case .payloadTruncated: self = .payloadTruncated
        case .limitExceeded: self = .limitExceeded
        case .unexpectedMsgpackType: self = .unexpectedMsgpackType
        case .invalidValue: self = .invalidValue
        case .unexpectedMessageType: self = .unexpectedMessageType
        case .checksumMismatch: self = .checksumMismatch
        case .digestMismatch: self = .digestMismatch
        case .labelMismatch: self = .labelMismatch
        case .decryptionFailed: self = .decryptionFailed
        case .unsupportedEncryptionVersion: self = .unsupportedEncryptionVersion
        case .keyringRequired: self = .keyringRequired
        case .invalidKeyLength: self = .invalidKeyLength
        case .unsupportedCompression: self = .unsupportedCompression
        case .decompressionFailed: self = .decompressionFailed
        case .nestingTooDeep: self = .nestingTooDeep
        case .trailingBytes: self = .trailingBytes
        case .unknownFrameKind: self = .unknownFrameKind
        }
    }
    var sample: WireError {
        switch self {
        case .truncated: .truncated(field: "Node", offset: 3, needed: 4, available: 1)
        case .payloadTruncated: .payloadTruncated(layer: "lzw", field: "Node", offset: 3, needed: 4, available: 1)
        case .limitExceeded: .limitExceeded(field: "Meta", value: 600, limit: 512)
        case .unexpectedMsgpackType: .unexpectedMsgpackType(field: "Node", offset: 1, found: 0xc0, expected: "str")
        case .invalidValue: .invalidValue(field: "Port", offset: 9, reason: "out of range")
        case .unexpectedMessageType: .unexpectedMessageType(.ping, offset: 0, context: "a stream")
        case .checksumMismatch: .checksumMismatch(expected: 1, computed: 2)
        case .digestMismatch: .digestMismatch(expected: [1], computed: [2])
        case .labelMismatch: .labelMismatch(expected: "a", received: "b")
        case .decryptionFailed: .decryptionFailed(keysTried: 1)
        case .unsupportedEncryptionVersion: .unsupportedEncryptionVersion(7)
        case .keyringRequired: .keyringRequired(context: "the packet")
        case .invalidKeyLength: .invalidKeyLength(5)
        case .unsupportedCompression: .unsupportedCompression(CompressionAlgorithm(rawValue: 9))
        case .decompressionFailed: .decompressionFailed(algorithm: .lzw, reason: "bad code")
        case .nestingTooDeep: .nestingTooDeep(limit: 8)
        case .trailingBytes: .trailingBytes(context: "the packet", count: 3)
        case .unknownFrameKind: .unknownFrameKind(7)
        }
    }
    var status: ringctl.ExitStatus { self == .invalidKeyLength ? .configuration : .protocolMismatch }
}

enum DskitKVErrorCase: CaseWalk {
    case truncated, limitExceeded, snappyInvalid, protobufInvalid, empty, codecMismatch, unsupportedNodeMetaVersion
    case zoneNameTooLong, invalidHeartbeatTimeout, invalidLagHeartbeat, invalidLagDelta
    init(_ error: DskitKVError) {
        switch error {
        case .truncated: self = .truncated
        case .limitExceeded: self = .limitExceeded
        case .snappyInvalid: self = .snappyInvalid
        case .protobufInvalid: self = .protobufInvalid
        case .empty: self = .empty
        case .codecMismatch: self = .codecMismatch
        case .unsupportedNodeMetaVersion: self = .unsupportedNodeMetaVersion
        case .zoneNameTooLong: self = .zoneNameTooLong
        case .invalidHeartbeatTimeout: self = .invalidHeartbeatTimeout
        case .invalidLagSetting(let name, _): self = name == "heartbeat" ? .invalidLagHeartbeat : .invalidLagDelta
        }
    }
    var sample: DskitKVError {
        switch self {
        case .truncated: .truncated(field: "pair", offset: 0, needed: 4, available: 1)
        case .limitExceeded: .limitExceeded(field: "pair", value: 1 << 30, limit: 1 << 20)
        case .snappyInvalid: .snappyInvalid(field: "value", size: 3)
        case .protobufInvalid: .protobufInvalid(message: "ring.Desc", size: 3, reason: "truncated")
        case .empty: .empty(what: "the value")
        case .codecMismatch: .codecMismatch(expected: .ringDesc, found: .propagationDelayTracker)
        case .unsupportedNodeMetaVersion: .unsupportedNodeMetaVersion(9)
        case .zoneNameTooLong: .zoneNameTooLong(zone: String(repeating: "z", count: 300), limit: 255)
        case .invalidHeartbeatTimeout: .invalidHeartbeatTimeout(seconds: 0)
        case .invalidLagHeartbeat: .invalidLagSetting(name: "heartbeat", seconds: 0)
        case .invalidLagDelta: .invalidLagSetting(name: "delta", seconds: -1)
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .zoneNameTooLong, .invalidHeartbeatTimeout, .invalidLagHeartbeat, .invalidLagDelta: .usage
        case .truncated, .limitExceeded, .snappyInvalid, .protobufInvalid, .empty, .codecMismatch,
            .unsupportedNodeMetaVersion:
            .protocolMismatch
        }
    }
}

enum RingJSONErrorCase: CaseWalk {
    case notJSON, unknownShape, wrongField
    init(_ error: RingJSONError) {
        switch error {
        case .notJSON: self = .notJSON
        case .unknownShape: self = .unknownShape
        case .wrongField: self = .wrongField
        }
    }
    var sample: RingJSONError {
        switch self {
        case .notJSON: .notJSON(reason: "unexpected end")
        case .unknownShape: .unknownShape(keys: ["a"])
        case .wrongField: .wrongField(path: "shards[0].id", reason: "expected a string")
        }
    }
    var status: ringctl.ExitStatus { .protocolMismatch }
}

enum InspectionErrorCase: CaseWalk {
    case noSeeds, noSeedAnswered, configFile, unexpandedReference
    init(_ error: InspectionError) {
        switch error {
        case .noSeeds: self = .noSeeds
        case .noSeedAnswered: self = .noSeedAnswered
        case .configFile: self = .configFile
        case .unexpandedReference: self = .unexpandedReference
        }
    }
    var sample: InspectionError {
        switch self {
        case .noSeeds: .noSeeds
        case .noSeedAnswered:
            .noSeedAnswered([
                SeedFailure(seed: "127.0.0.1:1", error: MemberlistError.connectionRefused(peer: "127.0.0.1:1"))
            ])
        case .configFile: .configFile(path: "/etc/mimir.yaml", key: "memberlist.join_members", line: 3, reason: "is not a list")
        case .unexpandedReference:
            .unexpandedReference(path: "/etc/mimir.yaml", key: "memberlist.cluster_label", value: "${LABEL}")
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .noSeeds: .usage
        case .noSeedAnswered: .unavailable
        case .configFile, .unexpandedReference: .configuration
        }
    }
}

enum KVLookupErrorCase: CaseWalk {
    case stateUndecodable, keyMissing, keyDeleted, notARing, noRingKeyEmptyStore, noRingKey, ringUndecodable
    case valueUndecodable
    init(_ error: KVLookupError) {
        switch error {
        case .stateUndecodable: self = .stateUndecodable
        case .keyMissing: self = .keyMissing
        case .keyDeleted: self = .keyDeleted
        case .notARing: self = .notARing
        case .noRingKey(_, let present): self = present.isEmpty ? .noRingKeyEmptyStore : .noRingKey
        case .ringUndecodable: self = .ringUndecodable
        case .valueUndecodable: self = .valueUndecodable
        }
    }
    var sample: KVLookupError {
        let seed = "127.0.0.1:7946"
        let damage = DskitKVError.snappyInvalid(field: "value", size: 3)
        return switch self {
        case .stateUndecodable: .stateUndecodable(seed: seed, underlying: damage)
        case .keyMissing: .keyMissing(key: "ring", seed: seed, present: ["collectors/ring"])
        case .keyDeleted: .keyDeleted(key: "ring", seed: seed)
        case .notARing: .notARing(key: "tracker", codec: .propagationDelayTracker, seed: seed, rings: [])
        case .noRingKeyEmptyStore: .noRingKey(seed: seed, present: [])
        case .noRingKey: .noRingKey(seed: seed, present: ["tracker"])
        case .ringUndecodable: .ringUndecodable(key: "ring", seed: seed, underlying: damage)
        case .valueUndecodable:
            .valueUndecodable(key: "tracker", codec: .propagationDelayTracker, seed: seed, underlying: damage)
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .stateUndecodable, .ringUndecodable, .valueUndecodable: .protocolMismatch
        case .keyMissing, .keyDeleted, .notARing, .noRingKeyEmptyStore, .noRingKey: .unhealthy
        }
    }
}

/// The seed errors that are structs of their own (one case each).
enum SeedErrorCase: CaseWalk {
    case transportMismatch, labelMismatch, resolvedToNothing, notTried
    init(_ error: any Error) {
        switch error {
        case let mismatch as TransportMismatch:
            self = mismatch.spoken == mismatch.answers ? .labelMismatch : .transportMismatch
        case is SeedResolvedToNothing: self = .resolvedToNothing
        case is SeedNotTried: self = .notTried
        default: fatalError("not a seed error: \(error)")
        }
    }
    var sample: any Error {
        switch self {
        case .transportMismatch:
            TransportMismatch(peer: "127.0.0.1:7946", spoken: .memberlist, answers: .dskit, answersLabel: "", sentLabel: "")
        case .labelMismatch:
            TransportMismatch(peer: "127.0.0.1:7946", spoken: .dskit, answers: .dskit, answersLabel: "loki", sentLabel: "")
        case .resolvedToNothing: SeedResolvedToNothing()
        case .notTried: SeedNotTried(budget: .seconds(5))
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .transportMismatch, .labelMismatch: .protocolMismatch
        case .resolvedToNothing, .notTried: .unavailable
        }
    }
}

enum ObserverErrorCase: CaseWalk {
    case bindFailed, invalidAdvertiseAddress, joinRejected, nodeNameTaken
    init(_ error: ObserverError) {
        switch error {
        case .bindFailed: self = .bindFailed
        case .invalidAdvertiseAddress: self = .invalidAdvertiseAddress
        case .joinRejected: self = .joinRejected
        case .nodeNameTaken: self = .nodeNameTaken
        }
    }
    var sample: ObserverError {
        switch self {
        case .bindFailed: .bindFailed(address: "127.0.0.1:7946 (TCP)", reason: "address in use")
        case .invalidAdvertiseAddress: .invalidAdvertiseAddress("node1")
        case .joinRejected: .joinRejected(peer: "127.0.0.1:7946", message: "a ping message")
        case .nodeNameTaken: .nodeNameTaken(name: "ingester-1", peer: "127.0.0.1:7946", holder: "10.0.0.3:7946", state: "alive")
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .bindFailed: .configuration
        case .invalidAdvertiseAddress, .nodeNameTaken: .usage
        case .joinRejected: .protocolMismatch
        }
    }
}

enum NodeSessionErrorCase: CaseWalk {
    case advertiseAddressNeeded, invalidAdvertiseAddress, invalidAdvertisePort, joinFailed
    init(_ error: NodeSessionError) {
        switch error {
        case .advertiseAddressNeeded: self = .advertiseAddressNeeded
        case .invalidAdvertiseAddress: self = .invalidAdvertiseAddress
        case .invalidAdvertisePort: self = .invalidAdvertisePort
        case .joinFailed, .crashed: self = .joinFailed  // .crashed is a bug when it reaches a command (70)
        }
    }
    var sample: NodeSessionError {
        switch self {
        case .advertiseAddressNeeded: .advertiseAddressNeeded(bindHost: "0.0.0.0")
        case .invalidAdvertiseAddress: .invalidAdvertiseAddress("node1")
        case .invalidAdvertisePort: .invalidAdvertisePort(0)
        case .joinFailed: .joinFailed([.init(seed: "127.0.0.1:7946", reason: "connection refused")])
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .advertiseAddressNeeded, .invalidAdvertiseAddress, .invalidAdvertisePort: .usage
        case .joinFailed: .unavailable
        }
    }
}

enum DemoErrorCase: CaseWalk {
    case notConverged, bindFailed
    init(_ error: DemoError) {
        switch error {
        case .notConverged: self = .notConverged
        case .bindFailed: self = .bindFailed
        }
    }
    var sample: DemoError {
        switch self {
        case .notConverged: .notConverged(after: .seconds(60), missing: "ingester-1 lacks ingester-2")
        case .bindFailed: .bindFailed(node: "ingester-0", address: "127.0.0.1:7946 (TCP)", reason: "address in use")
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .notConverged: .unavailable
        case .bindFailed: .configuration
        }
    }
}

enum TLSConfigurationCase: CaseWalk {
    case certificate, key, ca, missingKey
    init(_ error: TLSConfigurationError) {
        switch error.file {
        case .certificate: self = .certificate
        case .key: self = error.path.isEmpty ? .missingKey : .key
        case .ca: self = .ca
        }
    }
    var sample: TLSConfigurationError {
        switch self {
        case .certificate: TLSConfigurationError(file: .certificate, path: "/tls/cert.pem", reason: "is not PEM")
        case .key: TLSConfigurationError(file: .key, path: "/tls/key.pem", reason: "cannot be read")
        case .ca: TLSConfigurationError(file: .ca, path: "/tls/ca.pem", reason: "is not PEM")
        case .missingKey: TLSConfigurationError(file: .key, path: "", reason: "is needed with --tls-cert-path")
        }
    }
    var status: ringctl.ExitStatus { .configuration }
}

enum InputFileCase: CaseWalk {
    case unreadable, missing, tooLarge, empty, notHexToken, notHexDigits
    init(_ error: InputFile.Failure) {
        switch error.problem {
        case .unreadable(let exists): self = exists ? .unreadable : .missing
        case .tooLarge: self = .tooLarge
        case .empty: self = .empty
        case .notHex(let token, _): self = token == nil ? .notHexDigits : .notHexToken
        }
    }
    var sample: InputFile.Failure {
        let problem: InputFile.Failure.Problem = switch self {
        case .unreadable: .unreadable(exists: true)
        case .missing: .unreadable(exists: false)
        case .tooLarge: .tooLarge(limit: InputFile.maxBytes)
        case .empty: .empty
        case .notHexToken: .notHex(token: "zz", digits: 0)
        case .notHexDigits: .notHex(token: nil, digits: 3)
        }
        return InputFile.Failure(path: "ring.bin", problem: problem)
    }
    var status: ringctl.ExitStatus { .usage }
}

/// The CLI's own error structs (one case each), and the errors argument-parser and Swift bring.
enum CLIErrorCase: CaseWalk {
    case ringFile, capture, notMemberlist, keyFile, resolvedToNothingSRV, resolvedToNothingDNS, usage, validation
    case findings
    init(_ error: any Error) {
        switch error {
        case is RingFileError: self = .ringFile
        case is CaptureError: self = .capture
        case is NotMemberlist: self = .notMemberlist
        case is KeyFiles.Failure: self = .keyFile
        case let nothing as ResolvedToNothing: self = nothing.mode == .dns ? .resolvedToNothingDNS : .resolvedToNothingSRV
        case is UsageErrors.Usage: self = .usage
        case is ValidationError: self = .validation
        case is Findings: self = .findings
        default: fatalError("not a CLI error: \(error)")
        }
    }
    var sample: any Error {
        switch self {
        case .ringFile: RingFileError(path: "ring.bin", size: 3, reason: "is not a dskit ring value")
        case .capture:
            CaptureError(path: "x.bin", size: 3, attempts: [CaptureError.Attempt(what: "a packet", reason: "truncated")])
        case .notMemberlist: NotMemberlist(type: "42")
        case .keyFile: KeyFiles.Failure(path: "/key", reason: "cannot be read")
        case .resolvedToNothingSRV:
            ResolvedToNothing(input: "dnssrv+_x._tcp.test", mode: .dnssrv, query: DNSQuery(.srv, "_x._tcp.test"), status: .noData)
        case .resolvedToNothingDNS:
            ResolvedToNothing(input: "dns+a.test:1", mode: .dns, query: DNSQuery(.address, "a.test"), status: .nxdomain)
        case .usage: UsageErrors.Usage(message: "no command given", hint: "name one")
        case .validation: ValidationError("Give at least one seed with -j/--join HOST:PORT.")
        case .findings: Findings(errors: [MemberlistError.invalidPeerAddress("x")])
        }
    }
    var status: ringctl.ExitStatus {
        switch self {
        case .ringFile, .capture, .notMemberlist: .protocolMismatch
        case .keyFile: .configuration
        case .resolvedToNothingSRV, .resolvedToNothingDNS: .unhealthy
        case .usage, .validation, .findings: .usage
        }
    }
}
