/// What the facilitation board found when it closed a round (`rounds/NNNN/report.json`,
/// `"format": "parecon-round-report/1"`): every submitted file and why it was accepted or
/// rejected; each council's standing proposal with its Albert–Hahnel verdict; the balance of
/// every good and resource; whether the plan is feasible; and, if not, the next indicative prices.
///
/// Vectors follow the registry's order. The report holds no time, path or process information,
/// so closing the same round from the same files always gives the same bytes.
public struct RoundReport: Sendable, Equatable {
    public static let format = "parecon-round-report/1"

    /// One file found in the round's proposals folder.
    public struct Submission: Sendable, Equatable {
        /// Relative to the journal's folder.
        public var file: String
        /// FNV-1a 64 of the file's bytes: which bytes the close considered.
        public var checksum: String
        /// The registered council the file speaks for, when that can be told.
        public var council: String?
        public var isValid: Bool { problems.isEmpty }
        /// Why the file was rejected (empty when it is valid), each naming its field.
        public var problems: [String]
    }

    /// Where a council's standing proposal comes from.
    public enum Source: Sendable, Equatable {
        /// A valid file of this round.
        case submitted(file: String)
        /// No valid file this round: the council's proposal of an earlier round stands.
        case carriedForward(round: Int)
        /// No valid proposal in this round or before: the council counts as proposing nothing.
        case missing
    }

    /// The Albert–Hahnel acceptance rules (docs/rounds.md).
    public enum Verdict: String, Sendable, Equatable {
        case accepted
        /// The proposal fails a rule; it still enters the totals, and the council is asked to revise.
        case flagged
        /// There is no proposal to judge.
        case missing
    }

    public struct WorkersCouncilStanding: Sendable, Equatable {
        public var id: String
        public var source: Source
        public var activity: Double?
        public var outputs: [Quantity]
        public var inputs: [Quantity]
        /// Outputs at indicative prices, `Σ_i out_i p_i`.
        public var socialBenefit: Double
        /// Inputs at indicative prices, `Σ_i in_i p_i + Σ_r in_r q_r`.
        public var socialCost: Double
        /// `socialBenefit / socialCost`; `nil` when the social cost is zero.
        public var ratio: Double?
        /// A constant-returns council's revision measure (docs/rounds.md); `nil` otherwise.
        public var revision: Double?
        public var verdict: Verdict
        public var reason: String?
    }

    public struct ConsumersCouncilStanding: Sendable, Equatable {
        public var id: String
        public var source: Source
        public var requests: [Quantity]
        /// Requests at indicative prices, `Σ_i d_i p_i`.
        public var spending: Double
        public var allowance: Double
        public var verdict: Verdict
        public var reason: String?
    }

    public struct GoodBalance: Sendable, Equatable {
        public var id: String
        /// The indicative price the proposals were made at.
        public var price: Double
        public var demand: Double
        public var netSupply: Double
        public var grossSupply: Double
        /// `demand − netSupply`.
        public var excessDemand: Double
        /// `max(gross supply, use)`, use = intermediate + final.
        public var throughput: Double
        /// DESIGN §7's relative imbalance.
        public var imbalance: Double
    }

    public struct ResourceBalance: Sendable, Equatable {
        public var id: String
        public var price: Double
        public var use: Double
        public var available: Double
        public var imbalance: Double
    }

    /// The board's move after a round that did not converge.
    public struct PriceMove: Sendable, Equatable {
        public var largestPriceChange: Double
        public var nextPrices: [Double]
        public var nextResourcePrices: [Double]
    }

    public var round: Int
    public var tolerance: Double
    /// Whether the standing proposals form a feasible plan that every council has agreed to:
    /// see ``unmet``.
    public var converged: Bool
    public var maxImbalance: Double
    public var maxRevision: Double
    /// Why the round did not converge (empty when it did).
    public var unmet: [String]
    public var submissions: [Submission]
    public var workersCouncils: [WorkersCouncilStanding]
    public var consumersCouncils: [ConsumersCouncilStanding]
    public var goods: [GoodBalance]
    public var resources: [ResourceBalance]
    /// `nil` when the round converged: the plan keeps the prices its proposals were made at.
    public var move: PriceMove?

    public var prices: [Double] { goods.map(\.price) }
    public var resourcePrices: [Double] { resources.map(\.price) }
    public var rejectedCount: Int { submissions.filter { !$0.isValid }.count }
    public var flaggedCount: Int {
        workersCouncils.filter { $0.verdict == .flagged }.count + consumersCouncils.filter { $0.verdict == .flagged }.count
    }
    /// Councils with a valid proposal of this round.
    public var submittedCount: Int {
        workersCouncils.filter { if case .submitted = $0.source { true } else { false } }.count
            + consumersCouncils.filter { if case .submitted = $0.source { true } else { false } }.count
    }
}

// MARK: - File

extension RoundReport {
    public func jsonDocument() -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
        func source(_ source: Source) -> [JSONObject.Member] {
            switch source {
            case let .submitted(file): return [.init(key: "source", value: "submitted"), .init(key: "file", value: .string(file))]
            case let .carriedForward(round):
                return [.init(key: "source", value: "carriedForward"), .init(key: "fromRound", value: .number(Double(round)))]
            case .missing: return [.init(key: "source", value: "missing")]
            }
        }
        func reason(_ reason: String?) -> [JSONObject.Member] {
            reason.map { [.init(key: "reason", value: .string($0))] } ?? []
        }
        let submissions: [JSONValue] = self.submissions.map { s in
            .object(JSONObject([
                .init(key: "file", value: .string(s.file)),
                .init(key: "checksum", value: .string(s.checksum)),
                .init(key: "council", value: s.council.map { .string($0) } ?? .null),
                .init(key: "status", value: s.isValid ? "valid" : "rejected"),
                .init(key: "problems", value: .array(s.problems.map { .string($0) })),
            ]))
        }
        let workers: [JSONValue] = workersCouncils.map { w in
            .object(JSONObject([.init(key: "id", value: .string(w.id))] + source(w.source) + [
                .init(key: "activity", value: number(w.activity)),
                .init(key: "outputs", value: jsonQuantities(w.outputs)),
                .init(key: "inputs", value: jsonQuantities(w.inputs)),
                .init(key: "socialBenefit", value: .number(w.socialBenefit)),
                .init(key: "socialCost", value: .number(w.socialCost)),
                .init(key: "ratio", value: number(w.ratio)),
                .init(key: "revision", value: number(w.revision)),
                .init(key: "verdict", value: .string(w.verdict.rawValue)),
            ] + reason(w.reason)))
        }
        let consumers: [JSONValue] = consumersCouncils.map { c in
            .object(JSONObject([.init(key: "id", value: .string(c.id))] + source(c.source) + [
                .init(key: "requests", value: jsonQuantities(c.requests)),
                .init(key: "spending", value: .number(c.spending)),
                .init(key: "allowance", value: .number(c.allowance)),
                .init(key: "verdict", value: .string(c.verdict.rawValue)),
            ] + reason(c.reason)))
        }
        let goods: [JSONValue] = self.goods.map { g in
            .object(JSONObject([
                .init(key: "id", value: .string(g.id)), .init(key: "price", value: .number(g.price)),
                .init(key: "demand", value: .number(g.demand)), .init(key: "netSupply", value: .number(g.netSupply)),
                .init(key: "grossSupply", value: .number(g.grossSupply)), .init(key: "excessDemand", value: .number(g.excessDemand)),
                .init(key: "throughput", value: .number(g.throughput)), .init(key: "imbalance", value: .number(g.imbalance)),
            ]))
        }
        let resources: [JSONValue] = self.resources.map { r in
            .object(JSONObject([
                .init(key: "id", value: .string(r.id)), .init(key: "price", value: .number(r.price)),
                .init(key: "use", value: .number(r.use)), .init(key: "available", value: .number(r.available)),
                .init(key: "imbalance", value: .number(r.imbalance)),
            ]))
        }
        var members: [JSONObject.Member] = [
            .init(key: "format", value: .string(Self.format)),
            .init(key: "round", value: .number(Double(round))),
            .init(key: "converged", value: .bool(converged)),
            .init(key: "tolerance", value: .number(tolerance)),
            .init(key: "maxImbalance", value: .number(maxImbalance)),
            .init(key: "maxRevision", value: .number(maxRevision)),
            .init(key: "unmet", value: .array(unmet.map { .string($0) })),
            .init(key: "submissions", value: .array(submissions)),
            .init(key: "workersCouncils", value: .array(workers)),
            .init(key: "consumersCouncils", value: .array(consumers)),
            .init(key: "goods", value: .array(goods)),
            .init(key: "resources", value: .array(resources)),
        ]
        if let move {
            members.append(.init(key: "board", value: .object(JSONObject([
                .init(key: "largestPriceChange", value: .number(move.largestPriceChange)),
                .init(key: "nextPrices", value: jsonNumbers(self.goods.map(\.id), move.nextPrices)),
                .init(key: "nextResourcePrices", value: jsonNumbers(self.resources.map(\.id), move.nextResourcePrices)),
            ]))))
        }
        return .object(JSONObject(members))
    }

    /// Reads a report the journal wrote. The journal's own files are trusted to be well formed,
    /// but a damaged one is still reported with its field rather than misread.
    static func decode(_ bytes: [UInt8], file: String, registry: CouncilRegistry) throws(JournalError) -> RoundReport {
        var r = JournalFieldReader(file: file)
        guard let top = r.document(bytes) else { throw JournalError(problems: r.problems) }
        r.format(top, format)
        func list(_ key: String) -> [JSONObject] {
            (r.array(top, key) ?? []).compactMap(\.objectValue)
        }
        func source(_ o: JSONObject, _ prefix: String) -> Source {
            switch r.string(o, "source", prefix) {
            case "submitted": return .submitted(file: r.string(o, "file", prefix) ?? "")
            case "carriedForward": return .carriedForward(round: r.integer(o, "fromRound", prefix) ?? 0)
            case "missing": return .missing
            case let other: r.report(prefix + "source", "unknown source \(other ?? "")"); return .missing
            }
        }
        func verdict(_ o: JSONObject, _ prefix: String) -> Verdict {
            guard let text = r.string(o, "verdict", prefix), let v = Verdict(rawValue: text) else {
                r.report(prefix + "verdict", "expected accepted, flagged or missing")
                return .missing
            }
            return v
        }
        let submissions = list("submissions").enumerated().map { i, o in
            let prefix = "submissions[\(i)]."
            return Submission(file: r.string(o, "file", prefix) ?? "", checksum: r.string(o, "checksum", prefix) ?? "",
                              council: r.string(o, "council", prefix, required: false),
                              problems: (r.array(o, "problems", prefix) ?? []).compactMap(\.stringValue))
        }
        let workers = list("workersCouncils").enumerated().map { i, o in
            let prefix = "workersCouncils[\(i)]."
            return WorkersCouncilStanding(
                id: r.string(o, "id", prefix) ?? "", source: source(o, prefix), activity: r.number(o, "activity", prefix, required: false),
                outputs: r.numbers(o, "outputs", prefix) ?? [], inputs: r.numbers(o, "inputs", prefix) ?? [],
                socialBenefit: r.number(o, "socialBenefit", prefix) ?? 0, socialCost: r.number(o, "socialCost", prefix) ?? 0,
                ratio: r.number(o, "ratio", prefix, required: false), revision: r.number(o, "revision", prefix, required: false),
                verdict: verdict(o, prefix), reason: r.string(o, "reason", prefix, required: false))
        }
        let consumers = list("consumersCouncils").enumerated().map { i, o in
            let prefix = "consumersCouncils[\(i)]."
            return ConsumersCouncilStanding(
                id: r.string(o, "id", prefix) ?? "", source: source(o, prefix), requests: r.numbers(o, "requests", prefix) ?? [],
                spending: r.number(o, "spending", prefix) ?? 0, allowance: r.number(o, "allowance", prefix) ?? 0,
                verdict: verdict(o, prefix), reason: r.string(o, "reason", prefix, required: false))
        }
        let goods = list("goods").enumerated().map { i, o in
            let p = "goods[\(i)]."
            return GoodBalance(id: r.string(o, "id", p) ?? "", price: r.number(o, "price", p) ?? 0, demand: r.number(o, "demand", p) ?? 0,
                               netSupply: r.number(o, "netSupply", p) ?? 0, grossSupply: r.number(o, "grossSupply", p) ?? 0,
                               excessDemand: r.number(o, "excessDemand", p) ?? 0, throughput: r.number(o, "throughput", p) ?? 0,
                               imbalance: r.number(o, "imbalance", p) ?? 0)
        }
        let resources = list("resources").enumerated().map { i, o in
            let p = "resources[\(i)]."
            return ResourceBalance(id: r.string(o, "id", p) ?? "", price: r.number(o, "price", p) ?? 0, use: r.number(o, "use", p) ?? 0,
                                   available: r.number(o, "available", p) ?? 0, imbalance: r.number(o, "imbalance", p) ?? 0)
        }
        var move: PriceMove?
        if let board = r.object(top, "board", required: false) {
            move = PriceMove(largestPriceChange: r.number(board, "largestPriceChange", "board.") ?? 0,
                             nextPrices: r.vector(board, "nextPrices", ids: registry.goodIDs, "board.") ?? [],
                             nextResourcePrices: r.vector(board, "nextResourcePrices", ids: registry.resourceIDs, "board.") ?? [])
        }
        let report = RoundReport(
            round: r.integer(top, "round") ?? 0, tolerance: r.number(top, "tolerance") ?? 0, converged: r.bool(top, "converged") ?? false,
            maxImbalance: r.number(top, "maxImbalance") ?? 0, maxRevision: r.number(top, "maxRevision") ?? 0,
            unmet: (r.array(top, "unmet") ?? []).compactMap(\.stringValue), submissions: submissions,
            workersCouncils: workers, consumersCouncils: consumers, goods: goods, resources: resources, move: move)
        if goods.map(\.id) != registry.goodIDs || resources.map(\.id) != registry.resourceIDs
            || workers.map(\.id) != registry.workersCouncils.map(\.id) || consumers.map(\.id) != registry.consumersCouncils.map(\.id) {
            r.report("", "the report's goods, resources or councils do not match the registry")
        }
        if !r.problems.isEmpty { throw JournalError(problems: r.problems) }
        return report
    }
}
