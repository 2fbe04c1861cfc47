import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// The central planner's computation: a primal–dual interior-point method (Mehrotra
/// predictor–corrector) on the optimality conditions of the programme of DESIGN §3.
///
/// ## The conditions
///
/// Unknowns: activities `x ∈ R^W` with bound multipliers `z_l, z_u ≥ 0`; goods prices `p ≥ 0`
/// with the goods' slacks `s_g ≥ 0`; resource prices `q ≥ 0` with the resources' slacks
/// `s_r ≥ 0`. The consumers' councils are eliminated by their closed-form demands `D(p)` (see
/// ``ConsumersDualTerms``). With `π = V p − Bm q`, `u = cap − x` and `1/k_w = 0` for constant
/// returns, the plan is optimal when
///
///     r_x = π − x/k + z_l − z_u = 0          (each workers' council's stationarity)
///     r_g = Vᵀx − D(p) − s_g     = 0          (goods balances)
///     r_r = R − Bmᵀx − s_r       = 0          (resources)
///     p∘s_g = 0,  q∘s_r = 0,  x∘z_l = 0,  u∘z_u = 0,  all of them ≥ 0.
///
/// The method follows the central path where every product equals `μ → 0`, keeping every
/// bounded variable strictly positive (a log barrier on `0 ≤ x ≤ cap`, which is what makes
/// constant returns work: the councils' proposals no longer jump between 0 and capacity).
///
/// ## The Newton step
///
/// Linearising (with `H = −∂D/∂p`, positive semidefinite) and eliminating the multipliers and
/// slacks leaves, with `M = [V  −Bm]` (W × (n+m)), `y = (Δp, Δq)` and targets `c` for the products,
///
///     Δx = θ ∘ (M y + ρ_x),     θ_w = 1 / (1/k_w + z_l/x + z_u/u)
///     ρ_x = r_x + c_l/x − c_u/u
///     (Mᵀ diag(θ) M + E) y = ρ_y − Mᵀ(θ ∘ ρ_x)
///     E = blockdiag(H + diag(s_g/p), diag(s_r/q)),   ρ_y = (c_g/p − r_g, c_r/q − r_r)
///
/// an `(n+m) × (n+m)` symmetric positive definite Schur complement. `Mᵀ diag(θ) M` is assembled
/// with `dsyrk` over blocks of the scaled rows `√θ_w M_w` (BLAS level 3), and the system is
/// solved by Cholesky (`dpotrf`/`dpotrs`); if rounding makes it indefinite, by Cholesky of a
/// slightly regularised matrix with iterative refinement, and failing that by `LDLᵀ` (`dsysv`).
///
/// ## The iteration
///
/// Mehrotra predictor–corrector (``predictorCorrectorStep(iteration:residuals:centering:)``):
/// an affine step (`c = −products`) gives the products it would reach, `μ_aff`; the centring
/// parameter is `σ = (μ_aff / μ)³`; the corrector aims at `σμ` with the second-order term
/// `−Δ_aff ∘ Δ_aff`, reusing the factorisation. Two safeguards:
///
/// - the target never falls below `0.1 μ₀ r / r₀`, `r` the largest relative balance or
///   stationarity residual (the neighbourhood of infeasible path-following methods): driving
///   `μ` far below the infeasibility makes `θ` of a constant-returns council inside its range
///   (`≈ x²/μ`) so large that the normal matrix can no longer resolve the balances;
/// - one step length for all variables, a fraction `τ = max(0.99, 1 − r)` of the way to the
///   nearest bound, halved while it would more than double the scaled residual of the target
///   system (`D(p)` is nonlinear; the safeguard rarely acts).
///
/// Convergence is decided on the plan, not on the method's own residuals: once the balances
/// are within the inaccurate tolerance, the candidate plan (activities that complementarity
/// puts at a bound set exactly, prices of unwanted goods and of slack resources that it puts at
/// zero set to zero, consumption the demands at the prices) is checked against the optimality
/// conditions of DESIGN §3 (``PlanEvaluation``), and the run stops when every relative residual
/// is below the tolerance (``OptimalityResiduals``).
final class InteriorPointMethod {
    let problem: PlanningProblem
    let settings: CentralSettings
    let consumers: ConsumersDualTerms
    let n: Int, m: Int, w: Int
    var order: Int { n + m }

    // The iterate.
    var x: [Double], lower: [Double], upper: [Double]
    var p: [Double], goodsSlack: [Double]
    var q: [Double], resourceSlack: [Double]

    // Evaluated at the iterate by `evaluate()`.
    var surplus: [Double]           // π = V p − Bm q
    var netSupply: [Double]         // Vᵀ x
    var resourceUse: [Double]       // Bmᵀ x
    var demand: [Double]            // D(p)
    var grossSupply: [Double]       // Σ x_w produces_w
    var residualX: [Double]         // r_x
    var residualGoods: [Double]     // r_g
    var residualResources: [Double] // r_r
    /// Per council: the scale of its stationarity residual (see `measure`).
    var dualScale: [Double]
    var throughput: [Double]
    /// `Σ_i produces_wi` of each council.
    let producesTotal: [Double]

    // Newton system.
    var theta: [Double]
    var normalMatrix: [Double]      // K, upper triangle valid, then mirrored
    var factor: [Double]
    var factorKind = FactorKind.cholesky
    /// `μ` and the largest relative balance or stationarity residual at the starting point.
    var startingBarrier = 0.0
    var startingInfeasibility = 0.0
    var regularization = 0.0
    var block: [Double]

    enum FactorKind { case cholesky, regularizedCholesky, ldlt }

    /// A search direction.
    struct Direction {
        var x, lower, upper, p, goodsSlack, q, resourceSlack: [Double]
    }

    init(problem: PlanningProblem, settings: CentralSettings) {
        self.problem = problem
        self.settings = settings
        consumers = ConsumersDualTerms(problem)
        n = problem.goodCount
        m = problem.resourceCount
        w = problem.workersCouncilCount
        func zeros(_ count: Int) -> [Double] { [Double](repeating: 0, count: count) }
        x = zeros(w); lower = zeros(w); upper = zeros(w)
        p = zeros(n); goodsSlack = zeros(n)
        q = zeros(m); resourceSlack = zeros(m)
        surplus = zeros(w); netSupply = zeros(n); resourceUse = zeros(m); demand = zeros(n); grossSupply = zeros(n)
        residualX = zeros(w); residualGoods = zeros(n); residualResources = zeros(m)
        dualScale = zeros(w); throughput = zeros(n)
        theta = zeros(w)
        producesTotal = (0..<w).map { j in problem.outputs.sum(j) { _, amount in amount } }
        normalMatrix = zeros((n + m) * (n + m))
        factor = zeros((n + m) * (n + m))
        block = zeros(max(1, min(settings.blockRows, w)) * (n + m))
        startingPoint()
    }

    // MARK: Starting point

    /// Activities at half capacity, every price 1, slacks and bound multipliers positive and of
    /// the size of the quantities and values they pair with.
    private func startingPoint() {
        for j in 0..<w { x[j] = problem.capacity[j] / 2 }
        for i in 0..<n { p[i] = 1 }
        for r in 0..<m { q[r] = 1 }
        evaluateQuantities()
        for i in 0..<n {
            let scale = max(1, grossSupply[i] + demand[i])
            goodsSlack[i] = max(netSupply[i] - demand[i], 0) + 0.1 * scale
        }
        for r in 0..<m {
            resourceSlack[r] = max(problem.available[r] - resourceUse[r], 0) + 0.1 * problem.available[r]
        }
        for j in 0..<w {
            let g = surplus[j] - x[j] * problem.inverseElasticity[j]
            let delta = 0.1 * max(dualScale[j], 1e-3)
            lower[j] = max(-g, 0) + delta
            upper[j] = max(g, 0) + delta
        }
        evaluate()
        startingBarrier = barrier
        let residuals = measure()
        startingInfeasibility = max(residuals.goods, residuals.resources, residuals.workersCouncils)
    }

    // MARK: Evaluation

    /// π, Vᵀx, Bmᵀx, gross supply, D(p), throughput and the councils' residual scales.
    private func evaluateQuantities() {
        let v = problem.netOutput, b = problem.resourceUse
        BLAS.gemv(.none, a: v, x: p, beta: 0, y: &surplus)
        if m > 0 { BLAS.gemv(.none, alpha: -1, a: b, x: q, beta: 1, y: &surplus) }
        BLAS.gemv(.transposed, a: v, x: x, beta: 0, y: &netSupply)
        if m > 0 { BLAS.gemv(.transposed, a: b, x: x, beta: 0, y: &resourceUse) }
        consumers.demand(at: p, into: &demand)
        for i in 0..<n { grossSupply[i] = 0 }
        var level = 0.0, positive = 0
        for i in 0..<n where p[i] > 0 { level += p[i]; positive += 1 }
        level = positive > 0 ? level / Double(positive) : 1
        problem.outputs.forEach(0..<w) { j, good, amount in grossSupply[good] += x[j] * amount }
        for j in 0..<w {
            let value = problem.outputs.sum(j) { good, amount in amount * p[good] }
            // Value of the council's outputs and inputs, but not less than a millionth of what
            // its outputs would be worth at the average price (a council making only free goods).
            let inputs = value - surplus[j]
            var scale = max(value + max(inputs, 0), 1e-6 * level * producesTotal[j])
            if !(scale > 0) { scale = 1 }
            let inverseK = problem.inverseElasticity[j]
            if inverseK > 0 { scale = min(scale, max(1, problem.capacity[j]) * inverseK) }
            dualScale[j] = scale
        }
        for i in 0..<n {
            let use = grossSupply[i] - netSupply[i] + demand[i]
            let t = max(grossSupply[i], use)
            throughput[i] = t > 0 ? t : 1
        }
    }

    /// Everything at the iterate, residuals included.
    func evaluate() {
        evaluateQuantities()
        for j in 0..<w {
            residualX[j] = surplus[j] - x[j] * problem.inverseElasticity[j] + lower[j] - upper[j]
        }
        for i in 0..<n { residualGoods[i] = netSupply[i] - demand[i] - goodsSlack[i] }
        for r in 0..<m { residualResources[r] = problem.available[r] - resourceUse[r] - resourceSlack[r] }
    }

    /// The average complementarity product `μ`.
    var barrier: Double {
        var total = 0.0
        for i in 0..<n { total += p[i] * goodsSlack[i] }
        for r in 0..<m { total += q[r] * resourceSlack[r] }
        for j in 0..<w { total += x[j] * lower[j] + (problem.capacity[j] - x[j]) * upper[j] }
        return total / Double(max(1, n + m + 2 * w))
    }

    /// The relative residuals at the iterate (see ``OptimalityResiduals``).
    func measure() -> OptimalityResiduals {
        var residuals = OptimalityResiduals()
        for i in 0..<n { residuals.goods = max(residuals.goods, abs(residualGoods[i]) / throughput[i]) }
        for r in 0..<m { residuals.resources = max(residuals.resources, abs(residualResources[r]) / problem.available[r]) }
        for j in 0..<w { residuals.workersCouncils = max(residuals.workersCouncils, abs(residualX[j]) / dualScale[j]) }
        var level = 0.0, positive = 0
        for i in 0..<n where p[i] > 0 { level += p[i]; positive += 1 }
        level = positive > 0 ? level / Double(positive) : 1
        var complementarity = 0.0
        for i in 0..<n { complementarity = max(complementarity, min(p[i] / level, goodsSlack[i] / throughput[i])) }
        let largest = max(1, q.max() ?? 0)
        for r in 0..<m { complementarity = max(complementarity, min(q[r] / largest, resourceSlack[r] / problem.available[r])) }
        for j in 0..<w {
            let cap = problem.capacity[j]
            complementarity = max(complementarity, min(x[j] / cap, lower[j] / dualScale[j]))
            complementarity = max(complementarity, min((cap - x[j]) / cap, upper[j] / dualScale[j]))
        }
        residuals.complementarity = complementarity
        return residuals
    }

    // MARK: Newton system

    /// Assembles `K = Mᵀ diag(θ) M + E` (block `dsyrk` over the scaled rows) and factorises it.
    func assembleAndFactor(iteration: Int) throws(CentralPlanningError) {
        let order = self.order
        for j in 0..<w {
            let cap = problem.capacity[j]
            theta[j] = 1 / (problem.inverseElasticity[j] + lower[j] / x[j] + upper[j] / (cap - x[j]))
        }
        let rowsPerBlock = max(1, min(settings.blockRows, w))
        let v = problem.netOutput.elements, b = problem.resourceUse.elements
        var first = true
        var start = 0
        normalMatrix.withUnsafeMutableBufferPointer { kp in
            block.withUnsafeMutableBufferPointer { bp in
                while start < w {
                    let end = min(start + rowsPerBlock, w)
                    for j in start..<end {
                        let s = theta[j].squareRoot()
                        let row = (j - start) * order
                        for i in 0..<n { bp[row + i] = s * v[j * n + i] }
                        for r in 0..<m { bp[row + n + r] = -s * b[j * m + r] }
                    }
                    BLAS.symmetricRankUpdateUpper(rows: end - start, columns: order, alpha: 1, a: bp.baseAddress!,
                                                  beta: first ? 0 : 1, c: kp.baseAddress!)
                    first = false
                    start = end
                }
                if first { for e in 0..<kp.count { kp[e] = 0 } }
            }
        }
        for i in 0..<n { normalMatrix[i * order + i] += goodsSlack[i] / p[i] }
        for r in 0..<m { normalMatrix[(n + r) * order + n + r] += resourceSlack[r] / q[r] }
        consumers.addHessian(at: p, demand: demand, to: &normalMatrix, order: order)
        normalMatrix.withUnsafeMutableBufferPointer { BLAS.mirrorUpperTriangle(order: order, c: $0.baseAddress!) }
        try factorize(iteration: iteration)
    }

    /// Cholesky of `K`; if rounding made it indefinite, of `K + δI` for growing `δ`; failing
    /// that, `LDLᵀ` is used at solve time.
    private func factorize(iteration: Int) throws(CentralPlanningError) {
        let order = self.order
        var largestDiagonal = 0.0
        for i in 0..<order { largestDiagonal = max(largestDiagonal, abs(normalMatrix[i * order + i])) }
        guard largestDiagonal.isFinite else {
            throw .numericalFailure(iteration: iteration, message: "the normal matrix has non-finite entries")
        }
        regularization = 0
        var delta = 0.0
        while true {
            factor = normalMatrix
            if delta > 0 { for i in 0..<order { factor[i * order + i] += delta } }
            do {
                try factor.withUnsafeMutableBufferPointer { (fp) throws(LinearAlgebraError) in
                    try LAPACK.choleskyFactorUpper(order: order, a: fp.baseAddress!)
                }
                factorKind = delta == 0 ? .cholesky : .regularizedCholesky
                regularization = delta
                return
            } catch {
                delta = delta == 0 ? 1e-14 * max(largestDiagonal, 1) : delta * 100
                if delta > 1e-6 * max(largestDiagonal, 1) { break }
            }
        }
        factorKind = .ldlt
    }

    /// Solves `K y = rhs` with the factorisation (two steps of iterative refinement against the
    /// unregularised `K` when it was regularised).
    private func solveNormal(_ rhs: [Double], iteration: Int) throws(CentralPlanningError) -> [Double] {
        let order = self.order
        var y = rhs
        do {
            switch factorKind {
            case .cholesky:
                try factor.withUnsafeBufferPointer { (fp) throws(LinearAlgebraError) in
                    try y.withUnsafeMutableBufferPointer { (yp) throws(LinearAlgebraError) in
                        try LAPACK.choleskySolveUpper(order: order, factor: fp.baseAddress!, b: yp.baseAddress!)
                    }
                }
            case .regularizedCholesky:
                try factor.withUnsafeBufferPointer { (fp) throws(LinearAlgebraError) in
                    try y.withUnsafeMutableBufferPointer { (yp) throws(LinearAlgebraError) in
                        try LAPACK.choleskySolveUpper(order: order, factor: fp.baseAddress!, b: yp.baseAddress!)
                    }
                }
                for _ in 0..<2 {
                    var correction = rhs
                    normalMatrix.withUnsafeBufferPointer { kp in
                        y.withUnsafeBufferPointer { yp in
                            correction.withUnsafeMutableBufferPointer { cp in
                                BLAS.symmetricMatrixVector(order: order, alpha: -1, a: kp.baseAddress!, x: yp.baseAddress!,
                                                           beta: 1, y: cp.baseAddress!)
                            }
                        }
                    }
                    try factor.withUnsafeBufferPointer { (fp) throws(LinearAlgebraError) in
                        try correction.withUnsafeMutableBufferPointer { (cp) throws(LinearAlgebraError) in
                            try LAPACK.choleskySolveUpper(order: order, factor: fp.baseAddress!, b: cp.baseAddress!)
                        }
                    }
                    for i in 0..<order { y[i] += correction[i] }
                }
            case .ldlt:
                var a = normalMatrix
                try a.withUnsafeMutableBufferPointer { (ap) throws(LinearAlgebraError) in
                    try y.withUnsafeMutableBufferPointer { (yp) throws(LinearAlgebraError) in
                        try LAPACK.symmetricIndefiniteSolve(order: order, a: ap.baseAddress!, b: yp.baseAddress!)
                    }
                }
            }
        } catch {
            throw .numericalFailure(iteration: iteration, message: error.description)
        }
        guard y.allSatisfy(\.isFinite) else {
            throw .numericalFailure(iteration: iteration, message: "the Newton step is not finite")
        }
        return y
    }

    /// The direction for complementarity targets `c` (goods, resources, lower, upper):
    /// `p Δs_g + s_g Δp = c_g`, and so on.
    func direction(goodsTarget cg: [Double], resourceTarget cr: [Double], lowerTarget cl: [Double], upperTarget cu: [Double],
                   iteration: Int) throws(CentralPlanningError) -> Direction {
        var rhoX = [Double](repeating: 0, count: w)
        for j in 0..<w {
            rhoX[j] = residualX[j] + cl[j] / x[j] - cu[j] / (problem.capacity[j] - x[j])
        }
        var thetaRho = [Double](repeating: 0, count: w)
        for j in 0..<w { thetaRho[j] = theta[j] * rhoX[j] }
        // rhs = ρ_y − Mᵀ(θ ρ_x), Mᵀ = [Vᵀ; −Bmᵀ]
        var goodsPart = [Double](repeating: 0, count: n), resourcePart = [Double](repeating: 0, count: m)
        BLAS.gemv(.transposed, a: problem.netOutput, x: thetaRho, beta: 0, y: &goodsPart)
        if m > 0 { BLAS.gemv(.transposed, a: problem.resourceUse, x: thetaRho, beta: 0, y: &resourcePart) }
        var rhs = [Double](repeating: 0, count: order)
        for i in 0..<n { rhs[i] = cg[i] / p[i] - residualGoods[i] - goodsPart[i] }
        for r in 0..<m { rhs[n + r] = cr[r] / q[r] - residualResources[r] + resourcePart[r] }
        let y = try solveNormal(rhs, iteration: iteration)
        let dp = Array(y[0..<n]), dq = Array(y[n..<order])
        // Δx = θ (V Δp − Bm Δq + ρ_x)
        var dx = [Double](repeating: 0, count: w)
        BLAS.gemv(.none, a: problem.netOutput, x: dp, beta: 0, y: &dx)
        if m > 0 { BLAS.gemv(.none, alpha: -1, a: problem.resourceUse, x: dq, beta: 1, y: &dx) }
        var dl = [Double](repeating: 0, count: w), du = [Double](repeating: 0, count: w)
        for j in 0..<w {
            dx[j] = theta[j] * (dx[j] + rhoX[j])
            dl[j] = (cl[j] - lower[j] * dx[j]) / x[j]
            du[j] = (cu[j] + upper[j] * dx[j]) / (problem.capacity[j] - x[j])
        }
        var dsg = [Double](repeating: 0, count: n), dsr = [Double](repeating: 0, count: m)
        for i in 0..<n { dsg[i] = (cg[i] - goodsSlack[i] * dp[i]) / p[i] }
        for r in 0..<m { dsr[r] = (cr[r] - resourceSlack[r] * dq[r]) / q[r] }
        return Direction(x: dx, lower: dl, upper: du, p: dp, goodsSlack: dsg, q: dq, resourceSlack: dsr)
    }

    /// The longest step in `[0, 1]` that keeps every bounded variable at least `1 − fraction`
    /// of its way from its bound (`fraction = 1`: up to the bound).
    func maxStep(_ d: Direction, fraction: Double) -> Double {
        var alpha = 1.0
        func limit(_ value: Double, _ change: Double) {
            if change < 0 { alpha = min(alpha, -fraction * value / change) }
        }
        for j in 0..<w {
            limit(x[j], d.x[j])
            limit(problem.capacity[j] - x[j], -d.x[j])
            limit(lower[j], d.lower[j])
            limit(upper[j], d.upper[j])
        }
        for i in 0..<n { limit(p[i], d.p[i]); limit(goodsSlack[i], d.goodsSlack[i]) }
        for r in 0..<m { limit(q[r], d.q[r]); limit(resourceSlack[r], d.resourceSlack[r]) }
        return alpha
    }

    /// The average complementarity product after a step `alpha` along `d` (linear prediction).
    func predictedBarrier(_ d: Direction, alpha: Double) -> Double {
        var total = 0.0
        for i in 0..<n { total += (p[i] + alpha * d.p[i]) * (goodsSlack[i] + alpha * d.goodsSlack[i]) }
        for r in 0..<m { total += (q[r] + alpha * d.q[r]) * (resourceSlack[r] + alpha * d.resourceSlack[r]) }
        for j in 0..<w {
            let xn = x[j] + alpha * d.x[j]
            total += xn * (lower[j] + alpha * d.lower[j])
            total += (problem.capacity[j] - xn) * (upper[j] + alpha * d.upper[j])
        }
        return total / Double(max(1, n + m + 2 * w))
    }

    /// Moves the iterate by `alpha` along `d`.
    func take(_ d: Direction, alpha: Double) {
        for j in 0..<w {
            x[j] += alpha * d.x[j]
            lower[j] += alpha * d.lower[j]
            upper[j] += alpha * d.upper[j]
            // Stay strictly inside the bounds whatever rounding did.
            let cap = problem.capacity[j]
            if !(x[j] > 0) { x[j] = Double.leastNormalMagnitude }
            if !(x[j] < cap) { x[j] = cap.nextDown }
        }
        for i in 0..<n { p[i] += alpha * d.p[i]; goodsSlack[i] += alpha * d.goodsSlack[i] }
        for r in 0..<m { q[r] += alpha * d.q[r]; resourceSlack[r] += alpha * d.resourceSlack[r] }
    }

    /// The norm of the linearised system's residual at the target `target` for every product:
    /// what the safeguard line search watches.
    func meritNorm(target: Double, dualScale: [Double], throughput: [Double]) -> Double {
        var total = 0.0
        for j in 0..<w {
            let scale = dualScale[j]
            total += (residualX[j] / scale) * (residualX[j] / scale)
            let cap = problem.capacity[j]
            let a = (x[j] * lower[j] - target) / (cap * scale), b = ((cap - x[j]) * upper[j] - target) / (cap * scale)
            total += a * a + b * b
        }
        for i in 0..<n {
            let t = throughput[i]
            total += (residualGoods[i] / t) * (residualGoods[i] / t)
            let c = (p[i] * goodsSlack[i] - target) / t
            total += c * c
        }
        for r in 0..<m {
            let a = problem.available[r]
            total += (residualResources[r] / a) * (residualResources[r] / a)
            let c = (q[r] * resourceSlack[r] - target) / a
            total += c * c
        }
        return total.squareRoot()
    }

    /// A copy of the iterate, to return to when a trial step is rejected.
    struct Iterate {
        var x, lower, upper, p, goodsSlack, q, resourceSlack: [Double]
    }

    var iterate: Iterate {
        get { Iterate(x: x, lower: lower, upper: upper, p: p, goodsSlack: goodsSlack, q: q, resourceSlack: resourceSlack) }
        set {
            x = newValue.x; lower = newValue.lower; upper = newValue.upper
            p = newValue.p; goodsSlack = newValue.goodsSlack; q = newValue.q; resourceSlack = newValue.resourceSlack
        }
    }
}

/// The relative residuals of the optimality conditions of DESIGN §3.
///
/// - `goods`: the goods balances, `|Vᵀx − D(p) − s_g| / throughput` (for a finished plan,
///   the DESIGN §7 imbalance of each good);
/// - `resources`: `|R − Bmᵀx − s_r| / R` (for a plan, relative overuse or unpriced slack);
/// - `workersCouncils`: each council's stationarity, `|π − x/k + z_l − z_u|` relative to the
///   value of its outputs and inputs (and, with finite `k`, to `cap/k`, so that it bounds the
///   error of its activity relative to capacity); for a plan, how far its activity is from its
///   best response at the prices;
/// - `complementarity`: for each pair (price and slack, activity and bound multiplier), the
///   smaller of the two relative values — zero when one of them is zero.
public struct OptimalityResiduals: Sendable, Equatable {
    public var goods = 0.0
    public var resources = 0.0
    public var workersCouncils = 0.0
    public var complementarity = 0.0

    public init(goods: Double = 0, resources: Double = 0, workersCouncils: Double = 0, complementarity: Double = 0) {
        self.goods = goods
        self.resources = resources
        self.workersCouncils = workersCouncils
        self.complementarity = complementarity
    }

    /// Primal residual: the larger of the goods' and the resources'.
    public var primal: Double { max(goods, resources) }
    /// The largest of them all.
    public var largest: Double { max(goods, resources, workersCouncils, complementarity) }
    public var isFinite: Bool { largest.isFinite }
}
