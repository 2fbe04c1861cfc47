// swift-tools-version:6.1
//
// Benchmarks for Parecon, in a package of their own so that the main package's `swift build`
// and `swift test` never fetch or build ordo-one/benchmark.
//
//   RoundBenchmark   package-benchmark suite: one planning round vs one dgemv pass
//                    (`swift package benchmark`, run from this directory)
//   round-ratio      plain executable: round / dgemv ratio in one process run
//                    (`swift run -c release round-ratio`)
//   ScaleBenchmark   package-benchmark suite: rounds of calibrated and synthetic economies at
//                    10^5 councils, each board, next to the bandwidth bound; compact-file loads
//   scale-run        plain executable: one economy planned to 1e-6 per process (rounds, time per
//                    round, bound, peak memory); scripts/benchmark-table.py runs it for the table
//   load-speed       plain executable: JSON and compact economy files' load speed (MB/s)

import PackageDescription

let package = Package(
    name: "PareconBenchmarks",
    products: [
        .executable(name: "round-ratio", targets: ["round-ratio"]),
        .executable(name: "central-vs-participatory", targets: ["central-vs-participatory"]),
        .executable(name: "scale-run", targets: ["scale-run"]),
        .executable(name: "load-speed", targets: ["load-speed"]),
    ],
    dependencies: [
        // `name:` lets targets say `package: "Parecon"` whatever the checkout's directory is called
        // (a path dependency's identity is otherwise its directory name).
        .package(name: "Parecon", path: ".."),
        // Naming the traits explicitly replaces the package's default set, which on Linux with
        // Swift 6.3 also holds "RuntimeInterposer": that trait pulls in
        // ordo-one/swift-runtime-interposer (ARC metrics), which is not available here.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The economy, its PlanningRounds and the matrix both executables measure.
        .target(
            name: "RoundFixture",
            dependencies: [
                .product(name: "Parecon", package: "Parecon"),
                .product(name: "PareconLinearAlgebra", package: "Parecon"),
            ],
            path: "Sources/RoundFixture"
        ),
        .executableTarget(
            name: "RoundBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "RoundFixture",
            ],
            path: "Benchmarks/RoundBenchmark",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        .executableTarget(
            name: "round-ratio",
            dependencies: [
                "RoundFixture",
                .product(name: "PareconLinearAlgebra", package: "Parecon"),
            ],
            path: "Sources/round-ratio"
        ),
        // Economies at scale: calibrated from input–output tables, synthetic, or from a file;
        // the bandwidth bound and peak memory (Sources/ScaleFixture).
        .target(
            name: "ScaleFixture",
            dependencies: [
                .product(name: "Parecon", package: "Parecon"),
                .product(name: "PareconLinearAlgebra", package: "Parecon"),
            ],
            path: "Sources/ScaleFixture"
        ),
        .executableTarget(
            name: "scale-run",
            dependencies: [
                "ScaleFixture",
                .product(name: "Parecon", package: "Parecon"),
                .product(name: "PareconLinearAlgebra", package: "Parecon"),
            ],
            path: "Sources/scale-run"
        ),
        .executableTarget(
            name: "ScaleBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "ScaleFixture",
                .product(name: "Parecon", package: "Parecon"),
                .product(name: "PareconLinearAlgebra", package: "Parecon"),
            ],
            path: "Benchmarks/ScaleBenchmark",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // An experiment: the round's two passes over V fused into one, block by block.
        .executableTarget(
            name: "fused-pass",
            dependencies: [
                "ScaleFixture",
                .product(name: "PareconLinearAlgebra", package: "Parecon"),
            ],
            path: "Sources/fused-pass"
        ),
        .executableTarget(
            name: "load-speed",
            dependencies: [
                "ScaleFixture",
                .product(name: "Parecon", package: "Parecon"),
            ],
            path: "Sources/load-speed"
        ),
        // The central planner's time next to the participatory procedure's on the same economies.
        .executableTarget(
            name: "central-vs-participatory",
            dependencies: [
                .product(name: "Parecon", package: "Parecon"),
                .product(name: "PareconLinearAlgebra", package: "Parecon"),
            ],
            path: "Sources/central-vs-participatory"
        ),
    ]
)
