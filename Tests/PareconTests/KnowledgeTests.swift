import Foundation
import Testing
import PareconLinearAlgebra
@testable import Parecon

/// A planner who does not know everything: with exact knowledge its plan, carried out by the
/// true councils, has no shortages and loses no welfare; with noisy coefficients it has some.
@Suite struct KnowledgeTests {
    static func randomEconomy(seed: UInt64) throws -> Economy {
        try SyntheticEconomy(goods: 8, resources: 2, workersCouncils: 24, consumersCouncils: 6, density: 0.3,
                             constantReturnsShare: 0.3, cesShare: 0.5, resourceTightness: 0.3, seed: seed).generate()
    }

    @Test(arguments: ["five-goods.json", "leontief.json", "ces-households.json"])
    func exactKnowledgeHasNoShortages(_ name: String) throws {
        let report = try KnowledgeReport.run(truth: try CentralPlannerTests.load(name), knowledge: .exact)
        #expect(report.goodsShort.isEmpty, "\(name): \(report.goodsShort)")
        #expect(report.goodsInSurplus.isEmpty, "\(name): \(report.goodsInSurplus)")
        #expect(report.resourcesOverused.isEmpty)
        #expect(abs(report.welfareLoss) <= 1e-9 * abs(report.optimumWelfare), "\(name): \(report.welfareLoss)")
        #expect(report.summary == "no shortages, no surpluses, no welfare lost.")
    }

    @Test func exactKnowledgeHasNoShortagesOnRandomEconomies() throws {
        for seed in 1...4 {
            let report = try KnowledgeReport.run(truth: try Self.randomEconomy(seed: UInt64(seed)), knowledge: .exact)
            #expect(report.goodsShort.isEmpty && report.resourcesOverused.isEmpty, "seed \(seed)")
            #expect(report.execution.activity == report.optimum.plan.activity, "seed \(seed): nobody is cut back")
            #expect(abs(report.welfareLoss) <= 1e-9 * abs(report.optimumWelfare), "seed \(seed)")
        }
    }

    @Test func noisyKnowledgeProducesShortagesAndLosesWelfare() throws {
        for seed in 1...4 {
            let truth = try Self.randomEconomy(seed: UInt64(seed))
            let report = try KnowledgeReport.run(truth: truth, knowledge: .noise(0.1), seed: UInt64(seed))
            #expect(report.plannersPlan.plan.status == .converged)
            #expect(!report.goodsShort.isEmpty, "seed \(seed): no good short")
            #expect(report.welfareLoss > 0, "seed \(seed): welfare loss \(report.welfareLoss)")
            #expect(report.consumptionEquivalentLoss > 0 && report.consumptionEquivalentLoss < 1)
        }
        // More noise, more loss (on average over seeds).
        func meanLoss(_ s: Double) throws -> Double {
            var total = 0.0
            for seed in 1...4 {
                total += try KnowledgeReport.run(truth: try Self.randomEconomy(seed: UInt64(seed)), knowledge: .noise(s), seed: 7).welfareLoss
            }
            return total / 4
        }
        #expect(try meanLoss(0.02) < meanLoss(0.2))
    }

    /// Outdated coefficients overstate every input: the plan asks for less than the economy
    /// could make, and resources are left unused.
    @Test func staleKnowledgeLeavesResourcesUnused() throws {
        let report = try KnowledgeReport.run(truth: try CentralPlannerTests.load("five-goods.json"), knowledge: .stale(0.2), seed: 3)
        #expect(report.goodsShort.isEmpty)
        #expect(!report.resourcesUnused.isEmpty)
        #expect(report.welfareLoss > 0)
    }

    /// The industry-average planner cannot tell the traditional farm from the mechanised one: it
    /// gives both the same work (both have 400 t of capacity), so the average is right on
    /// aggregate and nothing is short — but labour is wasted on the traditional technique and
    /// welfare is lost.
    @Test func industryAverageCannotChooseTheTechnique() throws {
        let truth = try CentralPlannerTests.load("leontief.json")
        let believed = try PlannerKnowledge.industryAverage.economy(as: truth)
        #expect(believed.workersCouncils[0].uses == believed.workersCouncils[1].uses)
        let report = try KnowledgeReport.run(truth: truth, knowledge: .industryAverage)
        let activity = report.plannersPlan.plan.activity
        #expect(activity[0] > 1 && abs(activity[0] - activity[1]) <= 1e-6 * activity[1])
        #expect(report.goodsShort.isEmpty && report.resourcesOverused.isEmpty)
        #expect(report.consumptionEquivalentLoss > 0.01)
        #expect(report.optimum.plan.activity[0] == 0)
    }

    /// Closed form: two goods, labour 50 h; targets of 33 and 22 units (55 h) are cut back by
    /// 50/55 to 30 and 20, so the town receives 30 of 33 loaves and 20 of 22 m.
    @Test func overusedLabourIsRationedInProportion() throws {
        let economy = try CentralPlannerTests.load("two-goods.json")
        let execution = PlanExecution(economy: economy, plannedActivity: [33, 22],
                                      plannedConsumption: Matrix([[33, 22]]))
        #expect(abs(execution.activity[0] - 30) <= 1e-12 && abs(execution.activity[1] - 20) <= 1e-12)
        #expect(abs(execution.resourceNeeded[0] - 55) <= 1e-12)
        #expect(abs(execution.resourceUsed[0] - 50) <= 1e-12)
        #expect(abs(execution.shortage[0] - 3) <= 1e-12 && abs(execution.shortage[1] - 2) <= 1e-12)
        #expect(abs(execution.plannedBalance[0]) <= 1e-12)
        // Welfare: 120 (½ log 30 + ½ log 20) − 30²/60 − 20²/20.
        let expected = 120 * (0.5 * log(30.0) + 0.5 * log(20.0)) - 900.0 / 60 - 400.0 / 20
        #expect(abs(execution.welfare - expected) <= 1e-12 * abs(expected))
    }

    @Test func knowledgeIsParsed() throws {
        #expect(try PlannerKnowledge(parsing: "exact") == .exact)
        #expect(try PlannerKnowledge(parsing: "industry-average") == .industryAverage)
        #expect(try PlannerKnowledge(parsing: "noise:0.15") == .noise(0.15))
        #expect(try PlannerKnowledge(parsing: "stale:0.1") == .stale(0.1))
        for bad in ["noise", "noise:-1", "noise:x", "stale:0.5", "stale:-0.1", "average", "exact:1", ""] {
            #expect(throws: PlannerKnowledgeError.self, "\(bad)") { try PlannerKnowledge(parsing: bad) }
        }
        #expect(PlannerKnowledge.noise(0.15).description == "noise:0.15")
    }

    /// The same seed gives the same believed economy; noise keeps outputs, capacities and
    /// preferences exact.
    @Test func noiseIsSeededAndTouchesOnlyInputs() throws {
        let truth = try CentralPlannerTests.load("five-goods.json")
        let a = try PlannerKnowledge.noise(0.3).economy(as: truth, seed: 5)
        let b = try PlannerKnowledge.noise(0.3).economy(as: truth, seed: 5)
        let c = try PlannerKnowledge.noise(0.3).economy(as: truth, seed: 6)
        #expect(a.workersCouncils == b.workersCouncils)
        #expect(a.workersCouncils != c.workersCouncils)
        for (w, council) in a.workersCouncils.enumerated() {
            #expect(council.produces == truth.workersCouncils[w].produces)
            #expect(council.capacity == truth.workersCouncils[w].capacity)
            #expect(council.uses.map(\.id) == truth.workersCouncils[w].uses.map(\.id))
        }
        #expect(a.consumersCouncils == truth.consumersCouncils)
    }
}
