import Foundation
import PareconLinearAlgebra

/// Settings that cannot be used.
public struct PlanningSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { "invalid settings: " + problems.joined(separator: "; ") }
}

/// The participatory procedure (DESIGN §2): rounds of proposals and indicative prices until the
/// plan is feasible.
///
/// Each round reads like the algorithm:
///
///     councils propose at the published prices  →  the board sums the proposals
///     →  check convergence  →  the board moves the prices
///
/// A round is four matrix–vector products over all councils (two passes over the technology
/// matrix) plus O(n + m + W) work, and allocates nothing. The result is deterministic.
public struct ParticipatoryPlanner: Sendable {
    public var settings: PlanningSettings
    public var board: BoardKind

    public init(settings: PlanningSettings = PlanningSettings(), board: BoardKind = .tatonnement) {
        self.settings = settings
        self.board = board
    }

    /// Runs the rounds on `economy`. `observer` is called after every round (for a progress
    /// table or a trace); it must not retain the workspace.
    ///
    /// - Throws: ``PlanningSettingsError`` for unusable settings. Divergence is not thrown: it is
    ///   the status ``PlanStatus/diverged``.
    public func plan(_ economy: Economy, observer: ((RoundRecord) -> Void)? = nil) throws(PlanningSettingsError) -> Plan {
        let problems = settings.problems()
        guard problems.isEmpty else { throw PlanningSettingsError(problems: problems) }

        let problem = PlanningProblem(economy)
        let ws = PlanningWorkspace(problem)
        for i in 0..<problem.goodCount { ws.prices[i] = settings.initialPrice }
        for r in 0..<problem.resourceCount { ws.resourcePrices[r] = settings.initialPrice }
        for k in 0..<(problem.goodCount + problem.resourceCount) { ws.step[k] = settings.priceStep }

        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }

        var history: [RoundRecord] = []
        history.reserveCapacity(min(settings.maxRounds, 1 << 16))
        var status = PlanStatus.maxRounds
        var measure = ConvergenceMeasure()
        var welfare = 0.0
        var round = 0
        while true {
            round += 1
            // Councils propose at the published prices.
            problem.proposeActivity(ws, revisionRate: settings.revisionRate)
            let consumersWelfare = problem.proposeConsumption(ws)
            welfare = consumersWelfare - problem.expansionCost(ws)
            // The board sums the proposals and checks the plan.
            problem.sumProposals(ws)
            measure = ConvergenceMeasure(problem, ws, tolerance: settings.tolerance)
            let seconds = elapsed()

            let finished: PlanStatus?
            if !measure.maxImbalance.isFinite || !welfare.isFinite {
                finished = .diverged
            } else if measure.maxImbalance <= settings.tolerance && measure.maxRevision <= settings.tolerance {
                finished = .converged
            } else if round >= settings.maxRounds {
                finished = .maxRounds
            } else if let limit = settings.timeLimit, seconds >= limit {
                finished = .timeLimit
            } else {
                finished = nil
            }

            // The board moves the prices (not after the last round: the plan keeps the prices
            // its proposals were made at).
            let change = finished == nil ? problem.movePrices(ws, settings: settings) : 0
            let record = RoundRecord(round: round, maxImbalance: measure.maxImbalance, maxRevision: measure.maxRevision,
                                     largestPriceChange: change, welfare: welfare, seconds: seconds)
            history.append(record)
            observer?(record)
            if let finished {
                status = finished
                break
            }
            for w in 0..<problem.workersCouncilCount { ws.previousActivity[w] = ws.activity[w] }
        }
        if (status == .maxRounds || status == .timeLimit)
            && measure.maxImbalance <= settings.inaccurateTolerance && measure.maxRevision <= settings.inaccurateTolerance {
            status = .convergedInaccurate
        }

        return makePlan(economy, problem, ws, status: status, rounds: round, seconds: elapsed(),
                        measure: measure, welfare: welfare, history: history)
    }

    private func makePlan(
        _ economy: Economy, _ problem: PlanningProblem, _ ws: PlanningWorkspace, status: PlanStatus,
        rounds: Int, seconds: Double, measure: ConvergenceMeasure, welfare: Double, history: [RoundRecord]
    ) -> Plan {
        let n = problem.goodCount, m = problem.resourceCount
        let prices = Array(ws.prices.prefix(n))
        var consumption = Matrix(rows: economy.consumersCouncilCount, columns: n)
        for (c, council) in economy.consumersCouncils.enumerated() {
            let bundle = economy.demand(of: council, at: prices)
            for i in 0..<n { consumption[c, i] = bundle[i] }
        }
        let supply = Array(ws.grossSupply.prefix(n))
        let use = (0..<n).map { ws.grossSupply[$0] - ws.netSupply[$0] + ws.demand[$0] }
        let level = problem.priceLevel(ws)
        let imbalance = (0..<n).map {
            ConvergenceMeasure.goodImbalance(excess: ws.excessDemand[$0], throughput: ws.throughput[$0],
                                             price: ws.prices[$0], priceLevel: level, tolerance: settings.tolerance)
        }
        return Plan(
            status: status, mode: .participatory, rounds: rounds, seconds: seconds, settings: settings,
            prices: prices, resourcePrices: Array(ws.resourcePrices.prefix(m)),
            activity: Array(ws.activity.prefix(problem.workersCouncilCount)), consumption: consumption,
            supply: supply, use: use, excessDemand: Array(ws.excessDemand.prefix(n)), relativeImbalance: imbalance,
            resourceUse: Array(ws.resourceUse.prefix(m)),
            maxRelativeImbalance: measure.maxImbalance, maxRelativeRevision: measure.maxRevision, welfare: welfare,
            pricesPublished: rounds * (n + m), proposalNumbersReceived: rounds * problem.proposalNumbers,
            history: history)
    }
}
