import FoundationEssentials
import Glibc

extension RoundReport {
    /// The report as `parecon round close` prints it: the outcome, the rejected files with their
    /// reasons, the balances, the councils' proposals with their verdicts, and the next prices.
    public func writeText<Target: TextOutputStream>(registry: CouncilRegistry, to out: inout Target) {
        let title = registry.name.isEmpty ? "Round \(round)" : "Round \(round) of \(registry.name)"
        if converged {
            out.write("\(title): converged — the plan is feasible and every proposal is accepted; no further round\n")
        } else {
            out.write("\(title): closed; round \(round + 1) is open\n")
        }
        out.write("files: \(submissions.count - rejectedCount) valid, \(rejectedCount) rejected; proposals flagged: \(flaggedCount); "
                  + "max relative imbalance \(scientific(maxImbalance)) (tolerance \(scientific(tolerance)))\n")

        let rejected = submissions.filter { !$0.isValid }
        if !rejected.isEmpty {
            out.write("\nRejected files\n")
            for submission in rejected {
                out.write("  \(submission.file)\n")
                for problem in submission.problems { out.write("    \(problem)\n") }
            }
        }

        out.write("\nGoods at the indicative prices\n")
        var rows = [["good", "price", "demand", "net supply", "excess demand", "imbalance"]]
        for g in goods {
            rows.append([g.id, significant(g.price), significant(g.demand), significant(g.netSupply), significant(g.excessDemand), scientific(g.imbalance)])
        }
        writeTable(rows, to: &out)
        if !resources.isEmpty {
            out.write("\nPrimary resources\n")
            rows = [["resource", "price", "used", "available", "imbalance"]]
            for r in resources {
                rows.append([r.id, significant(r.price), significant(r.use), significant(r.available), scientific(r.imbalance)])
            }
            writeTable(rows, to: &out)
        }

        func source(_ source: Source) -> String {
            switch source {
            case let .submitted(file): return PathComponents.last(file)
            case let .carriedForward(round): return "round \(round)'s (carried forward)"
            case .missing: return "none"
            }
        }
        func verdict(_ verdict: Verdict, _ reason: String?) -> String {
            verdict == .flagged ? "flagged: " + (reason ?? "") : verdict.rawValue
        }
        if !workersCouncils.isEmpty {
            out.write("\nWorkers' councils: social benefit and social cost at the indicative prices\n")
            rows = [["council", "proposal", "benefit", "cost", "ratio", "verdict"]]
            for w in workersCouncils {
                rows.append([w.id, source(w.source), significant(w.socialBenefit), significant(w.socialCost),
                             w.ratio.map { fixed($0, 6) } ?? "-", verdict(w.verdict, w.reason)])
            }
            writeTable(rows, to: &out)
        }
        if !consumersCouncils.isEmpty {
            out.write("\nConsumers' councils: spending against allowance\n")
            rows = [["council", "proposal", "spending", "allowance", "verdict"]]
            for c in consumersCouncils {
                rows.append([c.id, source(c.source), significant(c.spending), significant(c.allowance), verdict(c.verdict, c.reason)])
            }
            writeTable(rows, to: &out)
        }

        if !unmet.isEmpty {
            out.write("\nNot converged:\n")
            for reason in unmet { out.write("  - \(reason)\n") }
        }
        if let move {
            out.write("\nNext indicative prices (round \(round + 1)): largest relative change \(scientific(move.largestPriceChange))\n")
            rows = [["", "price", "next", "change"]]
            for (i, g) in goods.enumerated() { rows.append(Self.moveRow(g.id, g.price, move.nextPrices[i])) }
            for (r, resource) in resources.enumerated() { rows.append(Self.moveRow(resource.id, resource.price, move.nextResourcePrices[r])) }
            writeTable(rows, to: &out)
        }
    }

    /// The open round's submissions as `parecon round status` prints them: every registered
    /// council with its proposal file (or none yet) and its verdict at the indicative prices,
    /// then every rejected file with its reasons.
    public func writeStatus<Target: TextOutputStream>(registry: CouncilRegistry, to out: inout Target) {
        let title = registry.name.isEmpty ? "Round \(round)" : "Round \(round) of \(registry.name)"
        let councils = registry.workersCouncils.count + registry.consumersCouncils.count
        out.write("\(title): open; \(submittedCount) of \(councils) councils have a valid proposal, \(rejectedCount) file\(rejectedCount == 1 ? "" : "s") rejected\n")
        var rows = [["council", "kind", "proposal", "verdict at the indicative prices"]]
        func source(_ source: Source) -> String {
            switch source {
            case let .submitted(file): return PathComponents.last(file)
            case .carriedForward, .missing: return "not yet"
            }
        }
        func verdict(_ source: Source, _ verdict: Verdict, _ reason: String?, _ detail: String) -> String {
            switch (source, verdict) {
            case let (.carriedForward(round), _): return "round \(round)'s proposal would stand"
            case (.missing, _), (_, .missing): return "-"
            case (_, .flagged): return "flagged: " + (reason ?? "")
            case (_, .accepted): return "accepted (\(detail))"
            }
        }
        for w in workersCouncils {
            rows.append([w.id, "workers'", source(w.source),
                         verdict(w.source, w.verdict, w.reason, "benefit/cost " + (w.ratio.map { fixed($0, 6) } ?? "-"))])
        }
        for c in consumersCouncils {
            rows.append([c.id, "consumers'", source(c.source),
                         verdict(c.source, c.verdict, c.reason, "spends \(significant(c.spending)) of \(significant(c.allowance))")])
        }
        writeTable(rows, to: &out)
        let rejected = submissions.filter { !$0.isValid }
        if !rejected.isEmpty {
            out.write("\nRejected files\n")
            for submission in rejected {
                out.write("  \(submission.file)\n")
                for problem in submission.problems { out.write("    \(problem)\n") }
            }
        }
        let waiting = workersCouncils.filter { !$0.source.isSubmitted }.map(\.id) + consumersCouncils.filter { !$0.source.isSubmitted }.map(\.id)
        out.write(waiting.isEmpty ? "\nEvery council has submitted: the round can be closed.\n"
                                  : "\nNot yet submitted: \(waiting.joined(separator: ", "))\n")
    }

    static func moveRow(_ id: String, _ old: Double, _ new: Double) -> [String] {
        let change = old > 0 ? printed("%+.4g %%", 100 * (new - old) / old) : "-"
        return [id, significant(old), significant(new), change]
    }
}

extension RoundJournal {
    /// The history of every closed round (`parecon round report`): per round the files, the
    /// largest imbalance and revision, the board's largest price change and the outcome; then
    /// each price's path from the first round to the last.
    public func writeHistory<Target: TextOutputStream>(_ reports: [RoundReport], state: State, to out: inout Target) {
        let title = registry.name.isEmpty ? "Round journal" : "Round journal of \(registry.name)"
        switch state {
        case let .finished(round): out.write("\(title): converged in round \(round)\n")
        case let .open(round): out.write("\(title): \(reports.count) round\(reports.count == 1 ? "" : "s") closed; round \(round) is open\n")
        }
        guard !reports.isEmpty else { return }
        var rows = [["round", "valid", "rejected", "flagged", "submitted", "max imbalance", "max revision", "price change", "outcome"]]
        let councils = registry.workersCouncils.count + registry.consumersCouncils.count
        for report in reports {
            rows.append([String(report.round), String(report.submissions.count - report.rejectedCount), String(report.rejectedCount),
                         String(report.flaggedCount), "\(report.submittedCount)/\(councils)", scientific(report.maxImbalance),
                         scientific(report.maxRevision), report.move.map { scientific($0.largestPriceChange) } ?? "-",
                         report.converged ? "converged" : "next round"])
        }
        writeTable(rows, to: &out)

        let first = reports[0], last = reports[reports.count - 1]
        let final = last.move.map { ($0.nextPrices, $0.nextResourcePrices) } ?? (last.prices, last.resourcePrices)
        out.write("\nIndicative prices: round 1 → \(last.converged ? "the plan (round \(last.round))" : "round \(last.round + 1)")\n")
        rows = [["", "first", "last", "change"]]
        for (i, good) in registry.goods.enumerated() { rows.append(RoundReport.moveRow(good.id, first.prices[i], final.0[i])) }
        for (r, resource) in registry.resources.enumerated() { rows.append(RoundReport.moveRow(resource.id, first.resourcePrices[r], final.1[r])) }
        writeTable(rows, to: &out)
    }

    /// The history as JSON (`"format": "parecon-round-history/1"`): the state and, per closed
    /// round, its summary and prices, and the next prices.
    public func historyDocument(_ reports: [RoundReport], state: State) -> JSONValue {
        let rounds: [JSONValue] = reports.map { report in
            var members: [JSONObject.Member] = [
                .init(key: "round", value: .number(Double(report.round))),
                .init(key: "validFiles", value: .number(Double(report.submissions.count - report.rejectedCount))),
                .init(key: "rejectedFiles", value: .number(Double(report.rejectedCount))),
                .init(key: "flagged", value: .number(Double(report.flaggedCount))),
                .init(key: "submitted", value: .number(Double(report.submittedCount))),
                .init(key: "maxImbalance", value: .number(report.maxImbalance)),
                .init(key: "maxRevision", value: .number(report.maxRevision)),
                .init(key: "converged", value: .bool(report.converged)),
                .init(key: "prices", value: jsonNumbers(registry.goodIDs, report.prices)),
                .init(key: "resourcePrices", value: jsonNumbers(registry.resourceIDs, report.resourcePrices)),
            ]
            if let move = report.move {
                members.append(.init(key: "largestPriceChange", value: .number(move.largestPriceChange)))
                members.append(.init(key: "nextPrices", value: jsonNumbers(registry.goodIDs, move.nextPrices)))
                members.append(.init(key: "nextResourcePrices", value: jsonNumbers(registry.resourceIDs, move.nextResourcePrices)))
            }
            return .object(JSONObject(members))
        }
        let status: String
        switch state {
        case .finished: status = "converged"
        case .open: status = "open"
        }
        return .object(JSONObject([
            .init(key: "format", value: "parecon-round-history/1"),
            .init(key: "name", value: .string(registry.name)),
            .init(key: "status", value: .string(status)),
            .init(key: "round", value: .number(Double(state.round))),
            .init(key: "rounds", value: .array(rounds)),
        ]))
    }
}
