import Foundation
import Testing
@testable import Parecon

/// Seeded random economies, written in the file format and loaded back, planned by the rounds
/// and checked against the optimality conditions of the planning programme to 1e-6.
@Suite struct RandomEconomyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var constantReturns: Double
        var ces: Double
        var tightness: Double
        var testDescription: String { "constant returns \(constantReturns), CES \(ces), resource tightness \(tightness)" }
    }

    static let cases = [
        Case(constantReturns: 0, ces: 0, tightness: 0.6),
        Case(constantReturns: 0, ces: 0.5, tightness: 0.6),
        Case(constantReturns: 0.5, ces: 0, tightness: 0.6),
        Case(constantReturns: 0.5, ces: 0.5, tightness: 0.3),
        Case(constantReturns: 1, ces: 0.5, tightness: 0.3),
        Case(constantReturns: 1, ces: 0, tightness: 0.1),
    ]

    static func roundTripThroughFile(_ economy: Economy) throws -> Economy {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-random-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try EconomyFile.encode(economy).serialized(pretty: true).write(to: url, atomically: true, encoding: .utf8)
        return try EconomyFile.load(path: url.path)
    }

    @Test(arguments: cases, BoardKind.allCases)
    func plansMeetTheOptimalityConditions(_ c: Case, board: BoardKind) throws {
        for seed in 1...6 {
            let generated = try SyntheticEconomy(
                goods: 6, resources: 2, workersCouncils: 15, consumersCouncils: 5, density: 0.3,
                constantReturnsShare: c.constantReturns, cesShare: c.ces, resourceTightness: c.tightness,
                seed: UInt64(seed)).generate()
            let economy = try Self.roundTripThroughFile(generated)
            #expect(economy.workersCouncils == generated.workersCouncils)
            let tolerance = 1e-6
            let plan = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: tolerance, board: board)).plan(economy)
            #expect(plan.status == .converged, "seed \(seed), \(board): \(plan.status) after \(plan.rounds) rounds")
            let check = OptimalityConditions(economy: economy, plan: plan, tolerance: tolerance)
            #expect(check.violations.isEmpty, "seed \(seed): \(check.violations.prefix(5))")
        }
    }

    @Test(arguments: BoardKind.allCases)
    func theSameSeedGivesTheSamePlanBitForBit(board: BoardKind) throws {
        let economy = try SyntheticEconomy(goods: 8, resources: 2, workersCouncils: 20, consumersCouncils: 6,
                                           constantReturnsShare: 0.5, cesShare: 0.5, seed: 42).generate()
        let first = try ParticipatoryPlanner(settings: PlanningSettings(board: board)).plan(economy)
        let second = try ParticipatoryPlanner(settings: PlanningSettings(board: board)).plan(economy)
        #expect(first.rounds == second.rounds)
        #expect(first.prices == second.prices)
        #expect(first.activity == second.activity)
    }
}

extension RandomEconomyTests {
    /// The check can fail: a plan stopped at a loose tolerance violates the 1e-6 conditions.
    @Test func aLooselyConvergedPlanFailsTheCheck() throws {
        let economy = try SyntheticEconomy(goods: 6, resources: 2, workersCouncils: 15, consumersCouncils: 5, density: 0.3,
                                           constantReturnsShare: 0.5, seed: 3).generate()
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-2)).plan(economy)
        #expect(plan.status == .converged)
        #expect(!OptimalityConditions(economy: economy, plan: plan, tolerance: 1e-6).violations.isEmpty)
    }
}
