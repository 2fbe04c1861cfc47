import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// One iteration of the central planner, as its progress table shows it.
public struct CentralIterationRecord: Sendable, Equatable {
    public var iteration: Int
    /// The relative residuals of the optimality conditions at this iteration's point.
    public var residuals: OptimalityResiduals
    /// The average complementarity product `μ` (the barrier parameter).
    public var barrier: Double
    /// The centring parameter `σ` and the step length `α` of the step that led here (0 at the start).
    public var centering: Double
    public var step: Double
    /// The diagonal regularisation the factorisation needed (0 when plain Cholesky worked), or
    /// `nil` when `LDLᵀ` was used.
    public var regularization: Double?
    /// `Σ_c B_c log U_c(d_c(p)) − Σ_w φ_w(x_w)` at this point.
    public var welfare: Double
    /// Wall time since the start of planning, in seconds.
    public var seconds: Double

    public init(iteration: Int, residuals: OptimalityResiduals, barrier: Double, centering: Double, step: Double,
                regularization: Double?, welfare: Double, seconds: Double) {
        self.iteration = iteration
        self.residuals = residuals
        self.barrier = barrier
        self.centering = centering
        self.step = step
        self.regularization = regularization
        self.welfare = welfare
        self.seconds = seconds
    }
}

/// What the central planner computed: the plan (a ``Plan`` with mode `.central`), its
/// iterations, how well the plan meets the optimality conditions, and what it had to be told.
public struct CentralPlan: Sendable {
    public var plan: Plan
    public var iterations: [CentralIterationRecord]
    /// The optimality conditions checked on the plan itself (activities at their bounds set
    /// exactly, consumption the councils' demands at the prices): goods and resources as in
    /// DESIGN §7; workers' councils as the distance from their best response at the prices
    /// (`|x − clamp(kπ, 0, cap)| / max(1, cap)`, or the relative surplus of a constant-returns
    /// council that is not at the bound its surplus asks for); complementarity is part of the
    /// goods' and resources' measures.
    public var residuals: OptimalityResiduals
    /// Numbers the planner had to be told: every council's technology coefficients, capacity and
    /// elasticity, every consumers' council's weights, allowance and elasticity of substitution,
    /// and every resource's availability.
    public var numbersReceived: Int
    /// Numbers the planner sends back: an activity target to every workers' council and a
    /// quantity of each good it receives to every consumers' council.
    public var targetsSent: Int
}

/// The central planner of DESIGN §3: given every council's technology and preferences, it
/// solves the planning programme in one computation (``InteriorPointMethod``). Deterministic for
/// a given number of BLAS threads.
public struct CentralPlanner: Sendable {
    public var settings: CentralSettings

    public init(settings: CentralSettings = CentralSettings()) {
        self.settings = settings
    }

    /// Plans `economy`. `observer` is called after every iteration (for a progress table).
    ///
    /// - Throws: ``CentralPlanningError/invalidSettings(_:)`` for unusable settings and
    ///   ``CentralPlanningError/numericalFailure(iteration:message:)`` when the Newton system
    ///   cannot be solved. Not converging is not thrown: it is the plan's status.
    public func plan(_ economy: Economy, observer: ((CentralIterationRecord) -> Void)? = nil) throws(CentralPlanningError) -> CentralPlan {
        let problems = settings.problems()
        guard problems.isEmpty else { throw .invalidSettings(problems) }
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        let problem = PlanningProblem(economy)
        let method = InteriorPointMethod(problem: problem, settings: settings)

        var records: [CentralIterationRecord] = []
        var iteration = 0
        var centering = 0.0, step = 0.0
        var status: PlanStatus
        var stalled = 0, sinceImprovement = 0
        var best = Double.infinity
        var candidate: PlanEvaluation? = nil
        while true {
            let residuals = method.measure()
            let mu = method.barrier
            let welfare = method.consumers.welfare(at: method.p, problem: problem) - expansionCost(problem, method.x)
            let seconds = elapsed()
            if residuals.largest < 0.5 * best {
                best = residuals.largest
                sinceImprovement = 0
            } else {
                sinceImprovement += 1
            }
            // Near the end, the plan itself is checked against the optimality conditions —
            // activities at their bounds set exactly, free prices set to zero, consumption the
            // demands at the prices — and that check decides convergence: the method's own
            // residuals are a guide, the plan's are the conditions of DESIGN §3.
            let balances = max(residuals.goods, residuals.resources, residuals.workersCouncils)
            candidate = balances <= settings.inaccurateTolerance ? finalPoint(economy, problem, method) : nil
            let finished: PlanStatus?
            if !residuals.isFinite || !mu.isFinite || !welfare.isFinite {
                finished = .diverged
            } else if let candidate, candidate.residuals.largest <= settings.tolerance {
                finished = .converged
            } else if iteration >= settings.maxIterations || stalled >= 5 || sinceImprovement >= 30 {
                finished = .maxRounds
            } else if let limit = settings.timeLimit, seconds >= limit {
                finished = .timeLimit
            } else {
                finished = nil
            }
            let record = CentralIterationRecord(
                iteration: iteration, residuals: residuals, barrier: mu, centering: centering, step: step,
                regularization: method.factorKind == .ldlt ? nil : method.regularization, welfare: welfare, seconds: seconds)
            records.append(record)
            observer?(record)
            if let finished {
                status = finished
                break
            }
            iteration += 1
            step = try method.predictorCorrectorStep(iteration: iteration, residuals: residuals, centering: &centering)
            stalled = step < 1e-8 ? stalled + 1 : 0
        }

        let evaluation = candidate ?? finalPoint(economy, problem, method)
        if (status == .maxRounds || status == .timeLimit) && evaluation.residuals.largest <= settings.inaccurateTolerance {
            status = .convergedInaccurate
        }
        let history = records.map {
            RoundRecord(round: $0.iteration, maxImbalance: $0.residuals.primal, maxRevision: $0.residuals.workersCouncils,
                        largestPriceChange: $0.step, welfare: $0.welfare, seconds: $0.seconds)
        }
        let communication = CentralCommunication(economy)
        let plan = Plan(
            status: status, mode: .central, rounds: records.last!.iteration, seconds: elapsed(),
            settings: PlanningSettings(tolerance: settings.tolerance, inaccurateTolerance: settings.inaccurateTolerance,
                                       maxRounds: settings.maxIterations, timeLimit: settings.timeLimit),
            prices: evaluation.prices, resourcePrices: evaluation.resourcePrices, activity: evaluation.activity,
            consumption: PlanConsumption(evaluation.consumption), supply: evaluation.supply, use: evaluation.use, excessDemand: evaluation.excessDemand,
            relativeImbalance: evaluation.relativeImbalance, resourceUse: evaluation.resourceUse,
            maxRelativeImbalance: max(evaluation.residuals.goods, evaluation.residuals.resources),
            maxRelativeRevision: evaluation.residuals.workersCouncils, welfare: evaluation.welfare,
            pricesPublished: 0, proposalNumbersReceived: communication.received, history: history)
        return CentralPlan(plan: plan, iterations: records, residuals: evaluation.residuals,
                           numbersReceived: communication.received, targetsSent: communication.sent(plan))
    }

    /// The plan at the method's current point. Where the complementarity conditions have decided
    /// (one side of a pair below the tolerance and the other above it), the decided side is set
    /// exactly: an activity to its bound, the price of a good nobody wants or of a slack resource
    /// to zero. Consumption is the councils' demand at the prices.
    private func finalPoint(_ economy: Economy, _ problem: PlanningProblem, _ method: InteriorPointMethod) -> PlanEvaluation {
        let tolerance = settings.tolerance
        var activity = method.x, prices = method.p, resourcePrices = method.q
        for j in 0..<method.w {
            let cap = problem.capacity[j], scale = method.dualScale[j]
            let atLower = activity[j] / cap, atUpper = (cap - activity[j]) / cap
            if atLower <= tolerance && method.lower[j] / scale > atLower { activity[j] = 0 }
            if atUpper <= tolerance && method.upper[j] / scale > atUpper { activity[j] = cap }
        }
        var level = 0.0, positive = 0
        for i in 0..<method.n where prices[i] > 0 { level += prices[i]; positive += 1 }
        level = positive > 0 ? level / Double(positive) : 1
        for i in 0..<method.n where !method.consumers.wants(i) {
            let relative = prices[i] / level
            if relative <= tolerance && method.goodsSlack[i] / method.throughput[i] > relative { prices[i] = 0 }
        }
        let largest = max(1, resourcePrices.max() ?? 0)
        for r in 0..<method.m {
            let relative = resourcePrices[r] / largest
            if relative <= tolerance && method.resourceSlack[r] / problem.available[r] > relative { resourcePrices[r] = 0 }
        }
        let snapped = PlanEvaluation(economy: economy, problem: problem, prices: prices, resourcePrices: resourcePrices,
                                     activity: activity, tolerance: tolerance)
        // A council with finite elasticity whose best response at these prices is a bound, and
        // which is within a millionth of its capacity of it, is put there. (Near a kink, with
        // `π ≈ 0` at `x = 0`, the method's activity approaches the bound only like `√μ`.) Kept
        // only if the plan meets its conditions better.
        var polished = activity
        var changed = false
        for j in 0..<method.w where problem.inverseElasticity[j] > 0 {
            let cap = problem.capacity[j], best = snapped.surplus[j] / problem.inverseElasticity[j]
            if best <= 0 && polished[j] > 0 && polished[j] <= 1e-6 * cap { polished[j] = 0; changed = true }
            if best >= cap && polished[j] < cap && polished[j] >= cap * (1 - 1e-6) { polished[j] = cap; changed = true }
        }
        guard changed else { return snapped }
        let alternative = PlanEvaluation(economy: economy, problem: problem, prices: prices, resourcePrices: resourcePrices,
                                         activity: polished, tolerance: tolerance)
        return alternative.residuals.largest < snapped.residuals.largest ? alternative : snapped
    }
}

extension InteriorPointMethod {
    /// One Mehrotra predictor–corrector step; returns its length.
    func predictorCorrectorStep(iteration: Int, residuals: OptimalityResiduals, centering: inout Double) throws(CentralPlanningError) -> Double {
        let mu = barrier
        try assembleAndFactor(iteration: iteration)
        // Predictor: the affine step towards μ = 0.
        let cap = problem.capacity
        var cg = (0..<n).map { -p[$0] * goodsSlack[$0] }
        var cr = (0..<m).map { -q[$0] * resourceSlack[$0] }
        var cl = (0..<w).map { -x[$0] * lower[$0] }
        var cu = (0..<w).map { -(cap[$0] - x[$0]) * upper[$0] }
        let affine = try direction(goodsTarget: cg, resourceTarget: cr, lowerTarget: cl, upperTarget: cu, iteration: iteration)
        let affineStep = maxStep(affine, fraction: 1)
        let affineBarrier = predictedBarrier(affine, alpha: affineStep)
        centering = min(1, Glibc.pow(max(affineBarrier, 0) / mu, 3))
        // Corrector: aim at σμ, with the second-order term of the affine step. The products are
        // not driven down much faster than the balances and the councils' conditions converge
        // (μ ≥ 0.1 μ₀ r/r₀, the neighbourhood of infeasible path-following methods): a μ far
        // below the infeasibility makes the Newton systems so ill-conditioned that the
        // balances cannot be resolved any more.
        let infeasibility = max(residuals.goods, residuals.resources, residuals.workersCouncils)
        let floor = startingInfeasibility > 0 ? 0.1 * startingBarrier * infeasibility / startingInfeasibility : 0
        let target = min(mu, max(centering * mu, floor))
        centering = target / mu
        for i in 0..<n { cg[i] += target - affine.p[i] * affine.goodsSlack[i] }
        for r in 0..<m { cr[r] += target - affine.q[r] * affine.resourceSlack[r] }
        for j in 0..<w {
            cl[j] += target - affine.x[j] * affine.lower[j]
            cu[j] += target + affine.x[j] * affine.upper[j]
        }
        let d = try direction(goodsTarget: cg, resourceTarget: cr, lowerTarget: cl, upperTarget: cu, iteration: iteration)
        var alpha = maxStep(d, fraction: max(settings.stepFraction, 1 - residuals.largest))

        // Safeguard: D(p) is nonlinear, so a long step can overshoot where the linearisation is
        // poor; halve it while it would make the (scaled) residuals of the target system more
        // than twice as large. Near the solution the residuals are at rounding level and the
        // safeguard stands aside.
        let saved = iterate
        let scales = (dualScale, throughput)
        let before = meritNorm(target: target, dualScale: scales.0, throughput: scales.1)
        for _ in 0..<40 {
            take(d, alpha: alpha)
            evaluate()
            let after = meritNorm(target: target, dualScale: scales.0, throughput: scales.1)
            if after.isFinite && after <= max(2 * before, 1e-8) { return alpha }
            iterate = saved
            alpha /= 2
        }
        iterate = saved
        evaluate()
        return 0
    }
}

/// `Σ_w x_w² / (2 k_w)`.
func expansionCost(_ problem: PlanningProblem, _ x: [Double]) -> Double {
    var cost = 0.0
    for j in 0..<problem.workersCouncilCount { cost += 0.5 * x[j] * x[j] * problem.inverseElasticity[j] }
    return cost
}

/// What a central planner must be told and what it sends back (DESIGN §3).
struct CentralCommunication {
    /// Technology coefficients, capacities and elasticities; weights, allowances and `σ`;
    /// resource availabilities.
    let received: Int

    init(_ economy: Economy) {
        var count = economy.resourceCount
        for council in economy.workersCouncils {
            count += council.produces.count + council.uses.count + 1 + (council.elasticity == nil ? 0 : 1)
        }
        let consumers = economy.consumersCouncils
        for c in consumers.indices {
            consumers.forEachWeight(c) { _, amount in if amount > 0 { count += 1 } }
            count += consumers.sigma(c) == nil ? 1 : 2
        }
        received = count
    }

    /// One activity target per workers' council and the positive quantities of each consumers'
    /// council's bundle.
    func sent(_ plan: Plan) -> Int {
        plan.activity.count + plan.consumption.elements.filter { $0 > 0 }.count
    }
}

/// A plan's quantities and its optimality residuals at given prices and activities, computed
/// from the economy: consumption is every consumers' council's demand at the prices.
struct PlanEvaluation {
    var prices: [Double], resourcePrices: [Double], activity: [Double]
    /// Each workers' council's unit surplus `π = V p − Bm q`.
    var surplus: [Double]
    var consumption: Matrix
    var supply: [Double], use: [Double], excessDemand: [Double], relativeImbalance: [Double]
    var resourceUse: [Double]
    var residuals: OptimalityResiduals
    var welfare: Double

    init(economy: Economy, problem: PlanningProblem, prices p: [Double], resourcePrices q: [Double], activity x: [Double],
         tolerance: Double) {
        let n = problem.goodCount, m = problem.resourceCount, w = problem.workersCouncilCount
        prices = p
        resourcePrices = q
        activity = x
        consumption = Matrix(rows: economy.consumersCouncilCount, columns: n)
        var demand = [Double](repeating: 0, count: n)
        for c in 0..<economy.consumersCouncilCount {
            let bundle = economy.demand(ofCouncil: c, at: p)
            for i in 0..<n {
                consumption[c, i] = bundle[i]
                demand[i] += bundle[i]
            }
        }
        var netSupply = [Double](repeating: 0, count: n)
        BLAS.gemv(.transposed, a: problem.netOutput, x: x, beta: 0, y: &netSupply)
        var used = [Double](repeating: 0, count: m)
        if m > 0 { BLAS.gemv(.transposed, a: problem.resourceUse, x: x, beta: 0, y: &used) }
        resourceUse = used
        var surplus = [Double](repeating: 0, count: w)
        BLAS.gemv(.none, a: problem.netOutput, x: p, beta: 0, y: &surplus)
        if m > 0 { BLAS.gemv(.none, alpha: -1, a: problem.resourceUse, x: q, beta: 1, y: &surplus) }
        self.surplus = surplus
        var gross = [Double](repeating: 0, count: n)
        var residuals = OptimalityResiduals()
        problem.outputs.forEach(0..<w) { j, good, amount in gross[good] += x[j] * amount }
        for j in 0..<w {
            let value = problem.outputs.sum(j) { good, amount in amount * p[good] }
            let cap = problem.capacity[j]
            let violation: Double
            if problem.inverseElasticity[j] > 0 {
                let best = min(max(surplus[j] / problem.inverseElasticity[j], 0), cap)
                violation = abs(x[j] - best) / max(1, cap)
            } else {
                let relative = surplus[j] / max(value, 1e-300)
                if x[j] <= 0 { violation = max(relative, 0) }
                else if x[j] >= cap { violation = max(-relative, 0) }
                else { violation = abs(relative) }
            }
            residuals.workersCouncils = max(residuals.workersCouncils, violation)
        }
        supply = gross
        use = (0..<n).map { gross[$0] - netSupply[$0] + demand[$0] }
        excessDemand = (0..<n).map { demand[$0] - netSupply[$0] }
        var level = 0.0, positive = 0
        for i in 0..<n where p[i] > 0 { level += p[i]; positive += 1 }
        level = positive > 0 ? level / Double(positive) : 1
        let excess = excessDemand, supplied = gross, used2 = use
        relativeImbalance = (0..<n).map {
            ConvergenceMeasure.goodImbalance(excess: excess[$0], throughput: max(supplied[$0], used2[$0]), price: p[$0],
                                             priceLevel: level, tolerance: tolerance)
        }
        residuals.goods = relativeImbalance.max() ?? 0
        let largest = max(1, q.max() ?? 0)
        for r in 0..<m {
            residuals.resources = max(residuals.resources, ConvergenceMeasure.resourceImbalance(
                excess: used[r] - problem.available[r], available: problem.available[r], price: q[r],
                largestPrice: largest, tolerance: tolerance))
        }
        self.residuals = residuals
        welfare = ConsumersDualTerms(problem).welfare(at: p, problem: problem) - expansionCost(problem, x)
    }
}
