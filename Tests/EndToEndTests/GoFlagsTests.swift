import Testing
@testable import ringctl

/// `GoFlags.normalize`: dskit's flags in Go's syntax, rewritten into ringctl's spellings before parsing.
@Suite("GoFlags")
struct GoFlagsTests {
    static func normalized(_ arguments: [String]) -> [String] {
        GoFlags.normalize(["members"] + arguments).arguments.dropFirst().map { $0 }
    }

    @Test("booleans as Go takes them: -x, -x=true, -x=false, --x; `-x false` leaves false as an argument")
    func booleans() {
        #expect(Self.normalized(["-memberlist.tls-enabled"]) == ["--tls"])
        #expect(Self.normalized(["-memberlist.tls-enabled=true"]) == ["--tls"])
        #expect(Self.normalized(["-memberlist.tls-enabled=false"]) == ["--no-tls"])
        #expect(Self.normalized(["--memberlist.tls-enabled=0"]) == ["--no-tls"])
        #expect(Self.normalized(["-memberlist.tls-enabled=T"]) == ["--tls"])
        #expect(Self.normalized(["-memberlist.tls-enabled", "false"]) == ["--tls", "false"])
        #expect(Self.normalized(["-memberlist.tls-insecure-skip-verify=false"]) == ["--no-tls-insecure-skip-verify"])
        #expect(Self.normalized(["-memberlist.cluster-label-verification-disabled"])
            == ["--cluster-label-verification-disabled"])
        #expect(Self.normalized(["-config.expand-env=true"]) == ["--config.expand-env"])
        #expect(Self.normalized(["-config.expand-env=false"]) == [])
    }

    @Test("a boolean with a value Go rejects is carried to the command as invalid")
    func invalidBoolean() {
        #expect(Self.normalized(["-memberlist.tls-enabled=yes"]) == ["--invalid-dskit-flag=-memberlist.tls-enabled=yes"])
    }

    @Test("value flags: -x=v, -x v (the next argument whatever it is), --x v; into ringctl's options")
    func values() {
        #expect(Self.normalized(["-memberlist.join", "a:1"]) == ["--join=a:1"])
        #expect(Self.normalized(["-memberlist.join=a:1,b:2"]) == ["--join=a:1,b:2"])
        #expect(Self.normalized(["--memberlist.cluster-label", "-j"]) == ["--cluster-label=-j"])
        #expect(Self.normalized(["-memberlist.tls-ca-path", "/h/ca.crt"]) == ["--tls-ca-path=/h/ca.crt"])
        #expect(Self.normalized(["-config.file=/etc/p.yaml"]) == ["--config.file=/etc/p.yaml"])
        #expect(Self.normalized(["-memberlist.bind-addr", "10.0.0.1"]) == ["--memberlist.bind-addr=10.0.0.1"])
        #expect(Self.normalized(["-memberlist.gossip-interval=1s"]) == ["--memberlist.gossip-interval=1s"])
        // No value at the end: carried to the command, which says so.
        #expect(Self.normalized(["-memberlist.stream-timeout"]) == ["--invalid-dskit-flag=-memberlist.stream-timeout"])
    }

    @Test("flags ringctl does not use are listed as ignored and carried to the command")
    func ignored() {
        let (arguments, ignored) = GoFlags.normalize([
            "ring", "-memberlist.randomize-node-name", "-memberlist.compression-enabled=false",
            "-memberlist.stream-timeout", "5s", "--memberlist.tls-min-version=VersionTLS12", "-j", "x:1",
        ])
        #expect(ignored == [
            "-memberlist.randomize-node-name", "-memberlist.compression-enabled=false",
            "-memberlist.stream-timeout=5s", "-memberlist.tls-min-version=VersionTLS12",
        ])
        #expect(arguments == ["ring"] + ignored.map { "--ignored-dskit-flag=\($0)" } + ["-j", "x:1"])
    }

    @Test("ringctl's own flags, unknown flags, arguments after --, and other commands are left alone")
    func untouched() {
        #expect(Self.normalized(["--tls", "-j", "x:1", "-memberlist.nosuch=1", "--observe", "5s"])
            == ["--tls", "-j", "x:1", "-memberlist.nosuch=1", "--observe", "5s"])
        #expect(Self.normalized(["--", "-memberlist.tls-enabled"]) == ["--", "-memberlist.tls-enabled"])
        let resolve = ["resolve", "-memberlist.tls-enabled=false"]
        #expect(GoFlags.normalize(resolve).arguments == resolve)
    }

    @Test("every -memberlist.* flag dskit defines is known: 55, ten of them booleans")
    func table() {
        let memberlist = GoFlags.definitions.values.filter { $0.name.hasPrefix("memberlist.") }
        #expect(memberlist.count == 55)
        #expect(Set(memberlist.filter(\.isBool).map(\.name)) == [
            "memberlist.randomize-node-name", "memberlist.abort-if-fast-join-fails", "memberlist.abort-if-join-fails",
            "memberlist.compression-enabled", "memberlist.cluster-label-verification-disabled",
            "memberlist.zone-aware-routing.enabled", "memberlist.propagation-delay-tracker.enabled",
            "memberlist.transport-debug", "memberlist.tls-enabled", "memberlist.tls-insecure-skip-verify",
        ])
    }
}
