// swift-tools-version:6.1
//
// Parecon — participatory economic planning on a BLAS/LAPACK core.
//
// Targets, from the bottom up:
//   CBLAS, CLAPACKE        system libraries (Debian: libopenblas-dev, liblapacke-dev)
//   PareconLinearAlgebra   the only module that imports the C libraries
//   Parecon                economies, councils, the facilitation board, the planning rounds
//   PareconCLI             the thin `parecon` executable
//
// The package-benchmark dependency lives in Benchmarks/Package.swift so that `swift test`
// does not build it.

import PackageDescription

// MARK: - System libraries

let systemLibraries: [Target] = [
    .systemLibrary(
        name: "CBLAS",
        pkgConfig: "openblas",
        providers: [.apt(["libopenblas-dev"])]
    ),
    .systemLibrary(
        name: "CLAPACKE",
        providers: [.apt(["liblapacke-dev"])]
    ),
]

// MARK: - Libraries and executable

let libraries: [Target] = [
    .target(
        name: "PareconLinearAlgebra",
        dependencies: ["CBLAS", "CLAPACKE"]
    ),
    .target(
        name: "Parecon",
        dependencies: ["PareconLinearAlgebra"]
    ),
    .executableTarget(
        name: "PareconCLI",
        dependencies: [
            "Parecon",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]
    ),
]

// MARK: - Tests

let tests: [Target] = [
    // Shared test helpers (naive reference solvers, a seeded generator); not public API.
    .target(name: "_TestSupport", dependencies: ["PareconLinearAlgebra"], path: "Tests/_TestSupport"),
    .testTarget(name: "PareconLinearAlgebraTests", dependencies: ["PareconLinearAlgebra", "_TestSupport"]),
    .testTarget(name: "PareconTests", dependencies: ["Parecon", "PareconLinearAlgebra", "_TestSupport"]),
    .testTarget(name: "PareconCLITests", dependencies: ["PareconCLI"]),
]

let package = Package(
    name: "Parecon",
    products: [
        .library(name: "Parecon", targets: ["Parecon"]),
        .library(name: "PareconLinearAlgebra", targets: ["PareconLinearAlgebra"]),
        .executable(name: "parecon", targets: ["PareconCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: systemLibraries + libraries + tests
)
