import PareconLinearAlgebra

/// How a planning run ended. An outcome, not an error: bad input and numerical failure are
/// thrown instead.
public enum PlanStatus: String, Sendable, Codable, CaseIterable {
    /// Every relative imbalance is within the tolerance.
    case converged
    /// Stopped by a limit with every imbalance within the inaccurate tolerance.
    case convergedInaccurate
    /// Stopped after the maximum number of rounds.
    case maxRounds
    /// Stopped by the time limit.
    case timeLimit
    /// Prices or proposals stopped being finite numbers.
    case diverged

    /// Whether the plan met the requested tolerance.
    public var isConverged: Bool { self == .converged }
}

/// Who computed the plan.
public enum PlanMode: String, Sendable, Codable {
    case participatory
    case central
}

/// One round as the progress table and the trace file show it.
public struct RoundRecord: Sendable, Equatable {
    public var round: Int
    /// The largest relative imbalance of goods and resources (DESIGN §7) at this round's proposals.
    public var maxImbalance: Double
    /// The largest revision of a constant-returns council's proposal, `|x − x_prev| / (η cap)`:
    /// for a council inside its range, its relative surplus `|π_w| / (produces_w · p)`.
    public var maxRevision: Double
    /// The largest relative price change the board made after this round, `|Δp| / max(p, floor)`.
    public var largestPriceChange: Double
    /// `Σ_c B_c log U_c(d_c) − Σ_w φ_w(x_w)` at this round's proposals.
    public var welfare: Double
    /// Wall time since the start of planning, in seconds.
    public var seconds: Double

    public init(round: Int, maxImbalance: Double, maxRevision: Double, largestPriceChange: Double, welfare: Double, seconds: Double) {
        self.round = round
        self.maxImbalance = maxImbalance
        self.maxRevision = maxRevision
        self.largestPriceChange = largestPriceChange
        self.welfare = welfare
        self.seconds = seconds
    }
}

/// The plan: the last proposals, the indicative prices they were made at, and how the run went.
/// Vectors are indexed like the economy's goods, resources and councils.
public struct Plan: Sendable {
    public var status: PlanStatus
    public var mode: PlanMode
    public var rounds: Int
    public var seconds: Double
    public var settings: PlanningSettings

    /// Indicative prices of goods `p` and of primary resources `q`.
    public var prices: [Double]
    public var resourcePrices: [Double]
    /// Each workers' council's activity level `x_w`.
    public var activity: [Double]
    /// Each consumers' council's bundle: C × n, row `c` is council `c`'s proposal (compressed
    /// rows when the councils weigh few goods each; see ``PlanConsumption``).
    public var consumption: PlanConsumption

    /// By good: gross production `Σ x_w produces_w`, use (intermediate plus final), and excess
    /// demand `use − production`.
    public var supply: [Double]
    public var use: [Double]
    public var excessDemand: [Double]
    /// By good: the relative imbalance of DESIGN §7 (0 for a free good in surplus).
    public var relativeImbalance: [Double]
    /// By resource: use `Σ x_w b_w`.
    public var resourceUse: [Double]
    /// The largest relative imbalance of goods and resources (the convergence measure).
    public var maxRelativeImbalance: Double
    /// The largest revision of a constant-returns council in the last round, `|x − x_prev| / (η cap)`.
    public var maxRelativeRevision: Double
    /// `Σ_c B_c log U_c(d_c) − Σ_w φ_w(x_w)`.
    public var welfare: Double

    /// Numbers the facilitation board published: `rounds × (goods + resources)`.
    public var pricesPublished: Int
    /// Numbers the councils sent back: each round, every workers' council its outputs and inputs
    /// and every consumers' council its requested quantities — and, for the second-order board,
    /// their local responses (a slope per workers' council, demand derivatives per consumers' council).
    public var proposalNumbersReceived: Int

    /// The round-by-round history (every round).
    public var history: [RoundRecord]

    /// Rounds in which the board's safeguard fired: the second-order board fell back to a
    /// tatonnement step, or the accelerated board forgot its history and restarted.
    public var safeguardRounds: Int = 0

    /// For a diverged run: where the numbers stopped being finite, and what to do about it.
    public var divergence: String? = nil
}
