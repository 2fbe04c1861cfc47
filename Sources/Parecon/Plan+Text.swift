import Foundation

extension Plan {
    /// Writes the plan as a plain-text report: status, rounds and time; indicative prices; what
    /// each workers' council produces and each consumers' council receives; the balance of every
    /// good and resource.
    public func writeReport<Target: TextOutputStream>(for economy: Economy, to out: inout Target) {
        let title = economy.name.isEmpty ? "Plan" : "Plan for \(economy.name)"
        out.write("\(title)\n")
        out.write("status: \(status.rawValue) (\(mode.rawValue), \(settings.board.rawValue) board) after \(rounds) round\(rounds == 1 ? "" : "s") in \(fixed(seconds, 3)) s\n")
        out.write("max relative imbalance: \(scientific(maxRelativeImbalance)) (tolerance \(scientific(settings.tolerance)))\n")
        out.write("welfare: \(fixed(welfare, 6))\n")
        if safeguardRounds > 0 {
            out.write("board safeguard fired in \(safeguardRounds) round\(safeguardRounds == 1 ? "" : "s")\n")
        }
        out.write("numbers communicated: \(pricesPublished) prices published, \(proposalNumbersReceived) proposal numbers received\n")

        out.write("\nIndicative prices\n")
        var rows = [["good", "unit", "price", "supply", "use", "excess demand", "imbalance"]]
        for (i, good) in economy.goods.enumerated() {
            rows.append([good.id, good.unit ?? "", significant(prices[i]), significant(supply[i]), significant(use[i]),
                         significant(excessDemand[i]), scientific(relativeImbalance[i])])
        }
        writeTable(rows, to: &out)

        if !economy.resources.isEmpty {
            out.write("\nPrimary resources\n")
            rows = [["resource", "unit", "price", "available", "used", "share used"]]
            for (r, resource) in economy.resources.enumerated() {
                rows.append([resource.id, resource.unit ?? "", significant(resourcePrices[r]), significant(resource.available),
                             significant(resourceUse[r]), fixed(100 * resourceUse[r] / resource.available, 2) + " %"])
            }
            writeTable(rows, to: &out)
        }

        out.write("\nWorkers' councils\n")
        rows = [["council", "activity", "capacity", "share of capacity", "produces"]]
        let councils = economy.workersCouncils
        for w in councils.indices {
            let produces = councils.produces(w).filter { $0.amount > 0 }
                .map { "\($0.id) \(significant($0.amount * activity[w]))" }.joined(separator: ", ")
            let capacity = councils.capacities[w]
            rows.append([councils.ids[w], significant(activity[w]), significant(capacity),
                         fixed(100 * activity[w] / capacity, 2) + " %", produces])
        }
        writeTable(rows, to: &out)

        out.write("\nConsumers' councils\n")
        rows = [["council", "allowance", "spent", "receives"]]
        for (c, council) in economy.consumersCouncils.enumerated() {
            var spent = 0.0
            var receives: [String] = []
            for i in 0..<economy.goodCount where consumption[c, i] > 0 {
                spent += consumption[c, i] * prices[i]
                receives.append("\(economy.goods[i].id) \(significant(consumption[c, i]))")
            }
            rows.append([council.id, significant(council.allowance), significant(spent), receives.joined(separator: ", ")])
        }
        writeTable(rows, to: &out)
    }
}

/// Writes rows as left-aligned text columns separated by two spaces; the first row is a header.
func writeTable<Target: TextOutputStream>(_ rows: [[String]], to out: inout Target) {
    guard let columns = rows.map(\.count).max() else { return }
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], cell.count) } }
    for row in rows {
        var line = ""
        for (j, cell) in row.enumerated() {
            line += j == row.count - 1 ? cell : cell.padding(toLength: widths[j] + 2, withPad: " ", startingAt: 0)
        }
        while line.hasSuffix(" ") { line.removeLast() }
        out.write("  " + line + "\n")
    }
}

/// `value` with `digits` decimals.
public func fixed(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

/// `value` in scientific notation with three significant digits.
public func scientific(_ value: Double) -> String {
    String(format: "%.2e", value)
}

/// `value` with eight significant digits, without trailing noise.
public func significant(_ value: Double) -> String {
    String(format: "%.8g", value)
}
