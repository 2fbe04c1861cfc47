extension MaterialBalances {
    var targetsDescription: String {
        switch targetPrices {
        case .unit?: return "the consumers' councils' demands at unit prices (every price 1)"
        case .shadow?: return "the consumers' councils' demands at the central planner's shadow prices"
        case nil: return "given final-demand targets"
        }
    }

    /// Intermediate use `A x` by good.
    public var intermediateUse: [Double] {
        let n = economy.goodCount
        return (0..<n).map { i in (0..<n).reduce(0) { $0 + technology[i, $1] * grossOutput[$1] } }
    }

    /// Writes the balance as a plain-text report: targets, gross outputs by LU and by the
    /// historic iteration, the check of labour and resources and of capacities, and what the
    /// balance ignores.
    public func writeReport<Target: TextOutputStream>(to out: inout Target) {
        let title = economy.name.isEmpty ? "Material balances" : "Material balances for \(economy.name)"
        out.write("\(title)\n")
        out.write("final demand: \(targetsDescription)\n")
        out.write("gross outputs: (I − A) x = f by LU (dgesv), relative residual \(scientific(residual))\n")
        let h = historicIteration
        out.write("historic iteration x ← A x + f from x = f: \(h.converged ? "converged" : "did not converge") after \(h.iterations) sweeps "
                  + "(tolerance \(scientific(h.tolerance)) on the step); each sweep shrinks the error by about \(fixed(h.contraction, 4)); "
                  + "differs from LU by \(scientific(h.differenceFromLU))\n")

        out.write("\nGoods\n")
        let intermediate = intermediateUse
        var rows = [["good", "unit", "final demand", "intermediate use", "gross output", "by iteration", "capacity", "capacity used"]]
        for (i, good) in economy.goods.enumerated() {
            rows.append([good.id, good.unit ?? "", significant(finalDemand[i]), significant(intermediate[i]),
                         significant(grossOutput[i]), significant(h.grossOutput[i]), significant(capacity[i]),
                         capacity[i] > 0 ? fixed(100 * grossOutput[i] / capacity[i], 2) + " %" : "no producer"])
        }
        writeTable(rows, to: &out)

        if !economy.resources.isEmpty {
            out.write("\nPrimary resources (checked after the balance)\n")
            rows = [["resource", "unit", "needed", "available", "check"]]
            for (r, resource) in economy.resources.enumerated() {
                let gap = resourceUse[r] - resource.available
                let check = gap > 0
                    ? "short by \(significant(gap)) (\(fixed(100 * gap / resource.available, 2)) %)"
                    : "\(significant(-gap)) unused"
                rows.append([resource.id, resource.unit ?? "", significant(resourceUse[r]), significant(resource.available), check])
            }
            writeTable(rows, to: &out)
        }
        let over = (0..<economy.goodCount).filter { grossOutput[$0] > capacity[$0] * (1 + 1e-12) }
        if !over.isEmpty {
            out.write("\nBeyond capacity: " + over.map { "\(economy.goods[$0].id) needs \(significant(grossOutput[$0])) of \(significant(capacity[$0]))" }
                .joined(separator: "; ") + "\n")
        }

        out.write("\nWorkers' councils (each industry's gross output shared by capacity)\n")
        rows = [["council", "activity", "capacity", "share of capacity"]]
        for (w, council) in economy.workersCouncils.enumerated() {
            rows.append([council.id, significant(activity[w]), significant(council.capacity), fixed(100 * activity[w] / council.capacity, 2) + " %"])
        }
        writeTable(rows, to: &out)

        out.write("\nWhat the balance ignores\n")
        for item in Self.ignores { out.write("  - \(item)\n") }
    }

    /// The balance as a `parecon-material-balances/1` document.
    public func jsonDocument() -> JSONValue {
        let goodIDs = economy.goods.map(\.id)
        func map<IDs: Sequence<String>>(_ ids: IDs, _ values: [Double]) -> JSONValue {
            .object(JSONObject(zip(ids, values).map { .init(key: $0, value: .number($1)) }))
        }
        let intermediate = intermediateUse
        let goods = JSONValue.object(JSONObject(economy.goods.indices.map { i in
            .init(key: goodIDs[i], value: .object(JSONObject([
                .init(key: "finalDemand", value: .number(finalDemand[i])),
                .init(key: "intermediateUse", value: .number(intermediate[i])),
                .init(key: "grossOutput", value: .number(grossOutput[i])),
                .init(key: "grossOutputByIteration", value: .number(historicIteration.grossOutput[i])),
                .init(key: "capacity", value: .number(capacity[i])),
            ])))
        }))
        let resources = JSONValue.object(JSONObject(economy.resources.indices.map { r in
            .init(key: economy.resources[r].id, value: .object(JSONObject([
                .init(key: "needed", value: .number(resourceUse[r])),
                .init(key: "available", value: .number(economy.resources[r].available)),
            ])))
        }))
        let h = historicIteration
        return .object(JSONObject([
            .init(key: "format", value: .string("parecon-material-balances/1")),
            .init(key: "economy", value: .string(economy.name)),
            .init(key: "targets", value: .string(targetPrices.map { "consumersAt\($0.rawValue.prefix(1).uppercased())\($0.rawValue.dropFirst())Prices" } ?? "given")),
            .init(key: "luResidual", value: .number(residual)),
            .init(key: "historicIteration", value: .object(JSONObject([
                .init(key: "converged", value: .bool(h.converged)),
                .init(key: "iterations", value: .number(Double(h.iterations))),
                .init(key: "tolerance", value: .number(h.tolerance)),
                .init(key: "contraction", value: .number(h.contraction)),
                .init(key: "differenceFromLU", value: .number(h.differenceFromLU)),
            ]))),
            .init(key: "goods", value: goods),
            .init(key: "resources", value: resources),
            .init(key: "activity", value: map(economy.workersCouncils.ids, activity)),
            .init(key: "ignores", value: .array(Self.ignores.map { .string($0) })),
        ]))
    }
}
