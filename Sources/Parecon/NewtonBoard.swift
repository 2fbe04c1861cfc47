import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// Buffers of the second-order board, allocated once when that board is chosen.
final class NewtonWorkspace {
    /// `N = n + m`: goods' then resources' prices.
    let size: Int
    /// Rows per block when the board streams councils' scaled rows into `dsyrk`.
    let blockRows: Int
    /// `H = −∂E/∂P` (row-major `N × N`, upper triangle filled by `dsyrk`), then its Cholesky factor.
    let hessian: UnsafeMutableBufferPointer<Double>
    /// The right-hand side `E`, then the Newton direction `ΔP`.
    let direction: UnsafeMutableBufferPointer<Double>
    /// A block of scaled rows (`blockRows × N`).
    let block: UnsafeMutableBufferPointer<Double>
    /// Constant-returns councils' last revisions `x − x_prev` (0 for the others; in
    /// ``surplusChange``'s storage, see there), and their sum by good and resource: the trend the
    /// board prices.
    var revision: UnsafeMutableBufferPointer<Double> { surplusChange }
    let trend: UnsafeMutableBufferPointer<Double>
    /// The Levenberg–Marquardt damping `μ`: small, the step is Newton's; large, it is a
    /// tatonnement step of relative size `1/μ`.
    var damping: Double
    /// The convergence measure at the last round: the damping follows it when the board has no
    /// prediction to judge (its first move, and after a tatonnement step).
    var lastMerit = Double.infinity
    /// The gain ratio's two sums of squared imbalances (``PlanningProblem/squaredImbalance(_:excess:)``):
    /// `‖E‖²` at the prices of the last Newton step, and `‖E − H ΔP‖²`, what the board's model
    /// predicted for the step it took (nil before the first Newton step and after a tatonnement one).
    var lastNorm = Double.infinity
    var predictedNorm: Double? = nil
    /// The last gain ratio `ρ` the damping followed (nil when it followed the measure). Not part of
    /// the board's memory: the next move recomputes it from `lastNorm` and `predictedNorm`.
    var lastGain: Double? = nil
    /// The diagonal of `H` before the damping is added (scratch): the Cholesky factor overwrites
    /// the diagonal and the upper triangle; the strict upper triangle is mirrored into the strict
    /// lower one, which the factorisation leaves alone, so that `H ΔP` can still be formed.
    let hessianDiagonal: UnsafeMutableBufferPointer<Double>
    /// `H ΔP` for the step taken (scratch).
    let modelChange: UnsafeMutableBufferPointer<Double>
    /// Rounds in which the board took a tatonnement step: the Newton system could not be solved,
    /// or the board had given up Newton steps (``stagnantRounds``).
    var fallbacks = 0
    /// The best convergence measure so far, and the rounds since it last improved. Once that count
    /// reaches ``PlanningProblem/newtonStallRounds`` the board stops counting and moves by
    /// tatonnement steps for the rest of the plan.
    var bestMerit = Double.infinity
    var stagnantRounds = 0
    /// The board's last move `P − P_prev` (goods then resources), for the councils' secant slopes
    /// (``PlanningProblem/secantSlope(_:_:_:)``); `hasLastChange` is false before the first move.
    let lastChange: UnsafeMutableBufferPointer<Double>
    var hasLastChange = false
    /// The prices before the move being made.
    let pricesBefore: UnsafeMutableBufferPointer<Double>
    /// `T_w · ΔP` for every workers' council: its surplus change over the board's last move (two
    /// `gemv` calls a round, for the window responses and secant slopes). Read only while the
    /// Jacobian is assembled (``PlanningProblem/assembleJacobian(_:_:)`` computes it first), so its
    /// storage then holds, later in the same move, the constant-returns councils' ``revision``s
    /// and the ramp step's ``rampSurplus``: one buffer of `W` numbers instead of three.
    let surplusChange: UnsafeMutableBufferPointer<Double>
    /// 1 for a good whose Jacobian row no producer informs this round (every council producing it
    /// is at a bound with no window or secant slope), else 0: the goods that may take a ramp step
    /// (``PlanningProblem/rampStep(_:_:good:target:slope:scale:)``).
    let uninformed: UnsafeMutableBufferPointer<Double>
    /// The ramp step's buffers: the columns `H⁻¹ e_k` of the goods whose step it fixes, those
    /// goods and their fixed changes, the small system `Z_FF λ = t − ΔP_F`, and every council's
    /// surplus change `T_w ΔP` over the step (in ``surplusChange``'s storage, see there).
    let rampColumns: UnsafeMutableBufferPointer<Double>
    let rampGoods: UnsafeMutableBufferPointer<Int>
    let rampChanges: UnsafeMutableBufferPointer<Double>
    let rampSystem: UnsafeMutableBufferPointer<Double>
    var rampSurplus: UnsafeMutableBufferPointer<Double> { surplusChange }
    /// Each good's producers (councils with `v_wk > 0`), grouped by good in council order:
    /// `producers[start[k]..<start[k+1]]`, a run of consecutive councils `a, a+1, …, b` (`b > a`)
    /// written as the two entries `a, ~b` (`~b < 0`) and a lone council as its index, so that the
    /// list is never longer than the producers and is a few entries a good where councils are
    /// grouped by sector (the calibrated economies: 0.4 MB less at 10^5 councils). Read through
    /// ``eachProducer(of:_:)``. Built in the first round that needs it (the sign pattern of `V`
    /// does not change).
    var producerStart: UnsafeMutableBufferPointer<Int>?
    var producers: UnsafeMutableBufferPointer<Int32>?
    /// Rounds in which the board fixed at least one good's step by its producers' ramp.
    var rampRounds = 0
    /// One bit per workers' council (bit `w % 64` of word `w / 64`), set once the council has sent
    /// the board its proposal rule's two constants (elasticity and capacity) for a ramp step
    /// (``hasReportedRange(_:)``); and the numbers so received (2 per such council, over the whole
    /// plan: the constants do not change, so a council sends them once).
    private let rangeReported: UnsafeMutableBufferPointer<UInt64>
    var rangeNumbersReceived = 0
    /// Whether the board takes ramp steps (tests turn them off to compare the round loop with a
    /// round journal, whose councils do not report the elasticities and capacities they need).
    var takesRampSteps = true
    /// At most this many goods take a ramp step in one round (the first ones, in good order).
    static let maxRampGoods = 256

    /// `blockRows` defaults to what keeps a block within 16 MB (at most 512 rows).
    init(goods n: Int, resources m: Int, workersCouncils w: Int, damping: Double, blockRows: Int? = nil) {
        size = n + m
        self.blockRows = blockRows ?? max(1, min(512, (1 << 21) / max(size, 1)))
        let buffer = UnsafeMutableBufferPointer<Double>.zeros
        hessian = buffer(size * size)
        direction = buffer(size)
        block = buffer(self.blockRows * size)
        trend = buffer(size)
        lastChange = buffer(size)
        pricesBefore = buffer(size)
        surplusChange = buffer(w)
        hessianDiagonal = buffer(size)
        modelChange = buffer(size)
        uninformed = buffer(n)
        let ramp = min(Self.maxRampGoods, n)
        rampColumns = buffer(ramp * size)
        rampGoods = UnsafeMutableBufferPointer<Int>.allocate(capacity: ramp)
        rampGoods.initialize(repeating: 0)
        rampChanges = buffer(ramp)
        rampSystem = buffer(ramp * ramp)
        rangeReported = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max((w + 63) / 64, 1))
        rangeReported.initialize(repeating: 0)
        self.damping = damping
    }

    deinit {
        hessian.deallocate()
        direction.deallocate()
        block.deallocate()
        trend.deallocate()
        lastChange.deallocate()
        pricesBefore.deallocate()
        surplusChange.deallocate()
        hessianDiagonal.deallocate()
        modelChange.deallocate()
        uninformed.deallocate()
        rampColumns.deallocate()
        rampGoods.deallocate()
        rampChanges.deallocate()
        rampSystem.deallocate()
        producerStart?.deallocate()
        producers?.deallocate()
        rangeReported.deallocate()
    }

    /// Calls `body` with each producer of good `k` in council order while it returns true;
    /// returns false when `body` stopped it. The list must have been built (``PlanningProblem/listProducers(_:)``).
    @inline(__always) @discardableResult
    func eachProducer(of k: Int, _ body: (Int) -> Bool) -> Bool {
        let list = producers!, end = producerStart![k + 1]
        var c = producerStart![k]
        while c < end {
            let first = Int(list[c])
            var last = first
            c += 1
            if c < end && list[c] < 0 {
                last = Int(~list[c])
                c += 1
            }
            for w in first...last {
                if !body(w) { return false }
            }
        }
        return true
    }

    /// Whether workers' council `w` has sent the board its elasticity and capacity.
    func hasReportedRange(_ w: Int) -> Bool {
        rangeReported[w >> 6] & (1 << UInt64(w & 63)) != 0
    }

    /// Records that council `w` sends its elasticity and capacity, counting the two numbers the
    /// first time only.
    func receiveRange(_ w: Int) {
        guard !hasReportedRange(w) else { return }
        rangeReported[w >> 6] |= 1 << UInt64(w & 63)
        rangeNumbersReceived += 2
    }
}

extension PlanningProblem {
    /// Assembles `H = −∂E/∂P`, the Jacobian of excess demand `E = (D(p) − Vᵀx, Bmᵀx − R)` with
    /// respect to the prices `P = (p, q)`, from what the councils report with their proposals,
    /// into the upper triangle of `nws.hessian`:
    ///
    ///     H = Tᵀ diag(r) T                                   workers' councils, T = [V  −Bm]
    ///       + diag(S_i / p_i²)                                Cobb–Douglas councils
    ///       + Σ_groups [ diag(σ D_i / p_i) + (1−σ) Σ_c d_c d_cᵀ / B_c ]     CES councils
    ///
    /// where `r_w` is the larger of council `w`'s local response — `k_w` (or its proximal slope)
    /// inside its range; at a bound, its average slope over a window as wide as its last surplus
    /// change (``windowResponse(surplus:change:inverseElasticity:capacity:)``) — and, for a council
    /// whose proposal moved in the last round, its secant slope over that round
    /// (``secantSlope(_:_:_:)``). Both sums over councils are `dsyrk`
    /// calls on blocks of scaled rows (`√r_w T_w`, and `d_c / √B_c`), so the assembly is BLAS
    /// level 3 and allocates nothing.
    func assembleJacobian(_ ws: PlanningWorkspace, _ nws: NewtonWorkspace) {
        let n = goodCount, m = resourceCount, size = n + m
        let h = nws.hessian, block = nws.block
        for k in 0..<(size * size) { h[k] = 0 }
        var filled = 0
        if nws.hasLastChange && workersCouncilCount > 0 {
            surplusProducts(goods: nws.lastChange.baseAddress!, resources: nws.lastChange.baseAddress! + n,
                            into: nws.surplusChange.baseAddress!)
        }
        func flush(alpha: Double) {
            if filled > 0 {
                BLAS.syrkTransposedUpper(rows: filled, columns: size, alpha: alpha, a: block.baseAddress!, beta: 1, c: h.baseAddress!)
                filled = 0
            }
        }

        for i in 0..<n { nws.uninformed[i] = 1 }
        // Workers' councils inside their range.
        netOutput.elements.withUnsafeBufferPointer { v in
            resourceUse.elements.withUnsafeBufferPointer { b in
                for w in 0..<workersCouncilCount {
                    let local = localResponse(ws, w)
                    let reported = local > 0 ? local : windowResponseAtBound(ws, nws, w)
                    let slope = max(reported, secantSlope(ws, nws, w))
                    guard slope > 0 else { continue }
                    for i in 0..<n where v[w * n + i] > 0 { nws.uninformed[i] = 0 }
                    let scale = slope.squareRoot()
                    let row = block.baseAddress! + filled * size
                    for i in 0..<n { row[i] = scale * v[w * n + i] }
                    for r in 0..<m { row[n + r] = -scale * b[w * m + r] }
                    filled += 1
                    if filled == nws.blockRows { flush(alpha: 1) }
                }
            }
        }
        flush(alpha: 1)

        // Cobb–Douglas councils: diagonal.
        for i in 0..<n where cobbDouglasSpending[i] > 0 {
            h[i * size + i] += cobbDouglasSpending[i] / (ws.prices[i] * ws.prices[i])
        }

        // CES councils: diagonal plus a rank-one term per council.
        for (g, group) in cesGroups.enumerated() {
            let sigma = group.sigma
            let denominators = ws.cesDenominators[g]
            for k in 0..<n { ws.cesPower[k] = ws.prices[k] > 0 ? Glibc.pow(ws.prices[k], -sigma) : 0 }
            group.weightsToSigma.elements.withUnsafeBufferPointer { a in
                group.allowance.withUnsafeBufferPointer { budget in
                    for c in 0..<group.councils.count {
                        let row = block.baseAddress! + filled * size
                        let factor = budget[c] / denominators[c]
                        let scale = 1 / budget[c].squareRoot()
                        for i in 0..<n {
                            let d = factor * a[c * n + i] * ws.cesPower[i]
                            h[i * size + i] += d > 0 ? sigma * d / ws.prices[i] : 0
                            row[i] = d * scale
                        }
                        for r in 0..<m { row[n + r] = 0 }
                        filled += 1
                        if filled == nws.blockRows { flush(alpha: 1 - sigma) }
                    }
                }
            }
            flush(alpha: 1 - sigma)
        }
    }

    /// The local response a finite-elasticity council at a bound of its range `[0, cap]` reports:
    /// its average slope `dx/dπ` over the surplus window `[π − δ, π + δ]`, `δ = ω |π − π_prev|`,
    /// ``windowWidth`` `ω` times its last surplus change,
    ///
    ///     r = k · |[π − δ, π + δ] ∩ [0, cap/k]| / (2δ)
    ///
    /// — what it would answer to a price change like the last one, where the point derivative
    /// (0 at a bound) says nothing. On calibrated economies a sector's supply is a steep ramp of
    /// its councils' ranges, spread over their scattered costs, and at any prices most councils sit
    /// at one end of theirs: the window lets the Jacobian see the ramp (docs/model.md §3.3). 0
    /// without a last change, and for constant returns (`1/k = 0`).
    static func windowResponse(surplus pi: Double, change: Double, inverseElasticity inverseK: Double, capacity: Double) -> Double {
        let delta = windowWidth * abs(change)
        guard delta > 0, inverseK > 0, delta.isFinite else { return 0 }
        let overlap = max(0, min(pi + delta, capacity * inverseK) - max(pi - delta, 0))
        return overlap / (2 * delta) / inverseK
    }

    /// Rounds without a new best convergence measure after which the second-order board gives up
    /// Newton steps for tatonnement's. Measured (docs/model.md §3.3): a calibrated WIOD world
    /// economy with 10^4 councils, seed 1, where the Newton steps stalled near 0.012 for 500
    /// rounds; 50 also gave up on WIOD US economies that Newton solves in 61 and 95 rounds.
    static let newtonStallRounds = 150

    /// `ω`: the window's half-width in last surplus changes. Measured on twelve calibrated BEA detail
    /// economies with 10^4 councils (seeds 1–12, docs/benchmarks-history.md): with 1, seed 7 cycled without
    /// converging; with 0.7, 13–16 rounds on all twelve; with 0.5, up to 27; without windows, up to 37.
    static let windowWidth = 0.7

    /// Council `w`'s local response at its proposal, as it reports it: the workspace's when it
    /// keeps them (constant-returns councils, a round journal's reports); otherwise — every
    /// council has finite elasticity — from the proposal itself, the number the council's rule
    /// reports (``WorkersCouncilRule``): `1 / (1/k_w)` strictly inside its range `(0, cap_w)`, 0 at
    /// a bound. The same bits without a buffer of `W` numbers.
    @inline(__always)
    func localResponse(_ ws: PlanningWorkspace, _ w: Int) -> Double {
        if ws.hasResponses { return ws.response[w] }
        let x = ws.activity[w]
        return x > 0 && x < capacity[w] ? 1 / inverseElasticity[w] : 0
    }

    /// In the round loop the board computes each council's window response for it (the
    /// simulation of the council's report): its surplus change is `T_w · ΔP`, the board's last move
    /// over the council's row. A journal's problem has no elasticities (`1/k = 0`): there the
    /// councils' reported responses already hold it.
    @inline(__always)
    func windowResponseAtBound(_ ws: PlanningWorkspace, _ nws: NewtonWorkspace, _ w: Int) -> Double {
        let inverseK = inverseElasticity[w]
        guard nws.hasLastChange, inverseK > 0 else { return 0 }
        return Self.windowResponse(surplus: ws.surplus[w], change: nws.surplusChange[w], inverseElasticity: inverseK, capacity: capacity[w])
    }

    /// A finite-elasticity council whose proposal moved in the last round (it crossed part or all
    /// of its range `[0, cap]`) has a secant slope the board can see
    ///
    ///     (x_w − x_prev_w) / (T_w · ΔP)        ΔP the board's last move, T_w = [v_w  −b_w]
    ///
    /// from what it already sees: the council's two proposals (its row `T_w` from the one that is
    /// not zero) and the prices it published. The board takes the larger of it and the council's
    /// reported response (returns 0 when there is none, or for a constant-returns council, whose
    /// slope is already its proximal one).
    ///
    /// Why: on calibrated economies each council's range is crossed within a tiny change of its
    /// surplus, so a sector's supply is a steep ramp made of the steps of its councils, spread over
    /// their scattered costs. At most a few councils of a sector are inside their range at any
    /// prices, and the point derivative misses the ramp: when a round pushes a sector's councils to
    /// capacity (or to zero) the Jacobian says that the good no longer answers its price, and the
    /// next Newton step overshoots to the other end of the ramp. The secant keeps the slope the
    /// councils just showed for the step back. Measured on four BEA economies with 10^4 councils
    /// (docs/model.md §3.3): BEA detail 25 → 14 and 28 → 16 rounds.
    @inline(__always)
    func secantSlope(_ ws: PlanningWorkspace, _ nws: NewtonWorkspace, _ w: Int) -> Double {
        guard nws.hasLastChange, !constantReturns[w] else { return 0 }
        let moved = ws.activity[w] - ws.previousActivity[w]
        guard moved != 0 else { return 0 }
        let slope = moved / nws.surplusChange[w]
        return slope.isFinite && slope > 0 ? slope : 0
    }

    /// The excess demand that the constant-returns councils' last revisions add if they go on:
    /// `−Vᵀ δ` for goods and `Bmᵀ δ` for resources, `δ_w = x_w − x_prev_w` for those councils and 0
    /// for the others (whose response the Jacobian already holds). Pricing it is the
    /// extrapolation step that makes the proximal revisions converge (see ``movePrices``).
    func constantReturnsTrend(_ ws: PlanningWorkspace, _ nws: NewtonWorkspace) {
        let n = goodCount, m = resourceCount, w = workersCouncilCount
        for k in 0..<(n + m) { nws.trend[k] = 0 }
        guard hasConstantReturns, w > 0 else { return }
        for council in 0..<w {
            nws.revision[council] = constantReturns[council] ? ws.activity[council] - ws.previousActivity[council] : 0
        }
        netOutput.elements.withUnsafeBufferPointer { v in
            BLAS.gemv(.transposed, rows: w, columns: n, alpha: -1, a: v.baseAddress!,
                      x: nws.revision.baseAddress!, beta: 0, y: nws.trend.baseAddress!)
        }
        if m > 0 {
            resourceUse.elements.withUnsafeBufferPointer { b in
                BLAS.gemv(.transposed, rows: w, columns: m, alpha: 1, a: b.baseAddress!,
                          x: nws.revision.baseAddress!, beta: 0, y: nws.trend.baseAddress! + n)
            }
        }
    }

    /// The second-order board (DESIGN §5): a projected Levenberg–Marquardt (damped Newton) step
    /// on the prices, from the Jacobian the councils' reports add up to.
    ///
    ///     solve  (H + μ diag(s_i / P̂_i)) ΔP = E        (Cholesky, LAPACK dposv)
    ///     P ← max(0, P + t ΔP),   t = min(1, maxTrustRadius / max_i |ΔP_i| / P̂_i)
    ///
    /// `P̂_i = max(P_i, floor)`, `s_i` the throughput (or availability). With `μ` small this is
    /// Newton's step; with `μ` large it is a tatonnement step `ΔP_i = P̂_i e_i / μ` — which is also
    /// what a price gets whose row carries no information (every council that would answer it is
    /// at a bound). `μ` follows the gain ratio of the last step (Levenberg–Marquardt's): the fall
    /// of the sum of squared imbalances `‖E‖²` that the councils' new proposals show, over the
    /// fall that the model `E − H ΔP` predicted for the step taken (``gainRatio(before:after:predicted:)``);
    /// ÷3 when `ρ > 0.5`, ×4 when `ρ < 0.1` (``damping(after:damping:settings:)``). Without a
    /// prediction (the first move, after a tatonnement step) it falls by 3 after a round that
    /// lowered the convergence measure and rises by 4 after one that did not. A price at zero
    /// whose good or resource is in surplus stays at zero (its row is taken out of the system).
    /// When the system cannot be factored the board takes a tatonnement step instead (counted in
    /// `fallbacks`). Returns the largest relative change. The move is recorded in
    /// `nws.lastChange` for the next round's secant slopes.
    func newtonMovePrices(_ ws: PlanningWorkspace, _ nws: NewtonWorkspace, merit: Double, settings: PlanningSettings) -> Double {
        let n = goodCount, size = n + resourceCount
        // Constant-returns councils' proximal revisions can leave the measure flat for many rounds
        // while they progress; the board keeps its Newton steps there.
        if nws.stagnantRounds < Self.newtonStallRounds && !hasConstantReturns {
            if merit < nws.bestMerit {
                nws.bestMerit = merit
                nws.stagnantRounds = 0
            } else {
                nws.stagnantRounds += 1
            }
        }
        if nws.stagnantRounds >= Self.newtonStallRounds {
            // Newton's model has not found a better point in that many rounds (it can cycle where
            // councils switch between their bounds): tatonnement, which converges, takes over.
            nws.fallbacks += 1
            nws.hasLastChange = false
            nws.predictedNorm = nil
            return movePrices(ws, settings: settings)
        }
        for k in 0..<size { nws.pricesBefore[k] = k < n ? ws.prices[k] : ws.resourcePrices[k - n] }
        let change = dampedNewtonStep(ws, nws, merit: merit, settings: settings)
        for k in 0..<size { nws.lastChange[k] = (k < n ? ws.prices[k] : ws.resourcePrices[k - n]) - nws.pricesBefore[k] }
        nws.hasLastChange = true
        return change
    }

    private func dampedNewtonStep(_ ws: PlanningWorkspace, _ nws: NewtonWorkspace, merit: Double, settings: PlanningSettings) -> Double {
        let n = goodCount, m = resourceCount, size = n + m
        let norm = squaredImbalance(ws) { k in k < n ? ws.excessDemand[k] : ws.resourceExcess[k - n] }
        if let predicted = nws.predictedNorm {
            let gain = Self.gainRatio(before: nws.lastNorm, after: norm, predicted: predicted)
            nws.damping = Self.damping(after: gain, damping: nws.damping, settings: settings)
            nws.lastGain = gain
        } else {
            nws.damping = merit < nws.lastMerit ? max(nws.damping / 3, settings.minDamping) : min(nws.damping * 4, settings.maxDamping)
            nws.lastGain = nil
        }
        nws.lastMerit = merit
        nws.lastNorm = norm
        nws.predictedNorm = nil

        assembleJacobian(ws, nws)
        constantReturnsTrend(ws, nws)
        let h = nws.hessian, e = nws.direction
        BLAS.mirrorUpperTriangle(order: size, c: h.baseAddress!)
        for k in 0..<size { nws.hessianDiagonal[k] = h[k * size + k] }
        let level = priceLevel(ws)
        var largestResourcePrice = 0.0
        for r in 0..<m { largestResourcePrice = max(largestResourcePrice, ws.resourcePrices[r]) }
        let goodsFloor = settings.priceFloorFraction * level
        let resourceFloor = settings.priceFloorFraction * max(largestResourcePrice, level)

        for k in 0..<size {
            let isGood = k < n
            let price = isGood ? ws.prices[k] : ws.resourcePrices[k - n]
            let excess = (isGood ? ws.excessDemand[k] : ws.resourceExcess[k - n]) + nws.trend[k]
            let scale = isGood ? max(ws.throughput[k], 1e-300) : available[k - n]
            let floor = isGood ? goodsFloor : resourceFloor
            if price <= 0 && excess <= 0 {
                // Free, and in surplus: it stays free. Take its row and column out of the system.
                for j in k..<size { h[k * size + j] = 0 }
                for i in 0..<k { h[i * size + k] = 0 }
                h[k * size + k] = 1
                e[k] = 0
            } else {
                h[k * size + k] += nws.damping * scale / max(price, floor)
                e[k] = excess
            }
        }

        do {
            try LAPACK.posv(order: size, a: h.baseAddress!, b: e.baseAddress!)
        } catch {
            nws.fallbacks += 1
            return movePrices(ws, settings: settings)
        }

        fixRampSteps(ws, nws, goodsFloor: goodsFloor, resourceFloor: resourceFloor, settings: settings)

        var largestRelative = 0.0
        for k in 0..<size {
            let price = k < n ? ws.prices[k] : ws.resourcePrices[k - n]
            let floor = k < n ? goodsFloor : resourceFloor
            largestRelative = max(largestRelative, abs(e[k]) / max(price, floor))
        }
        guard largestRelative.isFinite else {
            nws.fallbacks += 1
            return movePrices(ws, settings: settings)
        }
        let t = largestRelative > settings.maxTrustRadius ? settings.maxTrustRadius / largestRelative : 1
        var largestChange = 0.0
        for k in 0..<size {
            let floor = k < n ? goodsFloor : resourceFloor
            let old = k < n ? ws.prices[k] : ws.resourcePrices[k - n]
            let next = boundedPrice(old + t * e[k], old: old, good: k < n ? k : nil)
            largestChange = max(largestChange, abs(next - old) / max(old, floor))
            if k < n { ws.prices[k] = next } else { ws.resourcePrices[k - n] = next }
            nws.lastChange[k] = next - old
        }
        // The model's excess after the step taken (projected and cut): E + trend − H ΔP, with H
        // from its mirrored strict lower triangle and the saved diagonal.
        let hp = nws.modelChange
        BLAS.symmetricMatrixVectorLower(order: size, alpha: 1, a: h.baseAddress!, x: nws.lastChange.baseAddress!, beta: 0, y: hp.baseAddress!)
        for k in 0..<size { hp[k] += (nws.hessianDiagonal[k] - h[k * size + k]) * nws.lastChange[k] }
        let predicted = squaredImbalance(ws) { k in
            (k < n ? ws.excessDemand[k] : ws.resourceExcess[k - n]) + nws.trend[k] - hp[k]
        }
        if predicted.isFinite { nws.predictedNorm = predicted }
        return largestChange
    }

    /// The gain ratio of the last step: the share of the fall of `‖E‖²` that the board's linear
    /// model predicted which happened, `ρ = (before − after) / (before − predicted)`. When the
    /// model predicted no fall (possible: the system is Newton's on the prices, not Gauss–Newton on
    /// `‖E‖²`, and the step is projected and cut) a fall counts as `ρ = 1` and a rise as `ρ = −1`.
    static func gainRatio(before: Double, after: Double, predicted: Double) -> Double {
        let actualFall = before - after, predictedFall = before - predicted
        if predictedFall > 0 { return actualFall / predictedFall }
        return actualFall > 0 ? 1 : -1
    }

    /// The damping after a step of gain ratio `ρ`: ×4 below ``lowGain`` (the model mispredicted
    /// the round), ÷3 above ``highGain``, unchanged between; within `[minDamping, maxDamping]`.
    static func damping(after gain: Double, damping: Double, settings: PlanningSettings) -> Double {
        if gain < lowGain { return min(damping * 4, settings.maxDamping) }
        if gain > highGain { return max(damping / 3, settings.minDamping) }
        return damping
    }

    /// The gain-ratio thresholds. Measured on calibrated BEA economies with 10^4 councils (detail
    /// seeds 1–20, summary 1–10; docs/benchmarks-history.md): with 0.1 / 0.5, 9–15 rounds on every one;
    /// on detail seeds 1–12 the textbook 0.25 / 0.75 took up to 18, Nielsen's continuous rule up to 19.
    static let lowGain = 0.1
    static let highGain = 0.5

    /// `Σ_k imbalance_k²` over goods then resources, each imbalance the convergence measure's
    /// (``ConvergenceMeasure``: the excess relative to the good's throughput or the resource's
    /// availability; the surplus of a free good or a slack resource not counted) for the excess
    /// `excess(k)` at the current prices and throughputs: the gain ratio's norm.
    func squaredImbalance(_ ws: PlanningWorkspace, excess: (Int) -> Double) -> Double {
        let n = goodCount, m = resourceCount
        let level = priceLevel(ws)
        var largestResourcePrice = 1.0
        for r in 0..<m { largestResourcePrice = max(largestResourcePrice, ws.resourcePrices[r]) }
        var sum = 0.0
        for i in 0..<n {
            let x = ConvergenceMeasure.goodImbalance(excess: excess(i), throughput: ws.throughput[i], price: ws.prices[i],
                                                     priceLevel: level, tolerance: 0)
            sum += x * x
        }
        for r in 0..<m {
            let x = ConvergenceMeasure.resourceImbalance(excess: excess(n + r), available: available[r], price: ws.resourcePrices[r],
                                                         largestPrice: largestResourcePrice, tolerance: 0)
            sum += x * x
        }
        return sum
    }
}

extension PlanningProblem {
    /// How wide a producer's range `[0, cap/k]` (in unit surplus) may be, in multiples of the
    /// surplus change `|v_wk t|` the good's Newton step brings it, for the good to take a ramp
    /// step. Measured (docs/model.md §3.3): without this condition `plans/five-goods.json` took 13
    /// rounds instead of 10 and `design-example.json` 12 instead of 10 (their councils' ranges are
    /// as wide as the prices themselves, and a first step cut to the ramp was too short); with it
    /// the twelve BEA detail seeds take 0–2 rounds more than without it (all at most 14).
    static let rampRangeFactor = 2.0

    /// The ramp step (docs/model.md §3.3). A good whose Jacobian row no producer informs — every
    /// council producing it sits at a bound with no window or secant slope, e.g. a good nobody
    /// supplies at the first prices because every producer loses money — gets from the Newton
    /// system the step of its users' side alone. The step overshoots the producers' ramp: the
    /// price at which they start (or, for a good in surplus whose producers are all at capacity,
    /// cut back). The board can see that ramp: each producer's proposal rule
    /// `x_w = clamp(k_w π_w, 0, cap_w)` (the numbers its window response is made of) along the
    /// good's price, with its unit surplus moved by the other prices' previewed change.
    ///
    /// For each such good `k` (at most ``NewtonWorkspace/maxRampGoods`` a round) with step
    /// `ΔP_k`, the board takes the coupled model of its excess — `s (ΔP_k − t)` with
    /// `s = 1 / (H⁻¹)_kk`, the slope left when every other price follows — and the change `t`
    /// between 0 and `ΔP_k` where it meets the producers' supply change
    /// (``rampStep(_:_:good:target:slope:scale:)``). Then it fixes those goods' changes at their
    /// `t` and solves for the others again: `ΔP ← ΔP + Z λ`, `Z = H⁻¹ [e_k]`, `Z_FF λ = t − ΔP_F`
    /// (the same factor, one `dpotrs` per good and a system of the fixed goods' size). The
    /// step of a good can only become shorter.
    func fixRampSteps(_ ws: PlanningWorkspace, _ nws: NewtonWorkspace, goodsFloor: Double, resourceFloor: Double, settings: PlanningSettings) {
        let n = goodCount, size = n + resourceCount
        let d = nws.direction
        var largest = 0.0
        for k in 0..<size {
            let price = k < n ? ws.prices[k] : ws.resourcePrices[k - n]
            largest = max(largest, abs(d[k]) / max(price, k < n ? goodsFloor : resourceFloor))
        }
        guard nws.takesRampSteps, largest.isFinite, largest > 0 else { return }
        // The preview is the step as the trust radius will cut it.
        let scale = largest > settings.maxTrustRadius ? settings.maxTrustRadius / largest : 1
        var candidates = false
        for k in 0..<n where nws.uninformed[k] > 0 && d[k] != 0 { candidates = true; break }
        guard candidates, workersCouncilCount > 0 else { return }
        if nws.producerStart == nil { listProducers(nws) }
        // Every council's surplus change over the step: one pass over V.
        surplusProducts(goods: d.baseAddress!, resources: d.baseAddress! + n, into: nws.rampSurplus.baseAddress!)
        let limit = min(NewtonWorkspace.maxRampGoods, n)
        var fixed = 0
        for k in 0..<n where nws.uninformed[k] > 0 && d[k] != 0 && fixed < limit {
            let target = scale * d[k]
            countRangesReported(nws, good: k)
            guard rampApplies(nws, good: k, target: target) else { continue }
            let z = nws.rampColumns.baseAddress! + fixed * size
            for j in 0..<size { z[j] = 0 }
            z[k] = 1
            do { try LAPACK.posvSolve(order: size, factor: nws.hessian.baseAddress!, b: z) } catch { return }
            let slope = 1 / z[k]
            guard slope > 0, slope.isFinite else { continue }
            let t = rampStep(ws, nws, good: k, target: target, slope: slope, scale: scale)
            guard abs(t) < abs(target) else { continue }
            nws.rampGoods[fixed] = k
            nws.rampChanges[fixed] = t
            fixed += 1
        }
        guard fixed > 0 else { return }
        let system = nws.rampSystem, right = nws.rampChanges
        for a in 0..<fixed {
            let k = nws.rampGoods[a]
            right[a] -= d[k]
            for b in 0..<fixed { system[a * fixed + b] = nws.rampColumns[b * size + k] }
        }
        do { try LAPACK.posv(order: fixed, a: system.baseAddress!, b: right.baseAddress!) } catch { return }
        for b in 0..<fixed {
            let column = nws.rampColumns.baseAddress! + b * size
            for j in 0..<size { d[j] += right[b] * column[j] }
        }
        nws.rampRounds += 1
    }

    /// The change `t` of good `k`'s price, between 0 and `target` (its Newton step as the trust
    /// radius cuts it), where the coupled model of its excess `slope · (target − t)` meets its
    /// producers' supply change
    ///
    ///     Σ_w v_wk [clamp(k_w (π_w + δ_w + v_wk t), 0, cap_w) − x_w]      δ_w = scale · (T_w ΔP − v_wk ΔP_k)
    ///
    /// (`δ_w` the producer's surplus change from the other prices' previewed move, `T_w ΔP` in
    /// `nws.rampSurplus`); by bisection, as the supply is monotone in `t`.
    func rampStep(_ ws: PlanningWorkspace, _ nws: NewtonWorkspace, good k: Int, target: Double, slope: Double, scale: Double) -> Double {
        let n = goodCount
        let d = nws.direction
        var base = 0.0
        nws.eachProducer(of: k) { w in
            base += netOutput.elements[w * n + k] * ws.activity[w]
            return true
        }
        func gap(_ t: Double) -> Double {
            var supply = -base
            nws.eachProducer(of: k) { w in
                let output = netOutput.elements[w * n + k]
                let surplus = ws.surplus[w] + scale * (nws.rampSurplus[w] - output * d[k])
                let x = min(max((surplus + output * t) / inverseElasticity[w], 0), capacity[w])
                supply += output * x
                return true
            }
            return supply - slope * (target - t)
        }
        var low = min(0, target), high = max(0, target)
        if gap(low) >= 0 { return low }
        if gap(high) <= 0 { return high }
        for _ in 0..<60 {
            let middle = 0.5 * (low + high)
            if gap(middle) < 0 { low = middle } else { high = middle }
        }
        return 0.5 * (low + high)
    }

    /// Whether good `k` may take a ramp step: it has producers, none with constant returns, and
    /// none whose range `cap/k` is wider than ``rampRangeFactor`` times its surplus change
    /// `|v_wk target|`.
    func rampApplies(_ nws: NewtonWorkspace, good k: Int, target: Double) -> Bool {
        let n = goodCount
        guard nws.producerStart![k + 1] > nws.producerStart![k] else { return false }
        return nws.eachProducer(of: k) { w in
            let inverseK = inverseElasticity[w]
            return inverseK > 0 && capacity[w] * inverseK <= Self.rampRangeFactor * abs(netOutput.elements[w * n + k] * target)
        }
    }

    /// Counts the elasticity and capacity of good `k`'s producers that the board has not been sent
    /// yet: what a ramp step reads beyond the councils' proposals and responses (docs/model.md §10).
    func countRangesReported(_ nws: NewtonWorkspace, good k: Int) {
        nws.eachProducer(of: k) { w in
            nws.receiveRange(w)
            return true
        }
    }

    /// Lists each good's producers once (two passes over `V`: the entries, then the list), runs of
    /// consecutive councils as two entries (``NewtonWorkspace/producers``).
    func listProducers(_ nws: NewtonWorkspace) {
        let n = goodCount, w = workersCouncilCount
        let start = UnsafeMutableBufferPointer<Int>.allocate(capacity: n + 1)
        start.initialize(repeating: 0)
        // A council that follows the good's last producer extends its run (a run of two and more
        // has its closing entry), any other starts one.
        var lastProducer = [Int](repeating: -2, count: n), runLength = [Int](repeating: 0, count: n)
        netOutput.elements.withUnsafeBufferPointer { v in
            for council in 0..<w {
                for i in 0..<n where v[council * n + i] > 0 {
                    if lastProducer[i] == council - 1 {
                        if runLength[i] == 1 { start[i + 1] += 1 }
                        runLength[i] += 1
                    } else {
                        start[i + 1] += 1
                        runLength[i] = 1
                    }
                    lastProducer[i] = council
                }
            }
        }
        for i in 0..<n { start[i + 1] += start[i] }
        let list = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(start[n], 1))
        list.initialize(repeating: 0)
        var next = Array(start.prefix(n))
        for i in 0..<n { lastProducer[i] = -2; runLength[i] = 0 }
        netOutput.elements.withUnsafeBufferPointer { v in
            for council in 0..<w {
                for i in 0..<n where v[council * n + i] > 0 {
                    if lastProducer[i] == council - 1 {
                        // The run's closing entry: written after its first council, then moved on.
                        if runLength[i] == 1 { next[i] += 1 }
                        list[next[i] - 1] = ~Int32(council)
                        runLength[i] += 1
                    } else {
                        list[next[i]] = Int32(council)
                        next[i] += 1
                        runLength[i] = 1
                    }
                    lastProducer[i] = council
                }
            }
        }
        nws.producerStart = start
        nws.producers = list
    }
}
