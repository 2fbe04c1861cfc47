import Foundation
import Testing
@testable import Parecon

/// Every kind of bad proposal is rejected with a message that names the file and the field, and
/// the rest of the round goes on; the registry says only what the board may know.
@Suite struct RoundProposalTests {
    static let registry = CouncilRegistry(economy: try! RoundFixture.economy("two-goods.json"))

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var text: String
        /// The field the problem names ("" for the file as a whole) and a piece of its message.
        var field: String
        var message: String
        var testDescription: String { name }
    }

    static let proposal = #""format": "parecon-proposal/1""#
    static let cases: [Case] = [
        Case(name: "unregistered council", file: "mill.json",
             text: #"{\#(proposal), "council": "mill", "round": 1, "outputs": {"bread": 1}}"#,
             field: "council", message: "council \"mill\" is not in the registry"),
        Case(name: "wrong round", file: "bakery.json",
             text: #"{\#(proposal), "council": "bakery", "round": 2, "outputs": {"bread": 1}}"#,
             field: "round", message: "the proposal is for round 2, but this is round 1's folder"),
        Case(name: "round not a whole number", file: "bakery.json",
             text: #"{\#(proposal), "council": "bakery", "round": 1.5, "outputs": {"bread": 1}}"#,
             field: "round", message: "expected a whole number, found 1.5"),
        Case(name: "round of the wrong type", file: "bakery.json",
             text: #"{\#(proposal), "council": "bakery", "round": "one", "outputs": {"bread": 1}}"#,
             field: "round", message: "expected a number, found a string"),
        Case(name: "malformed JSON", file: "bakery.json",
             text: "{\(proposal), \"council\": \"bakery\", \"round\": 1,\n \"outputs\": {\"bread\": 1,}}",
             field: "outputs", message: "malformed JSON at line 2, column 25"),
        Case(name: "not a JSON object", file: "bakery.json", text: "[1, 2]",
             field: "", message: "the document must be a JSON object, found an array"),
        Case(name: "empty file", file: "bakery.json", text: "",
             field: "", message: "malformed JSON at line 1, column 1: the file is empty"),
        Case(name: "NaN", file: "town.json",
             text: "{\(proposal), \"council\": \"town\", \"round\": 1,\n \"requests\": {\"bread\": NaN, \"cloth\": 1}}",
             field: "requests.bread", message: "malformed JSON at line 2, column 24"),
        Case(name: "infinite number", file: "town.json",
             text: #"{\#(proposal), "council": "town", "round": 1, "requests": {"bread": 1, "cloth": -1e999}}"#,
             field: "requests.cloth", message: "out of range"),
        Case(name: "negative quantity", file: "weavery.json",
             text: #"{\#(proposal), "council": "weavery", "round": 1, "outputs": {"cloth": 4}, "inputs": {"labour": -4}}"#,
             field: "inputs.labour", message: "negative quantity -4"),
        Case(name: "negative activity", file: "weavery.json",
             text: #"{\#(proposal), "council": "weavery", "round": 1, "activity": -1, "outputs": {"cloth": 4}}"#,
             field: "activity", message: "negative quantity -1"),
        Case(name: "unknown good", file: "weavery.json",
             text: #"{\#(proposal), "council": "weavery", "round": 1, "outputs": {"cloth": 4, "steel": 1}}"#,
             field: "outputs.steel", message: "unknown good \"steel\""),
        Case(name: "unknown input", file: "weavery.json",
             text: #"{\#(proposal), "council": "weavery", "round": 1, "outputs": {"cloth": 4}, "inputs": {"water": 1}}"#,
             field: "inputs.water", message: "unknown good or resource \"water\""),
        Case(name: "a resource as an output", file: "weavery.json",
             text: #"{\#(proposal), "council": "weavery", "round": 1, "outputs": {"labour": 4}}"#,
             field: "outputs.labour", message: "\"labour\" is a primary resource"),
        Case(name: "a resource as a request", file: "town.json",
             text: #"{\#(proposal), "council": "town", "round": 1, "requests": {"labour": 4}}"#,
             field: "requests.labour", message: "\"labour\" is a primary resource"),
        Case(name: "a quantity that is not a number", file: "town.json",
             text: #"{\#(proposal), "council": "town", "round": 1, "requests": {"bread": "10"}}"#,
             field: "requests.bread", message: "expected a number, found a string"),
        Case(name: "a good twice", file: "town.json",
             text: #"{\#(proposal), "council": "town", "round": 1, "requests": {"bread": 1, "bread": 2}}"#,
             field: "requests.bread", message: "appears more than once"),
        Case(name: "a field twice", file: "town.json",
             text: #"{\#(proposal), "council": "town", "round": 1, "round": 1, "requests": {"bread": 1}}"#,
             field: "round", message: "the field appears more than once"),
        Case(name: "wrong format", file: "town.json",
             text: #"{"format": "parecon-proposal/2", "council": "town", "round": 1, "requests": {"bread": 1}}"#,
             field: "format", message: "expected \"parecon-proposal/1\""),
        Case(name: "missing outputs", file: "bakery.json",
             text: #"{\#(proposal), "council": "bakery", "round": 1, "inputs": {"labour": 1}}"#,
             field: "outputs", message: "missing; expected an object"),
        Case(name: "missing council", file: "bakery.json",
             text: #"{\#(proposal), "round": 1, "outputs": {"bread": 1}}"#,
             field: "council", message: "missing; expected a string"),
        Case(name: "outputs from a consumers' council", file: "town.json",
             text: #"{\#(proposal), "council": "town", "round": 1, "requests": {"bread": 1}, "outputs": {"bread": 1}}"#,
             field: "outputs", message: "\"town\" is a consumers' council: it proposes requests, not outputs"),
        Case(name: "requests from a workers' council", file: "bakery.json",
             text: #"{\#(proposal), "council": "bakery", "round": 1, "outputs": {"bread": 1}, "requests": {"cloth": 1}}"#,
             field: "requests", message: "\"bakery\" is a workers' council"),
        Case(name: "unknown field", file: "bakery.json",
             text: #"{\#(proposal), "council": "bakery", "round": 1, "outputs": {"bread": 1}, "price": 3}"#,
             field: "price", message: "unknown field"),
        Case(name: "a file named for another council", file: "weavery.json",
             text: #"{\#(proposal), "council": "bakery", "round": 1, "outputs": {"bread": 1}}"#,
             field: "council", message: "the file is named for council \"weavery\" but the proposal is from \"bakery\""),
        Case(name: "not a .json file", file: "notes.txt", text: "hello",
             field: "", message: "a proposal file's name ends in .json"),
        Case(name: "local response without activity", file: "bakery.json",
             text: #"{\#(proposal), "council": "bakery", "round": 1, "outputs": {"bread": 1}, "localResponse": {"activitySlope": 30}}"#,
             field: "localResponse.activitySlope", message: "a local response needs the proposal's activity"),
        Case(name: "demand rising with its price", file: "town.json",
             text: #"{\#(proposal), "council": "town", "round": 1, "requests": {"bread": 1}, "localResponse": {"demandSlopes": {"bread": 2}}}"#,
             field: "localResponse.demandSlopes.bread", message: "cannot rise with its own price"),
        Case(name: "unknown local response field", file: "town.json",
             text: #"{\#(proposal), "council": "town", "round": 1, "requests": {"bread": 1}, "localResponse": {"hessian": 1}}"#,
             field: "localResponse.hessian", message: "unknown field"),
    ]

    @Test(arguments: cases)
    func aBadProposalIsRejectedNamingTheFileAndTheField(_ badCase: Case) {
        let path = "rounds/0001/proposals/" + badCase.file
        let check = ProposalCheck(bytes: Array(badCase.text.utf8), file: path, registry: Self.registry, round: 1)
        #expect(check.proposal == nil)
        #expect(check.problems.contains { $0.file == path && $0.field == badCase.field && $0.message.contains(badCase.message) },
                "\(check.problems)")
    }

    @Test func validProposalsAreRead() {
        let worker = ProposalCheck(bytes: Array(#"{"format": "parecon-proposal/1", "council": "bakery", "round": 1, "activity": 2, "outputs": {"bread": 2}, "inputs": {"labour": 2}, "localResponse": {"activitySlope": 30}}"#.utf8),
                                   file: "rounds/0001/proposals/bakery.json", registry: Self.registry, round: 1)
        #expect(worker.problems.isEmpty)
        #expect(worker.proposal == Proposal(council: "bakery", round: 1,
                                            content: .workers(activity: 2, outputs: [Quantity("bread", 2)], inputs: [Quantity("labour", 2)]),
                                            localResponse: .workers(activitySlope: 30)))
        // A second file of a council may have any name; an idle council proposes nothing.
        let idle = ProposalCheck(bytes: Array(#"{"format": "parecon-proposal/1", "council": "weavery", "round": 1, "outputs": {}}"#.utf8),
                                 file: "rounds/0001/proposals/weavery.retry.json", registry: Self.registry, round: 1)
        #expect(idle.problems.isEmpty && idle.council == "weavery")
    }

    /// Simulated councils that add their local response pass the checks, and a consumers'
    /// council's reported slope `∂d_i/∂p_i` is the derivative of its demand (central difference).
    @Test func localResponsesPassTheChecksAndAreDerivatives() throws {
        let economy = try RoundFixture.economy("ces-households.json")
        let journal = try RoundFixture.open(economy)
        defer { RoundFixture.remove(journal.folder) }
        _ = try CouncilSimulation(economy: economy, localResponse: true).respond(journal: journal)
        let report = try journal.close().report
        #expect(report.rejectedCount == 0 && report.submittedCount == economy.workersCouncilCount + economy.consumersCouncilCount)
        let round2 = try journal.prices(round: 2).prices
        _ = try CouncilSimulation(economy: economy, localResponse: true).respond(journal: journal)
        for (c, council) in economy.consumersCouncils.enumerated() {
            let bytes = try journal.files.read("rounds/0002/proposals/\(council.id).json")
            let check = ProposalCheck(bytes: bytes, file: "rounds/0002/proposals/\(council.id).json", registry: journal.registry, round: 2)
            guard case let .consumers(slopes, _)? = check.proposal?.localResponse else {
                Issue.record("\(council.id): no local response")
                continue
            }
            for slope in slopes {
                let i = economy.goodIndex[slope.id]!
                let h = 1e-6 * round2[i]
                var up = round2, down = round2
                up[i] += h
                down[i] -= h
                let numeric = (economy.demand(of: council, at: up)[i] - economy.demand(of: council, at: down)[i]) / (2 * h)
                #expect(abs(slope.amount - numeric) <= 1e-6 * abs(numeric), "consumers' council \(c) \(slope.id)")
            }
        }
    }

    /// Bad files among good ones in a real round: each is rejected with its file and field, a
    /// council's second valid proposal too; the round closes on the valid ones; no submitted file
    /// is changed or removed.
    @Test func theRestOfTheRoundGoesOn() throws {
        let economy = try RoundFixture.economy("two-goods.json")
        let journal = try RoundFixture.open(economy)
        defer { RoundFixture.remove(journal.folder) }
        _ = try CouncilSimulation(economy: economy).respond(journal: journal)
        let folder = journal.folder + "/rounds/0001/proposals/"
        for badCase in Self.cases where !["bakery.json", "weavery.json", "town.json"].contains(badCase.file) {
            RoundFixture.write(badCase.text, to: folder + badCase.file)
        }
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "bakery", "round": 1, "outputs": {"bread": 5}, "inputs": {"labour": 5}}"#,
                           to: folder + "bakery.2.json")
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "town", "round": 1, "requests": {"bread": NaN}}"#,
                           to: folder + "town.2.json")
        try FileManager.default.createDirectory(atPath: folder + "drafts", withIntermediateDirectories: false)
        let before = RoundFixture.tree(folder)

        let (_, preview, isClosed) = try journal.status()
        #expect(!isClosed && preview.submittedCount == 3)
        let outcome = try journal.close()
        let report = outcome.report
        #expect(outcome.action == .closed && !report.converged)
        #expect(try journal.state() == .open(round: 2))
        #expect(report.submittedCount == 3)
        let rejected = Dictionary(uniqueKeysWithValues: report.submissions.filter { !$0.isValid }.map { ($0.file, $0.problems) })
        #expect(rejected.keys.sorted() == ["bakery.2.json", "drafts", "mill.json", "notes.txt", "town.2.json"].map { "rounds/0001/proposals/" + $0 })
        #expect(rejected["rounds/0001/proposals/bakery.2.json"] == [
            "field council: council \"bakery\" already has a valid proposal in this round (rounds/0001/proposals/bakery.json); a second proposal is rejected"])
        #expect(rejected["rounds/0001/proposals/town.2.json"]![0].hasPrefix("field requests.bread: malformed JSON at line 1, column 87"))
        #expect(rejected["rounds/0001/proposals/drafts"] == ["a folder, not a proposal file"])
        // The valid ones are the simulated councils', at round 1's prices: nothing produced yet.
        #expect(report.consumersCouncils[0].source == .submitted(file: "rounds/0001/proposals/town.json"))
        #expect(report.goods.map(\.demand) == [60, 60])
        #expect(RoundFixture.tree(folder) == before)
    }

    /// `plans/rounds-example/`: the registries are what `parecon round registry` derives from the
    /// economies, and the example proposals are valid round-2 proposals with the verdicts the
    /// README states.
    @Test func theExampleFilesAreValid() throws {
        let folder = RoundFixture.plans.appendingPathComponent("rounds-example")
        func bytes(_ name: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)!) }
        #expect(try CouncilRegistry.decode(bytes("registry.json"), file: "registry.json") == Self.registry)
        #expect(journalBytes(Self.registry.jsonDocument()) == bytes("registry.json"))
        let leontief = CouncilRegistry(economy: try RoundFixture.economy("leontief.json"))
        #expect(try CouncilRegistry.decode(bytes("registry-leontief.json"), file: "registry-leontief.json") == leontief)
        for name in ["bakery", "town"] {
            let check = ProposalCheck(bytes: bytes("proposals/\(name).json"), file: "rounds/0002/proposals/\(name).json",
                                      registry: Self.registry, round: 2)
            #expect(check.problems.isEmpty && check.proposal != nil, "\(check.problems)")
        }
        // Round 2's prices: bread 1.12, cloth 1.12, labour 0.88.
        let closing = RoundClosing(
            registry: Self.registry, settings: PlanningSettings(board: .tatonnement), round: 2,
            prices: PricesFile(round: 2, prices: [1.12, 1.12], resourcePrices: [0.88]),
            board: BoardFile(round: 2, memory: BoardMemory(board: .tatonnement, goods: 2, resources: 1, settings: PlanningSettings())), previous: nil,
            submitted: ["bakery", "town"].map { .init(file: "rounds/0002/proposals/\($0).json", bytes: bytes("proposals/\($0).json")) })
        let report = try closing.close().report
        #expect(report.workersCouncils[0].verdict == .accepted && abs(report.workersCouncils[0].ratio! - 1.12 / 0.88) < 1e-12)
        #expect(report.consumersCouncils[0].verdict == .accepted && abs(report.consumersCouncils[0].spending - 120) < 1e-12)
    }

    @Test func theRegistryKeepsTechnologiesAndPreferencesOut() throws {
        let registry = Self.registry
        #expect(registry.workersCouncils.map(\.id) == ["bakery", "weavery"] && !registry.hasConstantReturns)
        #expect(registry.consumersCouncils == [CouncilRegistry.ConsumersCouncil(id: "town", allowance: 120)])
        let text = registry.jsonDocument().serialized()
        #expect(!text.contains("elasticity") && !text.contains("cobbDouglas") && !text.contains("capacity"))
        #expect(try CouncilRegistry.decode(Array(text.utf8), file: "registry.json") == registry)
        let leontief = CouncilRegistry(economy: try RoundFixture.economy("leontief.json"))
        #expect(leontief.hasConstantReturns && leontief.workersCouncils.allSatisfy(\.constantReturns))

        let bad = """
            {"format": "parecon-registry/1", "goods": [{"id": "bread"}, {"id": "bread"}],
             "resources": [{"id": "labour", "available": 0}],
             "workersCouncils": [{"id": "bakery", "produces": {"bread": 1}}, {"id": "../mill"}],
             "consumersCouncils": [{"id": "town", "allowance": -5, "preferences": {}}]}
            """
        #expect {
            try CouncilRegistry.decode(Array(bad.utf8), file: "registry.json")
        } throws: { error in
            let text = "\(error)"
            return text.contains("workersCouncils[0].produces: a council's technology is private")
                && text.contains("consumersCouncils[0].preferences: a council's preferences are private")
        }
        let badValues = """
            {"format": "parecon-registry/1", "goods": [{"id": "bread"}, {"id": "bread"}],
             "resources": [{"id": "labour", "available": 0}],
             "workersCouncils": [{"id": "mills\\u0000north"}, {"id": ".mill"}], "consumersCouncils": [{"id": "town", "allowance": -5}]}
            """
        #expect {
            try CouncilRegistry.decode(Array(badValues.utf8), file: "registry.json")
        } throws: { error in
            let text = "\(error)"
            return text.contains("goods[1].id: id \"bread\" is already used")
                && text.contains("resources[0].available: must be a positive finite number, found 0")
                && text.contains("workersCouncils[0].id: council id \"mills\u{0}north\" cannot contain NUL")
                && text.contains("workersCouncils[1].id: council id \".mill\" cannot begin with \".\"")
                && text.contains("consumersCouncils[0].allowance: must be a positive finite number, found -5")
        }
    }
}

/// A council id names its proposal file: `%` and `/` are written `%25` and `%2F`, and read back.
@Suite struct ProposalFileNameTests {
    @Test(arguments: [("weavery", "weavery"), ("111CA/w1", "111CA%2Fw1"), ("50%/north", "50%25%2Fnorth"),
                      ("%2F", "%252F"), ("a/%25/b", "a%2F%2525%2Fb")])
    func anIdAndItsFileNameGoBothWays(_ id: String, _ name: String) {
        #expect(CouncilRegistry.proposalFileName(id) == name)
        #expect(CouncilRegistry.councilID(fileName: name) == id)
        #expect(!name.contains("/"))
    }
}
