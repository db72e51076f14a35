// swift-tools-version:6.2
import PackageDescription

// Benchmarks for ringctl's pure libraries (ordo-one/benchmark, release builds only). A nested package so the
// main build and `swift test` never compile the benchmark harness. Run from the repository root:
//   swift package --package-path Tests/Benchmarks --scratch-path Tests/Benchmarks/.build-bench benchmark
let package = Package(
    name: "RingctlBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "ringctl", path: "../.."),
    ],
    targets: [
        // ring.Desc (1,000 × 512, snappy + protobuf) → RingDescription → RingOwnership.
        .executableTarget(
            name: "RingDecode",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DskitKV", package: "ringctl"),
            ],
            path: "Benchmarks/RingDecode",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Push/pull (5,000 nodes, LZW), LZW alone, msgpack alive/ping messages.
        .executableTarget(
            name: "WireDecode",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MemberlistWire", package: "ringctl"),
                .product(name: "DskitKV", package: "ringctl"),
            ],
            path: "Benchmarks/WireDecode",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Writes the synthetic ring file that scripts/bench-ring-file feeds to `ringctl ring --from-file`.
        .executableTarget(
            name: "MakeRingFile",
            dependencies: [.product(name: "DskitKV", package: "ringctl")],
            path: "Sources/MakeRingFile"
        ),
    ],
    swiftLanguageModes: [.v6]
)
