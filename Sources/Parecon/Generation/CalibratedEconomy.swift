/// An economy calibrated to a real input–output table (DESIGN §6): many workers' councils per
/// sector whose technologies scatter around the industry's, and many consumers' councils whose
/// preferences scatter around the observed final-demand shares. Same table, parameters and seed
/// ⇒ the same economy, bit for bit, on every platform (all randomness from ``SeededGenerator``,
/// all arithmetic IEEE 754 basic operations — see ``DeterministicMath``).
///
/// Goods are the table's sectors (id = sector code; one unit = one money unit of the sector's
/// output at the table's prices); the one primary resource is `labour`. With `x_j` gross
/// output, `A = Z / x` the technical coefficients, `l = L / x` labour per unit and `s = f / Σf`
/// the final-demand shares, and `ε(σ) = exp(σ z − σ²/2)` a log-normal factor with mean 1
/// (`z` standard normal, `σ` = ``heterogeneity``, a fresh draw for every number):
///
/// - **Workers' councils**: sector `j` has `K` councils (``workersCouncilsPerSector``), `j/w1 …
///   j/wK`. Council `k` has a size `u_k = ε(σ)`, an observed share `x_jk = x_j u_k / Σ u` and
///   capacity `cap_jk = (1 + capacityMargin) x_jk`, so the sector's capacities add up to
///   `(1 + capacityMargin) x_j`. It produces one unit of good `j` and uses `A_ij ε(σ)` of each good
///   `i` with `A_ij > 0` and `l_j ε(σ)` labour.
/// - **Expansion cost**: at the table's prices (`p = 1`) and a base labour price `q₀` — the
///   price at which labour receives ``labourShareOfValueAdded`` of the table's value added,
///   `q₀ = θ Σ_j max(0, x_j − Σ_i Z_ij) / Σ_j L_j` — a council's unit surplus is
///   `π_jk = 1 − Σ_i a_ijk − q₀ l_jk`. Its elasticity is chosen so that at those prices it proposes
///   its observed share: `k_jk = x_jk / max(π_jk, minimumSurplus)`.
/// - **Labour**: available `(1 + labourMargin) Σ_jk l_jk x_jk`: a little more than the councils
///   use at their observed shares, which is the table's `Σ_j L_j` up to the scatter. (Measured
///   from the councils rather than the table, so that with margins `labourMargin < capacityMargin`
///   labour binds before capacities do, whatever the draw.)
/// - **Imports** (``Imports/resource``, the default): a table whose flows include imported goods
///   (the BEA tables) uses more of some goods than it produces, `M_i = Σ_j Z_ij + f_i − x_i > 0`.
///   Each use of good `i` is split by its domestic share `d_i = x_i / (x_i + M_i)` (import
///   proportionality): a council uses `d_i A_ij ε(σ)` of good `i` and `(1 − d_i) A_ij ε(σ)` of a
///   second primary resource, `imports` (money units at the table's prices, so a council's base
///   surplus and elasticity do not change), available `(1 + importsMargin)` times what the
///   councils import at their observed shares; consumers' councils want the domestic part
///   `d_i f_i` of final demand. Then the observed outputs balance at the table's prices, and the
///   plan lands near the observed economy. A table without imports gets no `imports` resource and
///   the same economy as with ``Imports/domestic``, which reads the table's coefficients as they
///   are: imported inputs and final goods count as demand for the domestic good.
/// - **Consumers' councils** `c1 … cC`: allowance `B_c = Σf̃ · v_c / Σ v` with `v_c = ε(σ)` (the
///   allowances add up to the observed final demand `f̃` — its domestic part `d ∘ f` with imports
///   as a resource, `f` otherwise), Cobb–Douglas weights `α_ci = s_i ε(σ)` with `s = f̃ / Σ f̃`,
///   for the goods with `s_i > 0` (scaled to sum to 1 when the economy is built).
///
/// With `σ = 0` every council of a sector has the industry's technology exactly. Its plan should
/// land near the observed economy: a check, not a target (`docs/benchmarks.md`).
public struct CalibratedEconomy: Sendable {
    /// How the table's imports enter the economy (see the type's documentation).
    public enum Imports: String, Sendable, CaseIterable {
        /// Imported inputs are a primary resource `imports`; final demand is its domestic part.
        case resource
        /// The table's coefficients and final demand as they are: all of it demand for domestic output.
        case domestic
    }

    public var table: InputOutputTable
    /// `K`: workers' councils per sector.
    public var workersCouncilsPerSector: Int
    /// `C`: consumers' councils.
    public var consumersCouncils: Int
    /// `σ`: the standard deviation of the log-normal scatter of sizes, technologies, labour,
    /// allowances and preference weights.
    public var heterogeneity: Double
    public var seed: UInt64
    /// Capacities add up to `1 + capacityMargin` times the observed output of each sector.
    public var capacityMargin: Double
    /// Labour available is `1 + labourMargin` times the labour the councils use at their observed
    /// shares (the table's labour, up to the scatter).
    public var labourMargin: Double
    /// `θ`: the share of value added that labour receives at the base labour price `q₀`.
    public var labourShareOfValueAdded: Double
    /// The smallest unit surplus (per unit of output value) used to set an elasticity, for
    /// councils whose inputs and labour at base prices cost (nearly) all their output is worth.
    public var minimumSurplus: Double
    public var imports: Imports
    /// Imports available are `1 + importsMargin` times what the councils import at their observed
    /// shares.
    public var importsMargin: Double

    /// The defaults, in one place.
    public enum Defaults {
        public static let workersCouncilsPerSector = 10
        public static let consumersCouncils = 100
        public static let heterogeneity = 0.2
        public static let seed: UInt64 = 1
        public static let capacityMargin = 0.05
        public static let labourMargin = 0.02
        public static let labourShareOfValueAdded = 0.5
        public static let minimumSurplus = 0.05
        public static let imports = Imports.resource
        public static let importsMargin = 0.02
    }

    public init(
        table: InputOutputTable,
        workersCouncilsPerSector: Int = Defaults.workersCouncilsPerSector,
        consumersCouncils: Int = Defaults.consumersCouncils,
        heterogeneity: Double = Defaults.heterogeneity,
        seed: UInt64 = Defaults.seed,
        capacityMargin: Double = Defaults.capacityMargin,
        labourMargin: Double = Defaults.labourMargin,
        labourShareOfValueAdded: Double = Defaults.labourShareOfValueAdded,
        minimumSurplus: Double = Defaults.minimumSurplus,
        imports: Imports = Defaults.imports,
        importsMargin: Double = Defaults.importsMargin
    ) {
        self.table = table
        self.workersCouncilsPerSector = workersCouncilsPerSector
        self.consumersCouncils = consumersCouncils
        self.heterogeneity = heterogeneity
        self.seed = seed
        self.capacityMargin = capacityMargin
        self.labourMargin = labourMargin
        self.labourShareOfValueAdded = labourShareOfValueAdded
        self.minimumSurplus = minimumSurplus
        self.imports = imports
        self.importsMargin = importsMargin
    }

    /// Every problem with the parameters, as messages naming the parameter.
    public func problems() -> [String] {
        var problems: [String] = []
        if workersCouncilsPerSector < 1 { problems.append("workersCouncilsPerSector must be at least 1, found \(workersCouncilsPerSector)") }
        if consumersCouncils < 1 { problems.append("consumersCouncils must be at least 1, found \(consumersCouncils)") }
        if !(heterogeneity.isFinite && heterogeneity >= 0 && heterogeneity <= 3) {
            problems.append("heterogeneity must be between 0 and 3 (a log-normal standard deviation), found \(format(heterogeneity))")
        }
        for (name, value) in [("capacityMargin", capacityMargin), ("labourMargin", labourMargin), ("importsMargin", importsMargin)] where !(value.isFinite && value >= 0) {
            problems.append("\(name) must be a non-negative finite number, found \(format(value))")
        }
        if !(labourShareOfValueAdded.isFinite && labourShareOfValueAdded >= 0 && labourShareOfValueAdded < 1) {
            problems.append("labourShareOfValueAdded must be in [0, 1), found \(format(labourShareOfValueAdded))")
        }
        if !(minimumSurplus.isFinite && minimumSurplus > 0 && minimumSurplus <= 1) {
            problems.append("minimumSurplus must be in (0, 1], found \(format(minimumSurplus))")
        }
        return problems
    }

    /// `q₀`: the labour price at which labour receives ``labourShareOfValueAdded`` of the table's
    /// value added (sectors with negative value added count as zero).
    public var baseLabourPrice: Double {
        let n = table.sectorCount
        var valueAdded = 0.0
        for j in 0..<n {
            var inputs = 0.0
            for i in 0..<n { inputs += table.flows[i, j] }
            valueAdded += max(0, table.output[j] - inputs)
        }
        return labourShareOfValueAdded * valueAdded / table.labour.reduce(0, +)
    }

    /// The sector (index into the table's sectors) of each workers' council of ``generate()``, in
    /// order: council `w` belongs to sector `w / workersCouncilsPerSector`.
    public func sector(ofWorkersCouncil w: Int) -> Int { w / workersCouncilsPerSector }

    /// `d_i`: the domestic share of each good's uses that the economy is built with — the table's
    /// ``InputOutputTable/domesticShares`` with imports as a resource, all 1 otherwise.
    public var domesticShares: [Double] {
        imports == .resource ? table.domesticShares : [Double](repeating: 1, count: table.sectorCount)
    }

    public func generate() throws(EconomyError) -> Economy {
        let parameterProblems = problems()
        guard parameterProblems.isEmpty else {
            throw EconomyError(file: nil, problems: parameterProblems.map { EconomyProblem(location: "calibration", field: "", message: $0) })
        }
        var random = SeededGenerator(seed: seed)
        var normals = DeterministicMath.NormalDraws()
        let sigma = heterogeneity
        func scatter() -> Double { normals.logNormalFactor(sigma: sigma, &random) }

        let n = table.sectorCount
        let codes = table.sectors.map(\.code)
        let a = table.technicalCoefficients
        let labourPerUnit = table.labourPerUnit
        let q0 = baseLabourPrice
        let goods = codes.map { Good(id: $0, unit: table.metadata.money) }
        let perSector = workersCouncilsPerSector
        let domestic = domesticShares
        let importing = domestic.contains { $0 < 1 }
        let resourceIDs = importing ? [Self.labourID, Self.importsID] : [Self.labourID]

        // Each council is checked and written straight into the economy's storage (no list of
        // all councils beside V); the resources' availabilities are set after the councils.
        var builder = WorkersCouncils.Builder(goods: goods, resources: resourceIDs.map { PrimaryResource(id: $0, available: 1) },
                                              councilCount: n * perSector)
        var checks = EconomyValidator(findings: LoaderFindings())
        checks.prepare(goods: goods, resources: resourceIDs)
        var columnOf: [String: Int] = [:]
        for (r, id) in resourceIDs.enumerated() { columnOf[id] = n + r }
        for (i, code) in codes.enumerated() { columnOf[code] = i }
        // Labour and imports the councils use at their observed shares: the table's, up to the scatter.
        var observedLabour = 0.0
        var observedImports = 0.0
        for j in 0..<n {
            let column = (0..<n).filter { a[$0, j] > 0 }
            var sizes = (0..<perSector).map { _ in scatter() }
            let totalSize = sizes.reduce(0, +)
            for k in 0..<perSector { sizes[k] /= totalSize }
            for k in 0..<perSector {
                let observed = table.output[j] * sizes[k]
                var uses: [Quantity] = []
                uses.reserveCapacity(column.count + 2)
                var cost = 0.0
                var imported = 0.0
                for i in column {
                    let amount = a[i, j] * scatter()
                    // Both parts cost 1 a unit at base prices: the surplus does not depend on the split.
                    uses.append(Quantity(codes[i], amount * domestic[i]))
                    imported += amount * (1 - domestic[i])
                    cost += amount
                }
                if labourPerUnit[j] > 0 {
                    let labour = labourPerUnit[j] * scatter()
                    uses.append(Quantity(Self.labourID, labour))
                    cost += q0 * labour
                    observedLabour += labour * observed
                }
                if imported > 0 {
                    uses.append(Quantity(Self.importsID, imported))
                    observedImports += imported * observed
                }
                let surplus = max(1 - cost, minimumSurplus)
                let council = WorkersCouncil(
                    id: "\(codes[j])/w\(k + 1)", produces: [Quantity(codes[j], 1)], uses: uses,
                    capacity: (1 + capacityMargin) * observed, elasticity: observed / surplus)
                checks.validate(council, at: builder.count)
                builder.append(id: council.id, capacity: council.capacity, elasticity: council.elasticity,
                               produces: council.produces.lazy.map { (columnOf[$0.id]!, $0.amount) },
                               uses: council.uses.lazy.map { (columnOf[$0.id]!, $0.amount) })
            }
        }

        var resources = [PrimaryResource(id: Self.labourID, unit: table.metadata.labour,
                                         available: (1 + labourMargin) * observedLabour)]
        if importing {
            resources.append(PrimaryResource(id: Self.importsID, unit: table.metadata.money,
                                             available: (1 + importsMargin) * observedImports))
        }

        let finalDemand = zip(table.finalDemand, domestic).map { $0 * $1 }
        let totalFinalDemand = finalDemand.reduce(0, +)
        let shares = finalDemand.map { $0 / totalFinalDemand }
        let wanted = (0..<n).filter { shares[$0] > 0 }
        var allowances = (0..<consumersCouncils).map { _ in scatter() }
        let totalAllowance = allowances.reduce(0, +)
        for c in allowances.indices { allowances[c] = totalFinalDemand * allowances[c] / totalAllowance }
        var consumers: [ConsumersCouncil] = []
        consumers.reserveCapacity(consumersCouncils)
        for c in 0..<consumersCouncils {
            let weights = wanted.map { Quantity(codes[$0], shares[$0] * scatter()) }
            consumers.append(ConsumersCouncil(id: "c\(c + 1)", allowance: allowances[c], preferences: .cobbDouglas(weights: weights)))
        }

        let tableName = table.metadata.name.isEmpty ? "an input–output table" : table.metadata.name
        let name = "\(tableName) calibrated: \(perSector) workers' councils per sector, \(consumersCouncils) consumers' councils, "
            + "heterogeneity \(heterogeneity), seed \(seed)" + (importing ? ", imports as a resource" : "")
        return try Economy(name: name, goods: goods, resources: resources, generatedWorkersCouncils: builder.finish(resources: resources),
                           councilChecks: checks, consumersCouncils: consumers)
    }

    /// The id of the labour resource.
    public static let labourID = "labour"
    /// The id of the imports resource (tables with imports, ``Imports/resource``).
    public static let importsID = "imports"
}

/// `exp`, `log` and normal draws from IEEE 754 basic operations only (`+ − × ÷ √`, correctly
/// rounded on every platform) — unlike the C library's `exp`/`log`/`cos`, whose last bit can
/// differ between platforms — so that a seeded economy is the same file everywhere. Accurate
/// to a few units in the last place, which is plenty for scatter.
public enum DeterministicMath {
    private static let ln2High = 6.93147180369123816490e-01  // ln 2 with 11 trailing zero bits: k · ln2High is exact
    private static let ln2Low = 1.90821492927058770002e-10
    private static let log2e = 1.44269504088896338700e+00
    /// `1/0! … 1/13!` and `1/1, 1/3, … 1/25`, each correctly rounded (`k!` is exact in a double up
    /// to 18!), so that the series multiply instead of divide.
    private static let inverseFactorials: [Double] = (0...13).map { k in 1 / (1...max(k, 1)).reduce(1.0) { $0 * Double($1) } }
    private static let oddReciprocals: [Double] = (0...12).map { 1 / Double(2 * $0 + 1) }

    /// `e^x`: `x = k ln 2 + r` with `|r| ≤ ln 2 / 2`, the degree-13 Taylor polynomial of `e^r`
    /// (truncation below 4e-18) by Estrin's scheme, scaled by `2^k` exactly.
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.78 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x * log2e).rounded()
        let r = (x - k * ln2High) - k * ln2Low
        let c = inverseFactorials
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let low = (c[0] + c[1] * r) + r2 * (c[2] + c[3] * r)
        let middle = (c[4] + c[5] * r) + r2 * (c[6] + c[7] * r)
        let high = (c[8] + c[9] * r) + r2 * (c[10] + c[11] * r) + r4 * (c[12] + c[13] * r)
        return scaled(low + r4 * middle + r8 * high, Int(k))
    }

    /// `ln x` for `x > 0`: `x = m 2^e` with `m ∈ [√½, √2)`, `ln m = 2 atanh((m − 1)/(m + 1))`
    /// summed to 13 terms (`|s| ≤ 0.172`, truncation below 1e-19).
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        var e = Int(x.exponent)
        var m = x.significand  // [1, 2)
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        // atanh(s) / s = Σ_{k=0}^{12} s^(2k) / (2k + 1), by Horner's rule.
        var series = oddReciprocals[12]
        for k in stride(from: 11, through: 0, by: -1) { series = series * s2 + oddReciprocals[k] }
        let sum = s * series
        return Double(e) * ln2High + (Double(e) * ln2Low + 2 * sum)
    }

    /// A standard normal draw (Marsaglia's polar method; the pair's second draw is dropped —
    /// ``NormalDraws`` keeps it).
    public static func normal(_ random: inout SeededGenerator) -> Double {
        var draws = NormalDraws()
        return draws.next(&random)
    }

    /// Standard normal draws in pairs (Marsaglia's polar method): `u, v` uniform in the unit
    /// disc, `s = u² + v²`, then `u √(−2 ln s / s)` and `v √(−2 ln s / s)` are independent
    /// standard normals.
    public struct NormalDraws: Sendable {
        private var spare: Double?

        public init() {}

        public mutating func next(_ random: inout SeededGenerator) -> Double {
            if let spare {
                self.spare = nil
                return spare
            }
            while true {
                let u = random.uniform(-1, 1), v = random.uniform(-1, 1)
                let s = u * u + v * v
                if s > 0 && s < 1 {
                    let scale = (-2 * DeterministicMath.log(s) / s).squareRoot()
                    spare = v * scale
                    return u * scale
                }
            }
        }

        /// `exp(σ z − σ²/2)`: a log-normal factor with mean 1; exactly 1 (and no draw) when `σ = 0`.
        public mutating func logNormalFactor(sigma: Double, _ random: inout SeededGenerator) -> Double {
            if sigma == 0 { return 1 }
            return DeterministicMath.exp(sigma * next(&random) - sigma * sigma / 2)
        }
    }

    /// `x · 2^k` exactly (for results in the normal range; gradual underflow below it).
    private static func scaled(_ x: Double, _ k: Int) -> Double {
        if k > 1000 { return scaled(x * 0x1p1000, k - 1000) }
        if k < -1000 { return scaled(x * 0x1p-1000, k + 1000) }
        return x * Double(sign: .plus, exponent: k, significand: 1)
    }
}
