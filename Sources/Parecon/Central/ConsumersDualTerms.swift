import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// The consumers' councils in the central planner's computation: their closed-form demands and
/// the curvature of their dual terms.
///
/// Maximising `B_c log U_c(d) − p·d` over `d ≥ 0` for a homogeneous utility gives the demand at
/// allowance `B_c` and the value
///
///     h_c(p) = B_c log B_c − B_c − B_c log e_c(p)
///
/// with `e_c` the unit expenditure function. `h_c` is convex in `p`, its gradient is `−d_c(p)`
/// (Shephard's lemma) and its Hessian `H_c = −∂d_c/∂p` is positive semidefinite:
///
///     Cobb–Douglas:  d_i = B α_i / p_i,              H = diag(d_i / p_i)
///     CES:           d_i = B a_i p_i^(−σ) / D,       a_i = α_i^σ,  D = Σ_k a_k p_k^(1−σ)
///                    H = diag(σ d_i / p_i) + ((1 − σ) / B) d dᵀ
///
/// so the Cobb–Douglas councils add a diagonal and every CES council a diagonal plus a rank-one
/// term. The rank-one terms of a group with the same `σ` are one symmetric rank-k update
/// (`dsyrk`) over the rows `g_c = (√B_c / D_c) a_c ⊙ p^(−σ)`, since `((1−σ)/B_c) d_c d_cᵀ =
/// (1 − σ) g_c g_cᵀ`.
struct ConsumersDualTerms {
    let goodCount: Int
    /// `S_i = Σ_c B_c α_ci` over Cobb–Douglas councils.
    let cobbDouglasSpending: [Double]
    let cesGroups: [PlanningProblem.CESGroup]

    /// Whether some consumers' council wants good `i` (its price then stays positive).
    let wanted: [Bool]

    init(_ problem: PlanningProblem) {
        goodCount = problem.goodCount
        cobbDouglasSpending = problem.cobbDouglasSpending
        cesGroups = problem.cesGroups
        var wanted = problem.cobbDouglasSpending.map { $0 > 0 }
        for group in problem.cesGroups {
            for c in 0..<group.councils.count { for i in 0..<problem.goodCount where group.weightsToSigma[c, i] > 0 { wanted[i] = true } }
        }
        self.wanted = wanted
    }

    func wants(_ i: Int) -> Bool { wanted[i] }

    /// Total demand `D(p) = Σ_c d_c(p)` by good, at prices that are positive on every wanted good.
    func demand(at p: [Double], into total: inout [Double]) {
        let n = goodCount
        for i in 0..<n { total[i] = cobbDouglasSpending[i] > 0 ? cobbDouglasSpending[i] / p[i] : 0 }
        for group in cesGroups {
            let (powers, shares) = groupTerms(group, p)
            // Aᵀ (B ⊘ D), then ⊙ p^(−σ).
            var sum = [Double](repeating: 0, count: n)
            BLAS.gemv(.transposed, a: group.weightsToSigma, x: shares, beta: 0, y: &sum)
            for i in 0..<n where sum[i] != 0 { total[i] += sum[i] * powers.minusSigma[i] }
        }
    }

    /// `p^(1−σ)`, `p^(−σ)` and each council's `B_c / D_c` for one CES group.
    private func groupTerms(_ group: PlanningProblem.CESGroup, _ p: [Double])
        -> (powers: (oneMinusSigma: [Double], minusSigma: [Double]), shares: [Double]) {
        let n = goodCount, sigma = group.sigma
        var oneMinus = [Double](repeating: 0, count: n), minus = [Double](repeating: 0, count: n)
        for i in 0..<n where p[i] > 0 {
            minus[i] = Glibc.pow(p[i], -sigma)
            oneMinus[i] = minus[i] * p[i]
        }
        var denominators = [Double](repeating: 0, count: group.councils.count)
        BLAS.gemv(.none, a: group.weightsToSigma, x: oneMinus, beta: 0, y: &denominators)
        let shares = (0..<group.councils.count).map { group.allowance[$0] / denominators[$0] }
        return ((oneMinus, minus), shares)
    }

    /// Adds `H(p) = Σ_c H_c(p)` to the upper triangle of the leading `n × n` block of the
    /// row-major `order × order` matrix `k`. `demand` is `D(p)`.
    func addHessian(at p: [Double], demand: [Double], to k: inout [Double], order: Int) {
        let n = goodCount
        // Diagonal: Cobb–Douglas S_i / p_i², CES σ d_i / p_i summed over each group.
        for i in 0..<n where cobbDouglasSpending[i] > 0 {
            k[i * order + i] += cobbDouglasSpending[i] / (p[i] * p[i])
        }
        guard !cesGroups.isEmpty else { return }
        var rankTerms = [Double](repeating: 0, count: n * n)
        var diagonal = [Double](repeating: 0, count: n)
        for group in cesGroups {
            let sigma = group.sigma
            let (powers, shares) = groupTerms(group, p)
            let count = group.councils.count
            var rows = [Double](repeating: 0, count: count * n)
            for c in 0..<count {
                let scale = (group.allowance[c]).squareRoot() * shares[c] / group.allowance[c]  // √B / D
                let base = c * n
                for i in 0..<n {
                    let a = group.weightsToSigma[c, i]
                    if a == 0 { continue }
                    let g = a * powers.minusSigma[i]
                    rows[base + i] = scale * g
                    // d_ci = B_c a_i p_i^(−σ) / D_c = shares_c · g
                    diagonal[i] += sigma * shares[c] * g / p[i]
                }
            }
            rows.withUnsafeBufferPointer { r in
                rankTerms.withUnsafeMutableBufferPointer { h in
                    BLAS.symmetricRankUpdateUpper(rows: count, columns: n, alpha: 1 - sigma, a: r.baseAddress!,
                                                  beta: 1, c: h.baseAddress!)
                }
            }
        }
        for i in 0..<n {
            k[i * order + i] += diagonal[i]
            for j in i..<n { k[i * order + j] += rankTerms[i * n + j] }
        }
    }
}

extension ConsumersDualTerms {
    /// `Σ_c B_c log U_c(d_c(p))`, the consumers' part of welfare at their demands:
    ///
    ///     Cobb–Douglas:  Σ_c B_c (log B_c + Σ_i α_ci log α_ci) − Σ_i S_i log p_i
    ///     CES:           B_c log B_c + B_c log D_c / (σ − 1)
    func welfare(at p: [Double], problem: PlanningProblem) -> Double {
        var total = problem.cobbDouglasWelfareConstant
        for i in 0..<goodCount where cobbDouglasSpending[i] > 0 { total -= cobbDouglasSpending[i] * Glibc.log(p[i]) }
        for group in cesGroups {
            var oneMinus = [Double](repeating: 0, count: goodCount)
            for i in 0..<goodCount where p[i] > 0 { oneMinus[i] = Glibc.pow(p[i], 1 - group.sigma) }
            var denominators = [Double](repeating: 0, count: group.councils.count)
            BLAS.gemv(.none, a: group.weightsToSigma, x: oneMinus, beta: 0, y: &denominators)
            total += group.welfareConstant
            for c in 0..<group.councils.count {
                total += group.allowance[c] * Glibc.log(denominators[c]) / (group.sigma - 1)
            }
        }
        return total
    }
}
