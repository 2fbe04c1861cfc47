import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// A plan carried out by the true workers' councils, which can only do what their true
/// technologies allow.
///
/// Every council is told its activity target `x̂_w` and every consumers' council its bundle
/// `d̂_c`. With the true technologies:
///
/// 1. a primary resource that the targets would overuse is rationed: every council using it is
///    cut back in proportion (`R_r / use_r`);
/// 2. production comes before final use: when a good's production does not cover the councils'
///    input needs, every council using it is cut back in proportion (`production / input use`);
///    a council runs at `x̂_w` times the smallest of the ratios of everything it uses. Cutting
///    back lowers production elsewhere, so 1–2 repeat until nothing changes (the levels only
///    fall, so this ends);
/// 3. the consumers' councils share what is left of each good, `production − input use`, in
///    proportion to their planned bundles; what is left beyond their bundles is a surplus, made
///    and not wanted.
///
/// A ratio within `tolerance` of 1 counts as 1: a plan that balances to that accuracy is carried
/// out as it stands.
public struct PlanExecution: Sendable {
    /// Activity levels actually reached.
    public var activity: [Double]
    /// What each consumers' council receives (C × n).
    public var delivered: Matrix
    /// By good: the consumers' councils' planned total, what they received, the shortfall
    /// (planned − received, when positive) and the surplus (left over beyond the plan).
    public var plannedFinalUse: [Double]
    public var deliveredFinalUse: [Double]
    public var shortage: [Double]
    public var surplus: [Double]
    /// By good: true net output at the *planned* activities minus the planned final use — the
    /// arithmetic of the plan with the true technologies before anyone is cut back (negative:
    /// the plan cannot deliver).
    public var plannedBalance: [Double]
    /// By resource: what the planned activities need with the true technologies, and what is
    /// used after rationing.
    public var resourceNeeded: [Double]
    public var resourceUsed: [Double]
    /// By good: what the realised activities produce, and what they use as inputs.
    public var production: [Double]
    public var inputUse: [Double]
    /// By good: capacity left idle, in units of the good, `Σ_w (cap_w − x_w) produces_wi`.
    public var idleCapacity: [Double]
    /// `Σ_c B_c log U_c(delivered_c) − Σ_w φ_w(x_w)` with the true preferences and costs.
    public var welfare: Double
    /// Sweeps of steps 1–2.
    public var sweeps: Int

    /// Carries out the activity targets `plannedActivity` and consumption `plannedConsumption`
    /// (C × n) in `economy` (the true one).
    public init(economy: Economy, plannedActivity: [Double], plannedConsumption: Matrix, tolerance: Double = 1e-6) {
        let n = economy.goodCount, m = economy.resourceCount, w = economy.workersCouncilCount
        let councils = economy.workersCouncils
        // Sparse technology: outputs, goods inputs, resource inputs.
        var outputs: [[(Int, Double)]] = [], goodInputs: [[(Int, Double)]] = [], resourceInputs: [[(Int, Double)]] = []
        for council in councils {
            outputs.append(council.produces.compactMap { e in economy.goodIndex[e.id].map { ($0, e.amount) } })
            goodInputs.append(council.uses.compactMap { e in economy.goodIndex[e.id].map { ($0, e.amount) } })
            resourceInputs.append(council.uses.compactMap { e in economy.resourceIndex[e.id].map { ($0, e.amount) } })
        }
        var finalUse = [Double](repeating: 0, count: n)
        for c in 0..<economy.consumersCouncilCount { for i in 0..<n { finalUse[i] += plannedConsumption[c, i] } }
        plannedFinalUse = finalUse
        let target = (0..<w).map { min(max(plannedActivity[$0], 0), councils[$0].capacity) }

        func totals(_ x: [Double]) -> (production: [Double], inputs: [Double], resources: [Double]) {
            var production = [Double](repeating: 0, count: n), inputs = [Double](repeating: 0, count: n)
            var resources = [Double](repeating: 0, count: m)
            for j in 0..<w where x[j] > 0 {
                for (i, a) in outputs[j] { production[i] += x[j] * a }
                for (i, a) in goodInputs[j] { inputs[i] += x[j] * a }
                for (r, a) in resourceInputs[j] { resources[r] += x[j] * a }
            }
            return (production, inputs, resources)
        }
        let planned = totals(target)
        plannedBalance = (0..<n).map { planned.production[$0] - planned.inputs[$0] - finalUse[$0] }
        resourceNeeded = planned.resources

        var x = target
        var sweeps = 0
        while sweeps < 10_000 {
            sweeps += 1
            let t = totals(x)
            let goodRatio = (0..<n).map { i -> Double in
                let ratio = t.inputs[i] > 0 ? t.production[i] / t.inputs[i] : 1
                return ratio >= 1 - tolerance ? 1 : ratio
            }
            let resourceRatio = (0..<m).map { r -> Double in
                let ratio = t.resources[r] > 0 ? economy.resources[r].available / t.resources[r] : 1
                return ratio >= 1 - tolerance ? 1 : ratio
            }
            var changed = 0.0
            for j in 0..<w where x[j] > 0 {
                var ratio = 1.0
                for (i, _) in goodInputs[j] { ratio = min(ratio, goodRatio[i]) }
                for (r, _) in resourceInputs[j] { ratio = min(ratio, resourceRatio[r]) }
                let level = min(x[j], target[j] * ratio)
                changed = max(changed, (x[j] - level) / councils[j].capacity)
                x[j] = level
            }
            if changed <= 1e-14 { break }
        }
        self.sweeps = sweeps
        activity = x
        let t = totals(x)
        production = t.production
        inputUse = t.inputs
        resourceUsed = t.resources
        idleCapacity = [Double](repeating: 0, count: n)
        for j in 0..<w { for (i, a) in outputs[j] { idleCapacity[i] += (councils[j].capacity - x[j]) * a } }

        var delivered = Matrix(rows: economy.consumersCouncilCount, columns: n)
        var deliveredTotal = [Double](repeating: 0, count: n)
        shortage = [Double](repeating: 0, count: n)
        surplus = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let available = max(0, t.production[i] - t.inputs[i])
            var share = finalUse[i] > 0 ? min(1, available / finalUse[i]) : 1
            if share >= 1 - tolerance { share = 1 }
            for c in 0..<economy.consumersCouncilCount { delivered[c, i] = plannedConsumption[c, i] * share }
            deliveredTotal[i] = finalUse[i] * share
            shortage[i] = finalUse[i] - deliveredTotal[i]
            surplus[i] = max(0, available - deliveredTotal[i])
        }
        self.delivered = delivered
        deliveredFinalUse = deliveredTotal
        welfare = economy.welfare(activity: x, consumption: delivered)
    }
}

extension Economy {
    /// `Σ_c B_c log U_c(d_c) − Σ_w x_w² / (2 k_w)` for bundles `consumption` (C × n), by the
    /// utility functions themselves (weights scaled to sum to 1):
    ///
    ///     Cobb–Douglas:  U = Π d_i^{α_i}
    ///     CES:           U = (Σ α_i d_i^{(σ−1)/σ})^{σ/(σ−1)}
    ///
    /// `−∞` when a Cobb–Douglas council (or a CES council with `σ < 1`) receives none of a good
    /// it wants.
    public func welfare(activity: [Double], consumption: Matrix) -> Double {
        var total = 0.0
        for (w, council) in workersCouncils.enumerated() {
            if let k = council.elasticity { total -= activity[w] * activity[w] / (2 * k) }
        }
        let consumers = consumersCouncils
        for c in consumers.indices {
            let weights = consumers.denseWeights(c)
            var logU = 0.0
            if let sigma = consumers.sigma(c) {
                let rho = (sigma - 1) / sigma
                var sum = 0.0
                for i in weights.indices where weights[i] > 0 { sum += weights[i] * Glibc.pow(consumption[c, i], rho) }
                logU = Glibc.log(sum) / rho
            } else {
                for i in weights.indices where weights[i] > 0 { logU += weights[i] * Glibc.log(consumption[c, i]) }
            }
            total += consumers.allowance[c] * logU
        }
        return total
    }
}
