import Parecon

/// The progress table on stderr: a header, a row every few rounds, and a footer — the layout
/// people know from OSQP and SCS.
struct ProgressTable {
    /// A row every this many rounds (and round 1 and the last); 0 means rounds 1–10, then 20, 30,
    /// …, 100, then 200, 300, … (one significant digit).
    let every: Int
    private var lastPrinted = 0
    private var nextReport = 1

    init(every: Int, economy: Economy) {
        self.every = every
    }

    func writeHeader() {
        standardError.write("round  max imbalance  max revision  price change        welfare     time\n")
    }

    /// Prints the rows that `every` asks for.
    mutating func row(_ record: RoundRecord) {
        let due: Bool
        if every > 0 {
            due = record.round == 1 || record.round % every == 0
        } else {
            due = record.round >= nextReport
            if due {
                let magnitude = record.round < 10 ? 1 : Int(pow10(floor(log10(Double(record.round)))))
                nextReport = record.round + magnitude
            }
        }
        if due { write(record) }
    }

    mutating func footer(_ plan: Plan) {
        if let last = plan.history.last, last.round != lastPrinted { write(last) }
        standardError.write("status: \(plan.status.rawValue) after \(count(plan.rounds, "round")), \(fixed(plan.seconds, 3)) s\n")
    }

    private mutating func write(_ r: RoundRecord) {
        lastPrinted = r.round
        standardError.write(
            pad(String(r.round), 5) + "  " + pad(scientific(r.maxImbalance), 13) + "  " + pad(scientific(r.maxRevision), 12)
            + "  " + pad(scientific(r.largestPriceChange), 12) + "  " + pad(significant(r.welfare), 13)
            + "  " + pad(fixed(r.seconds, 3) + "s", 7) + "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }
}

import FoundationEssentials
import Glibc
private func pow10(_ x: Double) -> Double { Glibc.pow(10, x) }
