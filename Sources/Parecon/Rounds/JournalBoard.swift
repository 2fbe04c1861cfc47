import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// What the second-order board hears in one round besides the totals: the councils' local
/// responses (DESIGN §5) as submitted in this round's proposal files.
struct ReportedResponses {
    /// By workers' council, in registry order: the standing activity `x_w`, the last round's
    /// standing activity (0 when there was none), and the reported slope `∂x_w/∂π_w` (0 for a
    /// council without a proposal of this round: the board has no fresh response from it).
    var activity: [Double]
    var previousActivity: [Double]
    var slopes: [Double]
    /// `W × n` and `W × m`: each council's net output and resource use per unit of activity, its
    /// proposal's quantities divided by its activity (from the last round's proposal when it is
    /// idle now; zero when neither tells). The registry holds no technologies: this is how the
    /// board learns the rows of `V` and `Bm` it needs.
    var rows: Matrix
    var resourceRows: Matrix
    /// Consumers' councils with a proposal of this round: requests by good, allowance, and the
    /// reported elasticity of substitution `σ` (1 for Cobb–Douglas).
    var consumers: [(requests: [Double], allowance: Double, sigma: Double)]
}

/// The accelerated and second-order boards working from a journal: the economy as the board sees
/// it (a ``PlanningProblem`` built from the registry and the proposals, never from technologies
/// or preferences) and a ``PlanningWorkspace`` holding the round's prices and totals, on which
/// the round loop's own moves run (`acceleratedMovePrices`, `newtonMovePrices`).
enum JournalBoard {
    struct Move {
        var change: Double
        var prices: [Double]
        var resourcePrices: [Double]
        var memory: BoardMemory
    }

    static func move(memory: BoardMemory, registry: CouncilRegistry, settings: PlanningSettings, prices p: [Double],
                     resourcePrices q: [Double], totals: RoundTotals, merit: Double, responses: ReportedResponses?) -> Move {
        let n = p.count, m = q.count
        let wanted = totals.demand.map { $0 > 0 }
        var cobbDouglasSpending = [Double](repeating: 0, count: n)
        var groups: [Double: (councils: [Int], rows: [[Double]], allowance: [Double])] = [:]
        if let responses {
            for (c, consumer) in responses.consumers.enumerated() {
                if consumer.sigma == 1 {
                    // The round loop's Cobb–Douglas term is S_i / p_i², S_i the councils' spending.
                    for i in 0..<n where consumer.requests[i] > 0 { cobbDouglasSpending[i] += consumer.requests[i] * p[i] }
                } else {
                    // A CES council's term is diag(σ d/p) + (1 − σ) d dᵀ / B. The round loop forms d as
                    // (B / D) α^σ p^(−σ); with D = B and "α^σ" = d p^σ it forms the reported d.
                    var group = groups[consumer.sigma] ?? ([], [], [])
                    group.councils.append(c)
                    group.rows.append((0..<n).map { consumer.requests[$0] > 0 ? consumer.requests[$0] * Glibc.pow(p[$0], consumer.sigma) : 0 })
                    group.allowance.append(consumer.allowance)
                    groups[consumer.sigma] = group
                }
            }
        }
        let cesGroups = groups.keys.sorted().map { sigma in
            let group = groups[sigma]!
            return PlanningProblem.CESGroup(sigma: sigma, councils: group.councils, weightsToSigma: Matrix(group.rows),
                                            allowance: group.allowance, welfareConstant: 0)
        }
        let problem = PlanningProblem(
            boardView: registry, wanted: wanted,
            netOutput: responses?.rows ?? Matrix(rows: 0, columns: n), resourceUse: responses?.resourceRows ?? Matrix(rows: 0, columns: m),
            cobbDouglasSpending: cobbDouglasSpending, cesGroups: cesGroups)
        let ws = PlanningWorkspace(problem)

        // The round as the round loop's workspace holds it after `sumProposals`.
        let tatonnement = memory.tatonnement
        let previousNetSupply = tatonnement.previousNetSupply ?? totals.netSupply
        let previousResourceUse = tatonnement.previousResourceUse ?? totals.resourceUse
        for i in 0..<n {
            ws.prices[i] = p[i]
            ws.demand[i] = totals.demand[i]
            ws.netSupply[i] = totals.netSupply[i]
            ws.grossSupply[i] = totals.grossSupply[i]
            ws.excessDemand[i] = totals.demand[i] - totals.netSupply[i]
            ws.throughput[i] = max(totals.grossSupply[i], totals.grossSupply[i] - totals.netSupply[i] + totals.demand[i])
            ws.previousNetSupply[i] = previousNetSupply[i]
        }
        for r in 0..<m {
            ws.resourcePrices[r] = q[r]
            ws.resourceUse[r] = totals.resourceUse[r]
            ws.resourceExcess[r] = totals.resourceUse[r] - problem.available[r]
            ws.previousResourceUse[r] = previousResourceUse[r]
        }
        for k in 0..<(n + m) {
            ws.step[k] = tatonnement.steps[k]
            ws.lastRelativeExcess[k] = tatonnement.lastRelativeExcess[k]
        }

        var next = memory
        let change: Double
        switch memory.board {
        case .tatonnement:
            preconditionFailure("JournalBoard.move: the tatonnement board moves through FacilitationBoard.tatonnement")
        case .accelerated:
            let aws = AndersonWorkspace(goods: n, resources: m, memory: settings.andersonMemory)
            aws.restore(memory.anderson!)
            change = problem.acceleratedMovePrices(ws, aws, merit: merit, settings: settings)
            next.anderson = aws.exported()
        case .newton:
            let w = problem.workersCouncilCount
            let nws = NewtonWorkspace(goods: n, resources: m, workersCouncils: w, damping: settings.initialDamping)
            nws.restore(memory.newton!)
            if let responses {
                for council in 0..<w {
                    ws.activity[council] = responses.activity[council]
                    ws.previousActivity[council] = responses.previousActivity[council]
                    ws.response[council] = responses.slopes[council]
                }
                // With D_c = B_c the round loop's CES factor B_c / D_c is exactly 1.
                for (g, group) in cesGroups.enumerated() {
                    for c in 0..<group.councils.count { ws.cesDenominators[g][c] = group.allowance[c] }
                }
            }
            change = problem.newtonMovePrices(ws, nws, merit: merit, settings: settings)
            next.newton = nws.exported()
        }
        next.tatonnement.steps = Array(ws.step.prefix(n + m))
        next.tatonnement.lastRelativeExcess = Array(ws.lastRelativeExcess.prefix(n + m))
        next.tatonnement.previousNetSupply = totals.netSupply
        next.tatonnement.previousResourceUse = totals.resourceUse
        return Move(change: change, prices: Array(ws.prices.prefix(n)), resourcePrices: Array(ws.resourcePrices.prefix(m)), memory: next)
    }
}

extension PlanningProblem {
    /// The economy as a facilitation board working from a journal sees it: the registry's goods,
    /// resources and availabilities, and whatever the councils' proposals reported — rows of `V`
    /// and `Bm` (``ReportedResponses/rows``) and the consumers' demand terms. What only the round
    /// loop's councils use (capacities, elasticities, gross outputs, welfare constants) is empty.
    init(boardView registry: CouncilRegistry, wanted: [Bool], netOutput: Matrix, resourceUse: Matrix,
         cobbDouglasSpending: [Double], cesGroups: [CESGroup]) {
        let w = netOutput.rows
        goodCount = registry.goods.count
        resourceCount = registry.resources.count
        workersCouncilCount = w
        consumersCouncilCount = registry.consumersCouncils.count
        self.netOutput = netOutput
        self.resourceUse = resourceUse
        available = registry.resources.map(\.available)
        capacity = Array(repeating: 0, count: w)
        inverseElasticity = InverseElasticities(elasticity: Array(repeating: .infinity, count: w))
        constantReturns = w == registry.workersCouncils.count ? registry.workersCouncils.map(\.constantReturns) : Array(repeating: false, count: w)
        hasConstantReturns = registry.hasConstantReturns
        outputs = ProducesEntries(rows: Array(repeating: [], count: w))
        self.cobbDouglasSpending = cobbDouglasSpending
        cobbDouglasWelfareConstant = 0
        self.cesGroups = cesGroups
        self.wanted = wanted
        proposalNumbers = 0
        responseNumbers = 0
    }
}
