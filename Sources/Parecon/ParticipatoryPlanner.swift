import FoundationEssentials
import Glibc

/// Settings that cannot be used.
public struct PlanningSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { "invalid settings: " + problems.joined(separator: "; ") }
}

/// The participatory procedure (DESIGN §2) run to the end: rounds of proposals and indicative
/// prices until the plan is feasible, the round limit or the time limit. Deterministic.
public struct ParticipatoryPlanner: Sendable {
    public var settings: PlanningSettings

    public init(settings: PlanningSettings = PlanningSettings()) {
        self.settings = settings
    }

    /// Runs the rounds on `economy`. `observer` is called after every round (for a progress
    /// table or a trace).
    ///
    /// - Throws: ``PlanningSettingsError`` for unusable settings. Divergence is not thrown: it is
    ///   the status ``PlanStatus/diverged``.
    public func plan(_ economy: Economy, observer: ((RoundRecord) -> Void)? = nil) throws(PlanningSettingsError) -> Plan {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        let rounds = try PlanningRounds(economy: economy, settings: settings)

        var history: [RoundRecord] = []
        // Room for 1024 rounds (48 KB; it grows by doubling past that): reserving the round limit
        // (up to 65536 records, 3 MB) was a fixed cost beside small economies' matrices.
        history.reserveCapacity(min(settings.maxRounds, 1024))
        var status: PlanStatus
        while true {
            rounds.collectProposals()
            let seconds = elapsed()
            let finished: PlanStatus?
            if rounds.hasDiverged {
                finished = .diverged
            } else if rounds.isConverged {
                finished = .converged
            } else if rounds.round >= settings.maxRounds {
                finished = .maxRounds
            } else if let limit = settings.timeLimit, seconds >= limit {
                finished = .timeLimit
            } else {
                finished = nil
            }
            // The plan keeps the prices its last proposals were made at: no move after the last round.
            let change = finished == nil ? rounds.movePrices() : 0
            let record = RoundRecord(round: rounds.round, maxImbalance: rounds.maxImbalance, maxRevision: rounds.maxRevision,
                                     largestPriceChange: change, welfare: rounds.welfare, seconds: seconds)
            history.append(record)
            observer?(record)
            if let finished {
                status = finished
                break
            }
        }
        if (status == .maxRounds || status == .timeLimit)
            && rounds.maxImbalance <= settings.inaccurateTolerance && rounds.maxRevision <= settings.inaccurateTolerance {
            status = .convergedInaccurate
        }
        return rounds.finalPlan(status: status, seconds: elapsed(), history: history)
    }
}
