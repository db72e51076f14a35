import ArgumentParser
import Discovery
import DskitKV
import Inspection
import Memberlist
import MemberlistWire

/// What the user is told about an error (`ringctl: MESSAGE`, `  hint: HINT`) and the status the command ends
/// with: the one place an error becomes words and a number.
///
/// Every error type ringctl knows has its own function below, each a `switch` over every case with no `default`,
/// so a new case does not compile until it has a status, a message and a hint. Libraries say what failed and
/// where; the sentences naming ringctl's flags are written here. Only an error of a type not listed here is a
/// bug (exit 70).
struct Diagnosis: Equatable, Sendable {
    /// The exit status this error ends the command with.
    var status: ExitStatus
    /// One line (or a few, for several seeds) saying what failed.
    var message: String
    /// What to try next. Nil only for an interruption, which the user asked for.
    var hint: String?

    init(_ status: ExitStatus, _ message: String, hint: String?) {
        self.status = status
        self.message = message
        self.hint = hint
    }

    /// The hint for an error whose type ringctl does not know.
    static let bugHint = "this is a bug, please report it with the command you ran and this message"

    /// The diagnosis of any error.
    init(of error: any Error) {
        switch error {
        case let error as DiscoveryError: self = .discovery(error)
        case let error as DNSStatus: self = .dnsStatus(error)
        case let error as MemberlistError: self = .memberlist(error)
        case let error as WireError: self = .wire(error)
        case let error as DskitKVError: self = .dskitKV(error)
        case let error as RingJSONError: self = .ringJSON(error)
        case let error as InspectionError: self = .inspection(error)
        case let error as KVLookupError: self = .kvLookup(error)
        case let error as ObserverError: self = .observer(error)
        case let error as NodeSessionError: self = .nodeSession(error)
        case let error as DemoError: self = .demo(error)
        case let error as ForgetError: self = .forget(error)
        case let error as ObserverEnded: self = Diagnosis(of: error.underlying)
        case let error as TransportMismatch: self = .transportMismatch(error)
        case let error as SeedResolvedToNothing: self = .seedResolvedToNothing(error)
        case let error as SeedNotTried: self = .seedNotTried(error)
        case let error as TLSConfigurationError: self = .tlsConfiguration(error)
        case let error as RingFileError: self = .ringFile(error)
        case let error as CaptureError: self = .capture(error)
        case let error as NotMemberlist: self = .notMemberlist(error)
        case let error as KeyFiles.Failure: self = .keyFile(error)
        case let error as InputFile.Failure: self = .inputFile(error)
        case let error as ResolvedToNothing: self = .resolvedToNothing(error)
        case let error as UsageErrors.Usage: self = Diagnosis(.usage, error.message, hint: error.hint)
        case let error as ValidationError: self = .validation(error)
        case let error as Findings: self = .findings(error)
        case is CancellationError: self = Diagnosis(.interrupted, "interrupted", hint: nil)
        default:
            self = Diagnosis(.software, "internal error: \(String(describing: error))", hint: Self.bugHint)
        }
    }

    /// Each error a `Findings` holds, in order (any other error: its own diagnosis).
    static func all(of error: any Error) -> [Diagnosis] {
        if let findings = error as? Findings { return findings.errors.flatMap { all(of: $0) } }
        return [Diagnosis(of: error)]
    }
}

// MARK: - Discovery

extension Diagnosis {
    static func discovery(_ error: DiscoveryError) -> Diagnosis {
        switch error {
        case .invalidAddress(_, let reason):
            return Diagnosis(.usage, error.description, hint: addressHint(reason))
        case .queryFailed(_, _, let servers, let status):
            let hint = switch status {
            case .timeout:
                "check that \(DiscoveryError.serverList(servers)) is reachable from here (firewall, VPN, pod network), "
                    + "or raise --timeout/--tries"
            case .connectionRefused:
                "nothing answers DNS there: check the server address and port (--dns-server HOST:PORT)"
            case .serverFailure:
                "the server or its upstream failed; retry, or ask another server with --dns-server"
            case .refused:
                "the server will not resolve this name for us; use the cluster's DNS server (--dns-server), e.g. kube-dns"
            case .badResponse, .other, .nxdomain, .noData:
                "retry with another server (--dns-server) and compare with: dig @SERVER NAME SRV"
            }
            return Diagnosis(.unavailable, error.description, hint: hint)
        case .invalidServer(let server, let reason):
            return Diagnosis(
                .usage, "--dns-server \(server): \(reason)",
                hint: "give the server's IP address, e.g. --dns-server 10.96.0.10:53 (find kube-dns with: "
                    + "kubectl -n kube-system get svc kube-dns)")
        case .channelSetup:
            return Diagnosis(
                .configuration, error.description, hint: "check /etc/resolv.conf, or name a server with --dns-server IP:PORT")
        }
    }

    /// What to type instead of an address dskit would reject.
    static func addressHint(_ problem: AddressProblem) -> String {
        switch problem {
        case .empty, .whitespace, .emptyLabel, .badCharacter, .repeatedSchemeSeparator:
            "write it as dns+HOST:PORT, dnssrv+NAME, dnssrvnoa+NAME or HOST:PORT"
        case .unknownPrefix:
            "use dns+HOST:PORT, dnssrv+NAME or dnssrvnoa+NAME; without a prefix the address is used as given"
        case .nothingAfterPrefix(let mode):
            mode == .dns
                ? "add a host and port: dns+memberlist.example.svc:7946"
                : "add a name: \(mode.prefix)_memberlist._tcp.example.svc"
        case .missingPort: "add the memberlist port, e.g. :7946, or use dnssrv+ to take the port from SRV records"
        case .badPort: "give a port from 1 to 65535"
        case .ipForSRV(let ip): "use the IP without a prefix (\(ip):7946) or dns+\(ip):PORT"
        case .nonASCII: "convert the name to punycode (idn2 NAME) and retry"
        case .nameTooLong, .labelTooLong: "check for a pasted duplicate or a missing separator"
        }
    }

    /// A DNS status on its own (discovery reports them inside `DiscoveryError.queryFailed`).
    static func dnsStatus(_ status: DNSStatus) -> Diagnosis {
        let message = "DNS: \(status)"
        let hint = "retry with another server (--dns-server) and compare with: dig @SERVER NAME SRV"
        switch status {
        case .nxdomain, .noData:
            return Diagnosis(.unhealthy, message, hint: hint)
        case .serverFailure, .refused, .timeout, .connectionRefused, .badResponse, .other:
            return Diagnosis(.unavailable, message, hint: hint)
        }
    }

    /// An address `ringctl resolve` found no endpoint for: not an error for dskit, an unhealthy answer for us.
    static func resolvedToNothing(_ nothing: ResolvedToNothing) -> Diagnosis {
        let hint = switch nothing.mode {
        case .dnssrv, .dnssrvnoa:
            "dskit would join nobody through this address. Check the headless Service's name and namespace "
                + "(_PORTNAME._tcp.SERVICE.NAMESPACE.svc.cluster.local) and that its pods are Ready or it "
                + "publishes not-ready addresses"
        case .dns, .literal:
            "dskit would join nobody through this address. Check the name, and the namespace or search domain"
        }
        return Diagnosis(.unhealthy, "\(nothing.input): \(nothing.description)", hint: hint)
    }
}

// MARK: - Memberlist and its wire format

extension Diagnosis {
    static func memberlist(_ error: MemberlistError) -> Diagnosis {
        let message = error.description
        let unknownPort = "the port may not be a memberlist port, or the cluster uses a transport or encryption "
            + "ringctl was not told about (--transport)"
        switch error {
        case .invalidPeerAddress:
            return Diagnosis(
                .usage, message,
                hint: "write the seed as HOST:PORT, [IPv6]:PORT, or dns+HOST:PORT, dnssrv+NAME or dnssrvnoa+NAME "
                    + "as -memberlist.join takes them")
        case .connectionRefused, .connectFailed:
            return Diagnosis(
                .unavailable, message, hint: "check the address and port (dskit's default is 7946) and that the node runs")
        case .timedOut:
            return Diagnosis(
                .unavailable, message,
                hint: "check the address and port (dskit's default is 7946), or allow more time with --timeout")
        // A node that accepts and closes before a byte of reply rejected what we sent (label, key, framing).
        case .peerClosed(_, _, 0, .dskit, _):
            return Diagnosis(
                .protocolMismatch, message,
                hint: "pass the cluster's -memberlist.cluster-label with --cluster-label (or none if it has none); "
                    + "a plain memberlist cluster needs --transport memberlist; a TLS cluster needs --tls")
        case .peerClosed(_, _, 0, .memberlist, _):
            return Diagnosis(
                .protocolMismatch, message,
                hint: "a Pyroscope, Mimir, Loki or Tempo node speaks dskit's transport: drop --transport memberlist; "
                    + "a plain memberlist cluster may need its --cluster-label or --secret-key-file")
        case .peerClosed:
            return Diagnosis(
                .unavailable, message,
                hint: "the node stopped part way through its reply (restarting, or a proxy cut the connection); "
                    + "retry, or give another seed")
        case .replyTooLarge:
            return Diagnosis(.protocolMismatch, message, hint: unknownPort)
        case .undecodableReply(_, let wire):
            let hint = switch wire {
            case .keyringRequired:
                "the cluster encrypts gossip: give its key with --secret-key-file FILE"
            case .unexpectedMessageType(_, _, let context) where context.contains("encrypted"):
                "the seed answered without encryption: the cluster has no secret key, drop --secret-key-file"
            case .labelMismatch, .unknownFrameKind:
                "check --transport (dskit or memberlist) and --cluster-label against the cluster's configuration"
            default:
                unknownPort
            }
            return Diagnosis(.protocolMismatch, message, hint: hint)
        case .unexpectedReply:
            return Diagnosis(.protocolMismatch, message, hint: unknownPort)
        case .io:
            return Diagnosis(
                .unavailable, message,
                hint: "the connection broke: check the network path to the node (proxy, firewall) and retry")
        case .tlsHandshake(_, let failure):
            return Diagnosis(.protocolMismatch, message, hint: tlsHint(failure))
        case .peerSpeaksTLS:
            return Diagnosis(
                .protocolMismatch, message,
                hint: "pass --tls (-memberlist.tls-enabled) with the cluster's --tls-ca-path, as its -memberlist.tls-* "
                    + "flags say")
        case .keyringMismatch(_, _, let keyFiles):
            return Diagnosis(
                .protocolMismatch, message,
                hint: "the key in \(keyFiles.isEmpty ? "--secret-key-file" : keyFiles.joined(separator: ", ")) is "
                    + "not one of the cluster's: give its current key (the first --secret-key-file encrypts; add "
                    + "each key of a rotation as another --secret-key-file)")
        }
    }

    static func tlsHint(_ failure: TLSFailure) -> String {
        switch failure {
        case .untrustedCertificate:
            "give the CA that signed the cluster's certificates with --tls-ca-path, or (testing only) "
                + "--tls-insecure-skip-verify"
        case .nameMismatch:
            "set --tls-server-name to a name the certificate carries (its DNS or IP SAN), or (testing only) "
                + "--tls-insecure-skip-verify"
        case .notTLS, .closedDuringHandshake:
            "the seed may not use TLS: drop --tls (and tls_enabled in the config file), or check the port"
        case .other:
            "check --tls-ca-path, --tls-server-name, --tls-cert-path/--tls-key-path against the cluster's "
                + "-memberlist.tls-* settings"
        }
    }

    /// Bytes `ringctl decode` was given (or a peer sent) that do not decode as memberlist or dskit wire data.
    static func wire(_ error: WireError) -> Diagnosis {
        let message = error.description
        let capture = "the bytes are not what dskit or memberlist would send here; check the capture's direction and "
            + "that it holds one whole connection"
        let key = "give the cluster's gossip key with --secret-key-file (every key of its keyring, one flag each)"
        switch error {
        case .labelMismatch(let expected, let received):
            return Diagnosis(
                .protocolMismatch, message,
                hint: "the sender uses cluster label \"\(received)\", not \"\(expected)\": two clusters may be "
                    + "gossiping into each other, or -memberlist.cluster-label differs between them")
        case .decryptionFailed, .keyringRequired:
            return Diagnosis(.protocolMismatch, message, hint: key)
        case .invalidKeyLength:
            return Diagnosis(.configuration, message, hint: key)
        case .truncated, .payloadTruncated, .limitExceeded, .unexpectedMsgpackType, .invalidValue,
            .unexpectedMessageType, .checksumMismatch, .digestMismatch, .unsupportedEncryptionVersion,
            .unsupportedCompression, .decompressionFailed, .nestingTooDeep, .trailingBytes, .unknownFrameKind:
            return Diagnosis(.protocolMismatch, message, hint: capture)
        }
    }
}

// MARK: - dskit KV

extension Diagnosis {
    static func dskitKV(_ error: DskitKVError) -> Diagnosis {
        let message = error.description
        switch error {
        case .truncated, .limitExceeded, .snappyInvalid, .protobufInvalid, .empty, .codecMismatch:
            return Diagnosis(
                .protocolMismatch, message,
                hint: "save the value again with the /memberlist page's download link (the raw bytes, not text), "
                    + "or read it with ringctl decode FILE to see what it holds")
        case .unsupportedNodeMetaVersion:
            return Diagnosis(
                .protocolMismatch, message,
                hint: "the node's dskit is newer than ringctl knows; its other fields are still shown")
        case .zoneNameTooLong(_, let limit):
            return Diagnosis(.usage, message, hint: "give a zone name of at most \(limit) bytes")
        case .invalidHeartbeatTimeout:
            return Diagnosis(
                .usage, message, hint: "give --heartbeat-timeout a positive duration, the ring's own (dskit's default: 1m)")
        case .invalidLagSetting(let name, _):
            return Diagnosis(
                .usage, message,
                hint: name == "heartbeat"
                    ? "give --heartbeat the ring's heartbeat period (-ring.heartbeat-period, e.g. 15s)"
                    : "give --\(name) a duration of 0 or more, e.g. 15s")
        }
    }

    static func ringJSON(_ error: RingJSONError) -> Diagnosis {
        let hint = "give dskit's /ring page JSON, /memberlist?viewKey=KEY&format=json or `ringctl kv get KEY` output"
        switch error {
        case .notJSON, .unknownShape, .wrongField:
            return Diagnosis(.protocolMismatch, "the file \(error.description)", hint: hint)
        }
    }
}

// MARK: - Inspection (seeds, KV lookups)

extension Diagnosis {
    static func inspection(_ error: InspectionError) -> Diagnosis {
        switch error {
        case .noSeeds:
            return Diagnosis(
                .usage, "no seed to ask: give at least one -j/--join address",
                hint: "give -j/--join HOST:PORT (repeatable), or a --config.file with join_members")
        case .configFile:
            return Diagnosis(
                .configuration, error.description,
                hint: "give the service's YAML config (what it reads with -config.file); ringctl reads its "
                    + "top-level memberlist: block, and flags override it")
        case .unexpandedReference:
            return Diagnosis(
                .configuration, error.description, hint: "add --config.expand-env to expand it from ringctl's environment")
        case .noSeedAnswered(let failures):
            return seedsFailed(failures, message: error.description)
        }
    }

    /// The seed that most needs a human decides the status, and its hint is shown; but a probe that found what a
    /// seed does answer says exactly what to change, so its hint comes first.
    static func seedsFailed(_ failures: [SeedFailure], message: String) -> Diagnosis {
        let each = failures.map { Diagnosis(of: $0.error) }
        guard let worst = each.max(by: { $0.status < $1.status }) else {
            return Diagnosis(.unavailable, message, hint: "give at least one seed that resolves to an address")
        }
        let probed = failures.lazy.compactMap { $0.error as? TransportMismatch }.first
        return Diagnosis(worst.status, message, hint: probed.map(transportHint) ?? worst.hint)
    }

    static func transportMismatch(_ mismatch: TransportMismatch) -> Diagnosis {
        Diagnosis(.protocolMismatch, mismatch.description, hint: transportHint(mismatch))
    }

    private static func transportHint(_ mismatch: TransportMismatch) -> String {
        var changes: [String] = []
        if mismatch.answers != mismatch.spoken {
            changes.append(mismatch.answers == .memberlist
                ? "add --transport memberlist (a plain memberlist cluster)"
                : "drop --transport memberlist (dskit's transport is the default)")
        }
        if mismatch.answersLabel != mismatch.sentLabel {
            changes.append(mismatch.answersLabel.isEmpty
                ? "drop --cluster-label \"\(mismatch.sentLabel)\" (the cluster uses none)"
                : "use --cluster-label \"\(mismatch.answersLabel)\"")
        }
        // A probe finds a mismatch only by answering differently, so one of the two changed; say so anyway.
        return changes.isEmpty ? "check --transport and --cluster-label" : changes.joined(separator: " and ")
    }

    static func seedResolvedToNothing(_ error: SeedResolvedToNothing) -> Diagnosis {
        Diagnosis(
            .unavailable, error.description,
            hint: "check the name with: ringctl resolve ADDRESS (dskit skips such seeds and joins the others)")
    }

    static func seedNotTried(_ error: SeedNotTried) -> Diagnosis {
        Diagnosis(.unavailable, error.description, hint: "allow more time with --timeout, or put a live seed first")
    }

    static func kvLookup(_ error: KVLookupError) -> Diagnosis {
        let message = error.description
        switch error {
        case .stateUndecodable, .ringUndecodable:
            return Diagnosis(
                .protocolMismatch, message,
                hint: "the seed may run a dskit version ringctl does not know; save the value with the /memberlist "
                    + "page's download link and run ringctl decode or ring --from-file on it")
        case .valueUndecodable:
            return Diagnosis(
                .protocolMismatch, message,
                hint: "the seed may run a dskit version ringctl does not know; the bytes are in value_base64, "
                    + "or write them with --raw")
        case .keyMissing, .keyDeleted:
            return Diagnosis(
                .unhealthy, message,
                hint: "list the keys with: ringctl kv -j SEED (keys carry the kvstore prefix, e.g. collectors/ring)")
        case .notARing:
            return Diagnosis(
                .unhealthy, message,
                hint: "pick a key whose codec is ringDesc (ringctl kv lists codecs), or leave out --key for every ring")
        case .noRingKey(_, let present):
            return Diagnosis(
                .unhealthy, message,
                hint: present.isEmpty
                    ? "the KV store is empty: the cluster may be a plain memberlist cluster (try ringctl members), "
                        + "or its ring clients use another KV store (consul, etcd)"
                    : "the cluster may not keep its rings in memberlist, or the ring has not been written yet")
        }
    }

    static func observer(_ error: ObserverError) -> Diagnosis {
        let message = error.description
        switch error {
        case .bindFailed:
            return Diagnosis(
                .configuration, message, hint: "pick another --bind-port (0 chooses a free one) or --bind-addr")
        case .invalidAdvertiseAddress:
            return Diagnosis(
                .usage, message, hint: "pass --advertise-addr with an IP address the cluster's nodes can reach")
        case .joinRejected:
            return Diagnosis(
                .protocolMismatch, message,
                hint: "check --transport, --cluster-label and the gossip key against the cluster's configuration")
        case .nodeNameTaken:
            return Diagnosis(
                .usage, message,
                hint: "give --node-name (-memberlist.nodename) a name no member uses, or leave it out for "
                    + "ringctl-<host>-<random>; a service's own -memberlist.nodename is that service's, not ringctl's")
        }
    }
}

// MARK: - Our own node and the demo

extension Diagnosis {
    static func nodeSession(_ error: NodeSessionError) -> Diagnosis {
        let message = error.description
        switch error {
        case .advertiseAddressNeeded, .invalidAdvertiseAddress, .invalidAdvertisePort:
            return Diagnosis(.usage, message, hint: "give the node an IP address and port its peers can reach")
        case .joinFailed:
            return Diagnosis(
                .unavailable, message,
                hint: "check that a member listens there, with the same transport and cluster label")
        case .crashed:
            return Diagnosis(.software, message, hint: bugHint)
        }
    }

    static func forget(_ error: ForgetError) -> Diagnosis {
        let message = error.description
        switch error {
        case .instanceNotFound:
            return Diagnosis(
                .unhealthy, message,
                hint: "name instances as ringctl ring -j SEED lists them (the ring's ids, not member names); "
                    + "--key narrows the search to one ring key")
        case .healthyActive:
            return Diagnosis(
                .usage, message,
                hint: "stop the instance's process first and forget it once its heartbeat is stale, or add --force "
                    + "to forget it anyway (it comes back at its next heartbeat); --dry-run shows the plan")
        case .confirmationRequired:
            return Diagnosis(
                .usage, message,
                hint: "run it on a terminal to confirm, or add --yes (scripts); --dry-run shows the plan only")
        case .declined:
            return Diagnosis(.unhealthy, message, hint: "run it again and answer yes, or add --dry-run to see the plan only")
        case .interruptedAfterSending:
            return Diagnosis(.interrupted, message, hint: nil)
        }
    }

    static func demo(_ error: DemoError) -> Diagnosis {
        let message = error.description
        switch error {
        case .notConverged:
            return Diagnosis(
                .unavailable, message,
                hint: "the machine may be too busy for this many nodes: try fewer --nodes, or a longer --heartbeat")
        case .bindFailed:
            return Diagnosis(
                .configuration, message,
                hint: "pick another --base-port (the nodes take consecutive ports), or 0 for free ones")
        }
    }
}

// MARK: - Files and flags

extension Diagnosis {
    /// The flag (with its dskit spelling) and the config key that name a TLS file.
    private static func tlsFlag(_ file: TLSConfigurationError.File) -> (flag: String, key: String) {
        switch file {
        case .certificate: ("--tls-cert-path (-memberlist.tls-cert-path)", "tls_cert_path")
        case .key: ("--tls-key-path (-memberlist.tls-key-path)", "tls_key_path")
        case .ca: ("--tls-ca-path (-memberlist.tls-ca-path)", "tls_ca_path")
        }
    }

    static func tlsConfiguration(_ error: TLSConfigurationError) -> Diagnosis {
        let (flag, key) = tlsFlag(error.file)
        let message = error.path.isEmpty
            ? "\(flag) \(error.reason)"
            : "\(error.description) (from \(flag), or \(key) in --config.file)"
        let hint = switch error.file {
        case .certificate, .ca: "give a readable PEM file (-----BEGIN CERTIFICATE-----), as dskit's TLS flags take"
        case .key: "give the PEM private key (-----BEGIN PRIVATE KEY-----) that belongs to --tls-cert-path"
        }
        return Diagnosis(.configuration, message, hint: hint)
    }

    static func keyFile(_ error: KeyFiles.Failure) -> Diagnosis {
        Diagnosis(
            .configuration, error.description,
            hint: "a memberlist key is 16, 24 or 32 bytes (AES-128/192/256), raw or base64 as in -memberlist.secret-key")
    }

    static func inputFile(_ error: InputFile.Failure) -> Diagnosis {
        let hint = switch error.problem {
        case .unreadable: "check the path; use - to read standard input"
        case .tooLarge: "ringctl reads one ring value or one captured connection; cut the capture to one message"
        case .empty: "save the value again (the /memberlist page's download link)"
        case .notHex: "drop --hex for a binary file, or give hex as pairs of digits (xxd -p FILE)"
        }
        return Diagnosis(.usage, error.description, hint: hint)
    }

    static func ringFile(_ error: RingFileError) -> Diagnosis {
        Diagnosis(
            .protocolMismatch, error.description,
            hint: "save the value with the /memberlist page's download link for a key whose codec is ringDesc or "
                + "partitionRingDesc (or paste /ring or /memberlist?viewKey=KEY&format=json JSON); for a captured "
                + "packet or stream use: "
                + "ringctl decode FILE")
    }

    static func capture(_ error: CaptureError) -> Diagnosis {
        Diagnosis(
            .protocolMismatch, error.description,
            hint: "save one direction of one connection as raw bytes (Wireshark: Follow TCP Stream, Show data as Raw, "
                + "one direction); add --hex for a text dump; add --secret-key-file if the cluster encrypts gossip; "
                + "a ring value saved from /memberlist reads with ringctl ring --from-file FILE")
    }

    static func notMemberlist(_ error: NotMemberlist) -> Diagnosis {
        Diagnosis(
            .protocolMismatch, error.description,
            hint: "the bytes are not memberlist; say what they are with --as (dskit, reply, packet, value, state)")
    }

    /// A flag problem found after parsing (in `run()`): the same shape and status as argument-parser's own.
    static func validation(_ error: ValidationError) -> Diagnosis {
        let usage = UsageErrors.shape(error.message, arguments: Array(CommandLine.arguments.dropFirst()))
        return Diagnosis(.usage, usage.message, hint: usage.hint)
    }

    /// Several errors in one answer (every address of `ringctl resolve`): the worst decides the status.
    static func findings(_ findings: Findings) -> Diagnosis {
        let each = findings.errors.map { Diagnosis(of: $0) }
        return each.max { $0.status < $1.status }
            ?? Diagnosis(.software, "internal error: an empty list of findings", hint: bugHint)
    }
}
