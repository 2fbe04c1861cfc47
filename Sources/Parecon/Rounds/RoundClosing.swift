import PareconLinearAlgebra

/// The facilitation board's close of one round, as a pure function of the journal's files: the
/// registry and settings, the round's prices and board memory, the last round's report (for the
/// proposals that stand and the trend of the revisions) and the bytes of every file in the
/// round's proposals folder.
///
/// 1. **Check** every file (``ProposalCheck``); a council's first valid proposal stands — its
///    `<council>.json` first, then its other files in name order — and any later valid one is
///    rejected as a second proposal.
/// 2. **Standing proposals**: a council without a valid proposal this round is counted at its
///    last standing proposal (carried forward) or, if it never had one, as proposing nothing.
/// 3. **Judge** each standing proposal at the indicative prices (the Albert–Hahnel rules):
///    a workers' council's social benefit `Σ out_i p_i` against its social cost
///    `Σ in_i p_i + Σ in_r q_r` — flagged when `benefit < (1 − tolerance) · cost`; a consumers'
///    council's spending `Σ d_i p_i` against its allowance — flagged when
///    `spending > (1 + tolerance) · allowance`. Flagged proposals still enter the totals.
/// 4. **Sum** the standing proposals (councils in registry order) into ``RoundTotals`` and
///    measure every good's and resource's imbalance (DESIGN §7, as the round loop does).
/// 5. **Converged** when every imbalance and every constant-returns council's revision is within
///    the tolerance, every council has a valid proposal of this round and none is flagged;
///    otherwise **move** the prices with the journal's board: ``FacilitationBoard/tatonnement(prices:resourcePrices:totals:memory:available:wanted:extrapolate:settings:)``,
///    or the round loop's accelerated or second-order move through ``JournalBoard`` (the latter
///    with the local responses of this round's proposals; in a newton journal a proposal without
///    one is rejected in step 1).
struct RoundClosing {
    let registry: CouncilRegistry
    let settings: PlanningSettings
    let round: Int
    let prices: PricesFile
    let board: BoardFile
    /// The last round's report (nil in round 1).
    let previous: RoundReport?
    let submitted: [SubmittedFile]

    /// One entry of the proposals folder.
    struct SubmittedFile {
        /// Relative to the journal's folder.
        var file: String
        /// `nil` when the entry could not be read as a file.
        var bytes: [UInt8]?
        /// Why it could not be read.
        var problem: String?
    }

    struct Result {
        var report: RoundReport
        /// The next round's board memory and prices; `nil` when the round converged.
        var nextBoard: BoardFile?
        var nextPrices: PricesFile?
    }

    private struct Standing {
        var source: RoundReport.Source
        var activity: Double?
        var outputs: [Quantity] = []
        var inputs: [Quantity] = []
        var requests: [Quantity] = []
        /// The local response of a proposal of this round (never of a carried-forward one).
        var response: Proposal.LocalResponse?
    }

    func close() throws(JournalError) -> Result {
        let n = registry.goods.count, m = registry.resources.count
        let p = prices.prices, q = prices.resourcePrices
        let tolerance = settings.tolerance

        // 1. Check every file; one valid proposal per council.
        var checks = checkFiles()
        let chosen = chooseProposals(&checks)
        // 2. Standing proposals: this round's, else carried forward, else nothing.
        let (workers, consumers) = standingProposals(chosen)
        let previousWorkers = previous?.workersCouncils ?? []

        // 3. Judge, and 4. sum, in registry order.
        func dense(_ quantities: [Quantity]) -> [Double] {
            var v = [Double](repeating: 0, count: n + m)
            for entry in quantities { v[registry.goodIndex[entry.id] ?? n + registry.resourceIndex[entry.id]!] += entry.amount }
            return v
        }
        var demand = [Double](repeating: 0, count: n), netSupply = demand, grossSupply = demand
        var resourceUse = [Double](repeating: 0, count: m)
        var workersReport: [RoundReport.WorkersCouncilStanding] = []
        var maxRevision = 0.0, reviser = ""
        for (w, council) in registry.workersCouncils.enumerated() {
            let s = workers[w]
            let outputs = dense(s.outputs), inputs = dense(s.inputs)
            for i in 0..<n {
                grossSupply[i] += outputs[i]
                netSupply[i] += outputs[i] - inputs[i]
            }
            for r in 0..<m { resourceUse[r] += inputs[n + r] }
            let benefit = value(s.outputs), cost = value(s.inputs)
            var verdict = RoundReport.Verdict.accepted
            var reason: String?
            if s.source == .missing {
                verdict = .missing
                reason = "no proposal yet"
            } else if benefit < (1 - tolerance) * cost {
                verdict = .flagged
                reason = "its social benefit \(significant(benefit)) is below its social cost \(significant(cost)) (ratio \(fixed(benefit / cost, 6)) < 1)"
            }
            var revision: Double?
            if council.constantReturns {
                let last = previousWorkers.indices.contains(w) ? previousWorkers[w] : nil
                let unchanged = outputs == dense(last?.outputs ?? []) && inputs == dense(last?.inputs ?? [])
                revision = unchanged ? 0 : benefit > 0 ? abs(benefit - cost) / benefit : 1
                if revision! > maxRevision { (maxRevision, reviser) = (revision!, council.id) }
            }
            workersReport.append(RoundReport.WorkersCouncilStanding(
                id: council.id, source: s.source, activity: s.activity, outputs: s.outputs, inputs: s.inputs,
                socialBenefit: benefit, socialCost: cost, ratio: cost > 0 ? benefit / cost : nil, revision: revision,
                verdict: verdict, reason: reason))
        }
        var consumersReport: [RoundReport.ConsumersCouncilStanding] = []
        for (c, council) in registry.consumersCouncils.enumerated() {
            let s = consumers[c]
            let requests = dense(s.requests)
            for i in 0..<n { demand[i] += requests[i] }
            let spending = value(s.requests)
            var verdict = RoundReport.Verdict.accepted
            var reason: String?
            if s.source == .missing {
                verdict = .missing
                reason = "no proposal yet"
            } else if spending > (1 + tolerance) * council.allowance {
                verdict = .flagged
                reason = "it spends \(significant(spending)), more than its allowance \(significant(council.allowance))"
            }
            consumersReport.append(RoundReport.ConsumersCouncilStanding(
                id: council.id, source: s.source, requests: s.requests, spending: spending, allowance: council.allowance,
                verdict: verdict, reason: reason))
        }
        let totals = RoundTotals(demand: demand, netSupply: netSupply, grossSupply: grossSupply, resourceUse: resourceUse)
        if let bad = (demand + netSupply + grossSupply + resourceUse).first(where: { !$0.isFinite }) {
            throw JournalError(file: RoundJournal.proposalsFolder(round),
                               "the proposals add up to \(bad): the numbers are too large for double precision; councils must state them in larger units")
        }

        // Balances (DESIGN §7), as the round loop measures them.
        var positive = 0, level = 0.0
        for price in p where price > 0 { level += price; positive += 1 }
        level = positive > 0 ? level / Double(positive) : 1
        var goods: [RoundReport.GoodBalance] = []
        var maxImbalance = 0.0, worst = ""
        for (i, good) in registry.goods.enumerated() {
            let excess = demand[i] - netSupply[i]
            let throughput = max(grossSupply[i], grossSupply[i] - netSupply[i] + demand[i])
            let imbalance = ConvergenceMeasure.goodImbalance(excess: excess, throughput: throughput, price: p[i],
                                                             priceLevel: level, tolerance: tolerance)
            if imbalance > maxImbalance { (maxImbalance, worst) = (imbalance, "good \"\(good.id)\"") }
            goods.append(RoundReport.GoodBalance(id: good.id, price: p[i], demand: demand[i], netSupply: netSupply[i],
                                                 grossSupply: grossSupply[i], excessDemand: excess, throughput: throughput,
                                                 imbalance: imbalance))
        }
        let largestResourcePrice = q.reduce(1, max)
        var resources: [RoundReport.ResourceBalance] = []
        for (r, resource) in registry.resources.enumerated() {
            let imbalance = ConvergenceMeasure.resourceImbalance(excess: resourceUse[r] - resource.available, available: resource.available,
                                                                 price: q[r], largestPrice: largestResourcePrice, tolerance: tolerance)
            if imbalance > maxImbalance { (maxImbalance, worst) = (imbalance, "resource \"\(resource.id)\"") }
            resources.append(RoundReport.ResourceBalance(id: resource.id, price: q[r], use: resourceUse[r],
                                                         available: resource.available, imbalance: imbalance))
        }

        // 5. Converged, or move the prices.
        var unmet: [String] = []
        if maxImbalance > tolerance {
            unmet.append("the largest relative imbalance, \(scientific(maxImbalance)) (\(worst)), is above the tolerance \(scientific(tolerance))")
        }
        if maxRevision > tolerance {
            unmet.append("constant-returns councils are still revising: the largest revision, \(scientific(maxRevision)) (\"\(reviser)\"), is above the tolerance")
        }
        let absent = workersReport.filter { !$0.source.isSubmitted }.map(\.id) + consumersReport.filter { !$0.source.isSubmitted }.map(\.id)
        if !absent.isEmpty {
            unmet.append("\(absent.count) \(absent.count == 1 ? "council has" : "councils have") no valid proposal of this round: \(absent.joined(separator: ", "))")
        }
        let flagged = workersReport.filter { $0.verdict == .flagged }.map(\.id) + consumersReport.filter { $0.verdict == .flagged }.map(\.id)
        if !flagged.isEmpty {
            unmet.append("\(flagged.count) \(flagged.count == 1 ? "proposal is" : "proposals are") flagged: \(flagged.joined(separator: ", "))")
        }
        let converged = unmet.isEmpty

        var result = Result(report: RoundReport(
            round: round, tolerance: tolerance, converged: converged, maxImbalance: maxImbalance, maxRevision: maxRevision,
            unmet: unmet,
            submissions: checks.map { RoundReport.Submission(file: $0.file, checksum: $0.checksum, council: $0.council,
                                                             problems: $0.problems.map(\.withoutFile)) },
            workersCouncils: workersReport, consumersCouncils: consumersReport, goods: goods, resources: resources, move: nil))
        if converged { return result }

        var nextPrices = p, nextResourcePrices = q
        var memory = board.memory
        let change: Double
        if settings.board == .tatonnement {
            change = FacilitationBoard.tatonnement(
                prices: &nextPrices, resourcePrices: &nextResourcePrices, totals: totals, memory: &memory.tatonnement,
                available: registry.resources.map(\.available), wanted: demand.map { $0 > 0 },
                extrapolate: registry.hasConstantReturns, settings: settings)
        } else {
            let move = JournalBoard.move(
                memory: memory, registry: registry, settings: settings, prices: p, resourcePrices: q, totals: totals,
                merit: maxImbalance, responses: settings.board == .newton ? reportedResponses(workers: workers, consumers: consumers, dense: dense) : nil)
            (change, nextPrices, nextResourcePrices, memory) = (move.change, move.prices, move.resourcePrices, move.memory)
        }
        if let bad = (nextPrices + nextResourcePrices).first(where: { !$0.isFinite }) {
            throw JournalError(file: RoundJournal.proposalsFolder(round),
                               "the board's next price is \(bad): the numbers are too large or too small for double precision")
        }
        result.report.move = RoundReport.PriceMove(largestPriceChange: change, nextPrices: nextPrices, nextResourcePrices: nextResourcePrices)
        result.nextBoard = BoardFile(round: round + 1, memory: memory)
        result.nextPrices = PricesFile(round: round + 1, prices: nextPrices, resourcePrices: nextResourcePrices)
        return result
    }

    /// What the second-order board hears this round (see ``ReportedResponses``): each workers'
    /// council's standing activity, the last round's, its reported slope (only from a proposal
    /// of this round) and its row per unit of activity (this round's quantities over its activity,
    /// or the last round's when it is idle now); each consumers' council of this round's requests,
    /// allowance and elasticity of substitution.
    private func reportedResponses(workers: [Standing], consumers: [Standing], dense: ([Quantity]) -> [Double]) -> ReportedResponses {
        let n = registry.goods.count, m = registry.resources.count, w = registry.workersCouncils.count
        let previousWorkers = previous?.workersCouncils ?? []
        var responses = ReportedResponses(
            activity: Array(repeating: 0, count: w), previousActivity: Array(repeating: 0, count: w), slopes: Array(repeating: 0, count: w),
            rows: Matrix(rows: w, columns: n), resourceRows: Matrix(rows: w, columns: m), consumers: [])
        for (k, s) in workers.enumerated() {
            let last = previousWorkers.indices.contains(k) ? previousWorkers[k] : nil
            let x = s.activity ?? 0, lastX = last?.activity ?? 0
            responses.activity[k] = x
            responses.previousActivity[k] = lastX
            if case let .workers(slope)? = s.response { responses.slopes[k] = slope }
            let (scale, quantities): (Double, (outputs: [Quantity], inputs: [Quantity]))
            if x > 0 {
                (scale, quantities) = (x, (s.outputs, s.inputs))
            } else if lastX > 0, let last {
                (scale, quantities) = (lastX, (last.outputs, last.inputs))
            } else {
                continue
            }
            let outputs = dense(quantities.outputs), inputs = dense(quantities.inputs)
            for i in 0..<n { responses.rows[k, i] = (outputs[i] - inputs[i]) / scale }
            for r in 0..<m { responses.resourceRows[k, r] = inputs[n + r] / scale }
        }
        for (c, s) in consumers.enumerated() {
            guard case let .consumers(_, sigma)? = s.response else { continue }
            let requests = dense(s.requests)
            responses.consumers.append((Array(requests.prefix(n)), registry.consumersCouncils[c].allowance, sigma ?? 1))
        }
        return responses
    }

    /// The value of quantities at the round's indicative prices.
    private func value(_ quantities: [Quantity]) -> Double {
        var total = 0.0
        for entry in quantities {
            total += entry.amount * (registry.goodIndex[entry.id].map { prices.prices[$0] }
                                     ?? prices.resourcePrices[registry.resourceIndex[entry.id]!])
        }
        return total
    }

    /// Step 1: every entry of the proposals folder, checked.
    private func checkFiles() -> [ProposalCheck] {
        submitted.map { entry in
            guard let bytes = entry.bytes else {
                return ProposalCheck(file: entry.file, checksum: "", council: nil, proposal: nil,
                                     problems: [JournalProblem(file: entry.file, message: entry.problem ?? "cannot be read")])
            }
            return ProposalCheck(bytes: bytes, file: entry.file, registry: registry, round: round)
        }
    }

    /// Step 1, continued: each council's first valid proposal — its `<council>.json` first, then
    /// its other files in name order — whose value at the indicative prices is finite. Later
    /// valid ones are rejected as second proposals (their problems are added to `checks`).
    private func chooseProposals(_ checks: inout [ProposalCheck]) -> [String: (file: String, proposal: Proposal)] {
        var chosen: [String: (file: String, proposal: Proposal)] = [:]
        for id in registry.councilIDs {
            let candidates = checks.indices.filter { checks[$0].council == id && checks[$0].proposal != nil }.sorted { a, b in
                let exactA = checks[a].file.hasSuffix("/\(id).json"), exactB = checks[b].file.hasSuffix("/\(id).json")
                return exactA != exactB ? exactA : a < b
            }
            for k in candidates {
                let proposal = checks[k].proposal!
                if let first = chosen[id] {
                    checks[k].problems.append(JournalProblem(file: checks[k].file, field: "council",
                        message: "council \"\(id)\" already has a valid proposal in this round (\(first.file)); a second proposal is rejected"))
                    continue
                }
                if settings.board == .newton, let (field, message) = Self.missingResponse(proposal) {
                    checks[k].problems.append(JournalProblem(file: checks[k].file, field: field, message: message))
                    continue
                }
                let values: [(String, Double)]
                switch proposal.content {
                case let .workers(_, outputs, inputs): values = [("outputs", value(outputs)), ("inputs", value(inputs))]
                case let .consumers(requests): values = [("requests", value(requests))]
                }
                if let (field, _) = values.first(where: { !$0.1.isFinite }) {
                    checks[k].problems.append(JournalProblem(file: checks[k].file, field: field,
                        message: "its value at the indicative prices is not a finite number; state the quantities in larger units"))
                    continue
                }
                chosen[id] = (checks[k].file, proposal)
            }
        }
        for k in checks.indices where !checks[k].problems.isEmpty { checks[k].proposal = nil }
        return chosen
    }

    /// What a proposal to the second-order board lacks: its local response (DESIGN §5), or a
    /// consumers' council's elasticity of substitution, without which the board cannot form the
    /// council's cross-price terms.
    static func missingResponse(_ proposal: Proposal) -> (field: String, message: String)? {
        let why = "the journal's board is newton (journal.json): it builds its Jacobian from each council's local response"
        switch (proposal.content, proposal.localResponse) {
        case (.workers, nil):
            return ("localResponse", "missing; \(why): a workers' council gives {\"activitySlope\": ∂x/∂π} with its activity")
        case (.consumers, nil):
            return ("localResponse", "missing; \(why): a consumers' council gives {\"demandSlopes\": {...}, \"substitutionElasticity\": σ}")
        case (.consumers, .consumers(_, nil)?):
            return ("localResponse.substitutionElasticity", "missing; \(why) and needs σ (1 for Cobb–Douglas) for the cross-price terms")
        default:
            return nil
        }
    }

    /// Step 2: each council's standing proposal, in registry order.
    private func standingProposals(_ chosen: [String: (file: String, proposal: Proposal)]) -> (workers: [Standing], consumers: [Standing]) {
        func current(_ id: String) -> Standing? {
            guard let (file, proposal) = chosen[id] else { return nil }
            switch proposal.content {
            case let .workers(activity, outputs, inputs):
                return Standing(source: .submitted(file: file), activity: activity, outputs: outputs, inputs: inputs,
                                response: proposal.localResponse)
            case let .consumers(requests):
                return Standing(source: .submitted(file: file), requests: requests, response: proposal.localResponse)
            }
        }
        func carried(_ source: RoundReport.Source?) -> RoundReport.Source {
            switch source {
            case .submitted?: return .carriedForward(round: round - 1)
            case let .carriedForward(k)?: return .carriedForward(round: k)
            case .missing?, nil: return .missing
            }
        }
        let previousWorkers = previous?.workersCouncils ?? []
        let previousConsumers = previous?.consumersCouncils ?? []
        let workers: [Standing] = registry.workersCouncils.enumerated().map { w, council in
            if let s = current(council.id) { return s }
            let last = previousWorkers.indices.contains(w) ? previousWorkers[w] : nil
            let source = carried(last?.source)
            return source == .missing ? Standing(source: .missing)
                : Standing(source: source, activity: last?.activity, outputs: last?.outputs ?? [], inputs: last?.inputs ?? [])
        }
        let consumers: [Standing] = registry.consumersCouncils.enumerated().map { c, council in
            if let s = current(council.id) { return s }
            let last = previousConsumers.indices.contains(c) ? previousConsumers[c] : nil
            let source = carried(last?.source)
            return source == .missing ? Standing(source: .missing) : Standing(source: source, requests: last?.requests ?? [])
        }
        return (workers, consumers)
    }
}

extension RoundReport.Source {
    var isSubmitted: Bool {
        if case .submitted = self { return true }
        return false
    }
}

extension ProposalCheck {
    init(file: String, checksum: String, council: String?, proposal: Proposal?, problems: [JournalProblem]) {
        self.file = file
        self.checksum = checksum
        self.council = council
        self.proposal = proposal
        self.problems = problems
    }
}
