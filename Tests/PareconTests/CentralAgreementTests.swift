import Foundation
import Testing
@testable import Parecon

/// The participatory procedure and the central planner reach the same plan: on seeded random
/// economies with CES consumers' councils, constant returns and binding resources, the rounds
/// run to a tolerance of 1e-10 and the central plan agree within 1e-6 (relative).
///
/// What is compared: goods and resource prices (relative to the largest price), every consumers'
/// council's bundle (relative to the largest quantity), welfare, and by good the net supply
/// `Vᵀx` and by resource the use `Bmᵀx`. Activities are compared only for councils with finite
/// elasticity, whose optimal activity is unique (`φ_w` is strictly convex); with constant
/// returns several activity mixes can tie (DESIGN §3), so a constant-returns council's activity
/// is not a property of the optimum — but what the mix supplies, by good and resource, is.
@Suite struct CentralAgreementTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var constantReturns: Double
        var ces: Double
        var tightness: Double
        var testDescription: String { "constant returns \(constantReturns), CES \(ces), resource tightness \(tightness)" }
    }

    static let cases = [
        Case(constantReturns: 0, ces: 0.5, tightness: 0.3),
        Case(constantReturns: 0.5, ces: 0.5, tightness: 0.3),
        Case(constantReturns: 0.5, ces: 1, tightness: 0.1),
        Case(constantReturns: 1, ces: 0.5, tightness: 0.3),
        Case(constantReturns: 1, ces: 1, tightness: 0.6),
    ]

    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 0, 1e-300)
        return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    @Test(arguments: cases)
    func participatoryAndCentralPlansAgree(_ c: Case) throws {
        var resourcesBinding = 0
        for seed in 1...4 {
            let economy = try SyntheticEconomy(
                goods: 6, resources: 2, workersCouncils: 15, consumersCouncils: 5, density: 0.3,
                constantReturnsShare: c.constantReturns, cesShare: c.ces, resourceTightness: c.tightness,
                seed: UInt64(seed)).generate()
            let central = try CentralPlanner().plan(economy).plan
            let participatory = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-10, maxRounds: 1_000_000)).plan(economy)
            #expect(central.status == .converged && participatory.status == .converged, "seed \(seed)")
            let tolerance = 1e-6
            #expect(Self.relativeDifference(participatory.prices, central.prices) <= tolerance, "seed \(seed): prices")
            #expect(Self.relativeDifference(participatory.resourcePrices, central.resourcePrices) <= tolerance, "seed \(seed): resource prices")
            #expect(Self.relativeDifference(participatory.consumption.elements, central.consumption.elements) <= tolerance, "seed \(seed): consumption")
            #expect(abs(participatory.welfare - central.welfare) <= tolerance * abs(central.welfare), "seed \(seed): welfare")
            // Net supply by good, Vᵀx = supply − intermediate use; with the plans' own sums.
            let centralNet = (0..<economy.goodCount).map { central.supply[$0] - (central.use[$0] - Self.finalUse(central, $0)) }
            let participatoryNet = (0..<economy.goodCount).map { participatory.supply[$0] - (participatory.use[$0] - Self.finalUse(participatory, $0)) }
            #expect(Self.relativeDifference(participatoryNet, centralNet) <= tolerance, "seed \(seed): net supply")
            #expect(Self.relativeDifference(participatory.resourceUse, central.resourceUse) <= tolerance, "seed \(seed): resource use")
            for (w, council) in economy.workersCouncils.enumerated() where !council.hasConstantReturns {
                #expect(abs(participatory.activity[w] - central.activity[w]) <= tolerance * council.capacity, "seed \(seed): \(council.id)")
            }
            for r in 0..<economy.resourceCount where central.resourceUse[r] >= economy.resources[r].available * (1 - 1e-9) {
                resourcesBinding += 1
            }
        }
        // The cases are meant to have binding resources: most of them bind.
        #expect(resourcesBinding >= 4)
    }

    static func finalUse(_ plan: Plan, _ good: Int) -> Double {
        (0..<plan.consumption.rows).reduce(0) { $0 + plan.consumption[$1, good] }
    }
}
