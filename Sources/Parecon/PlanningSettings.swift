/// Settings of the participatory procedure. Every default is a named constant in
/// ``PlanningSettings/Defaults``; `parecon plan --help` shows them.
public struct PlanningSettings: Sendable, Equatable, Codable {
    /// Converged when every relative imbalance of DESIGN §7 is at most this.
    public var tolerance: Double
    /// A run stopped by a limit whose imbalance is at most this is reported `convergedInaccurate`.
    public var inaccurateTolerance: Double
    /// Stop after this many rounds (`maxRounds`).
    public var maxRounds: Int
    /// Stop after this many seconds of wall time (`timeLimit`); `nil` for none.
    public var timeLimit: Double?
    /// The facilitation board's first relative price step `λ` (tatonnement).
    public var priceStep: Double
    /// The largest relative step the board's step adaptation may reach. Any positive value is safe:
    /// a wanted good's price falls by at most 90 % in a round and no price goes below zero.
    public var maxPriceStep: Double
    /// Factor by which a price's step grows while its excess demand keeps its sign.
    public var stepGrowth: Double
    /// Factor by which a price's step shrinks when its excess demand changes sign (overshoot).
    public var stepShrink: Double
    /// Constant-returns councils' revision rate `η`: the fraction of capacity by which a council
    /// revises its last proposal per unit of relative surplus `π_w / (produces_w · p)` (DESIGN §4).
    public var revisionRate: Double
    /// The largest revision rate a constant-returns council's adaptation may reach.
    public var maxRevisionRate: Double
    /// Factor by which a constant-returns council's revision rate grows while its surplus keeps
    /// its sign (it shrinks by `stepShrink` when the sign changes).
    public var revisionGrowth: Double
    /// Below this fraction of the price level a price moves additively, so that a price can
    /// reach zero (a free good or a slack resource) and rise again from it.
    public var priceFloorFraction: Double
    /// The indicative prices the board publishes in the first round (goods and resources).
    public var initialPrice: Double
    /// The facilitation board's price rule.
    public var board: BoardKind
    /// Accelerated board: how many past rounds it mixes.
    public var andersonMemory: Int
    /// Second-order board: the largest relative price change per round.
    public var maxTrustRadius: Double
    /// Second-order board: the first Levenberg–Marquardt damping `μ` (relative to each price's
    /// tatonnement scale `s_i / P_i`), and the range it adapts in.
    public var initialDamping: Double
    public var minDamping: Double
    public var maxDamping: Double

    public init(
        tolerance: Double = Defaults.tolerance,
        inaccurateTolerance: Double = Defaults.inaccurateTolerance,
        maxRounds: Int = Defaults.maxRounds,
        timeLimit: Double? = nil,
        priceStep: Double = Defaults.priceStep,
        maxPriceStep: Double = Defaults.maxPriceStep,
        stepGrowth: Double = Defaults.stepGrowth,
        stepShrink: Double = Defaults.stepShrink,
        revisionRate: Double = Defaults.revisionRate,
        maxRevisionRate: Double = Defaults.maxRevisionRate,
        revisionGrowth: Double = Defaults.revisionGrowth,
        priceFloorFraction: Double = Defaults.priceFloorFraction,
        initialPrice: Double = Defaults.initialPrice,
        board: BoardKind = Defaults.board,
        andersonMemory: Int = Defaults.andersonMemory,
        maxTrustRadius: Double = Defaults.maxTrustRadius,
        initialDamping: Double = Defaults.initialDamping,
        minDamping: Double = Defaults.minDamping,
        maxDamping: Double = Defaults.maxDamping
    ) {
        self.tolerance = tolerance
        self.inaccurateTolerance = inaccurateTolerance
        self.maxRounds = maxRounds
        self.timeLimit = timeLimit
        self.priceStep = priceStep
        self.maxPriceStep = maxPriceStep
        self.stepGrowth = stepGrowth
        self.stepShrink = stepShrink
        self.revisionRate = revisionRate
        self.maxRevisionRate = maxRevisionRate
        self.revisionGrowth = revisionGrowth
        self.priceFloorFraction = priceFloorFraction
        self.initialPrice = initialPrice
        self.board = board
        self.andersonMemory = andersonMemory
        self.maxTrustRadius = maxTrustRadius
        self.initialDamping = initialDamping
        self.minDamping = minDamping
        self.maxDamping = maxDamping
    }

    /// The defaults, in one place.
    public enum Defaults {
        public static let tolerance = 1e-6
        public static let inaccurateTolerance = 1e-3
        public static let maxRounds = 100_000
        public static let priceStep = 0.1
        /// Large, so that a price far from its plan (a labour price 20 times its first value, say)
        /// gets there in tens of rounds rather than hundreds; a step that overshoots is halved.
        public static let maxPriceStep = 16.0
        public static let stepGrowth = 1.2
        public static let stepShrink = 0.5
        public static let revisionRate = 0.2
        public static let maxRevisionRate = 100.0
        public static let revisionGrowth = 1.1
        public static let priceFloorFraction = 1e-3
        public static let initialPrice = 1.0
        public static let board = BoardKind.newton
        public static let andersonMemory = 5
        public static let maxTrustRadius = 4.0
        public static let initialDamping = 1.0
        public static let minDamping = 1e-9
        /// 30 rather than 10: on a calibrated BEA-detail economy (10^4 councils, seed 1) the board
        /// wandered for 2000 rounds with a cap of 10 and converged in 305 with 30 (docs/model.md §3.3).
        public static let maxDamping = 30.0
    }

    /// Every problem with these settings, as messages naming the setting.
    public func problems() -> [String] {
        var problems: [String] = []
        func positive(_ value: Double, _ name: String) {
            if !(value.isFinite && value > 0) { problems.append("\(name) must be a positive finite number, found \(format(value))") }
        }
        positive(tolerance, "tolerance")
        positive(inaccurateTolerance, "inaccurateTolerance")
        if maxRounds < 1 { problems.append("maxRounds must be at least 1, found \(maxRounds)") }
        if let timeLimit { positive(timeLimit, "timeLimit") }
        positive(priceStep, "priceStep")
        positive(maxPriceStep, "maxPriceStep")
        if !(stepGrowth.isFinite && stepGrowth >= 1) { problems.append("stepGrowth must be at least 1, found \(format(stepGrowth))") }
        if !(stepShrink.isFinite && stepShrink > 0 && stepShrink < 1) { problems.append("stepShrink must be in (0, 1), found \(format(stepShrink))") }
        positive(revisionRate, "revisionRate")
        positive(maxRevisionRate, "maxRevisionRate")
        if !(revisionGrowth.isFinite && revisionGrowth >= 1) { problems.append("revisionGrowth must be at least 1, found \(format(revisionGrowth))") }
        if revisionRate.isFinite && maxRevisionRate.isFinite && revisionRate > maxRevisionRate {
            problems.append("revisionRate must be at most maxRevisionRate (\(format(maxRevisionRate))), found \(format(revisionRate))")
        }
        positive(priceFloorFraction, "priceFloorFraction")
        positive(initialPrice, "initialPrice")
        if andersonMemory < 1 { problems.append("andersonMemory must be at least 1, found \(andersonMemory)") }
        positive(maxTrustRadius, "maxTrustRadius")
        positive(initialDamping, "initialDamping")
        positive(minDamping, "minDamping")
        positive(maxDamping, "maxDamping")
        return problems
    }
}
