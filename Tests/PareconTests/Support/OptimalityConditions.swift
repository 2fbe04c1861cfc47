import Foundation
@testable import Parecon

/// The optimality (KKT) conditions of the planning programme (DESIGN §3), checked on a plan by
/// naive loops over the economy's own councils — independent of the BLAS round loop.
///
/// - goods balances: no shortage beyond `tolerance` of throughput; a surplus beyond it only for a
///   good whose price is (nearly) zero;
/// - resources: use within availability; a slack resource has a (nearly) zero price;
/// - every workers' council's proposal is optimal at the final prices: `x = clamp(k π, 0, cap)`,
///   or, with constant returns, `π ≤ 0` at 0, `π ≥ 0` at capacity and `π ≈ 0` in between;
/// - every consumers' council's bundle is its closed-form demand and spends its allowance.
struct OptimalityConditions {
    var violations: [String] = []

    init(economy: Economy, plan: Plan, tolerance: Double) {
        let n = economy.goodCount, m = economy.resourceCount
        let p = plan.prices, q = plan.resourcePrices
        var supply = [Double](repeating: 0, count: n), use = [Double](repeating: 0, count: n)
        var resourceUse = [Double](repeating: 0, count: m)
        for (w, council) in economy.workersCouncils.enumerated() {
            let x = plan.activity[w]
            var surplus = 0.0, grossValue = 0.0
            for e in council.produces {
                let i = economy.goodIndex[e.id]!
                supply[i] += x * e.amount
                surplus += e.amount * p[i]
                grossValue += e.amount * p[i]
            }
            for e in council.uses {
                if let i = economy.goodIndex[e.id] {
                    use[i] += x * e.amount
                    surplus -= e.amount * p[i]
                } else {
                    let r = economy.resourceIndex[e.id]!
                    resourceUse[r] += x * e.amount
                    surplus -= e.amount * q[r]
                }
            }
            if let k = council.elasticity {
                let best = min(max(k * surplus, 0), council.capacity)
                if abs(x - best) > 1e-9 * max(1, council.capacity) {
                    violations.append("\(council.id): activity \(x) but the best response at the final prices is \(best)")
                }
            } else {
                let relative = surplus / max(grossValue, 1e-300)
                let atZero = x <= 1e-12 * council.capacity, atCapacity = x >= council.capacity * (1 - 1e-12)
                if atZero && relative > tolerance || atCapacity && relative < -tolerance
                    || !atZero && !atCapacity && abs(relative) > tolerance {
                    violations.append("\(council.id) (constant returns): activity \(x) of \(council.capacity) with relative surplus \(relative)")
                }
            }
        }
        for (c, council) in economy.consumersCouncils.enumerated() {
            var total = 0.0
            for e in council.preferences.weights { total += e.amount }
            var spent = 0.0
            var denominator = 0.0
            if case let .ces(sigma, weights) = council.preferences {
                for e in weights where e.amount > 0 {
                    denominator += pow(e.amount / total, sigma) * pow(p[economy.goodIndex[e.id]!], 1 - sigma)
                }
            }
            for e in council.preferences.weights {
                let i = economy.goodIndex[e.id]!
                let alpha = e.amount / total
                let expected: Double
                switch council.preferences {
                case .cobbDouglas: expected = council.allowance * alpha / p[i]
                case let .ces(sigma, _): expected = alpha > 0 ? council.allowance * pow(alpha, sigma) * pow(p[i], -sigma) / denominator : 0
                }
                let d = plan.consumption[c, i]
                if abs(d - expected) > 1e-9 * max(1, expected) {
                    violations.append("\(council.id): receives \(d) of \(e.id), its demand at the final prices is \(expected)")
                }
                use[i] += d
                spent += p[i] * d
            }
            if abs(spent - council.allowance) > 1e-9 * council.allowance {
                violations.append("\(council.id): spends \(spent) of its allowance \(council.allowance)")
            }
        }
        let priceLevel = p.filter { $0 > 0 }.reduce(0, +) / Double(max(1, p.filter { $0 > 0 }.count))
        for i in 0..<n {
            let throughput = max(supply[i], use[i])
            guard throughput > 0 else { continue }
            let excess = (use[i] - supply[i]) / throughput
            if excess > tolerance {
                violations.append("\(economy.goods[i].id): shortage \(excess) of throughput")
            } else if -excess > tolerance && p[i] > tolerance * priceLevel {
                violations.append("\(economy.goods[i].id): surplus \(-excess) of throughput at price \(p[i])")
            }
        }
        let largest = max(1, q.max() ?? 0)
        for r in 0..<m {
            let available = economy.resources[r].available
            if resourceUse[r] > available * (1 + tolerance) {
                violations.append("\(economy.resources[r].id): uses \(resourceUse[r]) of \(available)")
            } else if resourceUse[r] < available * (1 - tolerance) && q[r] > tolerance * largest {
                violations.append("\(economy.resources[r].id): slack (\(resourceUse[r]) of \(available)) at price \(q[r])")
            }
        }
    }
}
