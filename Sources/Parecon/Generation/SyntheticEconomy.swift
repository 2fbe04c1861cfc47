/// Seeded random economies of any size, for tests and benchmarks.
///
/// Construction (every draw from ``SeededGenerator``):
/// - goods `g0 … g(n−1)`; resources `labour` and, when `resources ≥ 2`, natural resources `r1 …`;
/// - workers' council `w` produces good `w mod n` (one unit per unit of activity) and uses each
///   other good with probability `density`, with coefficients scaled so that every council's
///   inputs are worth at most half its output at unit prices (a productive economy); it uses
///   labour `U(0.2, 1)` per unit and each natural resource with probability 1/2;
/// - a share `constantReturnsShare` of councils has constant returns, the others an elasticity
///   proportional to their capacity;
/// - consumers' councils want a random subset of goods (each good with probability
///   `max(density, 3/n)`, at least one), Cobb–Douglas or, with probability `cesShare`, CES with
///   `σ` drawn from {0.5, 2};
/// - resource availabilities are a fraction `resourceTightness` of what the councils would use
///   at half capacity, so that resources bind when the fraction is small.
public struct SyntheticEconomy: Sendable {
    public var goods: Int
    public var resources: Int = 1
    public var workersCouncils: Int
    public var consumersCouncils: Int
    public var density: Double = 0.1
    public var constantReturnsShare: Double = 0
    public var cesShare: Double = 0
    public var resourceTightness: Double = 0.6
    public var seed: UInt64 = 1

    public init(goods: Int, resources: Int = 1, workersCouncils: Int, consumersCouncils: Int,
                density: Double = 0.1, constantReturnsShare: Double = 0, cesShare: Double = 0,
                resourceTightness: Double = 0.6, seed: UInt64 = 1) {
        self.goods = goods
        self.resources = resources
        self.workersCouncils = workersCouncils
        self.consumersCouncils = consumersCouncils
        self.density = density
        self.constantReturnsShare = constantReturnsShare
        self.cesShare = cesShare
        self.resourceTightness = resourceTightness
        self.seed = seed
    }

    public func generate() throws(EconomyError) -> Economy {
        var random = SeededGenerator(seed: seed)
        let n = goods
        let goodList = (0..<n).map { Good(id: "g\($0)", unit: "units") }
        let resourceIDs = ["labour"] + (1..<max(resources, 1)).map { "r\($0)" }

        // Each council is checked and written straight into the economy's storage (no list of
        // all councils beside V).
        let placeholders = resourceIDs.map { PrimaryResource(id: $0, available: 1) }
        var builder = WorkersCouncils.Builder(goods: goodList, resources: placeholders, councilCount: workersCouncils)
        var checks = EconomyValidator(findings: LoaderFindings())
        checks.prepare(goods: goodList, resources: resourceIDs)
        var column: [String: Int] = [:]
        for (i, good) in goodList.enumerated() { column[good.id] = i }
        for (r, id) in resourceIDs.enumerated() { column[id] = n + r }
        var resourceAtHalfCapacity = [Double](repeating: 0, count: resourceIDs.count)
        for w in 0..<workersCouncils {
            let good = w % n
            var inputs: [Quantity] = []
            var drawn: [(Int, Double)] = []
            for i in 0..<n where i != good && random.uniform() < density {
                drawn.append((i, random.uniform(0.1, 1)))
            }
            let total = drawn.reduce(0) { $0 + $1.1 }
            let share = random.uniform(0.1, 0.5)  // inputs' value at unit prices / output's
            for (i, a) in drawn { inputs.append(Quantity("g\(i)", share * a / total)) }
            let capacity = random.uniform(50, 150)
            let labour = random.uniform(0.2, 1)
            inputs.append(Quantity("labour", labour))
            resourceAtHalfCapacity[0] += labour * capacity / 2
            for r in 1..<resourceIDs.count where random.uniform() < 0.5 {
                let amount = random.uniform(0.05, 0.5)
                inputs.append(Quantity(resourceIDs[r], amount))
                resourceAtHalfCapacity[r] += amount * capacity / 2
            }
            let constantReturns = random.uniform() < constantReturnsShare
            let elasticity = capacity * random.uniform(0.5, 2)
            let council = WorkersCouncil(id: "w\(w)", produces: [Quantity("g\(good)", 1)], uses: inputs,
                                         capacity: capacity, elasticity: constantReturns ? nil : elasticity)
            checks.validate(council, at: w)
            builder.append(id: council.id, capacity: council.capacity, elasticity: council.elasticity,
                           produces: council.produces.lazy.map { (column[$0.id]!, $0.amount) },
                           uses: council.uses.lazy.map { (column[$0.id]!, $0.amount) })
        }

        let resourceList = resourceIDs.enumerated().map { r, id in
            PrimaryResource(id: id, unit: r == 0 ? "h" : "units",
                            available: max(resourceTightness * resourceAtHalfCapacity[r], 1))
        }

        var consumers: [ConsumersCouncil] = []
        consumers.reserveCapacity(consumersCouncils)
        let wantProbability = max(density, 3 / Double(n))
        for c in 0..<consumersCouncils {
            var weights: [Quantity] = []
            for i in 0..<n where random.uniform() < wantProbability {
                weights.append(Quantity("g\(i)", random.uniform(0.1, 1)))
            }
            if weights.isEmpty { weights.append(Quantity("g\(random.index(n))", 1)) }
            let allowance = random.uniform(50, 150)
            let preferences: Preferences = random.uniform() < cesShare
                ? .ces(sigma: random.uniform() < 0.5 ? 0.5 : 2, weights: weights)
                : .cobbDouglas(weights: weights)
            consumers.append(ConsumersCouncil(id: "c\(c)", allowance: allowance, preferences: preferences))
        }
        // A good nobody produces cannot be wanted: with fewer councils than goods, drop such wants.
        // Council w produces good w mod n.
        let produced = Set((0..<min(workersCouncils, n)).map { "g\($0)" })
        consumers = consumers.map { council in
            var council = council
            let keep = council.preferences.weights.filter { produced.contains($0.id) }
            let weights = keep.isEmpty ? [Quantity("g\(c0(council.id) % workersCouncils % n)", 1)] : keep
            switch council.preferences {
            case .cobbDouglas: council.preferences = .cobbDouglas(weights: weights)
            case let .ces(sigma, _): council.preferences = .ces(sigma: sigma, weights: weights)
            }
            return council
        }

        return try Economy(name: "Synthetic economy (seed \(seed))", goods: goodList, resources: resourceList,
                           generatedWorkersCouncils: builder.finish(resources: resourceList), councilChecks: checks,
                           consumersCouncils: consumers)
    }
}

private func c0(_ id: String) -> Int { Int(id.dropFirst()) ?? 0 }
