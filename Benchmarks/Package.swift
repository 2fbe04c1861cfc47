// swift-tools-version:6.1
//
// Benchmarks for Parecon, in a package of their own so that the main package's `swift build`
// and `swift test` never fetch or build ordo-one/benchmark.
//
//   RoundBenchmark   package-benchmark suite: one planning round vs one dgemv pass
//                    (`swift package benchmark`, run from this directory)
//   round-ratio      plain executable: round / dgemv ratio in one process run
//                    (`swift run -c release round-ratio`)

import PackageDescription

let package = Package(
    name: "PareconBenchmarks",
    products: [
        .executable(name: "round-ratio", targets: ["round-ratio"]),
        .executable(name: "central-vs-participatory", targets: ["central-vs-participatory"]),
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
