import PareconLinearAlgebra

/// The facilitation board's price rules. It sees only the prices it published and the proposals
/// it received — never a council's technology or preferences.
public enum BoardKind: String, Sendable, Codable, CaseIterable {
    /// Tatonnement (Lange; Albert–Hahnel): each price moves in proportion to its good's relative
    /// excess demand, with a step per price that the board adapts from the rounds it has seen.
    case tatonnement
    /// Tatonnement accelerated by Anderson mixing of the last few rounds, with restarts.
    case accelerated
    /// Second-order: each council also reports how its proposal moves with prices; the board
    /// sums the reports into the Jacobian of excess demand and takes Newton steps within a trust
    /// region.
    case newton
}

extension PlanningProblem {
    /// Step 4, first half: the board adds up the proposals. The sums themselves,
    ///
    ///     netSupply = Vᵀ x,   resourceUse = Bmᵀ x,   gross supply = Σ_w x_w produces_w
    ///
    /// come from the same pass over the matrices as the proposals (``FusedRound``); from them
    ///
    ///     z_i = demand_i − netSupply_i,   z_R = resourceUse − R
    ///     throughput_i = max(gross supply_i, use_i),  use = gross supply − netSupply + demand
    func sumProposals(_ ws: PlanningWorkspace) {
        let n = goodCount, m = resourceCount
        for i in 0..<n {
            ws.excessDemand[i] = ws.demand[i] - ws.netSupply[i]
            let use = ws.grossSupply[i] - ws.netSupply[i] + ws.demand[i]
            ws.throughput[i] = max(ws.grossSupply[i], use)
        }
        for r in 0..<m { ws.resourceExcess[r] = ws.resourceUse[r] - available[r] }
    }

    /// The price level the board uses as a floor scale: the mean positive goods price (or 1).
    func priceLevel(_ ws: PlanningWorkspace) -> Double {
        var total = 0.0, count = 0
        for i in 0..<goodCount where ws.prices[i] > 0 {
            total += ws.prices[i]
            count += 1
        }
        return count > 0 ? total / Double(count) : 1
    }

    /// Step 4, second half: tatonnement. For each good and resource, with relative excess demand
    /// `e = z_i / throughput_i` (goods) or `e = clamp(z_R / R, −1, 1)` (resources):
    ///
    ///     p_i ← max(0, p_i + λ_i e max(p_i, ε p̄))
    ///
    /// (a wanted good's price falls by at most 90 % of itself in a round, so it stays positive)
    /// which is Lange's `p_i (1 + λ e)` for a price above the floor `ε p̄` and additive below it, so
    /// that a free good's or a slack resource's price can reach zero and rise again. The board
    /// adapts each step from what it sees: `λ_i` shrinks when `e` changes sign (it overshot) and
    /// grows while `e` keeps its sign, up to `maxPriceStep`.
    ///
    /// When some councils have constant returns, the board prices the proposals' trend: it uses
    /// the excess demand at the extrapolated proposals `2x − x_prev` (computed from the last two
    /// sums, `z − (Vᵀx − Vᵀx_prev)`, with no extra pass over the matrix). With the councils'
    /// proximal revisions this is a primal–dual hybrid-gradient step (Chambolle–Pock), which
    /// converges where plain price-following cycles for ever. Returns the largest relative change.
    /// `gains`, when given, receives each price's gain (see ``TatonnementStep/move(available:wanted:extrapolate:settings:gains:)``).
    func movePrices(_ ws: PlanningWorkspace, settings: PlanningSettings, gains: UnsafeMutableBufferPointer<Double>? = nil) -> Double {
        TatonnementStep(
            prices: ws.prices, resourcePrices: ws.resourcePrices, steps: ws.step, lastRelativeExcess: ws.lastRelativeExcess,
            excessDemand: UnsafeBufferPointer(ws.excessDemand), throughput: UnsafeBufferPointer(ws.throughput),
            netSupply: UnsafeBufferPointer(ws.netSupply), previousNetSupply: UnsafeBufferPointer(ws.previousNetSupply),
            resourceExcess: UnsafeBufferPointer(ws.resourceExcess), resourceUse: UnsafeBufferPointer(ws.resourceUse),
            previousResourceUse: UnsafeBufferPointer(ws.previousResourceUse),
            goodCount: goodCount, resourceCount: resourceCount
        ).move(available: available, wanted: wanted, extrapolate: hasConstantReturns, settings: settings, gains: gains)
    }
}

/// One tatonnement move on explicit buffers: the single implementation behind
/// ``PlanningProblem/movePrices(_:settings:gains:)`` (the round loop and the accelerated board) and
/// ``FacilitationBoard/tatonnement(prices:resourcePrices:totals:memory:available:wanted:extrapolate:settings:)``
/// (a board working from council files), so both give the same numbers.
struct TatonnementStep {
    let prices: UnsafeMutableBufferPointer<Double>
    let resourcePrices: UnsafeMutableBufferPointer<Double>
    let steps: UnsafeMutableBufferPointer<Double>
    let lastRelativeExcess: UnsafeMutableBufferPointer<Double>
    let excessDemand: UnsafeBufferPointer<Double>
    let throughput: UnsafeBufferPointer<Double>
    let netSupply: UnsafeBufferPointer<Double>
    let previousNetSupply: UnsafeBufferPointer<Double>
    let resourceExcess: UnsafeBufferPointer<Double>
    let resourceUse: UnsafeBufferPointer<Double>
    let previousResourceUse: UnsafeBufferPointer<Double>
    let goodCount: Int
    let resourceCount: Int

    /// `gains`, when given, receives each price's gain `λ_k max(p_k, floor)` (after this round's
    /// adaptation): the price change per unit of relative excess demand, before the bounds.
    func move(available: [Double], wanted: [Bool], extrapolate: Bool, settings: PlanningSettings,
              gains: UnsafeMutableBufferPointer<Double>? = nil) -> Double {
        let n = goodCount, m = resourceCount
        var total = 0.0, positive = 0
        for i in 0..<n where prices[i] > 0 {
            total += prices[i]
            positive += 1
        }
        let level = positive > 0 ? total / Double(positive) : 1
        let goodsFloor = settings.priceFloorFraction * level
        var largestResourcePrice = 0.0
        for r in 0..<m { largestResourcePrice = max(largestResourcePrice, resourcePrices[r]) }
        let resourceFloor = settings.priceFloorFraction * max(largestResourcePrice, level)
        var largestChange = 0.0
        let extrapolation = extrapolate ? 1.0 : 0.0

        func move(_ price: inout Double, slot: Int, excess e: Double, floor: Double, wantedGood: Bool) {
            let last = lastRelativeExcess[slot]
            if e * last < 0 {
                steps[slot] *= settings.stepShrink
            } else if e != 0 {
                steps[slot] = min(steps[slot] * settings.stepGrowth, settings.maxPriceStep)
            }
            lastRelativeExcess[slot] = e
            let scale = max(price, floor)
            gains?[slot] = steps[slot] * scale
            let proposed = price + steps[slot] * e * scale
            let next = wantedGood ? max(proposed, (1 - PlanningProblem.maxPriceFall) * price) : max(0, proposed)
            largestChange = max(largestChange, abs(next - price) / scale)
            price = next
        }
        for i in 0..<n {
            let s = throughput[i]
            let trend = extrapolation * (netSupply[i] - previousNetSupply[i])
            let e = s > 0 ? max(-1, min(1, (excessDemand[i] - trend) / s)) : 0
            move(&prices[i], slot: i, excess: e, floor: goodsFloor, wantedGood: wanted[i])
        }
        for r in 0..<m {
            let trend = extrapolation * (resourceUse[r] - previousResourceUse[r])
            let e = max(-1, min(1, (resourceExcess[r] + trend) / available[r]))
            move(&resourcePrices[r], slot: n + r, excess: e, floor: resourceFloor, wantedGood: false)
        }
        return largestChange
    }
}
