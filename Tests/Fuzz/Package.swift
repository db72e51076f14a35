// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for the pure decoders. Build only through `scripts/fuzz` (or with both
// `--sanitize=fuzzer --sanitize=address`): without them the executables have no main and do nothing useful.
// Each target's main.swift holds only `LLVMFuzzerTestOneInput`; the invariants it checks are listed there.
let fuzzTargets = [
    "FuzzMsgpackMessages",
    "FuzzFraming",
    "FuzzLZW",
    "FuzzPushPull",
    "FuzzDskitFrames",
    "FuzzKVRing",
    "FuzzPartitionRing",
]

let package = Package(
    name: "RingctlFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ringctl", path: "../.."),
    ],
    targets: [
        // Invariant checks shared by the targets: a broken invariant traps, so libFuzzer reports the input.
        .target(name: "FuzzSupport", dependencies: [.product(name: "MemberlistWire", package: "ringctl")])
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzSupport",
                    .product(name: "MemberlistWire", package: "ringctl"),
                    .product(name: "DskitKV", package: "ringctl"),
                ]
            )
        },
    swiftLanguageModes: [.v6]
)
