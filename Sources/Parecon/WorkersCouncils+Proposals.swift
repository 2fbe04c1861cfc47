import PareconLinearAlgebra

extension PlanningProblem {
    /// Step 2 of a round (DESIGN §2, §4): every workers' council proposes an activity level at the
    /// published prices — and, in the same pass over the technology matrices, the board's sums
    /// `Vᵀ x`, `Bmᵀ x` and gross supply (see ``FusedRound``: block by block, each block of `V`
    /// and `Bm` read from memory once).
    ///
    /// Unit surplus (social benefit minus social cost), through BLAS on each block of councils:
    ///
    ///     π_B = V_B p − Bm_B q
    ///
    /// and each council's proposal from its own surplus (``WorkersCouncilRule``).
    func proposeActivity(_ ws: PlanningWorkspace, settings: PlanningSettings) {
        FusedRound.run(self, ws, settings: settings)
    }

    /// `y = V p − Bm q`, two `gemv` calls: every workers' council's unit surplus at prices `(p, q)`,
    /// or its surplus change for a change `(p, q)` of the prices. Needs at least one council.
    func surplusProducts(goods p: UnsafePointer<Double>, resources q: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let w = workersCouncilCount, n = goodCount, m = resourceCount
        netOutput.elements.withUnsafeBufferPointer { v in
            BLAS.gemv(.none, rows: w, columns: n, alpha: 1, a: v.baseAddress!, x: p, beta: 0, y: y)
        }
        if m > 0 {
            resourceUse.elements.withUnsafeBufferPointer { b in
                BLAS.gemv(.none, rows: w, columns: m, alpha: -1, a: b.baseAddress!, x: q, beta: 1, y: y)
            }
        }
    }

    /// `π = V p − Bm q`: every workers' council's unit surplus at the given prices (allocates;
    /// not for the round loop).
    func unitSurpluses(goodsPrices p: [Double], resourcePrices q: [Double]) -> [Double] {
        var surplus = [Double](repeating: 0, count: workersCouncilCount)
        guard workersCouncilCount > 0 else { return surplus }
        surplus.withUnsafeMutableBufferPointer { y in surplusProducts(goods: p, resources: q, into: y.baseAddress!) }
        return surplus
    }

    /// `−Σ_w φ_w(x_w) = −Σ x_w² / (2 k_w)`: the workers' councils' part of welfare.
    func expansionCost(_ ws: PlanningWorkspace) -> Double {
        var cost = 0.0
        inverseElasticity.elasticity.withUnsafeBufferPointer { k in
            for council in 0..<workersCouncilCount {
                let x = ws.activity[council]
                cost += 0.5 * x * x * (1 / k[council])
            }
        }
        return cost
    }
}

/// One workers' council's proposal rule (DESIGN §2, §4), given its unit surplus `π` at the
/// published prices. The fused round calls it for every council of a block; it reads and
/// writes only that council's entries of the workspace, so blocks may run on different threads.
///
/// A council with finite elasticity proposes the maximiser of `π x − x²/(2k)` on `[0, cap]`:
///
///     x = clamp(k π, 0, cap)
///
/// A constant-returns council revises its last proposal gradually (a proximal step): it
/// maximises `π x − (ρ/2)(x − x_prev)²` with `ρ = (produces · p) / (η_w cap)`, i.e.
///
///     x = clamp(x_prev + η_w cap π / (produces · p), 0, cap)
///
/// so a relative surplus of 1 moves it by the fraction `η_w` of its capacity. Each council
/// learns its own `η_w` from its rounds: it halves it (`stepShrink`) when its surplus changes
/// sign — it overshot — and lets it grow (`revisionGrowth`, up to `maxRevisionRate`) while its
/// surplus keeps its sign and its revision stays inside its range.
///
/// It also records the council's local response `∂x/∂π` (for the second-order board), if kept.
struct WorkersCouncilRule: @unchecked Sendable {
    let prices: UnsafePointer<Double>
    /// Each council's gross outputs (``PlanningProblem/outputs``).
    let outputs: ProducesEntries.View
    let capacity: UnsafePointer<Double>
    /// `k_w` (`+∞` for constant returns); the rule uses `1 / k_w`.
    let elasticity: UnsafePointer<Double>
    let activity: UnsafeMutablePointer<Double>
    let previousActivity: UnsafePointer<Double>
    let revisionRate: UnsafeMutablePointer<Double>
    let lastRelativeSurplus: UnsafeMutablePointer<Double>
    /// `nil` when no one reads the responses (a first-order board).
    let response: UnsafeMutablePointer<Double>?
    let stepShrink: Double
    let revisionGrowth: Double
    let maxRevisionRate: Double

    /// `outputValue` gives `produces · p`, the council's outputs at the published prices (only
    /// a constant-returns council needs it).
    @inline(__always)
    func propose(_ council: Int, surplus: Double, outputValue: () -> Double) {
        let inverseK = 1 / elasticity[council], cap = capacity[council]
        let x: Double
        var slope = 0.0
        if inverseK > 0 {
            x = surplus / inverseK
            slope = 1 / inverseK
        } else {
            let value = outputValue()
            if value > 0 {
                let relative = surplus / value
                var eta = revisionRate[council]
                let last = lastRelativeSurplus[council]
                lastRelativeSurplus[council] = relative
                let inside = previousActivity[council] > 0 && previousActivity[council] < cap
                if relative * last < 0 {
                    eta *= stepShrink
                } else if relative * last > 0 && inside {
                    eta = min(eta * revisionGrowth, maxRevisionRate)
                }
                revisionRate[council] = eta
                x = previousActivity[council] + eta * cap * relative
                slope = eta * cap / value
            } else {
                // Its outputs are free: it can only cut back.
                x = surplus < 0 ? 0 : previousActivity[council]
            }
        }
        // A finite-elasticity council at a bound does not move with a small price
        // change; a constant-returns council reports its revision slope even
        // at a bound, since that is how far it moves once its surplus turns.
        let inside = x > 0 && x < cap
        response?[council] = inside || inverseK == 0 ? slope : 0
        activity[council] = min(max(x, 0), cap)
    }
}
