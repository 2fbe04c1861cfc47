import PareconLinearAlgebra

/// Buffers and memory of the accelerated board, allocated once when that board is chosen.
final class AndersonWorkspace {
    let size: Int
    /// How many past rounds the board mixes.
    let memory: Int
    /// Column-major `size × memory`: the last differences of prices `ΔP_j` and of tatonnement
    /// steps `Δf_j`, in a ring of `memory` columns.
    let priceDifferences: UnsafeMutableBufferPointer<Double>
    let stepDifferences: UnsafeMutableBufferPointer<Double>
    /// The least-squares copy of `Δf` (dgels overwrites it), its right-hand side, and dgels' work.
    let leastSquares: UnsafeMutableBufferPointer<Double>
    let rightHandSide: UnsafeMutableBufferPointer<Double>
    let work: UnsafeMutableBufferPointer<Double>
    /// The last round's prices and tatonnement step, and this round's.
    let lastPrices: UnsafeMutableBufferPointer<Double>
    let lastStep: UnsafeMutableBufferPointer<Double>
    let prices: UnsafeMutableBufferPointer<Double>
    let step: UnsafeMutableBufferPointer<Double>
    /// Columns filled, the next column to overwrite, whether a last round exists.
    var filled = 0
    var next = 0
    var hasLast = false
    /// The best convergence measure since the last restart, and restarts taken.
    var bestMerit = Double.infinity
    var restarts = 0
    /// Rounds since the best measure last improved.
    var stagnantRounds = 0
    /// After a restart the board takes plain (adaptive) tatonnement steps for `cooldown` rounds
    /// before it mixes again; every restart doubles it (up to `64m` rounds).
    var cooldown = 0
    var cooldownLength: Int

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
    }

    deinit {
        for b in [priceDifferences, stepDifferences, leastSquares, rightHandSide, work, lastPrices, lastStep, prices, step] {
            b.deallocate()
        }
    }

    /// The convergence measure below which the board starts mixing.
    static let mixingThreshold = 0.5

    /// Forgets the mixing history (after a bad round).
    func restart() {
        filled = 0
        next = 0
        bestMerit = .infinity
        stagnantRounds = 0
        restarts += 1
        cooldown = cooldownLength
        cooldownLength = min(2 * cooldownLength, 64 * memory)
    }
}

extension PlanningProblem {
    /// The accelerated board: Anderson mixing of the last few tatonnement rounds (DESIGN §5).
    /// Same information as tatonnement — prices out, proposals back.
    ///
    /// With `f(P) = G(P) − P` the tatonnement step at prices `P`, it keeps the last `m`
    /// differences `ΔP_j` and `Δf_j`, solves the small least-squares problem
    ///
    ///     γ = argmin ‖ f_k − ΔF γ ‖                       (LAPACK dgels, N × m)
    ///
    /// and publishes `P_{k+1} = P_k + f_k − (ΔP + ΔF) γ`, bounded like every board's prices.
    /// It mixes only once the imbalance is below 0.5 (further out, steps are clipped and the map
    /// is not smooth), and a mixed step moves a price by at most half of itself.
    /// Safeguards: when the imbalance is more than twice the best since the last restart or has
    /// not improved for `2m` rounds, or the
    /// least-squares problem is rank deficient or its weights explode, the board forgets its
    /// history, publishes the plain tatonnement step (counted in `restarts`) and keeps to plain
    /// steps for a cool-down that doubles with each restart (up to `64m` rounds), so that at
    /// worst it is tatonnement with occasional mixing.
    func acceleratedMovePrices(_ ws: PlanningWorkspace, _ aws: AndersonWorkspace, merit: Double, settings: PlanningSettings) -> Double {
        let n = goodCount, size = n + resourceCount
        if merit < aws.bestMerit {
            aws.bestMerit = merit
            aws.stagnantRounds = 0
        } else {
            aws.stagnantRounds += 1
        }
        if aws.filled > 0 && (merit > 2 * aws.bestMerit || aws.stagnantRounds > 2 * aws.memory) { aws.restart() }
        let mixing = aws.cooldown == 0 && merit < AndersonWorkspace.mixingThreshold
        if aws.cooldown > 0 { aws.cooldown -= 1 }

        // The plain tatonnement step from P_k: G(P_k), and f_k = G(P_k) − P_k.
        for k in 0..<size { aws.prices[k] = k < n ? ws.prices[k] : ws.resourcePrices[k - n] }
        _ = movePrices(ws, settings: settings, adaptSteps: !mixing)
        for k in 0..<size { aws.step[k] = (k < n ? ws.prices[k] : ws.resourcePrices[k - n]) - aws.prices[k] }

        if aws.hasLast && mixing {
            let column = aws.next * size
            for k in 0..<size {
                aws.priceDifferences[column + k] = aws.prices[k] - aws.lastPrices[k]
                aws.stepDifferences[column + k] = aws.step[k] - aws.lastStep[k]
            }
            aws.next = (aws.next + 1) % aws.memory
            aws.filled = min(aws.filled + 1, aws.memory)
        }
        for k in 0..<size {
            aws.lastPrices[k] = aws.prices[k]
            aws.lastStep[k] = aws.step[k]
        }
        aws.hasLast = true

        // Mix: solve for γ, then P_{k+1} = G(P_k) − (ΔP + ΔF) γ. G(P_k) is in ws already.
        // Far from the plan the steps are clipped (the map is not smooth there): no mixing yet.
        let columns = aws.filled
        guard columns > 0, mixing else {
            if !mixing { aws.filled = 0; aws.next = 0 }
            return largestRelativeChange(aws, ws)
        }
        for k in 0..<(size * columns) { aws.leastSquares[k] = aws.stepDifferences[k] }
        for k in 0..<size { aws.rightHandSide[k] = aws.step[k] }
        // A price held at zero (a free good, a slack resource) is not mixed: its rows are left out.
        for k in 0..<size where aws.prices[k] == 0 && aws.step[k] == 0 {
            for j in 0..<columns { aws.leastSquares[j * size + k] = 0 }
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
                correction += aws.rightHandSide[j] * (aws.priceDifferences[j * size + k] + aws.stepDifferences[j * size + k])
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
