import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// The participatory procedure one round at a time: the economy in solver form, the board's
/// state and the preallocated workspace. ``ParticipatoryPlanner`` drives it to convergence;
/// benchmarks and round-by-round tools drive it themselves.
///
/// A round reads like the algorithm (DESIGN §2):
///
///     councils propose at the published prices  →  the board sums the proposals
///     →  check convergence  →  the board moves the prices
///
/// It is four matrix–vector products per block of councils (one pass over the technology matrix,
/// see ``FusedRound``) plus O(n + m + W) work, and allocates nothing.
public final class PlanningRounds {
    public let economy: Economy
    public let settings: PlanningSettings
    let problem: PlanningProblem
    let workspace: PlanningWorkspace
    /// The second-order board's buffers, when that board is chosen (`nil` again once
    /// ``finalPlan(status:seconds:history:)`` has handed them back).
    private(set) var newtonWorkspace: NewtonWorkspace?
    /// The accelerated board's buffers, when that board is chosen.
    let andersonWorkspace: AndersonWorkspace?

    /// Rounds run so far.
    public private(set) var round = 0
    /// The convergence measure at the last round's proposals.
    private(set) var measure = ConvergenceMeasure()
    /// Welfare at the last round's proposals.
    public private(set) var welfare = 0.0

    /// Prepares the rounds: validates the settings, builds the dense technology matrices and
    /// the workspace, and sets the board's first indicative prices.
    public init(economy: Economy, settings: PlanningSettings = PlanningSettings()) throws(PlanningSettingsError) {
        let problems = settings.problems()
        guard problems.isEmpty else { throw PlanningSettingsError(problems: problems) }
        self.economy = economy
        self.settings = settings
        problem = PlanningProblem(economy)
        // Only the second-order board reads the councils' local responses (and works a
        // finite-elasticity council's out from its proposal: kept only with constant-returns
        // councils), and only constant-returns councils their own revision rates.
        let newton = settings.board == .newton
        workspace = PlanningWorkspace(problem, responses: newton && problem.hasConstantReturns, revisions: problem.hasConstantReturns,
                                      previousActivity: newton || problem.hasConstantReturns)
        newtonWorkspace = settings.board == .newton
            ? NewtonWorkspace(goods: problem.goodCount, resources: problem.resourceCount,
                              workersCouncils: problem.workersCouncilCount, damping: settings.initialDamping)
            : nil
        andersonWorkspace = settings.board == .accelerated
            ? AndersonWorkspace(goods: problem.goodCount, resources: problem.resourceCount, memory: settings.andersonMemory)
            : nil
        for i in 0..<problem.goodCount { workspace.prices[i] = settings.initialPrice }
        for r in 0..<problem.resourceCount { workspace.resourcePrices[r] = settings.initialPrice }
        for k in 0..<(problem.goodCount + problem.resourceCount) { workspace.step[k] = settings.priceStep }
        if problem.hasConstantReturns {
            for w in 0..<problem.workersCouncilCount { workspace.revisionRate[w] = settings.revisionRate }
        }
    }

    /// The largest relative imbalance of goods and resources at the last round's proposals.
    public var maxImbalance: Double { measure.maxImbalance }
    /// The largest relative revision of a constant-returns council in the last round.
    public var maxRevision: Double { measure.maxRevision }

    /// Whether the last round's proposals meet the tolerance.
    public var isConverged: Bool {
        round > 0 && measure.maxImbalance <= settings.tolerance && measure.maxRevision <= settings.tolerance
    }

    /// Whether the last round produced non-finite numbers.
    public var hasDiverged: Bool { !measure.maxImbalance.isFinite || !welfare.isFinite }

    /// Councils propose at the current prices and the board sums and measures the proposals.
    public func collectProposals() {
        precondition(!workspace.roundScratchReleased, "no round runs after the final plan")
        round += 1
        let ws = workspace
        if round > 1 {
            if ws.keepsPreviousActivity {
                for w in 0..<problem.workersCouncilCount { ws.previousActivity[w] = ws.activity[w] }
            }
            for i in 0..<problem.goodCount { ws.previousNetSupply[i] = ws.netSupply[i] }
            for r in 0..<problem.resourceCount { ws.previousResourceUse[r] = ws.resourceUse[r] }
        }
        problem.proposeActivity(ws, settings: settings)
        let consumersWelfare = problem.proposeConsumption(ws)
        welfare = consumersWelfare - problem.expansionCost(ws)
        problem.sumProposals(ws)
        measure = ConvergenceMeasure(problem, ws, tolerance: settings.tolerance)
        if round == 1 {
            for i in 0..<problem.goodCount { ws.previousNetSupply[i] = ws.netSupply[i] }
            for r in 0..<problem.resourceCount { ws.previousResourceUse[r] = ws.resourceUse[r] }
        }
    }

    /// The board moves the prices from the proposals it has summed; returns the largest
    /// relative price change.
    @discardableResult
    public func movePrices() -> Double {
        precondition(!workspace.roundScratchReleased, "no round runs after the final plan")
        switch settings.board {
        case .tatonnement:
            return problem.movePrices(workspace, settings: settings)
        case .accelerated:
            return problem.acceleratedMovePrices(workspace, andersonWorkspace!, merit: measure.maxImbalance, settings: settings)
        case .newton:
            return problem.newtonMovePrices(workspace, newtonWorkspace!, merit: measure.maxImbalance, settings: settings)
        }
    }

    /// Rounds in which the board's safeguard fired: the second-order board could not solve its
    /// system and took a tatonnement step, or the accelerated board forgot its history.
    public var boardFallbacks: Int { finalFallbacks ?? newtonWorkspace?.fallbacks ?? andersonWorkspace?.restarts ?? 0 }
    /// ``boardFallbacks`` as it was when the second-order board's buffers were handed back.
    private var finalFallbacks: Int?
    /// The ranges (elasticity and capacity) the second-order board's ramp steps read from the
    /// councils, as counted when its buffers were handed back.
    private var rangeNumbersReceived: Int { finalRangeNumbers ?? newtonWorkspace?.rangeNumbersReceived ?? 0 }
    private var finalRangeNumbers: Int?

    /// Current indicative prices of goods and resources (copies).
    public var prices: [Double] { Array(workspace.prices.prefix(problem.goodCount)) }
    public var resourcePrices: [Double] { Array(workspace.resourcePrices.prefix(problem.resourceCount)) }
    /// The last round's activity proposals (a copy).
    public var activity: [Double] {
        precondition(!workspace.roundScratchReleased, "the activities were handed to the final plan")
        return Array(workspace.activity.prefix(problem.workersCouncilCount))
    }

    /// Where the numbers stopped being finite, for the report of a diverged run: the first good,
    /// resource or council whose price, proposal or balance is not a finite number.
    public func divergenceDiagnosis() -> String {
        precondition(!workspace.roundScratchReleased, "the diagnosis reads the round's buffers")
        let ws = workspace
        let hint = "the numbers of the economy may be too large or too small for double precision; rescale its units"
        for (i, good) in economy.goods.enumerated() {
            let values = [("indicative price", ws.prices[i]), ("demand", ws.demand[i]), ("net supply", ws.netSupply[i]),
                          ("excess demand", ws.excessDemand[i])]
            if let (what, value) = values.first(where: { !$0.1.isFinite }) {
                return "round \(round): good \"\(good.id)\": \(what) is \(value); \(hint)"
            }
        }
        for (r, resource) in economy.resources.enumerated() {
            for (what, value) in [("price", ws.resourcePrices[r]), ("use", ws.resourceUse[r])] where !value.isFinite {
                return "round \(round): resource \"\(resource.id)\": \(what) is \(value); \(hint)"
            }
        }
        for (w, council) in economy.workersCouncils.enumerated() where !ws.activity[w].isFinite || !ws.surplus[w].isFinite {
            return "round \(round): workers' council \"\(council.id)\": proposal \(ws.activity[w]) at unit surplus \(ws.surplus[w]); \(hint)"
        }
        return "round \(round): welfare is \(welfare); \(hint)"
    }

    /// The plan at the last round's proposals, its divergence diagnosis and board fallbacks
    /// included, for a caller that runs no more rounds: the buffers only the rounds read (the
    /// workspace's per-council scratch, the second-order board's) are handed back before the plan
    /// is built, so that its arrays do not add to the peak memory. The rounds cannot go on after this.
    func finalPlan(status: PlanStatus, seconds: Double, history: [RoundRecord]) -> Plan {
        let diagnosis = status == .diverged ? divergenceDiagnosis() : nil
        finalFallbacks = boardFallbacks
        finalRangeNumbers = rangeNumbersReceived
        // The board's buffers first, then the workspace's: the activities' copy is made once the
        // others are handed back, in their place.
        newtonWorkspace = nil
        let activity = workspace.releaseRoundScratch()
        var plan = self.plan(status: status, seconds: seconds, history: history, activity: activity)
        plan.divergence = diagnosis
        plan.safeguardRounds = boardFallbacks
        return plan
    }

    /// The plan at the last round's proposals and the prices they were made at.
    public func plan(status: PlanStatus, seconds: Double, history: [RoundRecord]) -> Plan {
        plan(status: status, seconds: seconds, history: history, activity: activity)
    }

    /// The plan with the last round's `activity` as given (copied out of the workspace).
    private func plan(status: PlanStatus, seconds: Double, history: [RoundRecord], activity: [Double]) -> Plan {
        let ws = workspace
        let n = problem.goodCount, m = problem.resourceCount
        let prices = self.prices
        let consumption = PlanConsumption(economy.consumersCouncils) { economy.demand(ofCouncil: $0, at: prices) }
        let level = problem.priceLevel(ws)
        let imbalance = (0..<n).map {
            ConvergenceMeasure.goodImbalance(excess: ws.excessDemand[$0], throughput: ws.throughput[$0],
                                             price: ws.prices[$0], priceLevel: level, tolerance: settings.tolerance)
        }
        return Plan(
            status: status, mode: .participatory, rounds: round, seconds: seconds, settings: settings,
            prices: prices, resourcePrices: resourcePrices, activity: activity, consumption: consumption,
            supply: Array(ws.grossSupply.prefix(n)),
            use: (0..<n).map { ws.grossSupply[$0] - ws.netSupply[$0] + ws.demand[$0] },
            excessDemand: Array(ws.excessDemand.prefix(n)), relativeImbalance: imbalance,
            resourceUse: Array(ws.resourceUse.prefix(m)),
            maxRelativeImbalance: measure.maxImbalance, maxRelativeRevision: measure.maxRevision, welfare: welfare,
            pricesPublished: round * (n + m), proposalNumbersReceived: round * (problem.proposalNumbers + (settings.board == .newton ? problem.responseNumbers : 0))
                + rangeNumbersReceived,
            history: history)
    }
}
