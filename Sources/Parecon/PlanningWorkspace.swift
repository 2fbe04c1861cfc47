/// Preallocated buffers that the round loop reuses: a round allocates nothing.
///
/// A final class owning raw buffers, so that the loop can hand stable pointers to BLAS without
/// copy-on-write checks or exclusivity juggling. Created once per solve.
final class PlanningWorkspace {
    let n: Int, m: Int, w: Int

    /// Indicative prices of goods `p` and of primary resources `q`.
    let prices: UnsafeMutableBufferPointer<Double>
    let resourcePrices: UnsafeMutableBufferPointer<Double>
    /// Unit surplus `π = V p − Bm q` of each workers' council.
    let surplus: UnsafeMutableBufferPointer<Double>
    /// Proposed activity levels, this round's and the last. The last round's only when someone
    /// reads it (constant-returns councils, the second-order board: ``keepsPreviousActivity``);
    /// otherwise a single unused entry.
    let activity: UnsafeMutableBufferPointer<Double>
    let previousActivity: UnsafeMutableBufferPointer<Double>
    let keepsPreviousActivity: Bool
    /// Constant-returns councils' own revision rates `η_w` and last relative surpluses: each
    /// council learns from its own rounds how boldly to revise. One entry per council when the
    /// workspace is made with `revisions` (every council's otherwise unused entry included), a
    /// single unused entry otherwise (an economy without constant-returns councils).
    let revisionRate: UnsafeMutableBufferPointer<Double>
    let lastRelativeSurplus: UnsafeMutableBufferPointer<Double>
    /// Each council's local response `∂x_w/∂π_w` at its proposal (its `k_w`, or `η_w cap / (produces·p)`
    /// for a constant-returns council, while inside its range; 0 at a bound): what it reports to a
    /// second-order board. One entry per council when the workspace is made with `responses`;
    /// otherwise a single unused entry and ``hasResponses`` false: no one reads them, or the
    /// second-order board works a finite-elasticity council's out from its proposal
    /// (``PlanningProblem/localResponse(_:_:)``).
    let response: UnsafeMutableBufferPointer<Double>
    let hasResponses: Bool
    /// `Vᵀ x`, gross supply `Σ x_w produces_w`, consumers' demand, excess demand `z`, throughput.
    let netSupply: UnsafeMutableBufferPointer<Double>
    let grossSupply: UnsafeMutableBufferPointer<Double>
    let demand: UnsafeMutableBufferPointer<Double>
    let excessDemand: UnsafeMutableBufferPointer<Double>
    let throughput: UnsafeMutableBufferPointer<Double>
    /// The last round's `Vᵀ x` and `Bmᵀ x`, for the board's extrapolation of the proposals' trend.
    let previousNetSupply: UnsafeMutableBufferPointer<Double>
    let previousResourceUse: UnsafeMutableBufferPointer<Double>
    /// `Bmᵀ x` and `z_R = Bmᵀ x − R`.
    let resourceUse: UnsafeMutableBufferPointer<Double>
    let resourceExcess: UnsafeMutableBufferPointer<Double>
    /// The board's per-price relative steps and last relative excess (goods then resources).
    let step: UnsafeMutableBufferPointer<Double>
    let lastRelativeExcess: UnsafeMutableBufferPointer<Double>
    /// CES scratch: `p^(1−σ)`, `Aᵀ u` (length n), and per-group denominators and `B_c / denom_c`.
    let cesPower: UnsafeMutableBufferPointer<Double>
    let cesSum: UnsafeMutableBufferPointer<Double>
    let cesDenominators: [UnsafeMutableBufferPointer<Double>]
    let cesShares: [UnsafeMutableBufferPointer<Double>]
    /// The fused round's partial sums, per thread: `Vᵀx` (n), `Bmᵀx` (m), gross supply (n).
    let partialSums: UnsafeMutableBufferPointer<Double>
    /// The fused round's rows per block and threads (chosen from the problem's size; tests set them).
    var fusedBlockRows: Int
    var fusedThreads: Int
    /// Whether ``releaseRoundScratch()`` has handed back the buffers only the rounds read.
    private(set) var roundScratchReleased = false
    /// The fused round's second thread, started at the first two-thread pass and stopped with the workspace.
    private var startedHelper: FusedHelper?
    var fusedHelper: FusedHelper {
        if let helper = startedHelper { return helper }
        let helper = FusedHelper()
        startedHelper = helper
        return helper
    }

    /// `responses`: whether the councils' local responses are kept (the round journal reads them,
    /// and the second-order board when some council has constant returns); `revisions`: whether
    /// each council has its own revision rate and last relative surplus (only constant-returns
    /// councils read them); `previousActivity`: whether the last round's activity is kept (read
    /// by constant-returns councils and the second-order board; by default when either of the
    /// others is). Without them the workspace holds 32 bytes a workers' council less.
    init(_ problem: PlanningProblem, responses: Bool = true, revisions: Bool = true, previousActivity: Bool? = nil) {
        n = problem.goodCount
        m = problem.resourceCount
        w = problem.workersCouncilCount
        let buffer = UnsafeMutableBufferPointer<Double>.zeros
        prices = buffer(n)
        resourcePrices = buffer(m)
        let perCouncil = { (count: Int) in UnsafeMutableBufferPointer<Double>.zerosWithSpare(count, spare: Self.arrayHeaderSlots) }
        surplus = perCouncil(w)
        activity = perCouncil(w)
        keepsPreviousActivity = previousActivity ?? (responses || revisions)
        self.previousActivity = perCouncil(keepsPreviousActivity ? w : 0)
        revisionRate = perCouncil(revisions ? w : 0)
        lastRelativeSurplus = perCouncil(revisions ? w : 0)
        response = perCouncil(responses ? w : 0)
        hasResponses = responses
        netSupply = buffer(n)
        grossSupply = buffer(n)
        demand = buffer(n)
        excessDemand = buffer(n)
        throughput = buffer(n)
        resourceUse = buffer(m)
        previousNetSupply = buffer(n)
        previousResourceUse = buffer(m)
        resourceExcess = buffer(m)
        step = buffer(n + m)
        lastRelativeExcess = buffer(n + m)
        cesPower = buffer(n)
        cesSum = buffer(n)
        cesDenominators = problem.cesGroups.map { buffer($0.councils.count) }
        cesShares = problem.cesGroups.map { buffer($0.councils.count) }
        partialSums = buffer(FusedRound.maxThreads * (2 * n + m))
        fusedBlockRows = FusedRound.blockRows(goods: n, resources: m)
        fusedThreads = FusedRound.threads(workersCouncils: w, goods: n, resources: m, blockRows: fusedBlockRows)
    }

    /// The per-council buffers (unit surpluses, activities and last activities, revision rates and
    /// last relative surpluses, local responses), deallocated once no round will run again, so that
    /// the plan's own arrays (activity, consumption) take their place instead of adding to the peak.
    /// Returns the last round's activities, copied out after the other buffers are handed back and
    /// before the activities' own buffer is: the copy takes the place of one of them (each has
    /// room for an array's header, ``arrayHeaderSlots``) rather than adding a `W`-sized array on
    /// top of them. The workspace must not run another round, nor its
    /// activities be read, after this.
    func releaseRoundScratch() -> [Double] {
        precondition(!roundScratchReleased, "the round's buffers were already handed back")
        roundScratchReleased = true
        for b in roundScratch where b.baseAddress != activity.baseAddress { b.deallocate() }
        let copy = Array(activity.prefix(w))
        activity.deallocate()
        return copy
    }

    /// Spare numbers allocated past the end of each per-council buffer: an array's header (32
    /// bytes), so that a `[Double]` of `W` numbers — the plan's activities, or its consumption
    /// when it has as many numbers — fits in the memory of one buffer handed back. Without them
    /// the allocator found no freed block 32 bytes larger and the copy came on top of the peak
    /// (BEA summary 10^5: 0.8 MB, docs/benchmarks-history.md, sixth pass).
    static let arrayHeaderSlots = 4

    private var roundScratch: [UnsafeMutableBufferPointer<Double>] {
        [surplus, activity, previousActivity, revisionRate, lastRelativeSurplus, response]
    }

    deinit {
        startedHelper?.stop()
        for b in [prices, resourcePrices, netSupply, grossSupply,
                  demand, excessDemand, throughput, resourceUse, previousNetSupply, previousResourceUse, resourceExcess, step, lastRelativeExcess,
                  cesPower, cesSum, partialSums] + cesDenominators + cesShares {
            b.deallocate()
        }
        if !roundScratchReleased { for b in roundScratch { b.deallocate() } }
    }
}

extension UnsafeMutableBufferPointer where Element == Double {
    /// A new buffer of `count` zeros (at least one element, so that BLAS always gets a valid
    /// pointer); the owner deallocates it.
    static func zeros(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
        zerosWithSpare(count, spare: 0)
    }

    /// A new buffer of `count` zeros (at least one element), with `spare` more zeros allocated
    /// past its end; the owner deallocates it.
    static func zerosWithSpare(_ count: Int, spare: Int) -> UnsafeMutableBufferPointer<Double> {
        let memory = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(count, 1) + spare)
        memory.initialize(repeating: 0)
        return UnsafeMutableBufferPointer(start: memory.baseAddress, count: Swift.max(count, 1))
    }
}
