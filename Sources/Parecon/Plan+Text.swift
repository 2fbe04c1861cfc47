import FoundationEssentials
import Glibc

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
        // One row per council, made twice (to measure the columns, then to write them) rather
        // than kept: with 10^6 councils a list of rows would weigh more than a fifth of V.
        let councils = economy.workersCouncils
        let ids = councils.ids, capacities = councils.capacities
        writeTable(rows: councils.count, to: &out) { row in
            guard row > 0 else { return ["council", "activity", "capacity", "share of capacity", "produces"] }
            let w = row - 1
            let produces = councils.produces(w).filter { $0.amount > 0 }
                .map { "\($0.id) \(significant($0.amount * activity[w]))" }.joined(separator: ", ")
            return [ids[w], significant(activity[w]), significant(capacities[w]),
                    fixed(100 * activity[w] / capacities[w], 2) + " %", produces]
        }

        out.write("\nConsumers' councils\n")
        // Made on demand too: a row lists every good the council receives (about a kilobyte on
        // BEA summary, 1000 councils × 71 goods).
        let consumerIDs = economy.consumersCouncils.ids, allowances = economy.consumersCouncils.allowances
        var receives = ""
        writeTable(rows: consumerIDs.count, to: &out) { row in
            guard row > 0 else { return ["council", "allowance", "spent", "receives"] }
            let c = row - 1
            var spent = 0.0
            receives.removeAll(keepingCapacity: true)
            for i in 0..<economy.goodCount where consumption[c, i] > 0 {
                spent += consumption[c, i] * prices[i]
                if !receives.isEmpty { receives += ", " }
                receives += economy.goods[i].id
                receives += " "
                receives += significant(consumption[c, i])
            }
            return [consumerIDs[c], significant(allowances[c]), significant(spent), receives]
        }
    }
}

/// Writes rows as left-aligned text columns separated by two spaces; the first row is a header.
func writeTable<Target: TextOutputStream>(_ rows: [[String]], to out: inout Target) {
    writeTable(rows: rows.count - 1, to: &out) { rows[$0] }
}

/// Writes `rows + 1` rows made on demand, `row(0)` being the header, as ``writeTable(_:to:)``
/// does: `row` is called twice for each, once to measure the columns and once to write them, so
/// the rows are never all in memory.
func writeTable<Target: TextOutputStream>(rows: Int, to out: inout Target, _ row: (Int) -> [String]) {
    guard rows >= 0 else { return }
    var widths: [Int] = []
    for r in 0...rows {
        let cells = row(r)
        if cells.count > widths.count { widths += [Int](repeating: 0, count: cells.count - widths.count) }
        for (j, cell) in cells.enumerated() { widths[j] = max(widths[j], cell.count) }
    }
    var line = ""
    for r in 0...rows {
        let cells = row(r)
        line.removeAll(keepingCapacity: true)
        for (j, cell) in cells.enumerated() {
            if j == cells.count - 1 {
                line += cell
            } else {
                pad(cell, to: widths[j] + 2, into: &line)
            }
        }
        while line.hasSuffix(" ") { line.removeLast() }
        out.write("  " + line + "\n")
    }
}

/// Appends `cell` padded with spaces (or cut) to `length`, as Foundation's
/// `padding(toLength:withPad:startingAt:)` does, which counts UTF-16 units.
func pad(_ cell: String, to length: Int, into line: inout String) {
    let units = cell.utf16.count
    if units >= length {
        line += String(decoding: cell.utf16.prefix(length), as: UTF16.self)
    } else {
        line += cell
        line += String(repeating: " ", count: length - units)
    }
}

/// `value` with `digits` decimals.
public func fixed(_ value: Double, _ digits: Int) -> String {
    printed("%.\(digits)f", value)
}

/// `value` in scientific notation with three significant digits.
public func scientific(_ value: Double) -> String {
    printed("%.2e", value)
}

/// `value` with eight significant digits, without trailing noise.
public func significant(_ value: Double) -> String {
    printed("%.8g", value)
}

/// `value` as C's `snprintf` prints it with `format` (one double conversion), which is what
/// Foundation's `String(format:)` prints (checked on 3.6 million values, infinities and NaNs
/// included), in half its time and through a stack buffer; a longer result gets a buffer its size.
func printed(_ format: String, _ value: Double) -> String {
    let short: String? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 48) { buffer in
        let length = withVaList([value]) { vsnprintf(buffer.baseAddress, buffer.count, format, $0) }
        guard length >= 0, Int(length) < buffer.count else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(length)), as: UTF8.self)
    }
    if let short { return short }
    let length = Int(withVaList([value]) { vsnprintf(nil, 0, format, $0) })
    guard length > 0 else { return "" }
    var bytes = [CChar](repeating: 0, count: length + 1)
    _ = withVaList([value]) { vsnprintf(&bytes, bytes.count, format, $0) }
    return String(decoding: bytes.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
