/// Settings of the central planner's interior-point method. Every default is a named constant
/// in ``CentralSettings/Defaults``; `parecon central --help` shows them.
public struct CentralSettings: Sendable, Equatable, Codable {
    /// Optimal when every relative residual of the optimality conditions (primal balances, the
    /// councils' stationarity, complementarity) is at most this.
    public var tolerance: Double
    /// A run stopped by a limit whose residuals are at most this is `convergedInaccurate`.
    public var inaccurateTolerance: Double
    /// Stop after this many interior-point iterations.
    public var maxIterations: Int
    /// Stop after this many seconds of wall time; `nil` for none.
    public var timeLimit: Double?
    /// The fraction-to-the-boundary factor `τ`: a step goes at most this fraction of the way to
    /// the nearest bound (`max(τ, 1 − μ)` as `μ → 0`).
    public var stepFraction: Double
    /// Workers' councils per block when the normal matrix is assembled with `dsyrk`; bounds the
    /// scratch memory to `blockRows × (goods + resources)` numbers.
    public var blockRows: Int

    public init(
        tolerance: Double = Defaults.tolerance,
        inaccurateTolerance: Double = Defaults.inaccurateTolerance,
        maxIterations: Int = Defaults.maxIterations,
        timeLimit: Double? = nil,
        stepFraction: Double = Defaults.stepFraction,
        blockRows: Int = Defaults.blockRows
    ) {
        self.tolerance = tolerance
        self.inaccurateTolerance = inaccurateTolerance
        self.maxIterations = maxIterations
        self.timeLimit = timeLimit
        self.stepFraction = stepFraction
        self.blockRows = blockRows
    }

    /// The defaults, in one place.
    public enum Defaults {
        public static let tolerance = 1e-9
        public static let inaccurateTolerance = 1e-6
        public static let maxIterations = 200
        public static let stepFraction = 0.99
        public static let blockRows = 2048
    }

    /// Every problem with these settings, as messages naming the setting.
    public func problems() -> [String] {
        var problems: [String] = []
        func positive(_ value: Double, _ name: String) {
            if !(value.isFinite && value > 0) { problems.append("\(name) must be a positive finite number, found \(format(value))") }
        }
        positive(tolerance, "tolerance")
        positive(inaccurateTolerance, "inaccurateTolerance")
        if maxIterations < 1 { problems.append("maxIterations must be at least 1, found \(maxIterations)") }
        if let timeLimit { positive(timeLimit, "timeLimit") }
        if !(stepFraction.isFinite && stepFraction > 0 && stepFraction < 1) {
            problems.append("stepFraction must be in (0, 1), found \(format(stepFraction))")
        }
        if blockRows < 1 { problems.append("blockRows must be at least 1, found \(blockRows)") }
        return problems
    }
}

/// Settings or data the central planner cannot use, or a numerical failure of its linear algebra.
public enum CentralPlanningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Unusable settings, each problem naming the setting.
    case invalidSettings([String])
    /// The Newton system could not be solved even with regularisation and `LDLᵀ`.
    case numericalFailure(iteration: Int, message: String)

    public var description: String {
        switch self {
        case let .invalidSettings(problems):
            return "invalid settings: " + problems.joined(separator: "; ")
        case let .numericalFailure(iteration, message):
            return "the central planner's Newton system could not be solved at iteration \(iteration): \(message); "
                + "the economy may be badly scaled (rescale its units) or degenerate"
        }
    }
}
