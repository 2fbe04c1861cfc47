extension CentralPlan {
    /// The plan as a `parecon-plan/1` document with `"mode": "central"` (``Plan/jsonDocument(for:)``),
    /// plus a `central` member: iterations, the residuals of the optimality conditions on the plan
    /// and the numbers communicated. In `communication`, a central planner publishes no prices
    /// (`pricesPublished` 0) and receives every council's data (`proposalNumbersReceived`).
    public func jsonDocument(for economy: Economy) -> JSONValue {
        guard case var .object(document) = plan.jsonDocument(for: economy) else { return plan.jsonDocument(for: economy) }
        // Members that describe the facilitation board do not apply to a central plan.
        document.members.removeAll { Self.boardMembers.contains($0.key) }
        document.members.append(.init(key: "central", value: centralMember))
        return .object(document)
    }

    static let boardMembers: Set<String> = ["board", "safeguardRounds"]

    /// The plan as plain text: ``Plan/writeReport(for:to:)`` with its status line saying
    /// iterations instead of rounds and no facilitation board, then ``writeCentralSection(to:)``.
    public func writeReport<Target: TextOutputStream>(for economy: Economy, to out: inout Target) {
        var text = ""
        plan.writeReport(for: economy, to: &text)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.firstIndex(where: { $0.hasPrefix("status: ") }) {
            let n = plan.rounds
            lines[index] = "status: \(plan.status.rawValue) (central) after \(n) iteration\(n == 1 ? "" : "s") in \(fixed(plan.seconds, 3)) s"
        }
        if let index = lines.firstIndex(where: { $0.hasPrefix("numbers communicated: ") }) {
            lines[index] = "numbers communicated: \(numbersReceived) received, \(targetsSent) targets sent"
        }
        out.write(lines.joined(separator: "\n"))
        writeCentralSection(to: &out)
    }

    var centralMember: JSONValue {
        .object(JSONObject([
            .init(key: "method", value: .string("primal-dual interior point (Mehrotra), Cholesky of the dsyrk normal matrix")),
            .init(key: "iterations", value: .number(Double(plan.rounds))),
            .init(key: "residuals", value: residuals.jsonValue),
            .init(key: "numbersReceived", value: .number(Double(numbersReceived))),
            .init(key: "targetsSent", value: .number(Double(targetsSent))),
        ]))
    }

    /// A short section after ``Plan/writeReport(for:to:)``: the method, its iterations, the
    /// residuals of the optimality conditions and what the numbers communicated count.
    public func writeCentralSection<Target: TextOutputStream>(to out: inout Target) {
        out.write("\nCentral planner\n")
        out.write("  method: primal-dual interior point (Mehrotra predictor-corrector), normal matrix by dsyrk, Cholesky by dpotrf\n")
        out.write("  iterations: \(plan.rounds)\n")
        out.write("  residuals of the optimality conditions on the plan: goods \(scientific(residuals.goods)), "
                  + "resources \(scientific(residuals.resources)), workers' councils \(scientific(residuals.workersCouncils))\n")
        out.write("  numbers received: every technology coefficient, capacity, elasticity, preference weight, allowance "
                  + "and availability (\(numbersReceived)); targets sent: an activity for every workers' council and a bundle "
                  + "for every consumers' council (\(targetsSent))\n")
    }
}

extension OptimalityResiduals {
    var jsonValue: JSONValue {
        .object(JSONObject([
            .init(key: "goods", value: .number(goods)),
            .init(key: "resources", value: .number(resources)),
            .init(key: "workersCouncils", value: .number(workersCouncils)),
            .init(key: "complementarity", value: .number(complementarity)),
        ]))
    }
}
