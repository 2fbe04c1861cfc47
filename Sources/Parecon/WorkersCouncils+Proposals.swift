import PareconLinearAlgebra

extension PlanningProblem {
    /// Step 2 of a round (DESIGN §2, §4): every workers' council proposes an activity level at the
    /// published prices.
    ///
    /// Unit surplus (social benefit minus social cost), for all councils at once through BLAS:
    ///
    ///     π = V p − Bm q
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
    func proposeActivity(_ ws: PlanningWorkspace, settings: PlanningSettings) {
        let w = workersCouncilCount
        guard w > 0 else { return }
        netOutput.elements.withUnsafeBufferPointer { v in
            BLAS.gemv(.none, rows: w, columns: goodCount, alpha: 1, a: v.baseAddress!,
                      x: ws.prices.baseAddress!, beta: 0, y: ws.surplus.baseAddress!)
        }
        if resourceCount > 0 {
            resourceUse.elements.withUnsafeBufferPointer { b in
                BLAS.gemv(.none, rows: w, columns: resourceCount, alpha: -1, a: b.baseAddress!,
                          x: ws.resourcePrices.baseAddress!, beta: 1, y: ws.surplus.baseAddress!)
            }
        }
        let p = ws.prices
        outputStart.withUnsafeBufferPointer { start in
            outputGood.withUnsafeBufferPointer { good in
                outputAmount.withUnsafeBufferPointer { amount in
                    capacity.withUnsafeBufferPointer { cap in
                        inverseElasticity.withUnsafeBufferPointer { inverseK in
                            for council in 0..<w {
                                let surplus = ws.surplus[council]
                                let x: Double
                                var slope = 0.0
                                if inverseK[council] > 0 {
                                    x = surplus / inverseK[council]
                                    slope = 1 / inverseK[council]
                                    ws.grossValue[council] = 0
                                } else {
                                    var value = 0.0
                                    for e in start[council]..<start[council + 1] { value += amount[e] * p[good[e]] }
                                    ws.grossValue[council] = value
                                    if value > 0 {
                                        let relative = surplus / value
                                        var eta = ws.revisionRate[council]
                                        let last = ws.lastRelativeSurplus[council]
                                        ws.lastRelativeSurplus[council] = relative
                                        let inside = ws.previousActivity[council] > 0 && ws.previousActivity[council] < cap[council]
                                        if relative * last < 0 {
                                            eta *= settings.stepShrink
                                        } else if relative * last > 0 && inside {
                                            eta = min(eta * settings.revisionGrowth, settings.maxRevisionRate)
                                        }
                                        ws.revisionRate[council] = eta
                                        x = ws.previousActivity[council] + eta * cap[council] * relative
                                        slope = eta * cap[council] / value
                                    } else {
                                        // Its outputs are free: it can only cut back.
                                        x = surplus < 0 ? 0 : ws.previousActivity[council]
                                    }
                                }
                                // A finite-elasticity council at a bound does not move with a small price
                                // change; a constant-returns council reports its revision slope even
                                // at a bound, since that is how far it moves once its surplus turns.
                                let inside = x > 0 && x < cap[council]
                                ws.response[council] = inside || inverseK[council] == 0 ? slope : 0
                                ws.activity[council] = min(max(x, 0), cap[council])
                            }
                        }
                    }
                }
            }
        }
    }

    /// Gross supply `Σ_w x_w produces_w` by good, from the compressed outputs.
    func sumGrossSupply(_ ws: PlanningWorkspace) {
        let s = ws.grossSupply
        for i in 0..<goodCount { s[i] = 0 }
        outputStart.withUnsafeBufferPointer { start in
            outputGood.withUnsafeBufferPointer { good in
                outputAmount.withUnsafeBufferPointer { amount in
                    for council in 0..<workersCouncilCount {
                        let x = ws.activity[council]
                        if x == 0 { continue }
                        for e in start[council]..<start[council + 1] { s[good[e]] += x * amount[e] }
                    }
                }
            }
        }
    }

    /// `−Σ_w φ_w(x_w) = −Σ x_w² / (2 k_w)`: the workers' councils' part of welfare.
    func expansionCost(_ ws: PlanningWorkspace) -> Double {
        var cost = 0.0
        inverseElasticity.withUnsafeBufferPointer { inverseK in
            for council in 0..<workersCouncilCount {
                let x = ws.activity[council]
                cost += 0.5 * x * x * inverseK[council]
            }
        }
        return cost
    }
}
