import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// The economy in the dense, solver-ready form that the round loop streams through BLAS.
/// Built once per solve; immutable afterwards.
struct PlanningProblem: Sendable {
    let goodCount: Int
    let resourceCount: Int
    let workersCouncilCount: Int
    let consumersCouncilCount: Int

    /// `V`: W × n, row `w` is council `w`'s net output per unit of activity.
    let netOutput: Matrix
    /// `Bm`: W × m, row `w` is council `w`'s primary-resource use per unit of activity.
    let resourceUse: Matrix
    let available: [Double]
    let capacity: [Double]
    /// `1 / k_w`; zero for constant-returns councils (`k = +∞`). Worked out from the economy's
    /// elasticities when read, not stored (8 bytes a council).
    let inverseElasticity: InverseElasticities
    let constantReturns: [Bool]
    /// Whether any council has constant returns: then the board extrapolates the proposals'
    /// trend (see ``movePrices``), which is what makes the proximal revisions converge.
    let hasConstantReturns: Bool

    /// Gross outputs (the `produces` entries with positive amounts, in good order) by council,
    /// so that gross supply and each council's gross value cost O(number of entries) instead of
    /// another matrix pass. The economy's own entries (shared, not copied) when they are already
    /// so, as generated and calibrated economies' are (one entry a council: see
    /// ``ProducesEntries`` for their compact form).
    let outputs: ProducesEntries

    /// Cobb–Douglas councils, aggregated: `Σ_c B_c α_ci` (their total spending on good `i`).
    let cobbDouglasSpending: [Double]
    /// `Σ_c B_c (log B_c + Σ_i α_ci log α_ci)` over Cobb–Douglas councils (welfare constant).
    let cobbDouglasWelfareConstant: Double
    /// CES councils grouped by elasticity of substitution, so that each group is two gemv calls.
    let cesGroups: [CESGroup]
    /// Goods some consumers' council wants: their demand is infinite at a zero price, so the
    /// board never lets their prices fall to zero (at most by `maxPriceFall` of itself per round).
    let wanted: [Bool]

    /// Numbers a proposal carries, summed over councils: each workers' council reports its
    /// outputs and inputs, each consumers' council its requested quantities.
    let proposalNumbers: Int
    /// Numbers the local responses add per round for the second-order board: one slope per
    /// workers' council; a consumers' council's demand derivatives (its diagonal, plus `σ` for CES).
    let responseNumbers: Int

    struct CESGroup: Sendable {
        let sigma: Double
        /// Council indices (into the economy's consumers' councils).
        let councils: [Int]
        /// `α_ck^σ`, one row per council of the group.
        let weightsToSigma: Matrix
        let allowance: [Double]
        /// `Σ_c B_c log B_c` over the group.
        let welfareConstant: Double
    }

    init(_ economy: Economy) {
        let n = economy.goodCount, m = economy.resourceCount
        let workers = economy.workersCouncils
        goodCount = n
        resourceCount = m
        workersCouncilCount = workers.count
        consumersCouncilCount = economy.consumersCouncilCount

        // V and Bm are the economy's own (shared, not copied); the gross outputs are its
        // `produces` entries with positive amounts, in good order: its own arrays when they are
        // all positive and in order already.
        let produces = workers.producesEntries
        var producesInOrder = true
        var lastCouncil = -1, lastGood = 0
        produces.forEach(0..<workers.count) { w, good, amount in
            if !(amount > 0) || (w == lastCouncil && lastGood >= good) { producesInOrder = false }
            (lastCouncil, lastGood) = (w, good)
        }
        var outputs = ProducesEntries.Builder(councilCount: producesInOrder ? 0 : workers.count, expectedEntries: produces.count)
        var numbers = 0
        var responses = workers.count
        var kept = 0  // the kept uses are by council, increasing: walked alongside, not searched
        var row: [(good: Int, amount: Double)] = []  // council `w`'s entries
        workers.netOutput.elements.withUnsafeBufferPointer { v in
            for w in 0..<workers.count {
                row.removeAll(keepingCapacity: true)
                for e in produces.range(w) { row.append((produces.good(e), produces.amount(e))) }
                if !producesInOrder {
                    if row.count > 1 { row.sort { $0.good < $1.good } }
                    for entry in row where entry.amount > 0 { outputs.append(good: entry.good, amount: entry.amount) }
                    outputs.endRow()
                }
                // Distinct ids among outputs and inputs: the outputs, the inputs of goods not
                // produced (negative net output), resources used, and kept inputs not produced.
                var inputs = 0
                for i in 0..<n where v[w * n + i] < 0 && !row.contains(where: { $0.good == i }) { inputs += 1 }
                for r in 0..<m where workers.resourceUse.elements[w * m + r] > 0 { inputs += 1 }
                let keptStart = kept
                while kept < workers.keptUsesCouncil.count && Int(workers.keptUsesCouncil[kept]) == w { kept += 1 }
                for e in keptStart..<kept {
                    let column = Int(workers.keptUsesColumn[e])
                    if !row.contains(where: { $0.good == column }) { inputs += 1 }
                }
                numbers += row.count + inputs
            }
        }
        netOutput = workers.netOutput
        resourceUse = workers.resourceUse
        available = economy.resources.map(\.available)
        capacity = workers.capacity
        inverseElasticity = InverseElasticities(elasticity: workers.elasticity)
        constantReturns = workers.elasticity.map { $0 == .infinity }
        hasConstantReturns = constantReturns.contains(true)
        self.outputs = producesInOrder ? produces : outputs.finish()

        var spending = [Double](repeating: 0, count: n)
        var constant = 0.0
        // Each CES group's rows `α_ck^σ` go straight into the group's matrix elements.
        var groups: [Double: (councils: [Int], rows: [Double], allowance: [Double])] = [:]
        let consumers = economy.consumersCouncils
        for c in 0..<consumers.count {
            let weights = consumers.denseWeights(c)
            let wantedGoods = weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
            numbers += wantedGoods
            responses += wantedGoods
            let budget = consumers.allowance[c]
            if let sigma = consumers.sigma(c) {
                responses += 1
                var group = groups.removeValue(forKey: sigma) ?? ([], [], [])
                group.councils.append(c)
                group.rows.append(contentsOf: weights.lazy.map { $0 > 0 ? Glibc.pow($0, sigma) : 0 })
                group.allowance.append(budget)
                groups[sigma] = group
            } else {
                constant += budget * Glibc.log(budget)
                for i in 0..<n where weights[i] > 0 {
                    spending[i] += budget * weights[i]
                    constant += budget * weights[i] * Glibc.log(weights[i])
                }
            }
        }
        cobbDouglasSpending = spending
        cobbDouglasWelfareConstant = constant
        cesGroups = groups.keys.sorted().map { sigma in
            let group = groups[sigma]!
            return CESGroup(
                sigma: sigma, councils: group.councils,
                weightsToSigma: Matrix(rows: group.councils.count, columns: n, elements: group.rows.withExactCapacity()),
                allowance: group.allowance,
                welfareConstant: group.allowance.reduce(0) { $0 + $1 * Glibc.log($1) })
        }
        proposalNumbers = numbers
        responseNumbers = responses
        var wanted = spending.map { $0 > 0 }
        for group in cesGroups {
            for c in 0..<group.councils.count {
                for i in 0..<n where group.weightsToSigma[c, i] > 0 { wanted[i] = true }
            }
        }
        self.wanted = wanted
    }

    /// The board's price after a move: never negative, and a wanted good's price falls by at
    /// most the fraction `maxPriceFall` of itself in one round (so it never reaches zero).
    @inline(__always)
    func boundedPrice(_ proposed: Double, old: Double, good: Int?) -> Double {
        if let good, wanted[good] { return max(proposed, (1 - PlanningProblem.maxPriceFall) * old) }
        return max(0, proposed)
    }

    /// The largest fraction by which a wanted good's price may fall in one round.
    static let maxPriceFall = 0.9

    /// A council's weights as a dense vector over goods, scaled to sum to 1.
    static func denseWeights(_ weights: [Quantity], economy: Economy) -> [Double] {
        var dense = [Double](repeating: 0, count: economy.goodCount)
        for weight in weights { dense[economy.goodIndex[weight.id]!] += weight.amount }
        let total = dense.reduce(0, +)
        return dense.map { $0 / total }
    }
}

/// Each workers' council's `1 / k_w` from its elasticity `k_w` (`+∞` for constant returns, so
/// `0`): the same bits as a stored `1 / k_w`, without a second per-council array.
struct InverseElasticities: Sendable {
    /// The economy's elasticities (shared, not copied).
    let elasticity: [Double]

    subscript(_ council: Int) -> Double { 1 / elasticity[council] }

    var count: Int { elasticity.count }
}
