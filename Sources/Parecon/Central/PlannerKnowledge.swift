import FoundationEssentials
import Glibc

/// A `--knowledge` value that cannot be used.
public struct PlannerKnowledgeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// What a central planner knows of the workers' councils' technologies (DESIGN §3). The
/// consumers' councils' preferences, the councils' capacities and elasticities and the
/// resources' availabilities are always known exactly; only the input coefficients (the `uses`
/// of each council, goods and primary resources, per unit of activity) can be wrong.
public enum PlannerKnowledge: Sendable, Equatable, CustomStringConvertible {
    /// Every council's own technology: the true optimum.
    case exact
    /// Each industry — the councils that produce the same goods — enters with its
    /// capacity-weighted average technology, as in an input–output table: the planner cannot
    /// tell a good workplace from a poor one, nor one technique from another.
    case industryAverage
    /// Each input coefficient is seen multiplied by `exp(S z − S²/2)`, `z` standard normal
    /// (log-normal errors with mean 1: no bias, spread about `S`). Seeded.
    case noise(Double)
    /// Last period's coefficients: since then each council's inputs per unit have fallen by a
    /// rate `r_w` drawn uniformly from `[0, 2F]` (mean `F`), so the planner sees
    /// `uses / (1 − r_w)` — more inputs than are really needed. `0 ≤ F < 0.5`. Seeded.
    case stale(Double)

    /// Parses `exact`, `industry-average`, `noise:S` (S ≥ 0) or `stale:F` (0 ≤ F < 0.5).
    public init(parsing text: String) throws(PlannerKnowledgeError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let usage = "expected exact, industry-average, noise:S (S ≥ 0) or stale:F (0 ≤ F < 0.5), found \"\(text)\""
        switch parts.first {
        case "exact" where parts.count == 1: self = .exact
        case "industry-average" where parts.count == 1: self = .industryAverage
        case "noise" where parts.count == 2:
            guard let s = Double(parts[1]), s.isFinite, s >= 0 else { throw PlannerKnowledgeError(description: usage) }
            self = .noise(s)
        case "stale" where parts.count == 2:
            guard let f = Double(parts[1]), f.isFinite, f >= 0, f < 0.5 else { throw PlannerKnowledgeError(description: usage) }
            self = .stale(f)
        default:
            throw PlannerKnowledgeError(description: usage)
        }
    }

    public var description: String {
        switch self {
        case .exact: return "exact"
        case .industryAverage: return "industry-average"
        case let .noise(s): return "noise:\(format(s))"
        case let .stale(f): return "stale:\(format(f))"
        }
    }

    /// In words, for reports.
    public var explanation: String {
        switch self {
        case .exact:
            return "the planner knows every council's own technology"
        case .industryAverage:
            return "the planner knows only each industry's capacity-weighted average technology"
        case let .noise(s):
            return "the planner sees every input coefficient with a log-normal error of spread \(format(s)) (mean 1)"
        case let .stale(f):
            return "the planner uses last period's input coefficients; since then they have fallen by \(format(100 * f)) % on average"
        }
    }

    /// The economy as the planner believes it to be: the same goods, resources, consumers'
    /// councils, capacities and elasticities, with the workers' councils' `uses` replaced.
    public func economy(as truth: Economy, seed: UInt64 = 1) throws(EconomyError) -> Economy {
        var random = SeededGenerator(seed: seed)
        var councils = Array(truth.workersCouncils)
        switch self {
        case .exact:
            return truth
        case .industryAverage:
            var industries: [[String]: [Int]] = [:]
            for (w, council) in councils.enumerated() {
                industries[council.produces.filter { $0.amount > 0 }.map(\.id).sorted(), default: []].append(w)
            }
            for members in industries.values where members.count > 1 {
                var produces: [String: Double] = [:], uses: [String: Double] = [:]
                var producesOrder: [String] = [], usesOrder: [String] = []
                let total = members.reduce(0) { $0 + truth.workersCouncils[$1].capacity }
                for w in members {
                    let council = truth.workersCouncils[w]
                    let weight = council.capacity / total
                    for e in council.produces {
                        if produces[e.id] == nil { producesOrder.append(e.id) }
                        produces[e.id, default: 0] += weight * e.amount
                    }
                    for e in council.uses {
                        if uses[e.id] == nil { usesOrder.append(e.id) }
                        uses[e.id, default: 0] += weight * e.amount
                    }
                }
                for w in members {
                    councils[w].produces = producesOrder.map { Quantity($0, produces[$0]!) }
                    councils[w].uses = usesOrder.map { Quantity($0, uses[$0]!) }
                }
            }
        case let .noise(s):
            for w in councils.indices {
                councils[w].uses = councils[w].uses.map { Quantity($0.id, $0.amount * Glibc.exp(s * random.normal() - s * s / 2)) }
            }
        case let .stale(f):
            for w in councils.indices {
                let rate = random.uniform(0, 2 * f)
                councils[w].uses = councils[w].uses.map { Quantity($0.id, $0.amount / (1 - rate)) }
            }
        }
        return try Economy(name: truth.name, goods: truth.goods, resources: truth.resources,
                           workersCouncils: councils, consumersCouncils: Array(truth.consumersCouncils))
    }
}
