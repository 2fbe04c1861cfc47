/// The convergence measure of DESIGN §7 at the current proposals and prices.
///
/// - goods: `|z_i| / max(supply_i, use_i)`; for a good in surplus, the smaller of that and its
///   price relative to the price level (a free good's surplus is disposed of);
/// - resources: overuse relative to availability; for a resource used below its availability,
///   the smaller of its relative slack and its price relative to the largest resource price or
///   to 1, whichever is larger;
///
/// so the plan meets the tolerance exactly when DESIGN §7's conditions hold, and the measure
/// moves continuously with the proposals;
/// - constant-returns councils: the revision `|x − x_prev| / (η_w cap)`, which for a council
///   strictly inside its range is its relative surplus `|π_w| / (produces_w · p)` — what it would
///   still gain by changing its proposal. Zero when every such council is done revising.
struct ConvergenceMeasure {
    var maxGoodsImbalance = 0.0
    var maxResourceImbalance = 0.0
    var maxRevision = 0.0

    var maxImbalance: Double { max(maxGoodsImbalance, maxResourceImbalance) }

    init() {}

    init(_ problem: PlanningProblem, _ ws: PlanningWorkspace, tolerance: Double) {
        let level = problem.priceLevel(ws)
        for i in 0..<problem.goodCount {
            maxGoodsImbalance = max(maxGoodsImbalance, Self.goodImbalance(
                excess: ws.excessDemand[i], throughput: ws.throughput[i], price: ws.prices[i],
                priceLevel: level, tolerance: tolerance))
        }
        var largestResourcePrice = 1.0
        for r in 0..<problem.resourceCount { largestResourcePrice = max(largestResourcePrice, ws.resourcePrices[r]) }
        for r in 0..<problem.resourceCount {
            maxResourceImbalance = max(maxResourceImbalance, Self.resourceImbalance(
                excess: ws.resourceExcess[r], available: problem.available[r],
                price: ws.resourcePrices[r], largestPrice: largestResourcePrice, tolerance: tolerance))
        }
        for w in 0..<problem.workersCouncilCount where problem.constantReturns[w] {
            maxRevision = max(maxRevision, abs(ws.activity[w] - ws.previousActivity[w]) / (ws.revisionRate[w] * problem.capacity[w]))
        }
    }

    static func goodImbalance(excess: Double, throughput: Double, price: Double, priceLevel: Double, tolerance: Double) -> Double {
        if !excess.isFinite || !throughput.isFinite { return .infinity }
        if throughput <= 0 { return 0 }
        let relative = abs(excess) / throughput
        // A surplus is balanced when the good is (nearly) free: the smaller of the two.
        if excess < 0 { return min(relative, price / priceLevel) }
        return relative
    }

    /// The resource's imbalance: its relative overuse, or, when it is used below its availability, the
    /// smaller of that slack and its price relative to the largest resource price (or 1).
    /// (`tolerance` is not needed by the continuous measure; the converged test compares the
    /// result with it.)
    static func resourceImbalance(excess: Double, available: Double, price: Double, largestPrice: Double, tolerance: Double) -> Double {
        if !excess.isFinite { return .infinity }
        let relative = excess / available
        if relative >= 0 { return relative }
        // Slack is fine when the resource is (nearly) free: the smaller of the two, so that the
        // measure does not jump when a binding resource is a hair under its availability.
        return min(-relative, price / largestPrice)
    }
}
