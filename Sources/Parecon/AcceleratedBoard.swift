import PareconLinearAlgebra

/// Buffers and memory of the accelerated board, allocated once when that board is chosen.
final class AndersonWorkspace {
    let size: Int
    /// How many past rounds the board mixes.
    let memory: Int
    /// Column-major `size × memory`: the last differences of prices `ΔP_j` and of relative steps
    /// `Δr_j` (see ``PlanningProblem/acceleratedMovePrices(_:_:merit:settings:)``), in a ring of
    /// `memory` columns.
    let priceDifferences: UnsafeMutableBufferPointer<Double>
    let stepDifferences: UnsafeMutableBufferPointer<Double>
    /// The least-squares copy of `Δr` (dgels overwrites it), its right-hand side, and dgels' work.
    let leastSquares: UnsafeMutableBufferPointer<Double>
    let rightHandSide: UnsafeMutableBufferPointer<Double>
    let work: UnsafeMutableBufferPointer<Double>
    /// The last round's prices and relative step, and this round's prices, tatonnement step
    /// `f_k`, relative step `r_k` and gains (scratch, rewritten by every move).
    let lastPrices: UnsafeMutableBufferPointer<Double>
    let lastStep: UnsafeMutableBufferPointer<Double>
    let prices: UnsafeMutableBufferPointer<Double>
    let step: UnsafeMutableBufferPointer<Double>
    let relativeStep: UnsafeMutableBufferPointer<Double>
    let gains: UnsafeMutableBufferPointer<Double>
    /// Columns filled, the next column to overwrite, whether a last round exists.
    var filled = 0
    var next = 0
    var hasLast = false
    /// The best convergence measure since the last restart, and restarts taken.
    var bestMerit = Double.infinity
    var restarts = 0
    /// Rounds since the measure last fell below `stagnationProgress` times the lowest measure at
    /// which this count was last reset (`progressMerit`).
    var stagnantRounds = 0
    var progressMerit = Double.infinity
    /// After a restart the board takes plain (adaptive) tatonnement steps for `cooldown` rounds
    /// before it mixes again; every restart doubles it (up to `64m` rounds), except that a restart
    /// after a productive mixing phase (see ``productivePhase``) repeats the last cool-down.
    var cooldown = 0
    var cooldownLength: Int
    var lastCooldown = 0
    /// The convergence measure in the first mixing round since the last restart (infinite before it).
    var phaseStartMerit = Double.infinity

    init(goods n: Int, resources m: Int, memory: Int) {
        size = n + m
        // More columns than prices would make the least-squares problem underdetermined.
        self.memory = max(1, min(memory, n + m))
        cooldownLength = 2 * self.memory
        let buffer = UnsafeMutableBufferPointer<Double>.zeros
        priceDifferences = buffer(size * self.memory)
        stepDifferences = buffer(size * self.memory)
        leastSquares = buffer(size * self.memory)
        rightHandSide = buffer(size)
        work = buffer(LAPACK.gelsWorkspaceSize(rows: size, columns: self.memory))
        lastPrices = buffer(size)
        lastStep = buffer(size)
        prices = buffer(size)
        step = buffer(size)
        relativeStep = buffer(size)
        gains = buffer(size)
    }

    deinit {
        for b in [priceDifferences, stepDifferences, leastSquares, rightHandSide, work, lastPrices, lastStep, prices, step,
                  relativeStep, gains] {
            b.deallocate()
        }
    }

    /// The convergence measure below which the board starts mixing.
    static let mixingThreshold = 0.5
    /// While the board mixes, tatonnement's steps grow to at most this (or `maxPriceStep`, if
    /// smaller). The adaptation then sees the results of mixed steps, not of its own, and a
    /// price whose excess demand keeps its sign grows its step round after round; at the
    /// default 16 the plain step that follows a restart threw the plan far off (measured on a
    /// calibrated BEA-summary economy: imbalance 0.004 to 0.43 in two rounds). 4 was the best
    /// of 1, 2, 3, 4, 6, 8 and 16 on the four calibrated BEA economies (docs/model.md §3.2).
    static let mixingMaxPriceStep = 4.0
    /// A mixing phase is productive when the best measure since the last restart fell below this
    /// fraction of the measure in its first mixing round. A restart after a productive phase does
    /// not lengthen the cool-down: it takes the last one's length again (at least `2m`). On
    /// calibrated BEA-detail economies the slow runs were mostly cool-down: seed 18 (10^4 councils) took 235 rounds, 150 of them plain
    /// steps, after a phase that had taken the measure from 2e-4 to 1.6e-5 and was ended by one
    /// round at 4.6e-5 (twice its best), with an 80-round cool-down (docs/model.md §3.2).
    static let productivePhase = 0.5
    /// A round counts as progress (resetting `stagnantRounds`) only when the measure falls below
    /// this fraction of the measure at the last progress: on WIOD world with 10^5 councils a phase
    /// crept from 5.17e-3 to 4.95e-3 over 38 rounds, each round a little below the best, before the
    /// stagnation restart fired (docs/model.md §3.2).
    static let stagnationProgress = 0.99

    /// Forgets the mixing history (after a bad round).
    func restart() {
        let productive = phaseStartMerit.isFinite && bestMerit < AndersonWorkspace.productivePhase * phaseStartMerit
        phaseStartMerit = .infinity
        filled = 0
        next = 0
        bestMerit = .infinity
        progressMerit = .infinity
        stagnantRounds = 0
        restarts += 1
        if productive {
            cooldown = max(2 * memory, lastCooldown)
        } else {
            cooldown = cooldownLength
            cooldownLength = min(2 * cooldownLength, 64 * memory)
        }
        lastCooldown = cooldown
    }
}

extension PlanningProblem {
    /// The accelerated board: Anderson mixing of the last few tatonnement rounds (DESIGN §5).
    /// Same information as tatonnement — prices out, proposals back.
    ///
    /// Each round it first takes tatonnement's step `f_k = G(P_k) − P_k` (with tatonnement's own
    /// step adaptation, see ``movePrices(_:settings:gains:)``), whose gain per price
    /// `g_k = λ_k max(P_k, ε p̄)` turns relative excess demand into a price change. It keeps the
    /// step in those units, `r_k = f_k / g_k` — the relative excess demand that the step acted on,
    /// zero where a bound holds a price (a free good at zero) — and the last `m` differences
    /// `ΔP_j` and `Δr_j`, which are secant pairs of excess demand whatever the steps were. It
    /// solves the small least-squares problem, in the convergence measure's own units,
    ///
    ///     γ = argmin ‖ r_k − ΔR γ ‖                       (LAPACK dgels, N × m)
    ///
    /// and publishes `P_{k+1} = P_k + g_k ∘ (r_k − ΔR γ) − ΔP γ`, bounded like every board's
    /// prices: a multisecant (Anderson type II) step, with tatonnement's adaptive step on what the
    /// secants do not cover. Two things matter on calibrated BEA economies (docs/model.md §3.2): the
    /// steps keep adapting while the board mixes (with steps frozen at their values when mixing
    /// began, the goods whose excess demand kept its sign crept at their small frozen steps, and
    /// five secants could not make up for it: thousands of rounds), and γ is fitted in relative
    /// units (fitted on `f`, the goods with small steps hardly count).
    ///
    /// It mixes only once the imbalance is below 0.5 (further out, steps are clipped and the map
    /// is not smooth), while it mixes tatonnement's steps grow to at most `mixingMaxPriceStep`
    /// (4), a mixed step moves a price by at most half of itself (or its plain step, if
    /// larger), and it never mixes when some workers' council has constant returns: then the
    /// proposals depend on the councils' last proposals as well as on the prices (DESIGN §4), and
    /// mixing took more rounds than tatonnement (docs/model.md §3.2).
    /// Safeguards: when the imbalance is more than twice the best since the last restart or has
    /// not fallen by 1 % for `2m` rounds, or the least-squares problem is rank deficient or its
    /// weights explode, the board forgets its history, publishes the plain tatonnement step (counted in
    /// `restarts`) and keeps to plain steps for a cool-down that doubles with each restart (up to
    /// `64m` rounds), so that at worst it is tatonnement with occasional mixing; a restart after a
    /// mixing phase that at least halved the measure repeats the last cool-down instead.
    func acceleratedMovePrices(_ ws: PlanningWorkspace, _ aws: AndersonWorkspace, merit: Double, settings: PlanningSettings) -> Double {
        let n = goodCount, size = n + resourceCount
        aws.bestMerit = min(aws.bestMerit, merit)
        if merit < AndersonWorkspace.stagnationProgress * aws.progressMerit || !aws.progressMerit.isFinite {
            aws.progressMerit = merit
            aws.stagnantRounds = 0
        } else {
            aws.stagnantRounds += 1
        }
        if aws.filled > 0 && (merit > 2 * aws.bestMerit || aws.stagnantRounds > 2 * aws.memory) { aws.restart() }
        let mixing = aws.cooldown == 0 && merit < AndersonWorkspace.mixingThreshold && !hasConstantReturns
        if aws.cooldown > 0 { aws.cooldown -= 1 }
        if mixing && !aws.phaseStartMerit.isFinite { aws.phaseStartMerit = merit }

        // The plain tatonnement step from P_k: G(P_k), f_k = G(P_k) − P_k, and r_k = f_k / g_k.
        for k in 0..<size { aws.prices[k] = k < n ? ws.prices[k] : ws.resourcePrices[k - n] }
        var stepSettings = settings
        if mixing { stepSettings.maxPriceStep = min(settings.maxPriceStep, AndersonWorkspace.mixingMaxPriceStep) }
        _ = movePrices(ws, settings: stepSettings, gains: aws.gains)
        for k in 0..<size {
            let f = (k < n ? ws.prices[k] : ws.resourcePrices[k - n]) - aws.prices[k]
            aws.step[k] = f
            aws.relativeStep[k] = aws.gains[k] > 0 ? f / aws.gains[k] : 0
        }

        if aws.hasLast && mixing {
            let column = aws.next * size
            for k in 0..<size {
                aws.priceDifferences[column + k] = aws.prices[k] - aws.lastPrices[k]
                aws.stepDifferences[column + k] = aws.relativeStep[k] - aws.lastStep[k]
            }
            aws.next = (aws.next + 1) % aws.memory
            aws.filled = min(aws.filled + 1, aws.memory)
        }
        for k in 0..<size {
            aws.lastPrices[k] = aws.prices[k]
            aws.lastStep[k] = aws.relativeStep[k]
        }
        aws.hasLast = true

        // Mix: solve for γ, then P_{k+1} = G(P_k) − g_k ∘ ΔR γ − ΔP γ. G(P_k) is in ws already.
        // Far from the plan the steps are clipped (the map is not smooth there): no mixing yet.
        let columns = aws.filled
        guard columns > 0, mixing else {
            if !mixing { aws.filled = 0; aws.next = 0 }
            return largestRelativeChange(aws, ws)
        }
        for k in 0..<(size * columns) { aws.leastSquares[k] = aws.stepDifferences[k] }
        for k in 0..<size { aws.rightHandSide[k] = aws.relativeStep[k] }
        // A price held at zero (a free good, a slack resource) is not mixed: its rows are left out.
        for k in 0..<size where aws.prices[k] == 0 && aws.step[k] == 0 {
            for j in 0..<columns { aws.leastSquares[j * size + k] = 0 }
            aws.rightHandSide[k] = 0
        }
        do {
            try LAPACK.gels(rows: size, columns: columns, a: aws.leastSquares.baseAddress!,
                            b: aws.rightHandSide.baseAddress!, work: aws.work)
        } catch {
            aws.restart()
            return largestRelativeChange(aws, ws)
        }
        var weights = 0.0
        for j in 0..<columns { weights += abs(aws.rightHandSide[j]) }
        guard weights.isFinite, weights < 1e3 else {
            aws.restart()
            return largestRelativeChange(aws, ws)
        }
        for k in 0..<size {
            if aws.prices[k] == 0 && aws.step[k] == 0 { continue }
            var correction = 0.0
            for j in 0..<columns {
                correction += aws.rightHandSide[j] * (aws.priceDifferences[j * size + k] + aws.gains[k] * aws.stepDifferences[j * size + k])
            }
            // A mixed step moves a price by at most half of itself (or its plain step, if larger).
            let limit = max(0.5 * aws.prices[k], abs(aws.step[k]))
            let change = max(-limit, min(limit, aws.step[k] - correction))
            let bounded = boundedPrice(aws.prices[k] + change, old: aws.prices[k], good: k < n ? k : nil)
            if k < n { ws.prices[k] = bounded } else { ws.resourcePrices[k - n] = bounded }
        }
        return largestRelativeChange(aws, ws)
    }

    private func largestRelativeChange(_ aws: AndersonWorkspace, _ ws: PlanningWorkspace) -> Double {
        let n = goodCount
        var largest = 0.0
        for k in 0..<(n + resourceCount) {
            let new = k < n ? ws.prices[k] : ws.resourcePrices[k - n]
            let old = aws.prices[k]
            if old > 0 { largest = max(largest, abs(new - old) / old) } else if new > 0 { largest = max(largest, 1) }
        }
        return largest
    }
}
