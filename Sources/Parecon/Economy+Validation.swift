/// What the file loader found before the semantic checks: its own problems, and what it
/// dropped, so that the semantic checks neither repeat nor misplace a problem.
struct LoaderFindings: Sendable {
    /// Structural problems (wrong types, missing and unknown fields), reported first.
    var problems: [EconomyProblem] = []
    /// Ids of entries dropped as malformed: references to them are not reported again.
    var droppedIDs: Set<String> = []
    /// For each top-level list, the position in the file of each entry that was kept.
    var positions: [String: [Int]] = [:]
    /// Top-level lists about which a problem was already reported (missing, not an array, or a
    /// malformed entry): "the economy has no goods" would then be wrong or repeated.
    var reportedLists: Set<String> = []
    /// Whether a workers' council was dropped: then "no council produces this good" may be wrong.
    var droppedWorkersCouncil = false
}

/// The semantic checks of an economy, collecting every problem instead of stopping at the first.
struct EconomyValidator {
    var problems: [EconomyProblem]
    let findings: LoaderFindings
    var declaredElsewhere: Set<String> { findings.droppedIDs }

    init(findings: LoaderFindings) {
        self.findings = findings
        self.problems = findings.problems
    }

    /// The position in the file of the `i`-th entry of `list` that reached these checks.
    private func position(_ list: String, _ i: Int) -> Int {
        findings.positions[list]?[i] ?? i
    }

    private func alreadyReported(_ list: String) -> Bool {
        findings.reportedLists.contains(list)
    }

    private mutating func report(_ location: String, _ field: String, _ message: String) {
        problems.append(EconomyProblem(location: location, field: field, message: message))
    }

    static func location(_ list: String, _ index: Int, _ id: String) -> String {
        "\(list)[\(index)] \"\(id)\""
    }

    /// Good and resource ids, and the goods some workers' council produces (with a positive
    /// amount), filled in as the councils are checked.
    private var goodIDs = Set<String>()
    private var resourceIDs = Set<String>()
    private var produced = Set<String>()

    mutating func validate(
        goods: [Good], resources: [PrimaryResource],
        workersCouncils: [WorkersCouncil], consumersCouncils: [ConsumersCouncil]
    ) {
        validateHead(goods: goods, resources: resources, workersCouncilIDs: workersCouncils.map(\.id),
                     consumersCouncilIDs: consumersCouncils.map(\.id))
        for (i, council) in workersCouncils.enumerated() { validate(council, at: i) }
        validate(consumersCouncils)
    }

    /// The checks before the councils' own: ids, empty lists, resources. The compact reader calls
    /// these steps one by one, checking each workers' council as it stores it.
    mutating func validateHead<WorkersCouncilIDList: RandomAccessCollection<String>>(
        goods: [Good], resources: [PrimaryResource], workersCouncilIDs: WorkersCouncilIDList, consumersCouncilIDs: [String]
    ) where WorkersCouncilIDList.Index == Int {
        // Locations name entries by their position in the file (the loader may have dropped
        // malformed entries before these checks).

        // Ids: non-empty and unique across goods, resources and councils. Each id remembers
        // where it was first seen as its position in the four lists one after another (not a
        // copy of the id), its location written only for a duplicate.
        let lists = ["goods", "resources", "workersCouncils", "consumersCouncils"]
        let idLists: [(Int) -> String] = [{ goods[$0].id }, { resources[$0].id }, { workersCouncilIDs[$0] }, { consumersCouncilIDs[$0] }]
        func location(_ list: Int, _ i: Int) -> String {
            Self.location(lists[list], position(lists[list], i), idLists[list](i))
        }
        let counts = [goods.count, resources.count, workersCouncilIDs.count, consumersCouncilIDs.count]
        let listStart = [0, counts[0], counts[0] + counts[1], counts[0] + counts[1] + counts[2]]
        /// (list, index) of a position in the four lists.
        func split(_ position: Int) -> (Int, Int) {
            var list = 0
            while position >= listStart[list] + counts[list] { list += 1 }
            return (list, position - listStart[list])
        }
        var firstSeen = FirstOccurrences(count: counts.reduce(0, +))
        for list in 0..<4 {
            for i in 0..<counts[list] {
                let id = idLists[list](i)
                if id.isEmpty {
                    report(location(list, i), "id", "must be a non-empty string")
                } else if let earlier = firstSeen.earlier(id, at: listStart[list] + i, idAt: { let (l, k) = split($0); return idLists[l](k) }) {
                    let (earlierList, earlierIndex) = split(earlier)
                    report(location(list, i), "id",
                           "id \"\(id)\" is already used by \(location(earlierList, earlierIndex)); ids must be unique across goods, resources and councils")
                }
            }
        }

        // An empty list is only reported when nothing has been said about it yet.
        let noGoods = goods.isEmpty && !alreadyReported("goods")
        let noWorkers = workersCouncilIDs.isEmpty && !alreadyReported("workersCouncils")
        let noConsumers = consumersCouncilIDs.isEmpty && !alreadyReported("consumersCouncils")
        if noGoods {
            report("", "goods", "the economy has no goods; at least one is needed")
        }
        if noWorkers && noConsumers {
            report("", "workersCouncils", "the economy has no councils at all; at least one workers' council and one consumers' council are needed")
        } else if noWorkers {
            report("", "workersCouncils", "the economy has no workers' councils; at least one is needed")
        } else if noConsumers {
            report("", "consumersCouncils", "the economy has no consumers' councils; at least one is needed")
        }

        goodIDs = Set(goods.map(\.id))
        resourceIDs = Set(resources.map(\.id))

        for (i, resource) in resources.enumerated() {
            let location = Self.location("resources", position("resources", i), resource.id)
            if !resource.available.isFinite || resource.available <= 0 {
                report(location, "available", "must be a positive finite number, found \(format(resource.available))")
            }
        }

    }

    /// Sets the good and resource ids that the councils' checks look up, without checking
    /// anything (for a generator that checks each council before the head; see
    /// ``Economy/init(name:goods:resources:generatedWorkersCouncils:councilChecks:consumersCouncils:)``).
    mutating func prepare(goods: [Good], resources: [String]) {
        goodIDs = Set(goods.map(\.id))
        resourceIDs = Set(resources)
    }

    /// The goods that the councils checked so far produce.
    var producedGoods: Set<String> { produced }

    /// Appends the problems another validator found in workers' councils, and their produced goods.
    mutating func append(councilChecks other: EconomyValidator) {
        problems += other.problems
        produced.formUnion(other.produced)
    }

    /// Records that a workers' council produces `good` with a positive amount (for a council
    /// whose checks the caller has done itself and found nothing wrong).
    mutating func markProduced(_ good: String) {
        produced.insert(good)
    }

    /// The checks of the `i`-th workers' council (after ``validateHead``).
    mutating func validate(_ council: WorkersCouncil, at i: Int) {
        let location = Self.location("workersCouncils", position("workersCouncils", i), council.id)
        if council.produces.isEmpty {
            report(location, "produces", "must name at least one good with a positive amount")
        } else if !council.produces.contains(where: { $0.amount > 0 }) {
            report(location, "produces", "all amounts are zero; at least one must be positive")
        }
        checkDuplicates(council.produces, location, "produces")
        for entry in council.produces {
            let field = "produces.\(entry.id)"
            if resourceIDs.contains(entry.id) {
                report(location, field, "\"\(entry.id)\" is a primary resource; only goods can be produced")
            } else if !goodIDs.contains(entry.id) {
                if !declaredElsewhere.contains(entry.id) { report(location, field, "unknown good \"\(entry.id)\"") }
            } else if entry.amount > 0 {
                produced.insert(entry.id)
            }
            checkAmount(entry.amount, location, field)
        }
        checkDuplicates(council.uses, location, "uses")
        for entry in council.uses {
            let field = "uses.\(entry.id)"
            if !goodIDs.contains(entry.id) && !resourceIDs.contains(entry.id) && !declaredElsewhere.contains(entry.id) {
                report(location, field, "unknown good or resource \"\(entry.id)\"")
            }
            checkAmount(entry.amount, location, field)
        }
        if !council.capacity.isFinite || council.capacity <= 0 {
            report(location, "capacity", "must be a positive finite number, found \(format(council.capacity))")
        }
        if let k = council.elasticity, !k.isFinite || k <= 0 {
            report(location, "elasticity", "must be a positive finite number (leave it out for constant returns), found \(format(k))")
        }
    }

    /// The checks of the consumers' councils (after every workers' council's).
    mutating func validate(_ consumersCouncils: [ConsumersCouncil]) {
        for (i, council) in consumersCouncils.enumerated() { validate(council, at: i) }
    }

    /// The checks of consumers' council number `i` (the compact reader checks each as it stores it).
    mutating func validate(_ council: ConsumersCouncil, at i: Int) {
        let location = Self.location("consumersCouncils", position("consumersCouncils", i), council.id)
        if !council.allowance.isFinite || council.allowance <= 0 {
            report(location, "allowance", "must be a positive finite number, found \(format(council.allowance))")
        }
        let prefix: String
        switch council.preferences {
        case .cobbDouglas:
            prefix = "preferences.cobbDouglas"
        case let .ces(sigma, _):
            prefix = "preferences.ces.weights"
            if !sigma.isFinite || sigma <= 0 {
                report(location, "preferences.ces.sigma", "must be a positive finite number, found \(format(sigma))")
            } else if sigma == 1 {
                report(location, "preferences.ces.sigma", "must not be 1 (that is Cobb–Douglas: use \"cobbDouglas\")")
            }
        }
        let weights = council.preferences.weights
        checkDuplicates(weights, location, prefix)
        if weights.isEmpty {
            report(location, prefix, "must give a weight to at least one good")
        } else if weights.allSatisfy({ $0.amount == 0 }) {
            report(location, prefix, "all weights are zero; at least one must be positive")
        }
        for weight in weights {
            let field = "\(prefix).\(weight.id)"
            if resourceIDs.contains(weight.id) {
                report(location, field, "\"\(weight.id)\" is a primary resource; consumers' councils can only ask for goods")
            } else if !goodIDs.contains(weight.id) {
                if !declaredElsewhere.contains(weight.id) { report(location, field, "unknown good \"\(weight.id)\"") }
            } else if weight.amount > 0 && !produced.contains(weight.id) && !findings.droppedWorkersCouncil {
                report(location, field, "good \"\(weight.id)\" is wanted but no workers' council produces it")
            }
            if !weight.amount.isFinite || weight.amount < 0 {
                report(location, field, "weights must be non-negative finite numbers, found \(format(weight.amount))")
            }
        }
    }

    private mutating func checkAmount(_ amount: Double, _ location: String, _ field: String) {
        if !amount.isFinite || amount < 0 {
            report(location, field, "must be a non-negative finite number, found \(format(amount))")
        }
    }

    private mutating func checkDuplicates(_ entries: [Quantity], _ location: String, _ field: String) {
        var seen = Set<String>()
        var reported = Set<String>()
        for entry in entries where !seen.insert(entry.id).inserted && reported.insert(entry.id).inserted {
            report(location, "\(field).\(entry.id)", "\"\(entry.id)\" appears more than once")
        }
    }
}

/// Formats a number for an error message.
func format(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "infinity" : "-infinity" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
