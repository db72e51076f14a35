// swift-tools-version:6.2
import PackageDescription

/// Set by scripts/release (a static binary): link c-ares and snappy from their .a archives.
let staticCLibraries = Context.environment["RINGCTL_STATIC_C_LIBS"] != nil

// Each library imports only what is listed above it here; the executable holds no protocol logic.
// Pure libraries (MemberlistWire, DskitKV) open no sockets, so fuzzers and benchmarks build them alone.
let package = Package(
    name: "ringctl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ringctl", targets: ["ringctl"]),
        .library(name: "Discovery", targets: ["Discovery"]),
        .library(name: "MemberlistWire", targets: ["MemberlistWire"]),
        .library(name: "DskitKV", targets: ["DskitKV"]),
        .library(name: "MemberlistNode", targets: ["MemberlistNode"]),
        .library(name: "DskitNode", targets: ["DskitNode"]),
        .library(name: "NodeSimulation", targets: ["NodeSimulation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        // scripts/release sets RINGCTL_STATIC_C_LIBS: then pkg-config's -L/usr/lib/... is left out, so the linker
        // finds the release script's directory of Debian's .a archives first and links c-ares and snappy in.
        .systemLibrary(name: "CCares", pkgConfig: staticCLibraries ? nil : "libcares", providers: [.apt(["libc-ares-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: staticCLibraries ? nil : "snappy", providers: [.apt(["libsnappy-dev"])]),
        // SIGINT/SIGTERM blocked from load time until ringctl's handler is in place (see SignalCancellation).
        .target(name: "CEarlySignals"),

        // dns+ / dnssrv+ / dnssrvnoa+ parsing and resolution over c-ares, with dskit's semantics.
        .target(name: "Discovery", dependencies: ["CCares"]),

        // Every memberlist byte format: msgpack, messages, framing, compression, keyring, dskit frames.
        .target(
            name: "MemberlistWire",
            dependencies: ["CSnappy", .product(name: "Crypto", package: "swift-crypto")]
        ),

        // dskit's KV store and ring model over MemberlistWire: KeyValuePair, codecs, ring.Desc, ownership.
        .target(
            name: "DskitKV",
            dependencies: ["MemberlistWire", "CSnappy", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto/README.md", "Proto/kv.proto", "Proto/ring.proto", "Proto/propagation_tracker.proto",
                      "Proto/partition_ring_desc.proto"]
        ),

        // The pure node: member table, SWIM rules, broadcast queue (no sockets, no clocks).
        .target(name: "MemberlistNode", dependencies: ["MemberlistWire"]),

        // dskit's memberlist KV store and one ring lifecycler as a pure node delegate (no sockets, no clocks).
        .target(name: "DskitNode", dependencies: ["MemberlistNode", "MemberlistWire", "DskitKV"]),
        // Many pure node instances in one process on a virtual clock: simulation tests and convergence figures.
        .target(name: "NodeSimulation", dependencies: ["MemberlistNode", "MemberlistWire"]),
        // Convergence figures and the simulator's wall time (`swift build -c release --product ringctl-sim`).
        .executableTarget(name: "ringctl-sim", dependencies: ["NodeSimulation", "MemberlistNode"]),
        // Heartbeat spread with real sockets on 127.0.0.1, demo-shaped clusters in one process
        // (`swift build -c release --product ringctl-bench --scratch-path .build-release`; scripts/bench-demo does CPU/RSS).
        .executableTarget(
            name: "ringctl-bench", dependencies: ["Inspection", "Memberlist", "MemberlistNode", "DskitNode", "DskitKV"]
        ),

        .target(
            name: "Memberlist",
            dependencies: [
                "MemberlistWire",
                "MemberlistNode",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),

        // The use cases: a request in, a Codable report out (members, kv).
        .target(
            name: "Inspection",
            dependencies: ["Memberlist", "DskitKV", "DskitNode", "Discovery", .product(name: "Yams", package: "Yams")]
        ),

        // The command line: flags → request → library call → rendering → exit status.
        .executableTarget(
            name: "ringctl",
            dependencies: [
                "CEarlySignals",
                "Discovery",
                "DskitKV",
                "Inspection",
                "Memberlist",
                "MemberlistWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Test fixtures: real dnsmasq, real peers, the built binary.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "DiscoveryTests", dependencies: ["Discovery", "TestSupport"]),
        .testTarget(name: "MemberlistWireTests", dependencies: ["MemberlistWire", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DskitKVTests", dependencies: ["DskitKV", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "InspectionTests", dependencies: ["Inspection", "Memberlist", "DskitKV", "TestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ringctl", "TestSupport", "Discovery", "DskitKV", "Inspection", "Memberlist", "MemberlistWire"],
            exclude: ["Fixtures"]
        ),
        // Real hashicorp/memberlist 0.2.2 peers (Tests/Peers/mlpeer, built with Go) against the Swift codecs.
        .testTarget(name: "InteropTests", dependencies: ["Memberlist", "MemberlistWire", "DskitKV", "Inspection", "TestSupport"]),
        // The pure node's rules, synchronously on a fake clock.
        .testTarget(name: "MemberlistNodeTests", dependencies: ["MemberlistNode", "MemberlistWire", "TestSupport"]),
        // The dskit delegate between two instances of itself, synchronously.
        .testTarget(
            name: "DskitNodeTests", dependencies: ["DskitNode", "MemberlistNode", "DskitKV", "MemberlistWire", "TestSupport"]
        ),
        // Whole clusters of instances in a simulation: join, failure detection, partitions, broadcast spread.
        .testTarget(
            name: "NodeSimulationTests", dependencies: ["NodeSimulation", "MemberlistNode", "MemberlistWire", "DskitNode", "DskitKV"]
        ),
        .testTarget(
            name: "MemberlistTests",
            dependencies: [
                "Memberlist", "MemberlistWire", "DskitKV", "Inspection", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
