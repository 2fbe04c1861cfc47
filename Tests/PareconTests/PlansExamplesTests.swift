import Foundation
import Testing
@testable import Parecon
import _TestSupport

/// Every example in `plans/` reaches the outcome that `plans/README.md` states for it.
@Suite struct PlansExamplesTests {
    static let plansFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("plans")

    static func load(_ name: String) throws -> Economy {
        try EconomyFile.load(path: plansFolder.appendingPathComponent(name).path)
    }

    @Test(arguments: ["two-goods.json", "five-goods.json", "leontief.json", "ces-households.json", "design-example.json"],
          BoardKind.allCases)
    func everyExampleConvergesToAnOptimalPlan(_ name: String, board: BoardKind) throws {
        let economy = try Self.load(name)
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(board: board)).plan(economy)
        #expect(plan.status == .converged, "\(name), \(board): \(plan.status) after \(plan.rounds) rounds")
        let check = OptimalityConditions(economy: economy, plan: plan, tolerance: 1e-6)
        #expect(check.violations.isEmpty, "\(name): \(check.violations)")
    }

    @Test func fiveGoodsBindsLabourAndWater() throws {
        let economy = try Self.load("five-goods.json")
        let plan = try ParticipatoryPlanner().plan(economy)
        for r in 0..<2 {
            #expect(plan.resourcePrices[r] > 0.1)
            #expect(abs(plan.resourceUse[r] / economy.resources[r].available - 1) <= 1e-6)
        }
        for (w, council) in economy.workersCouncils.enumerated() { #expect(plan.activity[w] < council.capacity) }
    }

    /// Labour values by naive Gaussian elimination on the mechanised technology, and gross
    /// outputs `(I − A)⁻¹ f` for the consumers' closed-form demands at those prices.
    @Test func leontiefPricesAreLabourValues() throws {
        let economy = try Self.load("leontief.json")
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-9)).plan(economy)
        #expect(plan.status == .converged)
        // Columns: food, steel, cloth. A[i][j] = input of good i per unit of good j.
        let a: [[Double]] = [[0, 0.1, 0.2], [0.3, 0.2, 0.1], [0, 0, 0]]
        let labour = [0.8, 3.0, 1.0]
        // p = pA + l q  ⇔  (I − A)ᵀ p = l q, with q = total allowance / labour available = 1.
        let q = 1000.0 / 1000.0
        let iMinusAT = (0..<3).map { i in (0..<3).map { j in (i == j ? 1 : 0) - a[j][i] } }
        let values = naiveSolve(iMinusAT, labour.map { $0 * q })
        #expect(abs(plan.resourcePrices[0] - q) <= 1e-6)
        for i in 0..<3 { #expect(abs(plan.prices[i] - values[i]) <= 1e-6 * values[i]) }
        // Final demand at those prices, then gross outputs.
        var f = [0.0, 0, 0]
        for council in economy.consumersCouncils {
            let d = economy.demand(of: council, at: values)
            for i in 0..<3 { f[i] += d[i] }
        }
        let iMinusA = (0..<3).map { i in (0..<3).map { j in (i == j ? 1 : 0) - a[i][j] } }
        let x = naiveSolve(iMinusA, f)
        let activity = Dictionary(uniqueKeysWithValues: zip(economy.workersCouncils.map(\.id), plan.activity))
        #expect(activity["farm-traditional"]! <= 1e-6)
        #expect(abs(activity["farm-mechanised"]! - x[0]) <= 1e-6 * x[0])
        #expect(abs(activity["steelworks"]! - x[1]) <= 1e-6 * x[1])
        #expect(abs(activity["textile-mill"]! - x[2]) <= 1e-6 * x[2])
        #expect(abs(values[0] - 2) < 1e-12 && abs(values[1] - 4) < 1e-12 && abs(values[2] - 1.8) < 1e-12)
    }

    @Test func cesHouseholdsSpendTheirAllowanceAndSubstitute() throws {
        let economy = try Self.load("ces-households.json")
        let plan = try ParticipatoryPlanner().plan(economy)
        #expect(plan.resourcePrices[0] > 0)
        #expect(abs(plan.resourceUse[0] / 250 - 1) <= 1e-6)
        // Housing is the dearest good; the substitutes council (σ = 2.5) takes less of it.
        #expect(plan.prices[0] == plan.prices.max())
        #expect(plan.consumption[1, 0] < plan.consumption[0, 0] / 2)
    }
}
