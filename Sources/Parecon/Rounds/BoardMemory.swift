/// The facilitation board's memory from one round's close to the next, as the round journal keeps
/// it in `rounds/NNNN/board.json`: everything the board's price rule reads besides the round's
/// prices and proposals, so that a close is a pure function of the journal's files.
///
/// Every board keeps the tatonnement memory (the accelerated board mixes tatonnement steps; the
/// second-order board falls back to one when its system cannot be solved). The accelerated and
/// second-order boards add the state of their workspaces (``AndersonWorkspace``,
/// ``NewtonWorkspace``), exported after a move and imported before the next, so the journal runs
/// the very code of the round loop (`acceleratedMovePrices`, `newtonMovePrices`).
struct BoardMemory: Equatable {
    var board: BoardKind
    var tatonnement: TatonnementMemory
    /// The accelerated board's mixing history (`board == .accelerated` only).
    var anderson: AndersonMemory?
    /// The second-order board's damping state (`board == .newton` only).
    var newton: NewtonMemory?

    /// The memory before round 1's close: what a new workspace of the board holds.
    init(board: BoardKind, goods n: Int, resources m: Int, settings: PlanningSettings) {
        self.board = board
        tatonnement = TatonnementMemory(goods: n, resources: m, settings: settings)
        switch board {
        case .tatonnement: break
        case .accelerated: anderson = AndersonWorkspace(goods: n, resources: m, memory: settings.andersonMemory).exported()
        case .newton: newton = NewtonWorkspace(goods: n, resources: m, workersCouncils: 0, damping: settings.initialDamping).exported()
        }
    }

    init(board: BoardKind, tatonnement: TatonnementMemory, anderson: AndersonMemory?, newton: NewtonMemory?) {
        self.board = board
        self.tatonnement = tatonnement
        self.anderson = anderson
        self.newton = newton
    }
}

/// ``AndersonWorkspace``'s state between rounds (its other buffers are scratch, rewritten by
/// every move). Only the `filled` columns of the difference ring hold history: a column beyond
/// them is always written before it is read.
struct AndersonMemory: Equatable {
    /// Columns of the ring (`min(andersonMemory, n + m)`, at least 1).
    var columns: Int
    var filled: Int
    var next: Int
    /// The last round's prices and relative step `r` (goods then resources); `nil` before the first move.
    var lastPrices: [Double]?
    var lastStep: [Double]?
    /// The first `filled` columns of `ΔP` and `Δr`, each of length `n + m`.
    var priceDifferences: [[Double]]
    var stepDifferences: [[Double]]
    /// The best convergence measure since the last restart (infinity when none yet).
    var bestMerit: Double
    var stagnantRounds: Int
    var restarts: Int
    var cooldown: Int
    var cooldownLength: Int
    /// The measure at the last 1 % progress, the last cool-down's length and the measure in the
    /// mixing phase's first round (infinity / 0 when none yet): the restart rule's state.
    var progressMerit: Double = .infinity
    var lastCooldown: Int = 0
    var phaseStartMerit: Double = .infinity
}

/// ``NewtonWorkspace``'s state between rounds: the Levenberg–Marquardt damping, the last
/// round's convergence measure (infinity before the first move), the fallbacks taken and the
/// board's last move `P − P_prev` (nil before the first move), from which it takes the secant
/// slopes of councils that moved to a bound, the stall count, and the two sums of squares its
/// next gain ratio compares (`lastNorm`, infinity before the first move; `predictedNorm`, nil
/// when the last move was not a Newton step).
struct NewtonMemory: Equatable {
    var damping: Double
    var lastMerit: Double
    var fallbacks: Int
    var lastChange: [Double]? = nil
    var bestMerit: Double = .infinity
    var stagnantRounds: Int = 0
    var lastNorm: Double = .infinity
    var predictedNorm: Double? = nil
}

extension AndersonWorkspace {
    func exported() -> AndersonMemory {
        func column(_ buffer: UnsafeMutableBufferPointer<Double>, _ j: Int) -> [Double] {
            Array(buffer[(j * size)..<((j + 1) * size)])
        }
        return AndersonMemory(
            columns: memory, filled: filled, next: next,
            lastPrices: hasLast ? Array(lastPrices.prefix(size)) : nil, lastStep: hasLast ? Array(lastStep.prefix(size)) : nil,
            priceDifferences: (0..<filled).map { column(priceDifferences, $0) },
            stepDifferences: (0..<filled).map { column(stepDifferences, $0) },
            bestMerit: bestMerit, stagnantRounds: stagnantRounds, restarts: restarts, cooldown: cooldown, cooldownLength: cooldownLength,
            progressMerit: progressMerit, lastCooldown: lastCooldown, phaseStartMerit: phaseStartMerit)
    }

    /// Restores an exported state; the caller has checked that its sizes fit.
    func restore(_ state: AndersonMemory) {
        precondition(state.columns == memory && state.filled <= memory && state.priceDifferences.count == state.filled
                     && state.stepDifferences.count == state.filled, "AndersonWorkspace.restore: the state does not fit")
        filled = state.filled
        next = state.next
        hasLast = state.lastPrices != nil
        if let last = state.lastPrices, let step = state.lastStep {
            for k in 0..<size {
                lastPrices[k] = last[k]
                lastStep[k] = step[k]
            }
        }
        for j in 0..<state.filled {
            for k in 0..<size {
                priceDifferences[j * size + k] = state.priceDifferences[j][k]
                stepDifferences[j * size + k] = state.stepDifferences[j][k]
            }
        }
        bestMerit = state.bestMerit
        stagnantRounds = state.stagnantRounds
        restarts = state.restarts
        cooldown = state.cooldown
        cooldownLength = state.cooldownLength
        progressMerit = state.progressMerit
        lastCooldown = state.lastCooldown
        phaseStartMerit = state.phaseStartMerit
    }
}

extension NewtonWorkspace {
    func exported() -> NewtonMemory {
        NewtonMemory(damping: damping, lastMerit: lastMerit, fallbacks: fallbacks,
                     lastChange: hasLastChange ? Array(lastChange.prefix(size)) : nil,
                     bestMerit: bestMerit, stagnantRounds: stagnantRounds, lastNorm: lastNorm, predictedNorm: predictedNorm)
    }

    func restore(_ state: NewtonMemory) {
        damping = state.damping
        lastMerit = state.lastMerit
        fallbacks = state.fallbacks
        bestMerit = state.bestMerit
        stagnantRounds = state.stagnantRounds
        lastNorm = state.lastNorm
        predictedNorm = state.predictedNorm
        hasLastChange = state.lastChange != nil
        if let change = state.lastChange {
            precondition(change.count == size, "NewtonWorkspace.restore: the state does not fit")
            for k in 0..<size { lastChange[k] = change[k] }
        }
    }
}
