import FoundationEssentials
import Glibc

/// A planner who does not know everything (DESIGN §3): it plans with the technologies it
/// believes in (``PlannerKnowledge``), its plan is carried out by the true councils
/// (``PlanExecution``), and the result is set against the true optimum.
public struct KnowledgeReport: Sendable {
    public var truth: Economy
    public var knowledge: PlannerKnowledge
    public var seed: UInt64
    /// The planner's plan, computed on the economy as it believes it to be.
    public var plannersPlan: CentralPlan
    /// The central plan with exact knowledge: the true optimum.
    public var optimum: CentralPlan
    /// The planner's plan carried out by the true councils.
    public var execution: PlanExecution
    /// Welfare of the true optimum, by the utility functions (``Economy/welfare(activity:consumption:)``).
    public var optimumWelfare: Double
    /// Idle capacity by good at the true optimum, for comparison with the execution's.
    public var optimumIdleCapacity: [Double]
    /// A good or resource counts as short or in surplus beyond this fraction of its plan.
    public var tolerance: Double

    public init(truth: Economy, knowledge: PlannerKnowledge, seed: UInt64, plannersPlan: CentralPlan, optimum: CentralPlan,
                tolerance: Double = 1e-6) {
        self.truth = truth
        self.knowledge = knowledge
        self.seed = seed
        self.plannersPlan = plannersPlan
        self.optimum = optimum
        self.tolerance = tolerance
        execution = PlanExecution(economy: truth, plannedActivity: plannersPlan.plan.activity,
                                  plannedConsumption: plannersPlan.plan.consumption.matrix, tolerance: tolerance)
        optimumWelfare = truth.welfare(activity: optimum.plan.activity, consumption: optimum.plan.consumption.matrix)
        var idle = [Double](repeating: 0, count: truth.goodCount)
        for (w, council) in truth.workersCouncils.enumerated() {
            for e in council.produces { if let i = truth.goodIndex[e.id] { idle[i] += (council.capacity - optimum.plan.activity[w]) * e.amount } }
        }
        optimumIdleCapacity = idle
    }

    /// Plans `truth` with exact knowledge and with `knowledge`, and carries the latter out.
    public static func run(truth: Economy, knowledge: PlannerKnowledge, seed: UInt64 = 1,
                           settings: CentralSettings = CentralSettings()) throws -> KnowledgeReport {
        let believed = try knowledge.economy(as: truth, seed: seed)
        let optimum = try CentralPlanner(settings: settings).plan(truth)
        let planner = knowledge == .exact ? optimum : try CentralPlanner(settings: settings).plan(believed)
        return KnowledgeReport(truth: truth, knowledge: knowledge, seed: seed, plannersPlan: planner, optimum: optimum)
    }

    /// Welfare lost against the true optimum.
    public var welfareLoss: Double { optimumWelfare - execution.welfare }

    /// The loss as the share of every consumers' council's consumption that would cost the same
    /// welfare: welfare is `Σ_c B_c log U_c` and `U_c` is homogeneous of degree 1, so scaling every
    /// bundle by `t` changes welfare by `(Σ_c B_c) log t`; the loss equals `1 − t`.
    public var consumptionEquivalentLoss: Double {
        let total = truth.consumersCouncils.allowances.reduce(0, +)
        return 1 - Glibc.exp(-welfareLoss / total)
    }

    /// Goods whose consumers' councils received less than planned (beyond the tolerance).
    public var goodsShort: [Int] {
        truth.goods.indices.filter { execution.shortage[$0] > tolerance * max(execution.plannedFinalUse[$0], 1e-300) }
    }

    /// Goods with output left over beyond the plan (beyond the tolerance of what is produced).
    public var goodsInSurplus: [Int] {
        truth.goods.indices.filter { execution.surplus[$0] > tolerance * max(execution.production[$0], 1e-300) }
    }

    /// Resources the planned activities would overuse, and resources left unused, beyond the
    /// tolerance, that the true optimum uses fully.
    public var resourcesOverused: [Int] {
        truth.resources.indices.filter { execution.resourceNeeded[$0] > truth.resources[$0].available * (1 + tolerance) }
    }

    public var resourcesUnused: [Int] {
        truth.resources.indices.filter { execution.resourceUsed[$0] < truth.resources[$0].available * (1 - tolerance) }
    }
}

extension KnowledgeReport {
    /// Writes the report as plain text.
    public func writeReport<Target: TextOutputStream>(to out: inout Target) {
        let title = truth.name.isEmpty ? "A planner who does not know everything" : "A planner who does not know everything: \(truth.name)"
        out.write("\(title)\n")
        out.write("knowledge: \(knowledge)\(knowledge == .exact || knowledge == .industryAverage ? "" : " (seed \(seed))") — \(knowledge.explanation)\n")
        out.write("the planner's plan: \(plannersPlan.plan.status.rawValue) after \(plannersPlan.plan.rounds) iterations; "
                  + "the true optimum: \(optimum.plan.status.rawValue) after \(optimum.plan.rounds) iterations\n")
        out.write("carried out by the true councils: \(execution.sweeps) sweep\(execution.sweeps == 1 ? "" : "s") of rationing\n")

        out.write("\nGoods (consumers' councils' final use)\n")
        var rows = [["good", "planned", "delivered", "shortage", "surplus", "balance at planned activities", "idle capacity", "idle at optimum"]]
        for (i, good) in truth.goods.enumerated() {
            rows.append([good.id, significant(execution.plannedFinalUse[i]), significant(execution.deliveredFinalUse[i]),
                         significant(execution.shortage[i]), significant(execution.surplus[i]), significant(execution.plannedBalance[i]),
                         significant(execution.idleCapacity[i]), significant(optimumIdleCapacity[i])])
        }
        writeTable(rows, to: &out)

        if !truth.resources.isEmpty {
            out.write("\nPrimary resources\n")
            rows = [["resource", "needed by the plan", "available", "used", "unused", "used at optimum"]]
            for (r, resource) in truth.resources.enumerated() {
                rows.append([resource.id, significant(execution.resourceNeeded[r]), significant(resource.available),
                             significant(execution.resourceUsed[r]), significant(max(0, resource.available - execution.resourceUsed[r])),
                             significant(optimum.plan.resourceUse[r])])
            }
            writeTable(rows, to: &out)
        }

        out.write("\nWelfare\n")
        out.write("  true optimum: \(significant(optimumWelfare))\n")
        out.write("  the planner's plan, as the planner computed it: \(significant(plannersPlan.plan.welfare))\n")
        out.write("  the planner's plan, as carried out: \(significant(execution.welfare))\n")
        out.write("  lost: \(significant(welfareLoss)) (as if every consumers' council lost \(fixed(100 * consumptionEquivalentLoss, 3)) % of its consumption)\n")

        out.write("\nSummary: \(summary)\n")
    }

    /// One sentence: how many goods were short and in surplus, which resources were overused or
    /// left unused.
    public var summary: String {
        let short = goodsShort, spare = goodsInSurplus
        if short.isEmpty && spare.isEmpty && resourcesOverused.isEmpty && abs(welfareLoss) <= 1e-9 * max(1, abs(optimumWelfare)) {
            return "no shortages, no surpluses, no welfare lost."
        }
        var parts: [String] = []
        let largest = short.map { execution.shortage[$0] / execution.plannedFinalUse[$0] }.max() ?? 0
        parts.append(short.isEmpty ? "no good short" : "\(short.count) good\(short.count == 1 ? "" : "s") short (up to \(fixed(100 * largest, 2)) % of the plan: "
                     + short.prefix(5).map { truth.goods[$0].id }.joined(separator: ", ") + (short.count > 5 ? ", ..." : "") + ")")
        parts.append(spare.isEmpty ? "no good in surplus" : "\(spare.count) good\(spare.count == 1 ? "" : "s") in surplus")
        if !resourcesOverused.isEmpty {
            parts.append("the plan needs more than there is of " + resourcesOverused.map { truth.resources[$0].id }.joined(separator: ", "))
        }
        if !resourcesUnused.isEmpty {
            parts.append("unused after rationing: " + resourcesUnused.map { truth.resources[$0].id }.joined(separator: ", "))
        }
        return parts.joined(separator: "; ") + "; welfare lost \(significant(welfareLoss))."
    }

    /// The report as a `parecon-knowledge/1` document.
    public func jsonDocument() -> JSONValue {
        let goods = JSONValue.object(JSONObject(truth.goods.indices.map { i in
            .init(key: truth.goods[i].id, value: .object(JSONObject([
                .init(key: "plannedFinalUse", value: .number(execution.plannedFinalUse[i])),
                .init(key: "delivered", value: .number(execution.deliveredFinalUse[i])),
                .init(key: "shortage", value: .number(execution.shortage[i])),
                .init(key: "surplus", value: .number(execution.surplus[i])),
                .init(key: "balanceAtPlannedActivities", value: .number(execution.plannedBalance[i])),
                .init(key: "idleCapacity", value: .number(execution.idleCapacity[i])),
                .init(key: "idleCapacityAtOptimum", value: .number(optimumIdleCapacity[i])),
            ])))
        }))
        let resources = JSONValue.object(JSONObject(truth.resources.indices.map { r in
            .init(key: truth.resources[r].id, value: .object(JSONObject([
                .init(key: "neededByThePlan", value: .number(execution.resourceNeeded[r])),
                .init(key: "available", value: .number(truth.resources[r].available)),
                .init(key: "used", value: .number(execution.resourceUsed[r])),
                .init(key: "usedAtOptimum", value: .number(optimum.plan.resourceUse[r])),
            ])))
        }))
        return .object(JSONObject([
            .init(key: "format", value: .string("parecon-knowledge/1")),
            .init(key: "economy", value: .string(truth.name)),
            .init(key: "knowledge", value: .string(knowledge.description)),
            .init(key: "seed", value: .number(Double(seed))),
            .init(key: "plannerStatus", value: .string(plannersPlan.plan.status.rawValue)),
            .init(key: "plannerIterations", value: .number(Double(plannersPlan.plan.rounds))),
            .init(key: "optimumStatus", value: .string(optimum.plan.status.rawValue)),
            .init(key: "goodsShort", value: .array(goodsShort.map { .string(truth.goods[$0].id) })),
            .init(key: "goodsInSurplus", value: .array(goodsInSurplus.map { .string(truth.goods[$0].id) })),
            .init(key: "resourcesOverused", value: .array(resourcesOverused.map { .string(truth.resources[$0].id) })),
            .init(key: "welfare", value: .object(JSONObject([
                .init(key: "optimum", value: .number(optimumWelfare)),
                .init(key: "plannerBelieved", value: .number(plannersPlan.plan.welfare)),
                .init(key: "realised", value: .number(execution.welfare)),
                .init(key: "loss", value: .number(welfareLoss)),
                .init(key: "consumptionEquivalentLoss", value: .number(consumptionEquivalentLoss)),
            ]))),
            .init(key: "goods", value: goods),
            .init(key: "resources", value: resources),
            .init(key: "activity", value: .object(JSONObject(truth.workersCouncils.indices.map {
                .init(key: truth.workersCouncils[$0].id, value: .object(JSONObject([
                    .init(key: "planned", value: .number(plannersPlan.plan.activity[$0])),
                    .init(key: "realised", value: .number(execution.activity[$0])),
                    .init(key: "optimum", value: .number(optimum.plan.activity[$0])),
                ])))
            }))),
        ]))
    }
}
