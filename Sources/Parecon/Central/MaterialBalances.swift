import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// An economy that the material-balances method cannot handle.
public enum MaterialBalancesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A workers' council produces more than one good (joint production has no `(I − A)` form).
    case jointProduction(council: String, goods: [String])
    /// `I − A` is singular.
    case singular(good: String)
    /// `(I − A)⁻¹ f` has a negative gross output: the technology is not productive.
    case notProductive(good: String, grossOutput: Double)
    /// The final demand does not have one entry per good.
    case finalDemandShape(expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .jointProduction(council, goods):
            return "material balances need one product per workplace; workers' council \"\(council)\" produces \(goods.joined(separator: ", "))"
        case let .singular(good):
            return "material balances: I − A is singular (at good \"\(good)\"); the technology cannot deliver every final demand"
        case let .notProductive(good, x):
            return "material balances: the technology is not productive: the gross output of \"\(good)\" would be \(format(x)) < 0"
        case let .finalDemandShape(expected, found):
            return "material balances: final demand has \(found) entries, the economy has \(expected) goods"
        }
    }
}

/// The classic plan by material balances (Leontief; DESIGN §3): fixed final-demand targets `f`,
/// and the gross outputs that deliver them,
///
///     x = A x + f   ⇔   (I − A) x = f,
///
/// solved by LU (`dgesv`) and, for teaching, by the planners' historic iteration
/// `x ← A x + f` from `x = f` (a Neumann series `f + A f + A² f + …`, converging at the rate
/// of `A`'s spectral radius for a productive economy). Labour and the other primary resources
/// are checked afterwards: `L x ≤ R`.
///
/// Each industry (the workers' councils producing a good) enters with one technology, the
/// capacity-weighted average of its councils' per-unit inputs; gross output is shared among the
/// councils in proportion to their capacities, so the industry's inputs are exactly what its
/// councils use.
///
/// What the balance ignores: prices (the targets are fixed before anything is computed, so
/// nothing tells the planner what is scarce), substitution (one technique per industry, and
/// consumers cannot switch), capacities and expansion costs (only checked, never traded off),
/// and what to do when labour or a resource is short (the method only says that it is).
public struct MaterialBalances: Sendable {
    /// Where the final-demand targets come from.
    public enum FinalDemand: Sendable {
        /// The consumers' councils' demands at the given prices.
        case consumersAtPrices([Double])
        /// Given targets by good (e.g. an input–output table's final demand).
        case given([Double])
    }

    /// The prices at which the consumers' councils state their targets: all 1, or the central
    /// planner's shadow prices.
    public enum TargetPrices: String, Sendable, CaseIterable, Codable {
        case unit
        case shadow
    }

    public enum Defaults {
        public static let iterationTolerance = 1e-10
        public static let maxIterations = 100_000
    }

    /// The planners' historic iteration `x ← A x + f`.
    public struct HistoricIteration: Sendable {
        /// Sweeps until a step changed `x` by at most the tolerance (relative, max norm).
        public var iterations: Int
        public var converged: Bool
        public var tolerance: Double
        /// `‖x_iter − x_LU‖∞ / ‖x_LU‖∞` at the end.
        public var differenceFromLU: Double
        /// The ratio of the last two step sizes: an estimate of `A`'s spectral radius, the
        /// factor by which each sweep shrinks the error.
        public var contraction: Double
        /// `x` after the last sweep.
        public var grossOutput: [Double]
        /// The size of each step, `‖x_{k+1} − x_k‖∞ / ‖x_{k+1}‖∞`, for the first sweeps (at most 50).
        public var firstSteps: [Double]
    }

    public let economy: Economy
    /// The prices the consumers' councils' targets were stated at; `nil` for given targets.
    public let targetPrices: TargetPrices?
    /// `A`: n × n, `A[i, j]` is the input of good `i` per unit of good `j`.
    public let technology: Matrix
    /// `L`: m × n, `L[r, j]` is the use of resource `r` per unit of good `j`.
    public let resourceCoefficients: Matrix
    /// Output capacity of each industry, `Σ cap_w · produces_w`.
    public let capacity: [Double]
    public let finalDemand: [Double]
    /// `x = (I − A)⁻¹ f` by LU.
    public let grossOutput: [Double]
    /// `‖(I − A) x − f‖∞ / ‖f‖∞` for the LU solution.
    public let residual: Double
    public let historicIteration: HistoricIteration
    /// `L x`.
    public let resourceUse: [Double]
    /// Each workers' council's share of its industry's gross output, as an activity level.
    public let activity: [Double]

    /// Builds the balance for `economy`.
    ///
    /// - Throws: ``MaterialBalancesError`` for joint production, a singular `I − A` or a
    ///   technology that is not productive.
    public init(economy: Economy, finalDemand source: FinalDemand, targetPrices: TargetPrices? = nil,
                iterationTolerance: Double = Defaults.iterationTolerance,
                maxIterations: Int = Defaults.maxIterations) throws(MaterialBalancesError) {
        let n = economy.goodCount, m = economy.resourceCount
        self.economy = economy
        self.targetPrices = targetPrices
        var f = [Double](repeating: 0, count: n)
        switch source {
        case let .consumersAtPrices(prices):
            guard prices.count == n else { throw .finalDemandShape(expected: n, found: prices.count) }
            for c in 0..<economy.consumersCouncilCount {
                let d = economy.demand(ofCouncil: c, at: prices)
                for i in 0..<n { f[i] += d[i] }
            }
        case let .given(targets):
            guard targets.count == n else { throw .finalDemandShape(expected: n, found: targets.count) }
            f = targets
        }
        finalDemand = f

        // Industries: capacity-weighted average technology per unit of output.
        var a = Matrix(rows: n, columns: n), l = Matrix(rows: m, columns: n)
        var outputCapacity = [Double](repeating: 0, count: n)
        var product = [Int](repeating: 0, count: economy.workersCouncilCount)
        var unitOutput = [Double](repeating: 0, count: economy.workersCouncilCount)
        for (w, council) in economy.workersCouncils.enumerated() {
            let outputs = council.produces.filter { $0.amount > 0 }
            guard outputs.count == 1, let good = economy.goodIndex[outputs[0].id] else {
                throw .jointProduction(council: council.id, goods: outputs.map(\.id))
            }
            product[w] = good
            unitOutput[w] = outputs[0].amount
            let weight = council.capacity * outputs[0].amount  // output capacity
            outputCapacity[good] += weight
            for entry in council.uses {
                // Per unit of output, weighted by output capacity: cap · amount.
                if let i = economy.goodIndex[entry.id] {
                    a[i, good] += council.capacity * entry.amount
                } else if let r = economy.resourceIndex[entry.id] {
                    l[r, good] += council.capacity * entry.amount
                }
            }
        }
        for j in 0..<n where outputCapacity[j] > 0 {
            for i in 0..<n { a[i, j] /= outputCapacity[j] }
            for r in 0..<m { l[r, j] /= outputCapacity[j] }
        }
        technology = a
        resourceCoefficients = l
        capacity = outputCapacity

        // LU: (I − A) x = f.
        var iMinusA = Matrix.identity(n)
        for i in 0..<n { for j in 0..<n { iMinusA[i, j] -= a[i, j] } }
        var x: [Double]
        do {
            x = try LAPACK.solve(iMinusA, f)
        } catch let error as LinearAlgebraError {
            if case let .singular(_, pivot) = error { throw .singular(good: economy.goods[max(0, min(n - 1, pivot - 1))].id) }
            throw .singular(good: economy.goods.first?.id ?? "")
        } catch {
            throw .singular(good: economy.goods.first?.id ?? "")
        }
        if let j = x.indices.first(where: { x[$0] < -1e-9 * max(1, x.map(abs).max() ?? 1) }) {
            throw .notProductive(good: economy.goods[j].id, grossOutput: x[j])
        }
        x = x.map { max($0, 0) }
        grossOutput = x
        var check = f
        BLAS.gemv(.none, alpha: -1, a: iMinusA, x: x, beta: 1, y: &check)
        residual = (check.map(abs).max() ?? 0) / max(f.map(abs).max() ?? 0, 1e-300)

        historicIteration = Self.iterate(a: a, f: f, lu: x, tolerance: iterationTolerance, maxIterations: maxIterations)

        var used = [Double](repeating: 0, count: m)
        if m > 0 { BLAS.gemv(.none, a: l, x: x, beta: 0, y: &used) }
        resourceUse = used
        activity = economy.workersCouncils.indices.map { w in
            let good = product[w]
            guard outputCapacity[good] > 0 else { return 0 }
            let share = economy.workersCouncils[w].capacity * unitOutput[w] / outputCapacity[good]
            return x[good] * share / unitOutput[w]
        }
    }

    /// `x ← A x + f` from `x = f` until a step changes `x` by at most `tolerance` (relative).
    static func iterate(a: Matrix, f: [Double], lu: [Double], tolerance: Double, maxIterations: Int) -> HistoricIteration {
        let n = f.count
        var x = f, next = f
        var iterations = 0, converged = false
        var lastStep = 0.0, contraction = 0.0
        var steps: [Double] = []
        while iterations < maxIterations {
            next = f
            BLAS.gemv(.none, a: a, x: x, beta: 1, y: &next)
            iterations += 1
            var change = 0.0, size = 0.0
            for i in 0..<n {
                change = max(change, abs(next[i] - x[i]))
                size = max(size, abs(next[i]))
            }
            let step = size > 0 ? change / size : 0
            if steps.count < 50 { steps.append(step) }
            if lastStep > 0 { contraction = step / lastStep }
            lastStep = step
            swap(&x, &next)
            if !step.isFinite { break }
            if step <= tolerance {
                converged = true
                break
            }
        }
        var difference = 0.0, size = 0.0
        for i in 0..<n {
            difference = max(difference, abs(x[i] - lu[i]))
            size = max(size, abs(lu[i]))
        }
        return HistoricIteration(iterations: iterations, converged: converged, tolerance: tolerance,
                                 differenceFromLU: size > 0 ? difference / size : difference,
                                 contraction: contraction, grossOutput: x, firstSteps: steps)
    }

    /// What the balance ignores, in words, for the report.
    public static let ignores = [
        "prices: the final-demand targets are fixed before anything is computed, so nothing tells the planner what is scarce",
        "substitution: each industry has one technique (the capacity-weighted average of its workplaces'), and consumers cannot switch between goods",
        "capacities and expansion costs: they are only checked after the fact, never traded off",
        "what to do when labour or a resource is short: the method can only say that it is",
    ]
}
