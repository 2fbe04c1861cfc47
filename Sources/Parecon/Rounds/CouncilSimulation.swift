import FoundationEssentials
import Glibc

/// The councils of an economy file, simulated so that the journal's whole cycle runs end to end
/// (`parecon round respond`): at the open round's published prices every council writes the
/// proposal the round loop would make (``PlanningProblem/proposeActivity(_:settings:)`` and
/// ``Economy/demand(of:at:)``, the same code).
///
/// Constant-returns councils remember, privately, their last activity, their own revision rate
/// `η_w` and their last relative surplus (DESIGN §4). The simulation keeps that memory in
/// `rounds/NNNN/simulation/council-memory.json` (`"format": "parecon-council-memory/1"`), with
/// the councils' revision settings: it is the councils' business, and the board never reads it.
public struct CouncilSimulation: Sendable {
    public static let memoryFormat = "parecon-council-memory/1"

    public let economy: Economy
    /// The councils' revision settings (`revisionRate`, `maxRevisionRate`, `revisionGrowth`,
    /// `stepShrink`), used from round 1; later rounds use the ones the memory recorded.
    public var settings: PlanningSettings
    /// Whether proposals carry their local response (for a second-order board). A journal whose
    /// board is newton always gets them.
    public var localResponse: Bool

    public init(economy: Economy, settings: PlanningSettings = PlanningSettings(), localResponse: Bool = false) {
        self.economy = economy
        self.settings = settings
        self.localResponse = localResponse
    }

    static func memoryPath(_ round: Int) -> String { RoundJournal.simulationFolder(round) + "/council-memory.json" }

    /// What `respond` did.
    public struct Outcome: Sendable {
        public var round: Int
        /// Proposal files written.
        public var written: [String]
        /// Proposal files that already held exactly the simulated proposal.
        public var unchanged: [String]
        /// Proposal files that already held another proposal: left as they are (a submitted file
        /// is never changed).
        public var kept: [String]
    }

    /// Writes every council's proposal for the journal's open round, and the councils' memory.
    public func respond(journal: RoundJournal) throws(JournalError) -> Outcome {
        try journal.files.locked { () throws(JournalError) in try respondHoldingLock(journal: journal) }
    }

    private func respondHoldingLock(journal: RoundJournal) throws(JournalError) -> Outcome {
        guard case let .open(round) = try journal.state() else {
            throw JournalError(file: journal.folder, "the plan is final (the last round converged): there is no open round to respond to")
        }
        let registry = journal.registry
        let mismatches = differences(from: registry)
        if !mismatches.isEmpty {
            throw JournalError(problems: mismatches.map { JournalProblem(file: RoundJournal.registryPath, message: "the economy does not match the journal's registry: " + $0) })
        }
        let published = try journal.prices(round: round)
        var memory = Memory(economy: economy, settings: settings)
        if round > 1 {
            let path = Self.memoryPath(round - 1)
            guard let bytes = try journal.files.readIfPresent(path) else {
                throw JournalError(file: path, "missing: the simulated councils remember their last proposals there; `parecon round respond` must answer every round from round 1")
            }
            memory = try Memory.decode(bytes, file: path, economy: economy, round: round - 1)
        }

        // The round loop's own proposals, at the published prices and the councils' memory.
        let problem = PlanningProblem(economy)
        let ws = PlanningWorkspace(problem)
        for (i, good) in economy.goods.enumerated() { ws.prices[i] = published.prices[registry.goodIndex[good.id]!] }
        for (r, resource) in economy.resources.enumerated() { ws.resourcePrices[r] = published.resourcePrices[registry.resourceIndex[resource.id]!] }
        for w in 0..<economy.workersCouncilCount {
            ws.previousActivity[w] = memory.activity[w]
            ws.revisionRate[w] = memory.revisionRate[w]
            ws.lastRelativeSurplus[w] = memory.lastRelativeSurplus[w]
        }
        problem.proposeActivity(ws, settings: memory.settings)
        let localResponse = self.localResponse || journal.settings.board == .newton
        // A council at a bound reports its average slope over a window as wide as its last
        // surplus change (``PlanningProblem/windowResponse(surplus:change:inverseElasticity:capacity:)``):
        // it knows its row and the prices of the round before.
        var lastSurplus: [Double]? = nil
        if localResponse && round > 1 {
            let before = try journal.prices(round: round - 1)
            var p = [Double](repeating: 0, count: economy.goodCount), q = [Double](repeating: 0, count: economy.resourceCount)
            for (i, good) in economy.goods.enumerated() { p[i] = before.prices[registry.goodIndex[good.id]!] }
            for (r, resource) in economy.resources.enumerated() { q[r] = before.resourcePrices[registry.resourceIndex[resource.id]!] }
            lastSurplus = problem.unitSurpluses(goodsPrices: p, resourcePrices: q)
        }

        func reportedSlope(_ w: Int) -> Double {
            guard ws.response[w] == 0, let lastSurplus else { return ws.response[w] }
            return PlanningProblem.windowResponse(surplus: ws.surplus[w], change: ws.surplus[w] - lastSurplus[w],
                                                  inverseElasticity: problem.inverseElasticity[w], capacity: problem.capacity[w])
        }
        var proposals: [Proposal] = []
        for (w, council) in economy.workersCouncils.enumerated() {
            let x = ws.activity[w]
            let outputs = council.produces.filter { $0.amount > 0 }.map { Quantity($0.id, x * $0.amount) }
            let inputs = council.uses.map { Quantity($0.id, x * $0.amount) }
            proposals.append(Proposal(council: council.id, round: round, content: .workers(activity: x, outputs: outputs, inputs: inputs),
                                      localResponse: localResponse ? .workers(activitySlope: reportedSlope(w)) : nil))
            memory.activity[w] = x
            memory.revisionRate[w] = ws.revisionRate[w]
            memory.lastRelativeSurplus[w] = ws.lastRelativeSurplus[w]
        }
        let prices = (0..<economy.goodCount).map { ws.prices[$0] }
        for council in economy.consumersCouncils {
            let bundle = economy.demand(of: council, at: prices)
            let wanted = economy.goods.indices.filter { bundle[$0] > 0 }
            var response: Proposal.LocalResponse?
            if localResponse {
                // d_i = B α_i^σ p_i^−σ / Σ_k α_k^σ p_k^(1−σ)  ⇒  ∂d_i/∂p_i = −σ d_i / p_i − (1 − σ) d_i² / B
                var sigma = 1.0
                if case let .ces(s, _) = council.preferences { sigma = s }
                let slopes = wanted.map { i in
                    Quantity(economy.goods[i].id, -sigma * bundle[i] / prices[i] - (1 - sigma) * bundle[i] * bundle[i] / council.allowance)
                }
                response = .consumers(demandSlopes: slopes, substitutionElasticity: sigma)
            }
            proposals.append(Proposal(council: council.id, round: round,
                                      content: .consumers(requests: wanted.map { Quantity(economy.goods[$0].id, bundle[$0]) }),
                                      localResponse: response))
        }

        var outcome = Outcome(round: round, written: [], unchanged: [], kept: [])
        let folder = RoundJournal.proposalsFolder(round)
        for proposal in proposals {
            let path = folder + "/" + CouncilRegistry.proposalFileName(proposal.council) + ".json"
            let bytes = journalBytes(proposal.jsonDocument())
            if let present = try journal.files.readIfPresent(path) {
                if present == bytes { outcome.unchanged.append(path) } else { outcome.kept.append(path) }
                continue
            }
            try journal.files.write(bytes, to: path)
            outcome.written.append(path)
        }
        journal.files.removeStaleTemporaries(in: RoundJournal.simulationFolder(round))
        try journal.files.write(journalBytes(memory.jsonDocument(economy: economy, round: round)), to: Self.memoryPath(round))
        return outcome
    }

    /// How the economy differs from the registry (empty when it matches: the same goods,
    /// resources and availabilities, councils, allowances and constant-returns councils).
    func differences(from registry: CouncilRegistry) -> [String] {
        var found: [String] = []
        func compare(_ what: String, _ economyIDs: [String], _ registryIDs: [String]) {
            let e = Set(economyIDs), r = Set(registryIDs)
            if e != r {
                let onlyE = economyIDs.filter { !r.contains($0) }, onlyR = registryIDs.filter { !e.contains($0) }
                found.append("\(what) differ (only in the economy: \(onlyE.isEmpty ? "none" : onlyE.joined(separator: ", ")); only in the registry: \(onlyR.isEmpty ? "none" : onlyR.joined(separator: ", ")))")
            }
        }
        compare("goods", economy.goods.map(\.id), registry.goodIDs)
        compare("resources", economy.resources.map(\.id), registry.resourceIDs)
        compare("workers' councils", economy.workersCouncils.map(\.id), registry.workersCouncils.map(\.id))
        compare("consumers' councils", economy.consumersCouncils.ids, registry.consumersCouncils.map(\.id))
        for resource in economy.resources {
            if let r = registry.resourceIndex[resource.id], registry.resources[r].available != resource.available {
                found.append("resource \"\(resource.id)\" is available at \(numberText(resource.available)) in the economy, \(numberText(registry.resources[r].available)) in the registry")
            }
        }
        for council in economy.workersCouncils {
            if let w = registry.workersCouncilIndex[council.id], registry.workersCouncils[w].constantReturns != council.hasConstantReturns {
                found.append("workers' council \"\(council.id)\" has \(council.hasConstantReturns ? "" : "no ")constant returns in the economy, but the registry says otherwise")
            }
        }
        for council in economy.consumersCouncils {
            if let c = registry.consumersCouncilIndex[council.id], registry.consumersCouncils[c].allowance != council.allowance {
                found.append("consumers' council \"\(council.id)\" has allowance \(numberText(council.allowance)) in the economy, \(numberText(registry.consumersCouncils[c].allowance)) in the registry")
            }
        }
        return found
    }

    /// The councils' private memory from one round to the next, by workers' council (economy order).
    struct Memory {
        var settings: PlanningSettings
        var activity: [Double]
        var revisionRate: [Double]
        var lastRelativeSurplus: [Double]

        /// Before round 1: nothing proposed yet, every revision rate at `settings.revisionRate`.
        init(economy: Economy, settings: PlanningSettings) {
            self.settings = settings
            let w = economy.workersCouncilCount
            activity = Array(repeating: 0, count: w)
            revisionRate = Array(repeating: settings.revisionRate, count: w)
            lastRelativeSurplus = Array(repeating: 0, count: w)
        }

        func jsonDocument(economy: Economy, round: Int) -> JSONValue {
            let councils = economy.workersCouncils.enumerated().map { w, council in
                JSONObject.Member(key: council.id, value: .object(JSONObject([
                    .init(key: "activity", value: .number(activity[w])),
                    .init(key: "revisionRate", value: .number(revisionRate[w])),
                    .init(key: "lastRelativeSurplus", value: .number(lastRelativeSurplus[w])),
                ])))
            }
            return .object(JSONObject([
                .init(key: "format", value: .string(CouncilSimulation.memoryFormat)),
                .init(key: "round", value: .number(Double(round))),
                .init(key: "note", value: "simulated councils' private memory (parecon round respond); the facilitation board never reads it"),
                .init(key: "settings", value: .object(JSONObject([
                    .init(key: "revisionRate", value: .number(settings.revisionRate)),
                    .init(key: "maxRevisionRate", value: .number(settings.maxRevisionRate)),
                    .init(key: "revisionGrowth", value: .number(settings.revisionGrowth)),
                    .init(key: "stepShrink", value: .number(settings.stepShrink)),
                ]))),
                .init(key: "workersCouncils", value: .object(JSONObject(councils))),
            ]))
        }

        static func decode(_ bytes: [UInt8], file: String, economy: Economy, round: Int) throws(JournalError) -> Memory {
            var reader = JournalFieldReader(file: file)
            guard let top = reader.document(bytes) else { throw JournalError(problems: reader.problems) }
            reader.checkKeys(top, allowed: ["format", "round", "note", "settings", "workersCouncils"])
            reader.format(top, CouncilSimulation.memoryFormat)
            if let found = reader.integer(top, "round"), found != round { reader.report("round", "expected \(round), found \(found)") }
            var settings = PlanningSettings()
            if let values = reader.object(top, "settings") {
                let keys = ["revisionRate", "maxRevisionRate", "revisionGrowth", "stepShrink"]
                let paths: [WritableKeyPath<PlanningSettings, Double>] = [\.revisionRate, \.maxRevisionRate, \.revisionGrowth, \.stepShrink]
                reader.checkKeys(values, "settings.", allowed: keys)
                for (key, path) in zip(keys, paths) {
                    if let x = reader.number(values, key, "settings.") { settings[keyPath: path] = x }
                }
            }
            var memory = Memory(economy: economy, settings: settings)
            if let councils = reader.object(top, "workersCouncils") {
                for (w, council) in economy.workersCouncils.enumerated() {
                    let prefix = "workersCouncils.\(council.id)."
                    guard let entry = reader.object(councils, council.id, "workersCouncils.") else { continue }
                    memory.activity[w] = reader.number(entry, "activity", prefix) ?? 0
                    memory.revisionRate[w] = reader.number(entry, "revisionRate", prefix) ?? 0
                    memory.lastRelativeSurplus[w] = reader.number(entry, "lastRelativeSurplus", prefix) ?? 0
                }
            }
            if !reader.problems.isEmpty { throw JournalError(problems: reader.problems) }
            return memory
        }
    }
}
