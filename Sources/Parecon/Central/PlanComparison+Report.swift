import FoundationEssentials
import Glibc

extension PlanComparison {
    /// Writes the comparison as one plain-text table, a column per planner, and notes on what
    /// the rows count.
    public func writeReport<Target: TextOutputStream>(to out: inout Target) {
        let title = economy.name.isEmpty ? "Participatory and central planning" : "Participatory and central planning: \(economy.name)"
        out.write("\(title)\n")
        func count(_ n: Int, _ singular: String, _ plural: String) -> String { "\(n) \(n == 1 ? singular : plural)" }
        out.write("  " + [count(economy.goodCount, "good", "goods"), count(economy.resourceCount, "primary resource", "primary resources"),
                          count(economy.workersCouncilCount, "workers' council", "workers' councils"),
                          count(economy.consumersCouncilCount, "consumers' council", "consumers' councils")].joined(separator: ", ") + "\n\n")
        var rows: [[String]] = [["", ] + columns.map(\.name)]
        func row(_ label: String, _ cell: (Column) -> String) { rows.append([label] + columns.map(cell)) }
        row("status") { $0.status.rawValue }
        row("rounds / iterations") { "\($0.rounds)" }
        row("wall time") { fixed($0.seconds, 4) + " s" }
        row("numbers out") { "\($0.numbersOut)" }
        row("numbers in") { "\($0.numbersIn)" }
        row("welfare") { significant($0.welfare) }
        row("welfare gap to central") { column in
            let gap = welfareGap(column)
            return scientific(gap.absolute) + " (" + printed("%.2g", 100 * gap.consumptionEquivalent) + " %)"
        }
        row("distance of activities") { scientific($0.activityDistance) }
        row("distance of consumption") { scientific($0.consumptionDistance) }
        row("distance of net supply") { scientific($0.netSupplyDistance) }
        row("prices vs shadow prices") { scientific($0.priceDistance) }
        row("resource prices vs shadow") { scientific($0.resourcePriceDistance) }
        row("goods short") { $0.goodsShort == 0 ? "0" : "\($0.goodsShort) (up to \(fixed(100 * $0.largestShortage, 3)) %)" }
        writeTable(rows, to: &out)
        out.write("""

            Distances are relative Euclidean norms against the central plan, ‖a − b‖ / ‖b‖; the welfare gap
            is also given as the share of every consumers' council's consumption that would cost as much.
            Numbers out: the facilitation board publishes every price once a round (one broadcast); the
            central planner sends each workers' council its target and each consumers' council its bundle.
            Numbers in: every council's proposal every round (for the newton board with its local response);
            or, once, every technology coefficient,
            capacity, elasticity, preference weight, allowance and availability.
            With constant returns several activity mixes can be optimal, so activities may differ where
            net supply, prices and consumption agree.

            """)
        if let imperfect {
            out.write("The last column is a central planner with \(imperfect.knowledge) knowledge: \(imperfect.knowledge.explanation).\n"
                      + "Its plan was carried out by the true councils; its activities, consumption, welfare and shortages\n"
                      + "are as carried out. Carried out: \(imperfect.summary)\n")
        }
    }

    /// The comparison as a `parecon-comparison/1` document.
    public func jsonDocument() -> JSONValue {
        .object(JSONObject([
            .init(key: "format", value: .string("parecon-comparison/1")),
            .init(key: "economy", value: .string(economy.name)),
            .init(key: "tolerance", value: .number(tolerance)),
            .init(key: "columns", value: .array(columns.map { column in
                let gap = welfareGap(column)
                var members: [JSONObject.Member] = [.init(key: "name", value: .string(column.name))]
                if let board = column.board { members.append(.init(key: "board", value: .string(board.rawValue))) }
                return .object(JSONObject(members + [
                    .init(key: "status", value: .string(column.status.rawValue)),
                    .init(key: "rounds", value: .number(Double(column.rounds))),
                    .init(key: "seconds", value: .number(column.seconds)),
                    .init(key: "numbersOut", value: .number(Double(column.numbersOut))),
                    .init(key: "numbersIn", value: .number(Double(column.numbersIn))),
                    .init(key: "welfare", value: .number(column.welfare)),
                    .init(key: "welfareGap", value: .number(gap.absolute)),
                    .init(key: "consumptionEquivalentGap", value: .number(gap.consumptionEquivalent)),
                    .init(key: "activityDistance", value: .number(column.activityDistance)),
                    .init(key: "consumptionDistance", value: .number(column.consumptionDistance)),
                    .init(key: "netSupplyDistance", value: .number(column.netSupplyDistance)),
                    .init(key: "priceDistance", value: .number(column.priceDistance)),
                    .init(key: "resourcePriceDistance", value: .number(column.resourcePriceDistance)),
                    .init(key: "goodsShort", value: .number(Double(column.goodsShort))),
                    .init(key: "largestShortage", value: .number(column.largestShortage)),
                ]))
            })),
            .init(key: "prices", value: .object(JSONObject(economy.goods.indices.map { i in
                // One price per participatory column, under the column's name.
                .init(key: economy.goods[i].id, value: .object(JSONObject(zip(columns, participatory).map { column, plan in
                    .init(key: column.name, value: .number(plan.prices[i]))
                } + [
                    .init(key: "central", value: .number(central.plan.prices[i])),
                ] + (imperfect.map { [.init(key: "imperfect", value: .number($0.plannersPlan.plan.prices[i]))] } ?? []))))
            }))),
        ]))
    }
}
