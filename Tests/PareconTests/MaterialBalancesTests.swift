import Foundation
import Testing
import _TestSupport
@testable import Parecon

/// The classic material balances: `(I − A) x = f` by LU against naive Gaussian elimination,
/// the historic iteration against the LU answer, the industries' averaged technology, and the
/// errors for economies the method cannot handle.
@Suite struct MaterialBalancesTests {
    /// Three single-product workplaces with a known technology matrix.
    static func threeSectors() throws -> Economy {
        try Economy(
            name: "three sectors",
            goods: [Good(id: "food"), Good(id: "steel"), Good(id: "cloth")],
            resources: [PrimaryResource(id: "labour", available: 1000)],
            workersCouncils: [
                WorkersCouncil(id: "farm", produces: [Quantity("food", 1)], uses: [Quantity("steel", 0.3), Quantity("labour", 0.8)], capacity: 400),
                WorkersCouncil(id: "mill", produces: [Quantity("steel", 2)], uses: [Quantity("food", 0.2), Quantity("steel", 0.4), Quantity("labour", 6)], capacity: 150),
                WorkersCouncil(id: "loom", produces: [Quantity("cloth", 1)], uses: [Quantity("food", 0.2), Quantity("steel", 0.1), Quantity("labour", 1)], capacity: 600),
            ],
            consumersCouncils: [
                ConsumersCouncil(id: "east", allowance: 600, preferences: .cobbDouglas(weights: [Quantity("food", 0.5), Quantity("steel", 0.1), Quantity("cloth", 0.4)])),
                ConsumersCouncil(id: "west", allowance: 400, preferences: .ces(sigma: 0.5, weights: [Quantity("food", 1), Quantity("cloth", 1)])),
            ])
    }

    @Test func grossOutputsMatchNaiveGaussianElimination() throws {
        let economy = try Self.threeSectors()
        let balances = try MaterialBalances(economy: economy, finalDemand: .consumersAtPrices([1, 1, 1]), targetPrices: .unit)
        // Per unit of output (the mill makes 2 units of steel per unit of activity).
        let a: [[Double]] = [[0, 0.1, 0.2], [0.3, 0.2, 0.1], [0, 0, 0]]
        var f = [0.0, 0, 0]
        for council in economy.consumersCouncils {
            let d = economy.demand(of: council, at: [1, 1, 1])
            for i in 0..<3 { f[i] += d[i] }
        }
        let iMinusA = (0..<3).map { i in (0..<3).map { j in (i == j ? 1 : 0) - a[i][j] } }
        let x = naiveSolve(iMinusA, f)
        for i in 0..<3 {
            #expect(abs(balances.finalDemand[i] - f[i]) <= 1e-12 * f[i])
            #expect(abs(balances.grossOutput[i] - x[i]) <= 1e-12 * x[i], "\(i): \(balances.grossOutput[i]) vs \(x[i])")
            for j in 0..<3 { #expect(abs(balances.technology[i, j] - a[i][j]) <= 1e-15) }
        }
        #expect(balances.residual <= 1e-14)
        // Labour per unit of output: 0.8, 3, 1; checked against availability afterwards.
        #expect(abs(balances.resourceUse[0] - (0.8 * x[0] + 3 * x[1] + 1 * x[2])) <= 1e-12 * balances.resourceUse[0])
        // The mill's activity is half its steel.
        #expect(abs(balances.activity[1] - x[1] / 2) <= 1e-12 * x[1])
    }

    /// A larger random technology (one workers' council per good), against elimination.
    @Test func randomTechnologyMatchesNaiveGaussianElimination() throws {
        let economy = try SyntheticEconomy(goods: 30, resources: 2, workersCouncils: 30, consumersCouncils: 10, density: 0.4, seed: 9).generate()
        let prices = (0..<30).map { 0.5 + Double($0 % 7) / 7 }
        let balances = try MaterialBalances(economy: economy, finalDemand: .consumersAtPrices(prices))
        let iMinusA = (0..<30).map { i in (0..<30).map { j in (i == j ? 1 : 0) - balances.technology[i, j] } }
        let x = naiveSolve(iMinusA, balances.finalDemand)
        for i in 0..<30 { #expect(abs(balances.grossOutput[i] - x[i]) <= 1e-11 * max(1, x[i])) }
    }

    /// `x ← A x + f` from `x = f` converges to the LU answer, at the rate of `A`'s spectral radius.
    @Test func theHistoricIterationConvergesToTheLUAnswer() throws {
        let economy = try Self.threeSectors()
        let balances = try MaterialBalances(economy: economy, finalDemand: .consumersAtPrices([1, 1, 1]), iterationTolerance: 1e-12)
        let h = balances.historicIteration
        #expect(h.converged)
        #expect(h.differenceFromLU <= 1e-10)
        for i in 0..<3 { #expect(abs(h.grossOutput[i] - balances.grossOutput[i]) <= 1e-10 * balances.grossOutput[i]) }
        // The spectral radius of A by a naive power iteration; each sweep shrinks the step by it.
        var v = [1.0, 1, 1]
        var rho = 0.0
        for _ in 0..<500 {
            let w = (0..<3).map { i in (0..<3).reduce(0) { $0 + balances.technology[i, $1] * v[$1] } }
            rho = w.map(abs).max()!
            v = w.map { $0 / rho }
        }
        #expect(abs(h.contraction - rho) <= 1e-3, "contraction \(h.contraction), spectral radius \(rho)")
        // It needed about log(tolerance) / log(ρ) sweeps, and the last but one step was above it.
        #expect(h.iterations > 5 && h.iterations < 200)
        #expect(h.firstSteps[h.iterations - 2] > 1e-12 && h.firstSteps[h.iterations - 1] <= 1e-12)
    }

    /// Leontief: two farms make food; the balance knows one food industry, the capacity-weighted
    /// average of the two (both 400 t): steel (0.05 + 0.3)/2, labour (2 + 0.8)/2.
    @Test func industriesEnterWithTheirAverageTechnology() throws {
        let economy = try CentralPlannerTests.load("leontief.json")
        let balances = try MaterialBalances(economy: economy, finalDemand: .consumersAtPrices([1, 1, 1]))
        let food = economy.goodIndex["food"]!, steel = economy.goodIndex["steel"]!
        #expect(abs(balances.technology[steel, food] - 0.175) <= 1e-15)
        #expect(abs(balances.resourceCoefficients[0, food] - 1.4) <= 1e-15)
        #expect(abs(balances.activity[0] - balances.activity[1]) <= 1e-12)
        #expect(abs(balances.activity[0] + balances.activity[1] - balances.grossOutput[food]) <= 1e-9)
    }

    /// Given the optimum's consumption as targets, the balance reproduces the optimum's gross
    /// outputs (one workplace per good, no free goods): what it cannot do is find those targets.
    @Test func shadowPriceTargetsReproduceTheOptimum() throws {
        let economy = try CentralPlannerTests.load("five-goods.json")
        let central = try CentralPlanner().plan(economy).plan
        let balances = try MaterialBalances(economy: economy, finalDemand: .consumersAtPrices(central.prices), targetPrices: .shadow)
        for (w, council) in economy.workersCouncils.enumerated() {
            #expect(abs(balances.activity[w] - central.activity[w]) <= 1e-8 * council.capacity, "\(council.id)")
        }
        for r in 0..<economy.resourceCount {
            #expect(abs(balances.resourceUse[r] - economy.resources[r].available) <= 1e-8 * economy.resources[r].available)
        }
    }

    @Test func jointProductionIsRejected() throws {
        let economy = try Economy(
            goods: [Good(id: "wool"), Good(id: "mutton")], resources: [PrimaryResource(id: "labour", available: 10)],
            workersCouncils: [WorkersCouncil(id: "flock", produces: [Quantity("wool", 1), Quantity("mutton", 2)], uses: [Quantity("labour", 1)], capacity: 5)],
            consumersCouncils: [ConsumersCouncil(id: "c", allowance: 1, preferences: .cobbDouglas(weights: [Quantity("wool", 1)]))])
        #expect(throws: MaterialBalancesError.jointProduction(council: "flock", goods: ["wool", "mutton"])) {
            try MaterialBalances(economy: economy, finalDemand: .consumersAtPrices([1, 1]))
        }
    }

    /// A workplace that uses more of its own good than it makes: `(I − A)⁻¹ f < 0`.
    @Test func anUnproductiveTechnologyIsRejected() throws {
        let economy = try Economy(
            goods: [Good(id: "seed")], resources: [PrimaryResource(id: "labour", available: 10)],
            workersCouncils: [WorkersCouncil(id: "field", produces: [Quantity("seed", 1)], uses: [Quantity("seed", 1.5), Quantity("labour", 1)], capacity: 5)],
            consumersCouncils: [ConsumersCouncil(id: "c", allowance: 1, preferences: .cobbDouglas(weights: [Quantity("seed", 1)]))])
        #expect(throws: MaterialBalancesError.self) {
            try MaterialBalances(economy: economy, finalDemand: .consumersAtPrices([1]))
        }
        let singular = try Economy(
            goods: [Good(id: "seed")], resources: [PrimaryResource(id: "labour", available: 10)],
            workersCouncils: [WorkersCouncil(id: "field", produces: [Quantity("seed", 1)], uses: [Quantity("seed", 1), Quantity("labour", 1)], capacity: 5)],
            consumersCouncils: [ConsumersCouncil(id: "c", allowance: 1, preferences: .cobbDouglas(weights: [Quantity("seed", 1)]))])
        #expect(throws: MaterialBalancesError.singular(good: "seed")) {
            try MaterialBalances(economy: singular, finalDemand: .consumersAtPrices([1]))
        }
        #expect(throws: MaterialBalancesError.finalDemandShape(expected: 1, found: 2)) {
            try MaterialBalances(economy: singular, finalDemand: .given([1, 2]))
        }
    }
}
