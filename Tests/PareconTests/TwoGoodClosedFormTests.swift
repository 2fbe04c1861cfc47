import Testing
@testable import Parecon

/// The two-good economy of `plans/two-goods.json`, derived by hand in `plans/README.md`:
/// bread and cloth each take one hour of labour per unit; labour (50 h) binds.
///
///     x_bread = k_b (p_b − q),  d_bread = B α / p_b  ⇒  p_b = (q + √(q² + 4Bα/k_b)) / 2
///     x_cloth = k_c (p_c − q),  d_cloth = B (1−α) / p_c
///     x_bread + x_cloth = R
///
/// With B = 120, α = 1/2, k_b = 30, k_c = 10, R = 50: q = 1, p_b = 2, p_c = 3, x = (30, 20).
@Suite struct TwoGoodClosedFormTests {
    static func economy() throws -> Economy {
        try Economy(
            name: "Bread and cloth",
            goods: [Good(id: "bread", unit: "loaves"), Good(id: "cloth", unit: "m")],
            resources: [PrimaryResource(id: "labour", unit: "h", available: 50)],
            workersCouncils: [
                WorkersCouncil(id: "bakery", produces: [Quantity("bread", 1)], uses: [Quantity("labour", 1)], capacity: 1000, elasticity: 30),
                WorkersCouncil(id: "weavery", produces: [Quantity("cloth", 1)], uses: [Quantity("labour", 1)], capacity: 1000, elasticity: 10),
            ],
            consumersCouncils: [
                ConsumersCouncil(id: "town", allowance: 120, preferences: .cobbDouglas(weights: [Quantity("bread", 1), Quantity("cloth", 1)])),
            ])
    }

    @Test func reproducesTheHandDerivedPlan() throws {
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-10)).plan(Self.economy())
        #expect(plan.status == .converged)
        #expect(abs(plan.prices[0] - 2) <= 1e-6 * 2)
        #expect(abs(plan.prices[1] - 3) <= 1e-6 * 3)
        #expect(abs(plan.resourcePrices[0] - 1) <= 1e-6)
        #expect(abs(plan.activity[0] - 30) <= 1e-6 * 30)
        #expect(abs(plan.activity[1] - 20) <= 1e-6 * 20)
        #expect(abs(plan.consumption[0, 0] - 30) <= 1e-6 * 30)
        #expect(abs(plan.consumption[0, 1] - 20) <= 1e-6 * 20)
    }
}
