/// What the facilitation board sees of one round: the councils' proposals added up.
public struct RoundTotals: Sendable, Equatable, Codable {
    /// By good: the consumers' councils' requests.
    public var demand: [Double]
    /// By good: `Σ_w x_w v_w`, outputs minus intermediate inputs of the workers' councils.
    public var netSupply: [Double]
    /// By good: `Σ_w x_w produces_w`, the workers' councils' gross outputs.
    public var grossSupply: [Double]
    /// By resource: `Σ_w x_w b_w`.
    public var resourceUse: [Double]

    public init(demand: [Double], netSupply: [Double], grossSupply: [Double], resourceUse: [Double]) {
        self.demand = demand
        self.netSupply = netSupply
        self.grossSupply = grossSupply
        self.resourceUse = resourceUse
    }
}

/// The tatonnement board's memory from one round to the next: its step per price, the last
/// relative excess demand per price (to see an overshoot), and the last round's totals (to
/// price the trend of constant-returns councils' revisions).
public struct TatonnementMemory: Sendable, Equatable, Codable {
    public var steps: [Double]
    public var lastRelativeExcess: [Double]
    public var previousNetSupply: [Double]?
    public var previousResourceUse: [Double]?

    /// The memory before the first round: every step at `settings.priceStep`.
    public init(goods: Int, resources: Int, settings: PlanningSettings) {
        steps = Array(repeating: settings.priceStep, count: goods + resources)
        lastRelativeExcess = Array(repeating: 0, count: goods + resources)
    }
}

/// The facilitation board working from totals — for a board that collects proposals from
/// council files rather than running the councils itself. The arithmetic is the round loop's own.
public enum FacilitationBoard {
    /// One tatonnement move (see ``PlanningProblem/movePrices(_:settings:gains:)`` for the rule):
    /// updates `prices`, `resourcePrices` and `memory` from one round's `totals`; returns the
    /// largest relative price change. `wanted[i]` says whether some consumers' council asks for
    /// good `i` (its price never falls to zero); `extrapolate` whether any workers' council has
    /// constant returns.
    public static func tatonnement(
        prices: inout [Double], resourcePrices: inout [Double], totals: RoundTotals, memory: inout TatonnementMemory,
        available: [Double], wanted: [Bool], extrapolate: Bool, settings: PlanningSettings
    ) -> Double {
        let n = prices.count, m = resourcePrices.count
        precondition(totals.demand.count == n && totals.netSupply.count == n && totals.grossSupply.count == n
                     && totals.resourceUse.count == m && available.count == m && wanted.count == n
                     && memory.steps.count == n + m && memory.lastRelativeExcess.count == n + m,
                     "tatonnement: the totals, memory and prices do not fit together")
        let excess = (0..<n).map { totals.demand[$0] - totals.netSupply[$0] }
        let throughput = (0..<n).map { max(totals.grossSupply[$0], totals.grossSupply[$0] - totals.netSupply[$0] + totals.demand[$0]) }
        let resourceExcess = (0..<m).map { totals.resourceUse[$0] - available[$0] }
        // The first round has no trend: its own totals stand for the last round's.
        let previousNetSupply = memory.previousNetSupply ?? totals.netSupply
        let previousResourceUse = memory.previousResourceUse ?? totals.resourceUse
        let change = prices.withUnsafeMutableBufferPointer { p in
            resourcePrices.withUnsafeMutableBufferPointer { q in
                memory.steps.withUnsafeMutableBufferPointer { steps in
                    memory.lastRelativeExcess.withUnsafeMutableBufferPointer { last in
                        excess.withUnsafeBufferPointer { z in
                            throughput.withUnsafeBufferPointer { s in
                                totals.netSupply.withUnsafeBufferPointer { net in
                                    previousNetSupply.withUnsafeBufferPointer { previousNet in
                                        resourceExcess.withUnsafeBufferPointer { zR in
                                            totals.resourceUse.withUnsafeBufferPointer { use in
                                                previousResourceUse.withUnsafeBufferPointer { previousUse in
                                                    TatonnementStep(
                                                        prices: p, resourcePrices: q, steps: steps, lastRelativeExcess: last,
                                                        excessDemand: z, throughput: s, netSupply: net, previousNetSupply: previousNet,
                                                        resourceExcess: zR, resourceUse: use, previousResourceUse: previousUse,
                                                        goodCount: n, resourceCount: m
                                                    ).move(available: available, wanted: wanted, extrapolate: extrapolate,
                                                           settings: settings)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        memory.previousNetSupply = totals.netSupply
        memory.previousResourceUse = totals.resourceUse
        return change
    }
}
