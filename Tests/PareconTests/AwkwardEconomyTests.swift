import Foundation
import Testing
@testable import Parecon

/// The awkward cases of issue 4, on economies built so that their plan is known in closed form:
/// a council held at its capacity (with a resource left slack, so its price is zero), a resource
/// that binds only near the end of the rounds, and a good whose demand is a millionth of the
/// others'. Every board must reach the closed form, and the central planner's plan, within 1e-6.
///
/// The economies are one-good-per-council "bread and cloth" economies (plans/two-goods.json): each
/// council `g` makes good `g` from labour alone (one hour a unit) with elasticity `k_g`; one
/// consumers' council with allowance `B` and Cobb–Douglas weights `α_g`. With a labour price `q`,
/// market clearing `k_g (p_g − q) = B α_g / p_g` gives `p_g = (q + √(q² + 4 B α_g / k_g)) / 2` and
/// `x_g = B α_g / p_g`; labour binds when `Σ x_g` at `q = 0` exceeds the hours available, and then
/// `q` solves `Σ x_g(q) = R` (a decreasing function: bisection).
@Suite struct AwkwardEconomyTests {
    struct Sector {
        var good: String
        var elasticity: Double
        var weight: Double
        var capacity = 1000.0
    }

    static func economy(_ sectors: [Sector], allowance: Double, labour: Double) throws -> Economy {
        try Economy(
            name: "awkward",
            goods: sectors.map { Good(id: $0.good) },
            resources: [PrimaryResource(id: "labour", available: labour)],
            workersCouncils: sectors.map {
                WorkersCouncil(id: "\($0.good)-works", produces: [Quantity($0.good, 1)], uses: [Quantity("labour", 1)],
                               capacity: $0.capacity, elasticity: $0.elasticity)
            },
            consumersCouncils: [ConsumersCouncil(id: "town", allowance: allowance,
                                                 preferences: .cobbDouglas(weights: sectors.map { Quantity($0.good, $0.weight) }))])
    }

    /// The closed form above for councils inside their capacity: prices, labour price, activities.
    static func closedForm(_ sectors: [Sector], allowance: Double, labour: Double) -> (prices: [Double], labour: Double, activity: [Double]) {
        let total = sectors.reduce(0) { $0 + $1.weight }
        func solve(_ q: Double) -> ([Double], [Double]) {
            let prices = sectors.map { s in (q + (q * q + 4 * allowance * (s.weight / total) / s.elasticity).squareRoot()) / 2 }
            return (prices, zip(sectors, prices).map { allowance * ($0.weight / total) / $1 })
        }
        func use(_ q: Double) -> Double { solve(q).1.reduce(0, +) }
        var q = 0.0
        if use(0) > labour {
            var low = 0.0, high = 1.0
            while use(high) > labour { high *= 2 }
            for _ in 0..<200 {
                let middle = (low + high) / 2
                if use(middle) > labour { low = middle } else { high = middle }
            }
            q = (low + high) / 2
        }
        let (prices, activity) = solve(q)
        return (prices, q, activity)
    }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1) }

    /// Plans `economy` with `board` to 1e-9 and checks it against the expected prices and
    /// activities and against the central planner's plan, within 1e-6 (relative; absolute below 1).
    static func check(_ economy: Economy, board: BoardKind, prices: [Double], labour: Double, activity: [Double],
                      _ what: String) throws {
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-9, maxRounds: 200_000, board: board)).plan(economy)
        #expect(plan.status == .converged, "\(what), \(board): \(plan.status) after \(plan.rounds) rounds")
        let central = try CentralPlanner().plan(economy).plan
        let tolerance = 1e-6
        for (i, good) in economy.goods.enumerated() {
            #expect(relative(plan.prices[i], prices[i]) <= tolerance, "\(what), \(board): price of \(good.id) \(plan.prices[i]), expected \(prices[i])")
            #expect(relative(plan.prices[i], central.prices[i]) <= tolerance, "\(what), \(board): \(good.id) against the central plan")
        }
        #expect(relative(plan.resourcePrices[0], labour) <= tolerance, "\(what), \(board): labour price \(plan.resourcePrices[0]), expected \(labour)")
        #expect(relative(plan.resourcePrices[0], central.resourcePrices[0]) <= tolerance, "\(what), \(board): labour against the central plan")
        for (w, council) in economy.workersCouncils.enumerated() {
            #expect(abs(plan.activity[w] - activity[w]) <= tolerance * max(activity[w], 1),
                    "\(what), \(board): \(council.id) proposes \(plan.activity[w]), expected \(activity[w])")
            #expect(abs(plan.activity[w] - central.activity[w]) <= tolerance * max(activity[w], 1), "\(what), \(board): \(council.id) against the central plan")
        }
    }

    /// The bakery's capacity (20) is below what it would offer (30 at the two-goods plan), so it
    /// sits at capacity: bread's price rises until the town wants 20 loaves (`p = 60 / 20 = 3`);
    /// labour is then left slack (`20 + 10√6 < 50`), so its price is zero and cloth's is `√6`.
    @Test(arguments: BoardKind.allCases)
    func aCouncilAtCapacity(board: BoardKind) throws {
        let sectors = [Sector(good: "bread", elasticity: 30, weight: 0.5, capacity: 20), Sector(good: "cloth", elasticity: 10, weight: 0.5)]
        let economy = try Self.economy(sectors, allowance: 120, labour: 50)
        try Self.check(economy, board: board, prices: [3, 6.0.squareRoot()], labour: 0, activity: [20, 10 * 6.0.squareRoot()],
                       "bakery at capacity")
    }

    /// Without labour's limit the councils would use `60/√2 + 60/√6 ≈ 66.92` hours; 66 are
    /// available, so labour binds, with a small price, only once the plan is nearly found (the
    /// rounds start from a labour price of 1, at which far fewer hours are asked for).
    @Test(arguments: BoardKind.allCases)
    func aResourceThatBindsOnlyNearTheEnd(board: BoardKind) throws {
        let sectors = [Sector(good: "bread", elasticity: 30, weight: 0.5), Sector(good: "cloth", elasticity: 10, weight: 0.5)]
        let expected = Self.closedForm(sectors, allowance: 120, labour: 66)
        #expect(expected.labour > 0 && expected.labour < 0.05)
        let economy = try Self.economy(sectors, allowance: 120, labour: 66)
        try Self.check(economy, board: board, prices: expected.prices, labour: expected.labour, activity: expected.activity,
                       "labour binding near the end")
    }

    /// Saffron's weight is a millionth: its demand is about 10⁻⁴ units against tens of loaves,
    /// and its price must still be right (the convergence measure is relative to each good's own
    /// throughput).
    @Test(arguments: BoardKind.allCases)
    func aGoodWhoseDemandIsTiny(board: BoardKind) throws {
        let sectors = [Sector(good: "bread", elasticity: 30, weight: 0.5), Sector(good: "cloth", elasticity: 10, weight: 0.5 - 1e-6),
                       Sector(good: "saffron", elasticity: 10, weight: 1e-6)]
        let expected = Self.closedForm(sectors, allowance: 120, labour: 50)
        #expect(expected.activity[2] < 1e-3 && expected.labour > 0.5)
        let economy = try Self.economy(sectors, allowance: 120, labour: 50)
        try Self.check(economy, board: board, prices: expected.prices, labour: expected.labour, activity: expected.activity,
                       "tiny demand for saffron")
    }

    /// The closed form itself against the hand derivation of plans/README.md (bread 2, cloth 3,
    /// labour 1 with 50 hours), so the helper above cannot agree with a wrong planner by accident.
    @Test func theClosedFormReproducesTheHandDerivation() {
        let sectors = [Sector(good: "bread", elasticity: 30, weight: 0.5), Sector(good: "cloth", elasticity: 10, weight: 0.5)]
        let form = Self.closedForm(sectors, allowance: 120, labour: 50)
        #expect(abs(form.prices[0] - 2) <= 1e-12 && abs(form.prices[1] - 3) <= 1e-12 && abs(form.labour - 1) <= 1e-12)
        #expect(abs(form.activity[0] - 30) <= 1e-10 && abs(form.activity[1] - 20) <= 1e-10)
    }
}
