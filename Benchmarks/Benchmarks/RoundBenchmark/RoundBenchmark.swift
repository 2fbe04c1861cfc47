// One planning round next to one dgemv pass over the same W × n technology matrix.
//
//   round/WxN    PlanningRounds.collectProposals() + movePrices() (two passes over V, plus O(W + n))
//   dgemv/WxN    BLAS.gemv, no transpose:  W-vector ← V · n-vector   (the pass in collectProposals)
//   dgemvT/WxN   BLAS.gemv, transposed:    n-vector ← Vᵀ · W-vector  (the pass in the board's sums)
//
// W = workers' councils, N = goods. The economy (and its PlanningRounds) is built once per size,
// in `setup`, outside the measured region. Run from Benchmarks/:
//
//   swift package benchmark                                   # all sizes
//   swift package benchmark --filter '.*/10000x400'           # the quick size only

import Benchmark
import Foundation
import RoundFixture

/// Fixtures by size, built on first use (in a benchmark's setup) and kept for the process.
final class Fixtures: @unchecked Sendable {
    static let shared = Fixtures()
    private let lock = NSLock()
    private var built: [RoundSize: RoundFixture] = [:]

    func fixture(_ size: RoundSize) -> RoundFixture {
        lock.lock()
        defer { lock.unlock() }
        if let fixture = built[size] { return fixture }
        do {
            let fixture = try RoundFixture(size)
            built[size] = fixture
            return fixture
        } catch {
            fatalError("could not build the \(size) economy: \(error)")
        }
    }

    func release(_ size: RoundSize) {
        lock.lock()
        defer { lock.unlock() }
        built[size] = nil
    }
}

let benchmarks: @Sendable () -> Void = {
    // Control: what the harness itself counts for an empty measured region.
    Benchmark("empty", configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 500)) { benchmark in
        benchmark.startMeasurement()
        benchmark.stopMeasurement()
    }

    let sizes = [
        RoundSize(workersCouncils: 10_000, goods: 400),
        RoundSize(workersCouncils: 100_000, goods: 400),
    ]
    for size in sizes {
        // The large size is ~320 MB per matrix pass (tens of ms); a few dozen samples suffice.
        let large = size.workersCouncils * size.goods >= 10_000_000
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .mallocCountTotal],
            timeUnits: .microseconds,
            warmupIterations: 3,
            maxDuration: .seconds(large ? 5 : 2),
            maxIterations: large ? 60 : 500,
            setup: { _ = Fixtures.shared.fixture(size) }
        )

        Benchmark("round/\(size)", configuration: configuration) { benchmark in
            let fixture = Fixtures.shared.fixture(size)
            benchmark.startMeasurement()
            fixture.round()
            benchmark.stopMeasurement()
        }

        Benchmark("round-accelerated/\(size)", configuration: configuration) { benchmark in
            let fixture = Fixtures.shared.fixture(size)
            _ = fixture.acceleratedRounds
            benchmark.startMeasurement()
            fixture.acceleratedRound()
            benchmark.stopMeasurement()
        }

        Benchmark("round-newton/\(size)", configuration: configuration) { benchmark in
            let fixture = Fixtures.shared.fixture(size)
            _ = fixture.newtonRounds
            benchmark.startMeasurement()
            fixture.newtonRound()
            benchmark.stopMeasurement()
        }

        Benchmark("dgemv/\(size)", configuration: configuration) { benchmark in
            let fixture = Fixtures.shared.fixture(size)
            benchmark.startMeasurement()
            fixture.gemv()
            benchmark.stopMeasurement()
            blackHole(fixture.surplus[0])
        }

        Benchmark("dgemvT/\(size)", configuration: configuration) { benchmark in
            let fixture = Fixtures.shared.fixture(size)
            benchmark.startMeasurement()
            fixture.gemvT()
            benchmark.stopMeasurement()
            blackHole(fixture.netSupply[0])
        }
    }
}
