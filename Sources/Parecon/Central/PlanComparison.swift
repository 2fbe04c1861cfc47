import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// The participatory procedure beside the central planner on the same economy (and, when asked,
/// beside a planner who does not know everything): how far apart the plans are, how the
/// indicative prices compare with the central planner's shadow prices, welfare, rounds or
/// iterations, the numbers each had to communicate, wall time and shortages.
public struct PlanComparison: Sendable {
    /// One column of the comparison.
    public struct Column: Sendable {
        public var name: String
        /// The facilitation board of a participatory column; `nil` for a central planner.
        public var board: BoardKind?
        public var status: PlanStatus
        /// Rounds (participatory) or iterations (central).
        public var rounds: Int
        public var seconds: Double
        /// Numbers sent out by whoever coordinates: the facilitation board's published prices
        /// (one broadcast of every price per round), or the planner's targets.
        public var numbersOut: Int
        /// Numbers the coordinator receives: the councils' proposals every round, or every
        /// technology coefficient and preference once.
        public var numbersIn: Int
        /// Welfare of the plan (for an imperfect planner: as carried out by the true councils).
        public var welfare: Double
        /// `‖x − x_central‖₂ / ‖x_central‖₂` over workers' councils' activities.
        public var activityDistance: Double
        /// The same over every consumers' council's bundle.
        public var consumptionDistance: Double
        /// The same over net supply by good, `Vᵀx` (unique even where activities tie).
        public var netSupplyDistance: Double
        /// `‖p − p_central‖₂ / ‖p_central‖₂` for goods, and the same for resources.
        public var priceDistance: Double
        public var resourcePriceDistance: Double
        /// Goods whose use exceeds supply beyond the tolerance (of throughput) in the plan — for an
        /// imperfect planner, goods the consumers' councils received less of than planned — and
        /// the largest such shortfall, relative.
        public var goodsShort: Int
        public var largestShortage: Double
    }

    public var economy: Economy
    /// The participatory plans, one per board compared (in the order asked).
    public var participatory: [Plan]
    public var central: CentralPlan
    public var imperfect: KnowledgeReport?
    public var columns: [Column]
    /// A good counts as short beyond this fraction of its throughput.
    public var tolerance: Double

    /// Compares the given plans of `economy`: one participatory plan per board, the central
    /// optimum and, when given, a planner with imperfect knowledge. With one participatory plan its
    /// column is named "participatory"; with several, "participatory (board)".
    public init(economy: Economy, participatory: [Plan], central: CentralPlan, imperfect: KnowledgeReport? = nil, tolerance: Double = 1e-6) {
        self.economy = economy
        self.participatory = participatory
        self.central = central
        self.imperfect = imperfect
        self.tolerance = tolerance
        let reference = central.plan
        let truth = economy
        func netSupply(_ plan: Plan) -> [Double] {
            (0..<truth.goodCount).map { i in
                plan.supply[i] - plan.use[i] + (0..<plan.consumption.rows).reduce(0) { $0 + plan.consumption[$1, i] }
            }
        }
        let referenceNet = netSupply(reference)
        func shortages(_ plan: Plan) -> (Int, Double) {
            var count = 0, largest = 0.0
            for i in 0..<truth.goodCount {
                let throughput = max(plan.supply[i], plan.use[i])
                guard throughput > 0 else { continue }
                let relative = plan.excessDemand[i] / throughput
                if relative > tolerance { count += 1 }
                largest = max(largest, relative)
            }
            return (count, largest)
        }
        let referenceConsumption = reference.consumption.elements
        func column(_ name: String, _ plan: Plan, out: Int, in received: Int, welfare: Double, activity: [Double],
                    consumption: [Double], net: [Double], short: (Int, Double)) -> Column {
            Column(name: name, board: nil, status: plan.status, rounds: plan.rounds, seconds: plan.seconds, numbersOut: out, numbersIn: received,
                   welfare: welfare,
                   activityDistance: relativeDistance(activity, reference.activity),
                   consumptionDistance: relativeDistance(consumption, referenceConsumption),
                   netSupplyDistance: relativeDistance(net, referenceNet),
                   priceDistance: relativeDistance(plan.prices, reference.prices),
                   resourcePriceDistance: relativeDistance(plan.resourcePrices, reference.resourcePrices),
                   goodsShort: short.0, largestShortage: max(0, short.1))
        }
        var columns = participatory.map { plan in
            var c = column(participatory.count == 1 ? "participatory" : "participatory (\(plan.settings.board.rawValue))", plan,
                           out: plan.pricesPublished, in: plan.proposalNumbersReceived, welfare: plan.welfare,
                           activity: plan.activity, consumption: plan.consumption.elements, net: netSupply(plan), short: shortages(plan))
            c.board = plan.settings.board
            return c
        }
        columns += [
            column("central", reference, out: central.targetsSent, in: central.numbersReceived, welfare: reference.welfare,
                   activity: reference.activity, consumption: referenceConsumption, net: referenceNet, short: shortages(reference)),
        ]
        if let imperfect {
            let plan = imperfect.plannersPlan.plan
            let execution = imperfect.execution
            // Net supply as carried out: production minus input use at the realised activities.
            var net = [Double](repeating: 0, count: truth.goodCount)
            for (w, council) in truth.workersCouncils.enumerated() {
                for e in council.produces { if let i = truth.goodIndex[e.id] { net[i] += execution.activity[w] * e.amount } }
                for e in council.uses { if let i = truth.goodIndex[e.id] { net[i] -= execution.activity[w] * e.amount } }
            }
            let short = imperfect.goodsShort
            let largest = short.map { execution.shortage[$0] / execution.plannedFinalUse[$0] }.max() ?? 0
            var c = column("central (\(imperfect.knowledge))", plan, out: imperfect.plannersPlan.targetsSent,
                           in: imperfect.plannersPlan.numbersReceived, welfare: execution.welfare,
                           activity: execution.activity, consumption: execution.delivered.elements, net: net, short: (short.count, largest))
            c.priceDistance = relativeDistance(plan.prices, reference.prices)
            columns.append(c)
        }
        self.columns = columns
    }

    /// Runs the participatory rounds (once per board in `boards`, with `participatorySettings`
    /// otherwise), the central planner and (unless `knowledge` is `nil` or exact) a planner with
    /// that knowledge, and compares them.
    public static func run(economy: Economy, participatorySettings: PlanningSettings = PlanningSettings(),
                           boards: [BoardKind]? = nil,
                           centralSettings: CentralSettings = CentralSettings(), knowledge: PlannerKnowledge? = nil,
                           seed: UInt64 = 1) throws -> PlanComparison {
        let participatory = try (boards ?? [participatorySettings.board]).map { board in
            var settings = participatorySettings
            settings.board = board
            return try ParticipatoryPlanner(settings: settings).plan(economy)
        }
        let central = try CentralPlanner(settings: centralSettings).plan(economy)
        var imperfect: KnowledgeReport? = nil
        if let knowledge, knowledge != .exact {
            let believed = try knowledge.economy(as: economy, seed: seed)
            let planner = try CentralPlanner(settings: centralSettings).plan(believed)
            imperfect = KnowledgeReport(truth: economy, knowledge: knowledge, seed: seed, plannersPlan: planner, optimum: central)
        }
        return PlanComparison(economy: economy, participatory: participatory, central: central, imperfect: imperfect,
                              tolerance: participatorySettings.tolerance)
    }

    /// Welfare gap of a column against the central optimum, and as a consumption-equivalent
    /// share (see ``KnowledgeReport/consumptionEquivalentLoss``).
    public func welfareGap(_ column: Column) -> (absolute: Double, consumptionEquivalent: Double) {
        let gap = central.plan.welfare - column.welfare
        let total = economy.consumersCouncils.allowances.reduce(0, +)
        return (gap, 1 - Glibc.exp(-gap / total))
    }
}

/// `‖a − b‖₂ / ‖b‖₂` (or `‖a − b‖₂` when `b` is zero).
func relativeDistance(_ a: [Double], _ b: [Double]) -> Double {
    var difference = 0.0, size = 0.0
    for (x, y) in zip(a, b) {
        difference += (x - y) * (x - y)
        size += y * y
    }
    return size > 0 ? (difference / size).squareRoot() : difference.squareRoot()
}
