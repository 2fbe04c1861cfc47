import FoundationEssentials
import Glibc
import PareconLinearAlgebra

extension PlanningProblem {
    /// Step 3 of a round: every consumers' council proposes the bundle it likes best within its
    /// allowance; the board receives the sum, by good, in `ws.demand`. Returns the consumers' part
    /// of welfare, `Σ_c B_c log U_c(d_c)`.
    ///
    /// Cobb–Douglas councils are aggregated once (`S_i = Σ_c B_c α_ci`), so their total demand is
    /// `S_i / p_i`. CES councils with the same `σ` form a group with matrix `A = (α_ck^σ)`:
    ///
    ///     t_k     = p_k^(1−σ)
    ///     D_c     = (A t)_c                      (gemv)
    ///     demand += p^(−σ) ⊙ Aᵀ (B ⊘ D)          (gemv)
    ///
    /// and `log U_c = log B_c + log D_c / (σ − 1)`.
    func proposeConsumption(_ ws: PlanningWorkspace) -> Double {
        let n = goodCount
        let p = ws.prices
        var welfare = cobbDouglasWelfareConstant
        cobbDouglasSpending.withUnsafeBufferPointer { spending in
            for i in 0..<n {
                if spending[i] > 0 {
                    ws.demand[i] = spending[i] / p[i]
                    welfare -= spending[i] * Glibc.log(p[i])
                } else {
                    ws.demand[i] = 0
                }
            }
        }
        for (g, group) in cesGroups.enumerated() {
            let sigma = group.sigma
            let count = group.councils.count
            let denominators = ws.cesDenominators[g], shares = ws.cesShares[g]
            for k in 0..<n { ws.cesPower[k] = p[k] > 0 ? Glibc.pow(p[k], 1 - sigma) : 0 }
            group.weightsToSigma.elements.withUnsafeBufferPointer { a in
                BLAS.gemv(.none, rows: count, columns: n, alpha: 1, a: a.baseAddress!,
                          x: ws.cesPower.baseAddress!, beta: 0, y: denominators.baseAddress!)
                group.allowance.withUnsafeBufferPointer { budget in
                    for c in 0..<count {
                        shares[c] = budget[c] / denominators[c]
                        welfare += budget[c] * Glibc.log(denominators[c]) / (sigma - 1)
                    }
                }
                BLAS.gemv(.transposed, rows: count, columns: n, alpha: 1, a: a.baseAddress!,
                          x: shares.baseAddress!, beta: 0, y: ws.cesSum.baseAddress!)
            }
            welfare += group.welfareConstant
            for i in 0..<n where ws.cesSum[i] != 0 {
                ws.demand[i] += ws.cesSum[i] * Glibc.pow(p[i], -sigma)
            }
        }
        return welfare
    }
}

extension Economy {
    /// A consumers' council's proposal at prices `p`: the bundle it likes best within its allowance.
    ///
    ///     Cobb–Douglas: d_i = B α_i / p_i
    ///     CES:          d_i = B α_i^σ p_i^(−σ) / Σ_k α_k^σ p_k^(1−σ)
    public func demand(of council: ConsumersCouncil, at prices: [Double]) -> [Double] {
        let weights = PlanningProblem.denseWeights(council.preferences.weights, economy: self)
        let sigma: Double?
        switch council.preferences {
        case .cobbDouglas: sigma = nil
        case let .ces(s, _): sigma = s
        }
        return Self.demand(weights: weights, budget: council.allowance, sigma: sigma, at: prices)
    }

    /// Consumers' council `c`'s proposal at prices `p`, from the economy's storage (the same
    /// numbers as ``demand(of:at:)`` gives for `consumersCouncils[c]`).
    func demand(ofCouncil c: Int, at prices: [Double]) -> [Double] {
        let consumers = consumersCouncils
        return Self.demand(weights: consumers.denseWeights(c), budget: consumers.allowance[c], sigma: consumers.sigma(c), at: prices)
    }

    /// The bundle of a council with `weights` (dense, scaled to sum to 1), allowance `budget` and
    /// elasticity of substitution `sigma` (`nil`: Cobb–Douglas) at prices `p`.
    private static func demand(weights: [Double], budget: Double, sigma: Double?, at prices: [Double]) -> [Double] {
        guard let sigma else {
            return weights.indices.map { weights[$0] > 0 ? budget * weights[$0] / prices[$0] : 0 }
        }
        var denominator = 0.0
        for i in weights.indices where weights[i] > 0 {
            denominator += Glibc.pow(weights[i], sigma) * Glibc.pow(prices[i], 1 - sigma)
        }
        return weights.indices.map {
            weights[$0] > 0 ? budget * Glibc.pow(weights[$0], sigma) * Glibc.pow(prices[$0], -sigma) / denominator : 0
        }
    }
}
