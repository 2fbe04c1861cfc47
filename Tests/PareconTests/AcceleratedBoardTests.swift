import Foundation
import PareconLinearAlgebra
import Testing
@testable import Parecon

/// The accelerated board on a calibrated BEA-detail economy, where it once took ten times as many
/// rounds as plain tatonnement (issue 4): it froze tatonnement's steps when it began mixing, and
/// goods whose excess demand kept its sign crept at their small frozen steps.
@Suite(.enabled(if: SharedTables.isAvailable, SharedTables.absent))
struct AcceleratedBoardOnCalibratedTablesTests {
    /// Ten workers' councils per sector (4020) and 100 consumers' councils, seed 3, of the BEA
    /// detail table (imports as a resource, the default calibration): tatonnement converges in 205
    /// rounds, the board that froze its steps took 2443, the present one 229 (measured with
    /// `parecon plan --from-io` on this economy; on the same economy with imported inputs left out
    /// of the table, 103, 473 and 93). The bound, twice tatonnement's rounds, leaves room for the
    /// count to move with small changes to the board while catching one that stalls.
    @Test func theAcceleratedBoardNeedsAtMostTwiceTatonnementsRounds() throws {
        let table = try InputOutputTable.read(folder: SharedTables.path("bea_detail_2017"))
        let economy = try CalibratedEconomy(table: table, workersCouncilsPerSector: 10, consumersCouncils: 100,
                                            heterogeneity: 0.2, seed: 3).generate()
        let plain = try ParticipatoryPlanner(settings: PlanningSettings(maxRounds: 5000, board: .tatonnement)).plan(economy)
        #expect(plain.status == .converged, "tatonnement: \(plain.status) after \(plain.rounds) rounds")
        let limit = 2 * plain.rounds
        let mixed = try ParticipatoryPlanner(settings: PlanningSettings(maxRounds: limit, board: .accelerated)).plan(economy)
        #expect(mixed.status == .converged, "accelerated: \(mixed.status) after \(mixed.rounds) rounds, tatonnement \(plain.rounds)")
        let check = OptimalityConditions(economy: economy, plan: mixed, tolerance: 1e-6)
        #expect(check.violations.isEmpty, "\(check.violations.prefix(5))")
    }
}

@Suite struct AcceleratedBoardConstantReturnsTests {
    /// With constant-returns councils the proposals depend on the councils' last proposals as well
    /// as on the prices, and the board does not mix: it takes tatonnement's steps, round for round.
    @Test func withConstantReturnsTheBoardTakesTatonnementsSteps() throws {
        let economy = try PlansExamplesTests.load("leontief.json")
        let plain = try ParticipatoryPlanner(settings: PlanningSettings(board: .tatonnement)).plan(economy)
        let accelerated = try ParticipatoryPlanner(settings: PlanningSettings(board: .accelerated)).plan(economy)
        #expect(plain.status == .converged && accelerated.status == .converged)
        #expect(accelerated.rounds == plain.rounds)
        #expect(accelerated.prices == plain.prices && accelerated.resourcePrices == plain.resourcePrices)
        #expect(accelerated.safeguardRounds == 0)
    }
}

@Suite struct AcceleratedBoardCooldownTests {
    /// The cool-down after a restart doubles with each restart, except after a mixing phase that at
    /// least halved the measure: then it repeats the last cool-down (issue 4, `docs/model.md` §3.2).
    @Test func aProductiveMixingPhaseDoesNotLengthenTheCooldown() {
        let aws = AndersonWorkspace(goods: 8, resources: 2, memory: 5)
        #expect(aws.cooldownLength == 10)
        aws.restart()  // no mixing phase yet
        #expect(aws.cooldown == 10 && aws.cooldownLength == 20)
        // A phase that began at 1e-3 and got no lower than 6e-4: not productive, the cool-down doubles.
        aws.phaseStartMerit = 1e-3
        aws.bestMerit = 6e-4
        aws.restart()
        #expect(aws.cooldown == 20 && aws.cooldownLength == 40)
        #expect(!aws.phaseStartMerit.isFinite && !aws.bestMerit.isFinite && !aws.progressMerit.isFinite)
        // A phase that began at 1e-3 and reached 4e-4: productive, the last cool-down again.
        aws.phaseStartMerit = 1e-3
        aws.bestMerit = 4e-4
        aws.restart()
        #expect(aws.cooldown == 20 && aws.cooldownLength == 40)
        // A restart with no mixing round since the last one (the phase never began) doubles again.
        aws.bestMerit = 1e-6
        aws.restart()
        #expect(aws.cooldown == 40 && aws.cooldownLength == 80)
        #expect(aws.restarts == 4)

        // A productive first phase: the shortest cool-down, 2m.
        let fresh = AndersonWorkspace(goods: 8, resources: 2, memory: 5)
        fresh.phaseStartMerit = 0.3
        fresh.bestMerit = 0.05
        fresh.restart()
        #expect(fresh.cooldown == 10 && fresh.cooldownLength == 10)
    }
}
