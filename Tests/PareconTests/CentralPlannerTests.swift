import Foundation
import Testing
import _TestSupport
import PareconLinearAlgebra
@testable import Parecon

/// The central planner's optimum satisfies the optimality conditions of DESIGN §3 to 1e-9,
/// checked by the independent naive-loop checker (``OptimalityConditions``), closed forms and
/// Gaussian elimination.
@Suite struct CentralPlannerTests {
    static let plansFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("plans")

    static func load(_ name: String) throws -> Economy {
        try EconomyFile.load(path: plansFolder.appendingPathComponent(name).path)
    }

    @Test(arguments: ["two-goods.json", "five-goods.json", "leontief.json", "ces-households.json", "design-example.json"])
    func everyExampleIsOptimalTo1e9(_ name: String) throws {
        let economy = try Self.load(name)
        let result = try CentralPlanner().plan(economy)
        #expect(result.plan.status == .converged, "\(name): \(result.plan.status) after \(result.plan.rounds) iterations")
        #expect(result.plan.mode == .central)
        #expect(result.residuals.largest <= 1e-9, "\(name): \(result.residuals)")
        #expect(result.plan.rounds <= 30, "\(name): \(result.plan.rounds) iterations")
        let check = OptimalityConditions(economy: economy, plan: result.plan, tolerance: 1e-9)
        #expect(check.violations.isEmpty, "\(name): \(check.violations)")
    }

    /// plans/README.md: bread 2, cloth 3, labour 1; 30 loaves and 20 m.
    @Test func twoGoodsMatchesTheClosedForm() throws {
        let plan = try CentralPlanner().plan(try Self.load("two-goods.json")).plan
        #expect(abs(plan.prices[0] - 2) <= 2e-9)
        #expect(abs(plan.prices[1] - 3) <= 3e-9)
        #expect(abs(plan.resourcePrices[0] - 1) <= 1e-9)
        #expect(abs(plan.activity[0] - 30) <= 30e-9)
        #expect(abs(plan.activity[1] - 20) <= 20e-9)
        #expect(abs(plan.consumption[0, 0] * plan.prices[0] + plan.consumption[0, 1] * plan.prices[1] - 120) <= 1e-9)
    }

    /// Constant returns, a choice of technique and one binding resource: prices are labour
    /// values (Gaussian elimination on the mechanised technology), the traditional farm is idle,
    /// and gross outputs are `(I − A)⁻¹ f` for the demands at those prices.
    @Test func leontiefPricesAreLabourValues() throws {
        let economy = try Self.load("leontief.json")
        let plan = try CentralPlanner().plan(economy).plan
        let a: [[Double]] = [[0, 0.1, 0.2], [0.3, 0.2, 0.1], [0, 0, 0]]
        let labour = [0.8, 3.0, 1.0]
        let iMinusAT = (0..<3).map { i in (0..<3).map { j in (i == j ? 1 : 0) - a[j][i] } }
        let values = naiveSolve(iMinusAT, labour)
        #expect(abs(plan.resourcePrices[0] - 1) <= 1e-9)
        for i in 0..<3 { #expect(abs(plan.prices[i] - values[i]) <= 1e-9 * values[i]) }
        var f = [0.0, 0, 0]
        for council in economy.consumersCouncils {
            let d = economy.demand(of: council, at: values)
            for i in 0..<3 { f[i] += d[i] }
        }
        let iMinusA = (0..<3).map { i in (0..<3).map { j in (i == j ? 1 : 0) - a[i][j] } }
        let x = naiveSolve(iMinusA, f)
        #expect(plan.activity[0] == 0)
        for i in 0..<3 { #expect(abs(plan.activity[i + 1] - x[i]) <= 1e-8 * x[i], "\(i): \(plan.activity[i + 1]) vs \(x[i])") }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var constantReturns: Double
        var ces: Double
        var tightness: Double
        var testDescription: String { "constant returns \(constantReturns), CES \(ces), resource tightness \(tightness)" }
    }

    static let cases = [
        Case(constantReturns: 0, ces: 0, tightness: 0.6),
        Case(constantReturns: 0, ces: 1, tightness: 0.3),
        Case(constantReturns: 0.5, ces: 0.5, tightness: 0.1),
        Case(constantReturns: 1, ces: 0.5, tightness: 0.3),
        Case(constantReturns: 1, ces: 0, tightness: 2),   // resources slack, capacities bind
    ]

    @Test(arguments: cases)
    func randomEconomiesAreOptimalTo1e9(_ c: Case) throws {
        for seed in 1...6 {
            let economy = try SyntheticEconomy(
                goods: 5 + seed, resources: 2, workersCouncils: 12 + 3 * seed, consumersCouncils: 5, density: 0.3,
                constantReturnsShare: c.constantReturns, cesShare: c.ces, resourceTightness: c.tightness,
                seed: UInt64(seed)).generate()
            let result = try CentralPlanner().plan(economy)
            #expect(result.plan.status == .converged, "seed \(seed): \(result.plan.status) after \(result.plan.rounds)")
            #expect(result.residuals.largest <= 1e-9, "seed \(seed): \(result.residuals)")
            let check = OptimalityConditions(economy: economy, plan: result.plan, tolerance: 1e-9)
            #expect(check.violations.isEmpty, "seed \(seed): \(check.violations.prefix(5))")
        }
    }

    /// The checker is not trivially satisfied: a plan stopped early violates it.
    @Test func anUnfinishedPlanFailsTheCheck() throws {
        let economy = try Self.load("five-goods.json")
        let result = try CentralPlanner(settings: CentralSettings(maxIterations: 3)).plan(economy)
        #expect(result.plan.status == .maxRounds)
        #expect(result.residuals.largest > 1e-6)
        #expect(!OptimalityConditions(economy: economy, plan: result.plan, tolerance: 1e-9).violations.isEmpty)
    }

    @Test func theObserverSeesEveryIteration() throws {
        var seen: [Int] = []
        let result = try CentralPlanner().plan(try Self.load("five-goods.json")) { seen.append($0.iteration) }
        #expect(seen == Array(0...result.plan.rounds))
        #expect(result.iterations.count == seen.count)
        #expect(result.plan.history.count == seen.count)
    }

    /// Two goods: each workers' council reports its output, labour, capacity and elasticity (4),
    /// the town its two weights and allowance (3), labour its availability (1): 12 numbers in;
    /// out, two activity targets and the town's two quantities.
    @Test func numbersCommunicated() throws {
        let result = try CentralPlanner().plan(try Self.load("two-goods.json"))
        #expect(result.numbersReceived == 12)
        #expect(result.targetsSent == 4)
        #expect(result.plan.pricesPublished == 0)
    }

    @Test func unusableSettingsAreReported() throws {
        let economy = try Self.load("two-goods.json")
        #expect(throws: CentralPlanningError.self) { try CentralPlanner(settings: CentralSettings(tolerance: 0)).plan(economy) }
        #expect(throws: CentralPlanningError.self) { try CentralPlanner(settings: CentralSettings(stepFraction: 1)).plan(economy) }
        let problems = CentralSettings(tolerance: -1, maxIterations: 0, blockRows: 0).problems()
        #expect(problems.count == 3)
    }

    /// The normal matrix assembled block by block with `dsyrk` (blocks of 3 rows), with the
    /// consumers' curvature, against naive loops and a finite-difference Jacobian of the demands.
    @Test func theNormalMatrixMatchesNaiveLoops() throws {
        let economy = try SyntheticEconomy(goods: 5, resources: 2, workersCouncils: 11, consumersCouncils: 6, density: 0.5,
                                           constantReturnsShare: 0.5, cesShare: 0.6, seed: 4).generate()
        let problem = PlanningProblem(economy)
        let method = InteriorPointMethod(problem: problem, settings: CentralSettings(blockRows: 3))
        for i in 0..<problem.goodCount { method.p[i] = 0.7 + 0.1 * Double(i) }
        method.evaluate()
        try method.assembleAndFactor(iteration: 1)
        let n = problem.goodCount, m = problem.resourceCount, order = n + m
        // Naive: Σ_w θ_w M_w M_wᵀ + diag(s/p, s_r/q) + H, H = −∂D/∂p by central differences.
        var expected = [[Double]](repeating: [Double](repeating: 0, count: order), count: order)
        for w in 0..<problem.workersCouncilCount {
            let theta = 1 / (problem.inverseElasticity[w] + method.lower[w] / method.x[w]
                             + method.upper[w] / (problem.capacity[w] - method.x[w]))
            let row = (0..<n).map { problem.netOutput[w, $0] } + (0..<m).map { -problem.resourceUse[w, $0] }
            for i in 0..<order { for j in 0..<order { expected[i][j] += theta * row[i] * row[j] } }
        }
        for i in 0..<n { expected[i][i] += method.goodsSlack[i] / method.p[i] }
        for r in 0..<m { expected[n + r][n + r] += method.resourceSlack[r] / method.q[r] }
        func totalDemand(_ p: [Double]) -> [Double] {
            var total = [Double](repeating: 0, count: n)
            for council in economy.consumersCouncils {
                let d = economy.demand(of: council, at: p)
                for i in 0..<n { total[i] += d[i] }
            }
            return total
        }
        for j in 0..<n {
            let h = 1e-6 * method.p[j]
            var up = method.p, down = method.p
            up[j] += h
            down[j] -= h
            let dUp = totalDemand(up), dDown = totalDemand(down)
            for i in 0..<n { expected[i][j] -= (dUp[i] - dDown[i]) / (2 * h) }
        }
        for i in 0..<order {
            for j in 0..<order {
                let scale = max(1, abs(expected[i][j]))
                #expect(abs(method.normalMatrix[i * order + j] - expected[i][j]) <= 1e-6 * scale, "K[\(i), \(j)]")
            }
        }
    }

    /// The new LAPACK wrappers: Cholesky factor and solve, and `LDLᵀ` on an indefinite matrix,
    /// against Gaussian elimination.
    @Test func symmetricSolversMatchGaussianElimination() throws {
        let spd: [[Double]] = [[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]]
        let indefinite: [[Double]] = [[1, 2, 0], [2, -1, 1], [0, 1, -3]]
        let b = [1.0, -2, 3]
        var factor = spd.flatMap { $0 }
        var x = b
        try factor.withUnsafeMutableBufferPointer { (f) throws(LinearAlgebraError) in
            try LAPACK.choleskyFactorUpper(order: 3, a: f.baseAddress!)
        }
        try factor.withUnsafeBufferPointer { (f) throws(LinearAlgebraError) in
            try x.withUnsafeMutableBufferPointer { (xp) throws(LinearAlgebraError) in
                try LAPACK.choleskySolveUpper(order: 3, factor: f.baseAddress!, b: xp.baseAddress!)
            }
        }
        let reference = naiveSolve(spd, b)
        for i in 0..<3 { #expect(abs(x[i] - reference[i]) <= 1e-14 * max(1, abs(reference[i]))) }

        var notPositive = indefinite.flatMap { $0 }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: 2)) {
            try notPositive.withUnsafeMutableBufferPointer { (f) throws(LinearAlgebraError) in
                try LAPACK.choleskyFactorUpper(order: 3, a: f.baseAddress!)
            }
        }
        var rhs = Matrix(rows: 3, columns: 1, elements: b)
        try LAPACK.symmetricIndefiniteSolve(a: Matrix(indefinite), b: &rhs)
        let indefiniteReference = naiveSolve(indefinite, b)
        for i in 0..<3 { #expect(abs(rhs.elements[i] - indefiniteReference[i]) <= 1e-14 * max(1, abs(indefiniteReference[i]))) }
        var singular = Matrix(rows: 3, columns: 1, elements: b)
        #expect(throws: LinearAlgebraError.self) {
            try LAPACK.symmetricIndefiniteSolve(a: Matrix([[1, 1, 0], [1, 1, 0], [0, 0, 0]]), b: &singular)
        }
    }
}
