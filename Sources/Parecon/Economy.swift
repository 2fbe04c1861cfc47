/// A good produced inside the plan year (food, steel, nursing hours, ...).
public struct Good: Sendable, Equatable, Hashable {
    public var id: String
    public var unit: String?

    public init(id: String, unit: String? = nil) {
        self.id = id
        self.unit = unit
    }
}

/// A primary resource: not produced inside the plan year (labour, land, emission allowances).
/// Its availability `R_r > 0` is set by the federations before planning starts.
public struct PrimaryResource: Sendable, Equatable, Hashable {
    public var id: String
    public var unit: String?
    public var available: Double

    public init(id: String, unit: String? = nil, available: Double) {
        self.id = id
        self.unit = unit
        self.available = available
    }
}

/// An amount of a good or resource named by id, per unit of activity or as a preference weight.
public struct Quantity: Sendable, Equatable, Hashable {
    public var id: String
    public var amount: Double

    public init(_ id: String, _ amount: Double) {
        self.id = id
        self.amount = amount
    }
}

/// A workers' council: one workplace with a linear technology and a quadratic expansion cost.
///
/// Per unit of activity it produces `produces` and uses `uses` (goods as intermediate inputs,
/// primary resources). Its net-output row is `v_w = produces − uses(goods)` and its resource row
/// `b_w = uses(resources)`. It proposes an activity level in `[0, capacity]`; the expansion cost is
///
///     φ_w(x) = x² / (2 k_w)
///
/// with `k_w = elasticity`. `elasticity == nil` means constant returns (`k_w = ∞`).
///
/// `produces` and `uses` are id → amount maps (as in the file formats): two councils are equal
/// when their entries are, in any order. An economy gives its councils' `uses` back in its own
/// order (goods, then resources; see ``WorkersCouncils``).
public struct WorkersCouncil: Sendable, Equatable {
    public var id: String
    public var produces: [Quantity]
    public var uses: [Quantity]
    public var capacity: Double
    public var elasticity: Double?

    public init(id: String, produces: [Quantity], uses: [Quantity] = [], capacity: Double, elasticity: Double? = nil) {
        self.id = id
        self.produces = produces
        self.uses = uses
        self.capacity = capacity
        self.elasticity = elasticity
    }

    /// Whether the council has constant returns (no expansion cost).
    public var hasConstantReturns: Bool { elasticity == nil }

    public static func == (a: WorkersCouncil, b: WorkersCouncil) -> Bool {
        a.id == b.id && a.capacity == b.capacity && a.elasticity == b.elasticity
            && sameEntries(a.produces, b.produces) && sameEntries(a.uses, b.uses)
    }

    /// The same entries in any order.
    private static func sameEntries(_ a: [Quantity], _ b: [Quantity]) -> Bool {
        if a.count != b.count { return false }
        if a == b { return true }
        func sorted(_ entries: [Quantity]) -> [Quantity] {
            entries.sorted { $0.id != $1.id ? $0.id < $1.id : $0.amount < $1.amount }
        }
        return sorted(a) == sorted(b)
    }
}

/// A consumers' council's preferences over goods.
public enum Preferences: Sendable, Equatable {
    /// `U = Π d_i^{α_i}`; the weights are scaled to sum to 1 when the economy is built.
    case cobbDouglas(weights: [Quantity])
    /// `U = (Σ α_i d_i^{(σ−1)/σ})^{σ/(σ−1)}` with elasticity of substitution `σ > 0, σ ≠ 1`.
    case ces(sigma: Double, weights: [Quantity])

    public var weights: [Quantity] {
        switch self {
        case let .cobbDouglas(weights), let .ces(_, weights): return weights
        }
    }
}

/// A consumers' council (a neighbourhood council or a federation buying public goods) with a
/// consumption allowance `B_c > 0` and preferences.
public struct ConsumersCouncil: Sendable, Equatable {
    public var id: String
    public var allowance: Double
    public var preferences: Preferences

    public init(id: String, allowance: Double, preferences: Preferences) {
        self.id = id
        self.allowance = allowance
        self.preferences = preferences
    }
}

/// A validated economy: goods, primary resources, workers' councils and consumers' councils.
///
/// Immutable problem data. Build one with ``init(name:goods:resources:workersCouncils:consumersCouncils:)``
/// (which validates everything and reports every problem at once) or load one from a
/// `parecon-economy/1` file with ``EconomyFile``.
public struct Economy: Sendable {
    public let name: String
    public let goods: [Good]
    public let resources: [PrimaryResource]
    /// Stored in the solver's form (``WorkersCouncils``); each council is built on access.
    public let workersCouncils: WorkersCouncils
    /// Stored by good index (``ConsumersCouncils``); each council is built on access.
    public let consumersCouncils: ConsumersCouncils

    /// Position of each good's id in ``goods``.
    public let goodIndex: [String: Int]
    /// Position of each resource's id in ``resources``.
    public let resourceIndex: [String: Int]

    public var goodCount: Int { goods.count }
    public var resourceCount: Int { resources.count }
    public var workersCouncilCount: Int { workersCouncils.count }
    public var consumersCouncilCount: Int { consumersCouncils.count }

    /// Builds and validates an economy; every problem found is reported in one ``EconomyError``.
    public init(
        name: String = "",
        goods: [Good],
        resources: [PrimaryResource],
        workersCouncils: [WorkersCouncil],
        consumersCouncils: [ConsumersCouncil]
    ) throws(EconomyError) {
        try self.init(name: name, goods: goods, resources: resources,
                      workersCouncils: workersCouncils, consumersCouncils: consumersCouncils,
                      findings: LoaderFindings())
    }

    /// Used by the file loader, whose own findings are reported together with the semantic ones.
    init(
        name: String,
        goods: [Good],
        resources: [PrimaryResource],
        workersCouncils: [WorkersCouncil],
        consumersCouncils: [ConsumersCouncil],
        findings: LoaderFindings
    ) throws(EconomyError) {
        var validator = EconomyValidator(findings: findings)
        validator.validate(goods: goods, resources: resources,
                           workersCouncils: workersCouncils, consumersCouncils: consumersCouncils)
        if !validator.problems.isEmpty { throw EconomyError(file: nil, problems: validator.problems) }

        let goodIndex = Dictionary(goods.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let resourceIndex = Dictionary(resources.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.init(name: name, goods: goods, resources: resources,
                  validatedWorkersCouncils: WorkersCouncils(workersCouncils, goods: goods, resources: resources,
                                                            goodIndex: goodIndex, resourceIndex: resourceIndex),
                  consumersCouncils: ConsumersCouncils(consumersCouncils, goods: goods, goodIndex: goodIndex),
                  goodIndex: goodIndex, resourceIndex: resourceIndex)
    }

    /// An economy whose workers' councils a generator wrote one at a time into `WorkersCouncils`,
    /// checking each with `councilChecks` (prepared with the goods and resource ids) as it went;
    /// the remaining checks run here, and the problems come out in the same order as
    /// ``init(name:goods:resources:workersCouncils:consumersCouncils:)`` gives them.
    init(
        name: String, goods: [Good], resources: [PrimaryResource], generatedWorkersCouncils: WorkersCouncils,
        councilChecks: EconomyValidator, consumersCouncils: [ConsumersCouncil]
    ) throws(EconomyError) {
        var validator = EconomyValidator(findings: LoaderFindings())
        validator.validateHead(goods: goods, resources: resources, workersCouncilIDs: generatedWorkersCouncils.ids,
                               consumersCouncilIDs: consumersCouncils.map(\.id))
        validator.append(councilChecks: councilChecks)
        validator.validate(consumersCouncils)
        if !validator.problems.isEmpty { throw EconomyError(file: nil, problems: validator.problems) }
        let goodIndex = Dictionary(goods.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.init(name: name, goods: goods, resources: resources, validatedWorkersCouncils: generatedWorkersCouncils,
                  consumersCouncils: ConsumersCouncils(consumersCouncils, goods: goods, goodIndex: goodIndex), goodIndex: goodIndex)
    }

    /// An economy whose parts have been validated already (the compact reader validates each
    /// council as it stores it).
    init(
        name: String, goods: [Good], resources: [PrimaryResource], validatedWorkersCouncils: WorkersCouncils,
        consumersCouncils: ConsumersCouncils, goodIndex: [String: Int]? = nil, resourceIndex: [String: Int]? = nil
    ) {
        self.name = name
        self.goods = goods
        self.resources = resources
        self.workersCouncils = validatedWorkersCouncils
        self.consumersCouncils = consumersCouncils
        self.goodIndex = goodIndex
            ?? Dictionary(goods.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.resourceIndex = resourceIndex
            ?? Dictionary(resources.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
