import Foundation
import PareconLinearAlgebra
import Testing
@testable import Parecon

/// Calibrated economies (DESIGN §6) from tables built in the test, where every expected number
/// is worked out by hand or from the noise model's moments.
@Suite struct CalibratedEconomyTests {
    /// The hand table of `InputOutputTableTests`: A = [[0.1, 0.1, 0], [0.05, 0, 0.6], [0, 0.05, 0.1]],
    /// x = (100, 200, 50), L = (50, 40, 10), f = (70, 150, 25).
    static func handTable() throws -> InputOutputTable {
        try InputOutputTable(
            sectors: ["A", "B", "C"].map { InputOutputTable.Sector(code: $0) },
            flows: Matrix([[10, 20, 0], [5, 0, 30], [0, 10, 5]]), finalDemand: [70, 150, 25],
            output: [100, 200, 50], labour: [50, 40, 10],
            metadata: .init(name: "hand", money: "£k", labour: "kh"))
    }

    /// A productive table with `n` sectors, seeded, for the statistical tests: each column's
    /// coefficients sum to 0.2–0.6, and some are zero.
    static func wideTable(_ n: Int) throws -> InputOutputTable {
        var random = SeededGenerator(seed: 99)
        let output = (0..<n).map { _ in random.uniform(50, 500) }
        var flows = Matrix(rows: n, columns: n)
        for j in 0..<n {
            let share = random.uniform(0.2, 0.6)
            var column = (0..<n).map { _ in random.uniform() < 0.3 ? 0 : random.uniform(0.1, 1) }
            let total = column.reduce(0, +)
            for i in 0..<n { column[i] *= share * output[j] / total; flows[i, j] = column[i] }
        }
        return try InputOutputTable(
            sectors: (0..<n).map { InputOutputTable.Sector(code: "s\($0)") }, flows: flows,
            finalDemand: (0..<n).map { _ in random.uniform(1, 100) }, output: output,
            labour: (0..<n).map { _ in random.uniform(5, 50) })
    }

    static func jsonBytes(_ economy: Economy) -> [UInt8] { EconomyFileFormat.json.encode(economy) }

    @Test func theSameSeedGivesAByteIdenticalFileAndAnotherSeedAnotherOne() throws {
        let table = try Self.handTable()
        let first = try CalibratedEconomy(table: table, workersCouncilsPerSector: 4, consumersCouncils: 5, heterogeneity: 0.3, seed: 7).generate()
        let second = try CalibratedEconomy(table: table, workersCouncilsPerSector: 4, consumersCouncils: 5, heterogeneity: 0.3, seed: 7).generate()
        let other = try CalibratedEconomy(table: table, workersCouncilsPerSector: 4, consumersCouncils: 5, heterogeneity: 0.3, seed: 8).generate()
        #expect(Self.jsonBytes(first) == Self.jsonBytes(second))
        #expect(CompactEconomyFile.encode(first) == CompactEconomyFile.encode(second))
        #expect(Self.jsonBytes(first) != Self.jsonBytes(other))
        #expect(first.workersCouncilCount == 12 && first.consumersCouncilCount == 5 && first.goodCount == 3)
        #expect(first.workersCouncils.map(\.id).prefix(5) == ["A/w1", "A/w2", "A/w3", "A/w4", "B/w1"])
    }

    /// With no heterogeneity every council has its industry's technology, and the elasticities
    /// follow from hand-computed base surpluses.
    @Test func withoutHeterogeneityCouncilsHaveTheIndustryTechnology() throws {
        let table = try Self.handTable()
        let calibration = CalibratedEconomy(table: table, workersCouncilsPerSector: 2, consumersCouncils: 3, heterogeneity: 0, seed: 1)
        let economy = try calibration.generate()
        // q₀ = θ Σ max(0, x_j − Σ_i Z_ij) / Σ L = 0.5 (85 + 170 + 15) / 100 = 1.35.
        #expect(abs(calibration.baseLabourPrice - 1.35) <= 1e-14)
        #expect(economy.resources.map(\.id) == ["labour"] && economy.resources[0].unit == "kh")
        #expect(abs(economy.resources[0].available - 102) <= 1e-12)
        #expect(economy.goods == [Good(id: "A", unit: "£k"), Good(id: "B", unit: "£k"), Good(id: "C", unit: "£k")])
        let councilA = economy.workersCouncils[0]
        #expect(councilA.produces == [Quantity("A", 1)])
        #expect(councilA.uses == [Quantity("A", 0.1), Quantity("B", 0.05), Quantity("labour", 0.5)])
        // Observed share 50, capacity 52.5; base surplus 1 − 0.15 − 1.35 · 0.5 = 0.175.
        #expect(abs(councilA.capacity - 52.5) <= 1e-12)
        #expect(abs(councilA.elasticity! - 50 / 0.175) <= 1e-9)
        let councilB = economy.workersCouncils[2]
        #expect(councilB.uses == [Quantity("A", 0.1), Quantity("C", 0.05), Quantity("labour", 0.2)])
        // Base surplus 1 − 0.15 − 1.35 · 0.2 = 0.58, observed share 100.
        #expect(abs(councilB.elasticity! - 100 / 0.58) <= 1e-9)
        // Sector C: 1 − 0.7 − 1.35 · 0.2 = 0.03, below the minimum surplus 0.05.
        #expect(abs(economy.workersCouncils[4].elasticity! - 25 / 0.05) <= 1e-9)
        // Allowances split the observed final demand evenly; weights are the shares.
        for council in economy.consumersCouncils {
            #expect(abs(council.allowance - 245.0 / 3) <= 1e-12)
            #expect(council.preferences == .cobbDouglas(weights: [Quantity("A", 70.0 / 245), Quantity("B", 150.0 / 245), Quantity("C", 25.0 / 245)]))
        }
    }

    @Test func capacitiesAddUpToTheMarginAboveObservedOutput() throws {
        let table = try Self.wideTable(12)
        let calibration = CalibratedEconomy(table: table, workersCouncilsPerSector: 7, consumersCouncils: 4, heterogeneity: 0.5, seed: 3)
        let economy = try calibration.generate()
        var capacity = [Double](repeating: 0, count: 12)
        for (w, council) in economy.workersCouncils.enumerated() { capacity[calibration.sector(ofWorkersCouncil: w)] += council.capacity }
        for j in 0..<12 { #expect(abs(capacity[j] / (1.05 * table.output[j]) - 1) <= 1e-12, "sector \(j)") }
        // The allowances add up to the domestic part of final demand (the wide table imports).
        let allowances = economy.consumersCouncils.reduce(0) { $0 + $1.allowance }
        let domesticFinalDemand = zip(table.finalDemand, table.domesticShares).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(table.domesticShares.contains { $0 < 0.9 })
        #expect(abs(allowances / domesticFinalDemand - 1) <= 1e-12)
    }

    /// Aggregate spending shares `Σ_c B_c α̃_ci / Σ_c B_c` (α̃ the scaled weights) against the
    /// observed shares `s_i`. With `α̃_ci = s_i u_ci / D_c`, `D_c = Σ_k s_k u_ck`, `u`, `v` log-normal
    /// with mean 1 and `E[u²] = e^{σ²}`:
    /// - to first order `α̃_ci ≈ s_i u_ci`, and the allowance-weighted mean of `C` such terms has
    ///   relative standard deviation `√((E[v²] E[u²] − 1) / C) = √((e^{2σ²} − 1) / C)`;
    /// - the second-order (delta-method) bias of `u/D` is `Var D − Cov(u_i, D)` with
    ///   `Var D = (e^{σ²} − 1) Σ_k s_k²` and `Cov = s_i (e^{σ²} − 1)`, at most
    ///   `(e^{σ²} − 1)(Σ_k s_k² + s_i)` in size.
    /// The tolerance is 5 standard deviations plus twice that bias bound. The observed shares are
    /// those of the domestic part of final demand, `d_i f_i / Σ_k d_k f_k` (the wide table imports).
    @Test func consumersPreservetheObservedSharesOnAverage() throws {
        let n = 40, councils = 3000, sigma = 0.3
        let table = try Self.wideTable(n)
        let economy = try CalibratedEconomy(table: table, workersCouncilsPerSector: 1, consumersCouncils: councils,
                                            heterogeneity: sigma, seed: 11).generate()
        let domesticFinalDemand = zip(table.finalDemand, table.domesticShares).map { $0 * $1 }
        let shares = domesticFinalDemand.map { $0 / domesticFinalDemand.reduce(0, +) }
        var spending = [Double](repeating: 0, count: n)
        var total = 0.0
        for council in economy.consumersCouncils {
            let weights = PlanningProblem.denseWeights(council.preferences.weights, economy: economy)
            for i in 0..<n { spending[i] += council.allowance * weights[i] }
            total += council.allowance
        }
        let e1 = Foundation.exp(sigma * sigma) - 1, e2 = Foundation.exp(2 * sigma * sigma) - 1
        let sumOfSquares = shares.reduce(0) { $0 + $1 * $1 }
        var largestInSigmas = 0.0
        for i in 0..<n {
            let standardDeviation = shares[i] * (e2 / Double(councils)).squareRoot()
            let tolerance = 5 * standardDeviation + 2 * shares[i] * e1 * (sumOfSquares + shares[i])
            #expect(abs(spending[i] / total - shares[i]) <= tolerance, "good \(i): \(spending[i] / total) against \(shares[i])")
            largestInSigmas = max(largestInSigmas, abs(spending[i] / total - shares[i]) / standardDeviation)
        }
        // The scatter is really there: the shares are not copied.
        #expect(largestInSigmas > 0.5)
    }

    /// The technology scatter is log-normal with the stated σ and mean 1: over all drawn
    /// coefficients, `log(a_ijk / A_ij)` has mean `−σ²/2` and standard deviation `σ`, and each
    /// sector's mean column sum over its councils is its industry's within 5 standard deviations
    /// (`√((e^{σ²} − 1) Σ_i A_ij² / K)`). A factor without the `−σ²/2` would be 4.6 % too high
    /// on average at σ = 0.3 and fail the first check by far. The drawn coefficient of good `i` is
    /// its domestic amount over `d_i` (the wide table imports; with ``CalibratedEconomy/Imports/domestic``
    /// `d = 1`), and a council's `imports` use is what those coefficients leave to imports,
    /// `Σ_i a_ijk (1 − d_i)`.
    @Test(arguments: CalibratedEconomy.Imports.allCases)
    func technologiesScatterLogNormallyAroundTheIndustry(imports: CalibratedEconomy.Imports) throws {
        let n = 30, perSector = 60, sigma = 0.3
        let table = try Self.wideTable(n)
        let calibration = CalibratedEconomy(table: table, workersCouncilsPerSector: perSector, consumersCouncils: 2,
                                            heterogeneity: sigma, seed: 5, imports: imports)
        let economy = try calibration.generate()
        let a = table.technicalCoefficients
        let d = calibration.domesticShares
        #expect(economy.resources.map(\.id) == (imports == .resource ? ["labour", "imports"] : ["labour"]))
        let index = economy.goodIndex
        var logs: [Double] = []
        var columnSums = [Double](repeating: 0, count: n)
        for (w, council) in economy.workersCouncils.enumerated() {
            let j = calibration.sector(ofWorkersCouncil: w)
            var leftToImports = 0.0
            for entry in council.uses {
                if let i = index[entry.id] {
                    let drawn = entry.amount / d[i]
                    logs.append(Foundation.log(drawn / a[i, j]))
                    columnSums[j] += drawn / Double(perSector)
                    leftToImports += drawn * (1 - d[i])
                } else if entry.id == CalibratedEconomy.labourID {
                    logs.append(Foundation.log(entry.amount / table.labourPerUnit[j]))
                }
            }
            let imported = council.uses.first { $0.id == CalibratedEconomy.importsID }?.amount ?? 0
            #expect(abs(imported - leftToImports) <= 1e-12 * max(leftToImports, 1), "\(council.id)")
        }
        let count = Double(logs.count)
        let mean = logs.reduce(0, +) / count
        let deviation = (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)).squareRoot()
        #expect(abs(mean + sigma * sigma / 2) <= 5 * sigma / count.squareRoot(), "mean \(mean)")
        #expect(abs(deviation - sigma) <= 5 * sigma / (2 * count).squareRoot(), "standard deviation \(deviation)")
        let e1 = Foundation.exp(sigma * sigma) - 1
        for j in 0..<n {
            var expected = 0.0, squares = 0.0
            for i in 0..<n { expected += a[i, j]; squares += a[i, j] * a[i, j] }
            let tolerance = 5 * (e1 * squares / Double(perSector)).squareRoot()
            #expect(abs(columnSums[j] - expected) <= tolerance, "sector \(j): \(columnSums[j]) against \(expected)")
        }
    }

    /// The hand table with good A imported: its uses add up to 10 + 20 + 90 = 120 against an
    /// output of 100, so `M_A = 20` and `d_A = 100/120`; B and C are not imported. Labour of C is 5
    /// so that every sector's base surplus is above the minimum: `q₀ = 0.5 · 270 / 95`.
    static func importingTable() throws -> InputOutputTable {
        try InputOutputTable(
            sectors: ["A", "B", "C"].map { InputOutputTable.Sector(code: $0) },
            flows: Matrix([[10, 20, 0], [5, 0, 30], [0, 10, 5]]), finalDemand: [90, 150, 25],
            output: [100, 200, 50], labour: [50, 40, 5],
            metadata: .init(name: "importing", money: "£k", labour: "kh"))
    }

    /// Without scatter, at the table's prices (goods 1, labour `q₀`, imports 1) every council
    /// proposes its observed share, and then each good's domestic use is its domestic share of the
    /// table's use, `d_i (Σ_j Z_ij + f_i)`: the imported good A balances exactly (100 of 100), B and
    /// C are used as in the table (185 of 200, 40 of 50); the councils import `(1 − d_A) · 30 = 5`
    /// and labour and imports are available 2 % above what they use. Read as domestic demand
    /// (``CalibratedEconomy/Imports/domestic``) the same prices ask 120 of A: the imbalance the
    /// resource removes. Proposals and demands by a naive loop over the councils.
    @Test func importsAsAResourceBalanceTheObservedEconomyAtTheTablesPrices() throws {
        let table = try Self.importingTable()
        #expect(abs(table.imports[0] - 20) <= 1e-12 && table.imports[1] == 0 && table.imports[2] == 0)
        for imports in CalibratedEconomy.Imports.allCases {
            let calibration = CalibratedEconomy(table: table, workersCouncilsPerSector: 2, consumersCouncils: 3,
                                                heterogeneity: 0, seed: 4, imports: imports)
            let economy = try calibration.generate()
            let q0 = calibration.baseLabourPrice
            #expect(abs(q0 - 0.5 * 270 / 95) <= 1e-14)
            var supply = [Double](repeating: 0, count: 3), use = [Double](repeating: 0, count: 3)
            var labour = 0.0, imported = 0.0
            let index = economy.goodIndex
            for (w, council) in economy.workersCouncils.enumerated() {
                var surplus = council.produces.reduce(0) { $0 + $1.amount }
                for entry in council.uses {
                    surplus -= entry.amount * (entry.id == CalibratedEconomy.labourID ? q0 : 1)
                }
                let activity = min(max(council.elasticity! * surplus, 0), council.capacity)
                let observed = table.output[calibration.sector(ofWorkersCouncil: w)] / 2
                #expect(abs(activity / observed - 1) <= 1e-12, "\(council.id): \(activity) against \(observed)")
                for entry in council.produces { supply[index[entry.id]!] += activity * entry.amount }
                for entry in council.uses {
                    if let i = index[entry.id] { use[i] += activity * entry.amount }
                    else if entry.id == CalibratedEconomy.labourID { labour += activity * entry.amount }
                    else { imported += activity * entry.amount }
                }
            }
            for council in economy.consumersCouncils {
                let weights = PlanningProblem.denseWeights(council.preferences.weights, economy: economy)
                for i in 0..<3 { use[i] += council.allowance * weights[i] }
            }
            let expectedUse = imports == .resource ? [100.0, 185, 40] : [120.0, 185, 40]
            for i in 0..<3 {
                #expect(abs(supply[i] - table.output[i]) <= 1e-10, "supply of good \(i)")
                #expect(abs(use[i] - expectedUse[i]) <= 1e-10, "\(imports): use of good \(i) \(use[i])")
            }
            #expect(abs(labour - 95) <= 1e-10)
            #expect(abs(economy.resources[0].available - 1.02 * 95) <= 1e-10)
            if imports == .resource {
                #expect(abs(imported - 5) <= 1e-10)
                #expect(economy.resources.map(\.id) == ["labour", "imports"] && economy.resources[1].unit == "£k")
                #expect(abs(economy.resources[1].available - 1.02 * 5) <= 1e-10)
            } else {
                #expect(imported == 0 && economy.resources.count == 1)
            }
        }
    }

    @Test func badParametersAreReportedByName() throws {
        let table = try Self.handTable()
        let calibration = CalibratedEconomy(table: table, workersCouncilsPerSector: 0, consumersCouncils: -1, heterogeneity: .nan)
        #expect(calibration.problems() == [
            "workersCouncilsPerSector must be at least 1, found 0",
            "consumersCouncils must be at least 1, found -1",
            "heterogeneity must be between 0 and 3 (a log-normal standard deviation), found NaN",
        ])
        #expect(throws: EconomyError.self) { try calibration.generate() }
    }

    /// A calibrated economy of the hand table plans to convergence and its plan meets the
    /// optimality conditions of the planning programme.
    @Test func aCalibratedEconomyPlansToAnOptimalPlan() throws {
        let economy = try CalibratedEconomy(table: try Self.handTable(), workersCouncilsPerSector: 3, consumersCouncils: 4,
                                            heterogeneity: 0.2, seed: 2).generate()
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-6)).plan(economy)
        #expect(plan.status == .converged, "\(plan.status) after \(plan.rounds) rounds")
        let check = OptimalityConditions(economy: economy, plan: plan, tolerance: 1e-6)
        #expect(check.violations.isEmpty, "\(check.violations.prefix(5))")
    }
}

/// The generator's own `exp`, `log` and normal draws, against the C library and the normal
/// distribution's moments.
@Suite struct DeterministicMathTests {
    @Test func expAndLogAgreeWithTheCLibrary() {
        var random = SeededGenerator(seed: 4)
        for _ in 0..<20_000 {
            let x = random.uniform(-700, 700)
            #expect(abs(DeterministicMath.exp(x) / Foundation.exp(x) - 1) <= 1e-15, "exp(\(x))")
            let y = Foundation.exp(random.uniform(-700, 700))
            #expect(abs(DeterministicMath.log(y) - Foundation.log(y)) <= 4e-16 * max(1, abs(Foundation.log(y))), "log(\(y))")
        }
        // exp(log x) = x up to the rounding of log x, amplified by |log x|.
        for x in [1e-300, 0.5, 1, 2, 1e300] {
            #expect(abs(DeterministicMath.exp(DeterministicMath.log(x)) / x - 1) <= 2e-15 * max(1, abs(Foundation.log(x))), "\(x)")
        }
        #expect(DeterministicMath.exp(0) == 1 && DeterministicMath.log(1) == 0)
        #expect(DeterministicMath.exp(800) == .infinity && DeterministicMath.exp(-800) == 0)
        #expect(DeterministicMath.log(0) == -.infinity && DeterministicMath.log(-1).isNaN)
    }

    /// Mean 0 and variance 1 within 5 standard errors (`1/√N` and `√(2/N)`), the share of draws
    /// beyond ±1.96 near 5 % (binomial standard error), and consecutive draws (the two of a
    /// polar pair among them) uncorrelated within `5/√N`.
    @Test func normalDrawsHaveTheNormalMoments() {
        var random = SeededGenerator(seed: 12)
        var draws = DeterministicMath.NormalDraws()
        let count = 200_000
        var sum = 0.0, squares = 0.0, lagged = 0.0, beyond = 0, previous = 0.0
        for _ in 0..<count {
            let z = draws.next(&random)
            sum += z
            squares += z * z
            lagged += z * previous
            previous = z
            if abs(z) > 1.959964 { beyond += 1 }
        }
        let n = Double(count)
        #expect(abs(sum / n) <= 5 / n.squareRoot())
        #expect(abs(squares / n - 1) <= 5 * (2 / n).squareRoot())
        #expect(abs(lagged / n) <= 5 / n.squareRoot())
        #expect(abs(Double(beyond) / n - 0.05) <= 5 * (0.05 * 0.95 / n).squareRoot())
        #expect(abs(DeterministicMath.normal(&random)) < 10)
    }
}
