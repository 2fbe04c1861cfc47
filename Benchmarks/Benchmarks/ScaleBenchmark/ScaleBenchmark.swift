// Planning rounds of economies at scale, next to the memory-bandwidth bound of a round.
//
//   round/<economy>/<board>   one round (PlanningRounds.collectProposals() + movePrices()) with each
//                             board that BoardKind.allCases holds in this build
//   bound/<economy>           one dgemv plus one transposed dgemv over a matrix of the technology
//                             matrix's shape: the two passes a round makes over V
//   load/<economy>            loading the economy's compact file (written once in setup)
//
// Economies, each with about 10^5 workers' councils: calibrated from the WIOD 2016 US table (55
// sectors × 1818 councils), the BEA summary (71 × 1409) and detail (402 × 249) tables in
// ../shared/data/io — left out, with a note on stderr, when that folder is absent — and the
// synthetic 400 goods × 10^5 economy. Everything is built in `setup`, outside the measured regions.
// Run from Benchmarks/:
//
//   swift package benchmark --target ScaleBenchmark
//   swift package benchmark --target ScaleBenchmark --filter '.*bea-detail.*'
//
// The plan-to-convergence table (rounds to 1e-6, total time, peak memory, the numpy peer) is
// scripts/benchmark-table.py's, one process per economy and board.

import Benchmark
import Foundation
import Parecon
import PareconLinearAlgebra
import ScaleFixture

/// An economy of the suite, built on first use and kept for the process.
final class ScaleEconomies: @unchecked Sendable {
    static let shared = ScaleEconomies()
    private let lock = NSLock()
    private var economies: [String: Economy] = [:]
    private var rounds: [String: PlanningRounds] = [:]
    private var files: [String: String] = [:]
    private var matrices: [String: BoundFixture] = [:]

    static let io = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data/io").standardizedFileURL.path

    static var haveTables: Bool { FileManager.default.fileExists(atPath: io + "/wiod16_usa_2014/table.csv") }

    static let all: [(name: String, source: ScaleEconomy, needsTables: Bool)] = [
        ("wiod16", .calibrated(folder: io + "/wiod16_usa_2014", workersCouncilsPerSector: 1818, consumersCouncils: 1000, heterogeneity: 0.2, seed: 1), true),
        ("bea-summary", .calibrated(folder: io + "/bea_summary_2017", workersCouncilsPerSector: 1409, consumersCouncils: 1000, heterogeneity: 0.2, seed: 1), true),
        ("bea-detail", .calibrated(folder: io + "/bea_detail_2017", workersCouncilsPerSector: 249, consumersCouncils: 1000, heterogeneity: 0.2, seed: 1), true),
        ("synthetic-400x100000", .synthetic(goods: 400, workersCouncils: 100_000, consumersCouncils: 1000, density: 0.05, seed: 1), false),
    ]

    func economy(_ name: String) -> Economy {
        lock.lock()
        defer { lock.unlock() }
        if let economy = economies[name] { return economy }
        guard let entry = Self.all.first(where: { $0.name == name }) else { fatalError("no economy \(name)") }
        do {
            let economy = try entry.source.build()
            economies[name] = economy
            return economy
        } catch {
            fatalError("could not build \(name): \(error)")
        }
    }

    func rounds(_ name: String, _ board: BoardKind) -> PlanningRounds {
        let economy = self.economy(name)
        lock.lock()
        defer { lock.unlock() }
        let key = "\(name)/\(board.rawValue)"
        if let built = rounds[key] { return built }
        var settings = PlanningSettings()
        settings.board = board
        let built = try! PlanningRounds(economy: economy, settings: settings)
        rounds[key] = built
        return built
    }

    /// The economy's compact file, written once to the temporary folder.
    func file(_ name: String) -> String {
        let economy = self.economy(name)
        lock.lock()
        defer { lock.unlock() }
        if let path = files[name] { return path }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-scale-\(name).peb").path
        try! CompactEconomyFile.write(economy, to: path)
        files[name] = path
        return path
    }

    /// A W × n matrix and the vectors of its two passes.
    func boundMatrix(_ name: String) -> BoundFixture {
        let economy = self.economy(name)
        lock.lock()
        defer { lock.unlock() }
        if let built = matrices[name] { return built }
        let built = BoundFixture(rows: economy.workersCouncilCount, columns: economy.goodCount)
        matrices[name] = built
        return built
    }
}

/// A W × n matrix (values in [−0.25, 0.75)) and the vectors of the two passes a round makes:
/// `y ← V x` and `z ← Vᵀ u`, written in place (no copy in the measured region).
final class BoundFixture: @unchecked Sendable {
    let matrix: Matrix
    let x: [Double], u: [Double]
    var y: [Double], z: [Double]

    init(rows: Int, columns: Int) {
        var state: UInt64 = 1
        matrix = Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53 - 0.25
        })
        x = [Double](repeating: 1, count: columns)
        u = [Double](repeating: 0.5, count: rows)
        y = [Double](repeating: 0, count: rows)
        z = [Double](repeating: 0, count: columns)
    }

    @inline(never)
    func passes() {
        BLAS.gemv(.none, alpha: 1, a: matrix, x: x, beta: 0, y: &y)
        BLAS.gemv(.transposed, alpha: 1, a: matrix, x: u, beta: 0, y: &z)
    }
}

let benchmarks: @Sendable () -> Void = {
    if !ScaleEconomies.haveTables {
        FileHandle.standardError.write(Data("ScaleBenchmark: \(ScaleEconomies.io) is absent; the calibrated economies are left out\n".utf8))
    }
    for entry in ScaleEconomies.all where !entry.needsTables || ScaleEconomies.haveTables {
        let name = entry.name
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .mallocCountTotal],
            timeUnits: .microseconds,
            warmupIterations: 2,
            maxDuration: .seconds(5),
            maxIterations: 50,
            setup: { _ = ScaleEconomies.shared.economy(name) }
        )
        for board in BoardKind.allCases {
            Benchmark("round/\(name)/\(board.rawValue)", configuration: configuration) { benchmark in
                let rounds = ScaleEconomies.shared.rounds(name, board)
                benchmark.startMeasurement()
                rounds.collectProposals()
                rounds.movePrices()
                benchmark.stopMeasurement()
            }
        }
        Benchmark("bound/\(name)", configuration: configuration) { benchmark in
            let fixture = ScaleEconomies.shared.boundMatrix(name)
            benchmark.startMeasurement()
            fixture.passes()
            benchmark.stopMeasurement()
            blackHole(fixture.y[0] + fixture.z[0])
        }
        Benchmark("load/\(name)", configuration: .init(metrics: [.wallClock, .peakMemoryResidentDelta], timeUnits: .milliseconds,
                                                       warmupIterations: 0, maxDuration: .seconds(20), maxIterations: 3,
                                                       setup: { _ = ScaleEconomies.shared.file(name) })) { benchmark in
            let path = ScaleEconomies.shared.file(name)
            benchmark.startMeasurement()
            let economy = try! EconomyFileFormat.load(path: path)
            benchmark.stopMeasurement()
            blackHole(economy.workersCouncilCount)
        }
    }
}
