import Foundation
import Testing
@testable import Parecon

/// The accelerated and second-order boards from a journal (`round open --board`): the same plan
/// as the round loop, closes that are pure functions of the journal's files, and board memory that
/// passes through `board.json` bit for bit.
@Suite struct RoundJournalBoardTests {
    /// Opens a journal of `economy` with `board` and runs respond/close until round `round` is
    /// open and its simulated proposals are in place.
    static func journal(_ economy: Economy, board: BoardKind, atRound round: Int, durable: Bool = true) throws -> RoundJournal {
        let journal = try RoundFixture.open(economy, durable: durable, settings: PlanningSettings(board: board))
        let councils = CouncilSimulation(economy: economy)
        _ = try councils.respond(journal: journal)
        while try journal.state() != .open(round: round) {
            _ = try journal.close()
            _ = try councils.respond(journal: journal)
        }
        return journal
    }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

    /// Open, respond, close until the plan converges: the same plan as `parecon plan` with the same
    /// board, in the same number of rounds. The journal's board runs the round loop's own move on
    /// the same numbers up to rounding: its totals are added council by council from the files,
    /// a Cobb–Douglas council's spending is `d_i p_i` rather than `B α_i`, a CES council's demand
    /// is recovered through `pow`, and a workers' council's row is its quantities over its
    /// activity. Those differ from the round loop's by a few units in the last place; the
    /// tolerance 1e-10 leaves room for their growth over a few dozen rounds and is four orders of
    /// magnitude below the plan's tolerance (1e-6), so a board that moved the prices differently
    /// in any round would fail it.
    /// (Leontief's constant-returns councils with the accelerated board too; for the second-order
    /// board on it see the next test.)
    @Test(arguments: [(BoardKind.accelerated, "two-goods.json"), (.accelerated, "ces-households.json"), (.accelerated, "leontief.json"),
                      (.newton, "two-goods.json"), (.newton, "ces-households.json")])
    func theCycleReachesTheRoundLoopsPlan(_ board: BoardKind, _ name: String) throws {
        try Self.cycleReachesTheRoundLoopsPlan(try RoundFixture.economy(name), board: board, name: name)
    }

    /// The same on a calibrated economy, whose councils at a bound report their window responses
    /// (the round loop's board computes them from `V` and its last move, `T_w · ΔP`; the journal's
    /// councils from their surpluses at this round's and the last round's prices, `π − π_prev`).
    /// The two round differently where the move is small — measured 4.2e-10 on one price; within
    /// 1e-10 with the windows switched off — so the tolerance is 1e-9 here, still three orders of
    /// magnitude below the plan's. The round loop's board runs without its ramp steps
    /// (``NewtonWorkspace/takesRampSteps``): they need the councils' elasticities and capacities,
    /// which a journal's councils do not report (with them the two plans differ by up to 1e-7).
    @Test func aCalibratedNewtonJournalReachesTheRoundLoopsPlan() throws {
        // Its councils are named "A/w1" …: their proposal files "A%2Fw1.json" ….
        let economy = try CalibratedEconomy(table: try CalibratedEconomyTests.importingTable(), workersCouncilsPerSector: 8,
                                            consumersCouncils: 5, heterogeneity: 0.3, seed: 2).generate()
        #expect(economy.workersCouncils[0].id == "A/w1")
        try Self.cycleReachesTheRoundLoopsPlan(economy, board: .newton, name: "calibrated", tolerance: 1e-9, rampSteps: false)
    }

    static func cycleReachesTheRoundLoopsPlan(_ economy: Economy, board: BoardKind, name: String, tolerance: Double = 1e-10,
                                              rampSteps: Bool = true) throws {
        let settings = PlanningSettings(board: board)
        var plan = try ParticipatoryPlanner(settings: settings).plan(economy)
        if !rampSteps {
            let rounds = try PlanningRounds(economy: economy, settings: settings)
            rounds.newtonWorkspace?.takesRampSteps = false
            rounds.collectProposals()
            while !rounds.isConverged && rounds.round < settings.maxRounds {
                rounds.movePrices()
                rounds.collectProposals()
            }
            plan = rounds.plan(status: rounds.isConverged ? .converged : .maxRounds, seconds: 0, history: [])
        }
        #expect(plan.status == .converged)
        let journal = try RoundFixture.open(economy, durable: false, settings: settings)
        defer { RoundFixture.remove(journal.folder) }
        let report = try RoundFixture.cycleUntilConverged(journal, economy: economy)
        #expect(report.converged)
        #expect(report.round == plan.rounds, "\(board) \(name)")
        for (a, b) in zip(report.prices + report.resourcePrices, plan.prices + plan.resourcePrices) {
            #expect(Self.relative(a, b) <= tolerance, "\(board) \(name): \(a) against \(b)")
        }
        for (w, standing) in report.workersCouncils.enumerated() {
            #expect(abs(standing.activity! - plan.activity[w]) <= tolerance * max(1, plan.activity[w]), "\(standing.id)")
        }
        for (c, standing) in report.consumersCouncils.enumerated() {
            for request in standing.requests {
                let i = economy.goodIndex[request.id]!
                #expect(Self.relative(request.amount, plan.consumption[c, i]) <= tolerance, "\(standing.id) \(request.id)")
            }
        }
        #expect(report.maxImbalance <= settings.tolerance)
    }

    /// The second-order board on constant returns: an idle constant-returns council reports its
    /// slope, but its proposal (all quantities 0) does not tell the board its row of `V`, so the
    /// journal's Jacobian leaves it out where the round loop's has it (from round 1 on, when every
    /// council starts idle). The journal then takes another path (measured: 78 rounds on Leontief
    /// against the round loop's 124) to the same plan: both meet the tolerance 1e-6, so their prices
    /// (labour values) agree to about that (measured 1.3e-6).
    @Test func onConstantReturnsTheNewtonJournalReachesTheSamePlanByAnotherPath() throws {
        let economy = try RoundFixture.economy("leontief.json")
        let settings = PlanningSettings(board: .newton)
        let plan = try ParticipatoryPlanner(settings: settings).plan(economy)
        let journal = try RoundFixture.open(economy, durable: false, settings: settings)
        defer { RoundFixture.remove(journal.folder) }
        let report = try RoundFixture.cycleUntilConverged(journal, economy: economy)
        #expect(plan.status == .converged && report.converged)
        for (a, b) in zip(report.prices + report.resourcePrices, plan.prices + plan.resourcePrices) {
            #expect(Self.relative(a, b) <= 1e-5, "\(a) against \(b)")
        }
        // Labour values with the mechanised technique (plans/README.md): food 2, steel 4, cloth 1.8 per unit of labour's price.
        let q = report.resourcePrices[0]
        for (price, value) in zip(report.prices, [2.0, 4.0, 1.8]) { #expect(abs(price / q - value) <= 1e-5) }
    }

    /// A close stopped after any step of any of its writes and run again gives exactly the bytes
    /// of an uninterrupted close, for each board, at a round where the board's memory is not
    /// trivial (the accelerated board has begun mixing; the second-order board has adapted its
    /// damping). Closing the same files in another folder gives the same bytes too.
    @Test(arguments: [(BoardKind.accelerated, 9), (.newton, 4)])
    func aCloseKilledAtAnyStepAndRunAgainGivesTheUninterruptedBytes(_ board: BoardKind, _ round: Int) throws {
        let base = try Self.journal(try RoundFixture.economy("two-goods.json"), board: board, atRound: round).folder
        let reference = RoundFixture.copy(base), twin = RoundFixture.copy(base)
        defer { RoundFixture.remove(base, reference, twin) }
        #expect(try RoundJournal(folder: reference).close().written.count == 3)
        let expected = RoundFixture.tree(reference)
        _ = try RoundJournal(folder: twin).close()
        #expect(RoundFixture.tree(twin) == expected)
        let memory = try RoundJournal(folder: reference).closing(round: round + 1).board.memory
        switch board {
        case .accelerated: #expect(memory.anderson!.filled > 0 && memory.anderson!.bestMerit.isFinite)
        case .newton: #expect(memory.newton!.damping != PlanningSettings.Defaults.initialDamping && memory.newton!.lastMerit.isFinite)
        case .tatonnement: break
        }
        for step in 1...6 {
            let folder = RoundFixture.copy(base)
            defer { RoundFixture.remove(folder) }
            let journal = try RoundJournal(folder: folder)
            journal.files.afterStep = { if $0 == step { throw Killed() } }
            #expect(throws: JournalError.self) { try journal.close() }
            #expect(try RoundJournal(folder: folder).state() == .open(round: step < 6 ? round : round + 1), "killed after step \(step)")
            if step < 6 {
                #expect(try RoundJournal(folder: folder).close().action == .closed)
            }
            #expect(try RoundJournal(folder: folder).close(round: round).action == .alreadyClosed)
            #expect(RoundFixture.tree(folder) == expected, "\(board): killed after step \(step)")
        }
    }

    /// The board memory a close computes reads back from its `board.json` equal, and every double
    /// bit for bit — also awkward ones (negative zero, subnormals, the largest double, an infinite
    /// measure written as null).
    @Test func boardMemoryPassesThroughTheFileBitForBit() throws {
        let economy = try RoundFixture.economy("two-goods.json")
        let registry = CouncilRegistry(economy: economy)
        func bits(_ memory: BoardMemory) -> [UInt64] {
            let t = memory.tatonnement
            var values = t.steps + t.lastRelativeExcess + (t.previousNetSupply ?? []) + (t.previousResourceUse ?? [])
            if let a = memory.anderson {
                values += (a.lastPrices ?? []) + (a.lastStep ?? []) + a.priceDifferences.flatMap { $0 } + a.stepDifferences.flatMap { $0 } + [a.bestMerit]
                    + [a.progressMerit, Double(a.lastCooldown), a.phaseStartMerit]
            }
            if let n = memory.newton {
                values += [n.damping, n.lastMerit, n.bestMerit, Double(n.stagnantRounds), n.lastNorm] + (n.predictedNorm.map { [$0] } ?? []) + (n.lastChange ?? [])
            }
            return values.map(\.bitPattern)
        }
        func roundTrip(_ file: BoardFile, _ settings: PlanningSettings) throws -> BoardFile {
            try BoardFile.decode(journalBytes(file.jsonDocument(registry)), file: "b", registry: registry, round: file.round, settings: settings)
        }
        for (board, round) in [(BoardKind.accelerated, 9), (.newton, 4)] {
            let journal = try Self.journal(economy, board: board, atRound: round, durable: false)
            defer { RoundFixture.remove(journal.folder) }
            let first = try journal.closing(round: 1).board
            let next = try journal.closing(round: round).close().nextBoard!
            for file in [first, next] {
                let back = try roundTrip(file, journal.settings)
                #expect(back == file && bits(back.memory) == bits(file.memory))
            }
            #expect(first.memory.anderson?.bestMerit ?? first.memory.newton!.lastMerit == .infinity)
            if board == .newton {
                #expect(first.memory.newton!.lastChange == nil && next.memory.newton!.lastChange?.count == 3)
                #expect(first.memory.newton!.predictedNorm == nil && first.memory.newton!.lastNorm == .infinity)
                #expect(next.memory.newton!.predictedNorm != nil && next.memory.newton!.lastNorm.isFinite)
            }
        }
        let awkward: [Double] = [-0.0, 5e-324, 2.2250738585072014e-308, .greatestFiniteMagnitude, 0.1 + 0.2, 1 / 3.0, -1e-300]
        let settings = PlanningSettings(board: .accelerated, andersonMemory: 2)
        var memory = BoardMemory(board: .accelerated, goods: 2, resources: 1, settings: settings)
        memory.tatonnement.lastRelativeExcess = Array(awkward[0..<3])
        memory.tatonnement.previousNetSupply = Array(awkward[3..<5])
        memory.tatonnement.previousResourceUse = [awkward[5]]
        memory.anderson!.filled = 2
        memory.anderson!.lastPrices = Array(awkward[4..<7])
        memory.anderson!.lastStep = Array(awkward[0..<3])
        memory.anderson!.priceDifferences = [Array(awkward[0..<3]), Array(awkward[3..<6])]
        memory.anderson!.stepDifferences = [Array(awkward[1..<4]), Array(awkward[4..<7])]
        memory.anderson!.bestMerit = 5e-324
        memory.anderson!.progressMerit = 2.2250738585072014e-308
        memory.anderson!.lastCooldown = 40
        memory.anderson!.phaseStartMerit = 0.1 + 0.2
        let file = BoardFile(round: 7, memory: memory)
        let back = try roundTrip(file, settings)
        #expect(back == file && bits(back.memory) == bits(file.memory))
        #expect(back.memory.anderson!.lastCooldown == 40 && back.memory.anderson!.phaseStartMerit == 0.1 + 0.2)
        #expect(back.memory.tatonnement.lastRelativeExcess[0].sign == .minus)

        let newtonSettings = PlanningSettings(board: .newton)
        var newton = BoardMemory(board: .newton, goods: 2, resources: 1, settings: newtonSettings)
        newton.newton!.bestMerit = 5e-324
        newton.newton!.stagnantRounds = 17
        newton.newton!.lastChange = Array(awkward[0..<3])
        newton.newton!.lastNorm = 2.2250738585072014e-308
        newton.newton!.predictedNorm = 0.1 + 0.2
        let newtonFile = BoardFile(round: 7, memory: newton)
        let newtonBack = try roundTrip(newtonFile, newtonSettings)
        #expect(newtonBack == newtonFile && bits(newtonBack.memory) == bits(newtonFile.memory))
        #expect(newtonBack.memory.newton!.stagnantRounds == 17 && newtonBack.memory.newton!.predictedNorm == 0.1 + 0.2)
    }

    /// Damaged `journal.json` and `board.json` content is refused, naming the file and the field.
    @Test(arguments: [
        (#"{"format": "parecon-journal/1", "board": "simplex", "settings": {}}"#, "journal.json, field board: unknown board \"simplex\""),
        (#"{"format": "parecon-journal/1", "board": "accelerated", "settings": {"andersonMemory": 0}}"#,
         "journal.json, field settings.andersonMemory: andersonMemory must be at least 1"),
        (#"{"format": "parecon-journal/1", "board": "accelerated", "settings": {"andersonMemory": 2.5}}"#,
         "journal.json, field settings.andersonMemory: expected a whole number"),
        (#"{"format": "parecon-journal/1", "board": "tatonnement", "settings": {"maxTrustRadius": 4}}"#,
         "journal.json, field settings.maxTrustRadius: not a setting of the tatonnement board"),
        (#"{"format": "parecon-journal/1", "board": "newton", "settings": {"initialDamping": -1}}"#,
         "journal.json, field settings.initialDamping: initialDamping must be a positive finite number"),
    ])
    func aDamagedJournalFileIsRefused(_ text: String, _ message: String) throws {
        let journal = try RoundFixture.open(try RoundFixture.economy("two-goods.json"), settings: PlanningSettings(board: .newton))
        defer { RoundFixture.remove(journal.folder) }
        RoundFixture.write(text, to: journal.folder + "/journal.json")
        #expect { try RoundJournal(folder: journal.folder) } throws: { "\($0)".contains(message) }
    }

    @Test(arguments: [
        (BoardKind.newton, #""board": "newton""#, #""board": "accelerated""#,
         "rounds/0002/board.json, field board: expected \"newton\" (the board of journal.json), found \"accelerated\""),
        (.newton, #""damping": "#, #""damping": -"#, "rounds/0002/board.json, field newton.damping: must be greater than 0"),
        (.newton, #""lastMerit": "#, #""lastMerit": -"#, "rounds/0002/board.json, field newton.lastMerit: a convergence measure cannot be negative"),
        (.newton, #""fallbacks": 0"#, #""fallbacks": 0.5"#, "rounds/0002/board.json, field newton.fallbacks: expected a whole number"),
        (.newton, #""predictedNorm": "#, #""predictedNorm": -"#,
         "rounds/0002/board.json, field newton.predictedNorm: a convergence measure cannot be negative"),
        (.newton, #""lastNorm": "#, #""lastNorm": "x", "unused": "#, "rounds/0002/board.json, field newton.lastNorm: expected a number, found a string"),
        (.newton, #""newton": {"#, #""anderson": {"#, "rounds/0002/board.json, field anderson: the journal's board is newton"),
        (.newton, #""lastChange": {"#, #""lastChange": {"tin": 1, "#, "rounds/0002/board.json, field newton.lastChange.tin: unknown id"),
        (.accelerated, #""filled": 0"#, #""filled": 9"#, "rounds/0002/board.json, field anderson.filled: at most 3"),
        (.accelerated, #""columns": 3"#, #""columns": 5"#, "rounds/0002/board.json, field anderson.columns: expected 3"),
        (.accelerated, #""priceDifferences": []"#, #""priceDifferences": [{"bread": 1}]"#,
         "rounds/0002/board.json, field anderson.priceDifferences: expected 0 columns (filled), found 1"),
        (.accelerated, #""bestMerit": "#, #""bestMerit": "x", "unused": "#, "rounds/0002/board.json, field anderson.bestMerit: expected a number, found a string"),
        (.accelerated, #""steps": {"#, #""steps": {"tin": 1, "#, "rounds/0002/board.json, field steps.tin: unknown id"),
    ])
    func aDamagedBoardFileIsRefused(_ board: BoardKind, _ find: String, _ replace: String, _ message: String) throws {
        let economy = try RoundFixture.economy("two-goods.json")
        let journal = try Self.journal(economy, board: board, atRound: 2)
        defer { RoundFixture.remove(journal.folder) }
        let path = journal.folder + "/rounds/0002/board.json"
        let text = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
        #expect(text.contains(find), "\(text)")
        RoundFixture.write(text.replacingOccurrences(of: find, with: replace), to: path)
        #expect { try RoundJournal(folder: journal.folder).close() } throws: { "\($0)".contains(message) }
    }

    /// In a newton journal a proposal without its local response is rejected — the board would
    /// otherwise build its Jacobian without that council — and the council counts as not having
    /// submitted: its last proposal stands (carried forward, with no fresh response) and the
    /// round cannot converge.
    @Test func aNewtonJournalRejectsAProposalWithoutItsLocalResponse() throws {
        let economy = try RoundFixture.economy("two-goods.json")
        let journal = try Self.journal(economy, board: .newton, atRound: 2)
        defer { RoundFixture.remove(journal.folder) }
        let folder = journal.folder + "/rounds/0002/proposals/"
        try FileManager.default.removeItem(atPath: folder + "bakery.json")
        try FileManager.default.removeItem(atPath: folder + "town.json")
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "bakery", "round": 2, "activity": 3, "outputs": {"bread": 3}, "inputs": {"labour": 3}}"#,
                           to: folder + "bakery.json")
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "town", "round": 2, "requests": {"bread": 50, "cloth": 40}, "localResponse": {"demandSlopes": {"bread": -1, "cloth": -1}}}"#,
                           to: folder + "town.json")
        let report = try journal.close().report
        let problems = report.submissions.flatMap(\.problems).map(\.description)
        #expect(problems.contains { $0.hasPrefix("field localResponse: missing; the journal's board is newton") })
        #expect(problems.contains { $0.hasPrefix("field localResponse.substitutionElasticity: missing") })
        #expect(report.workersCouncils[0].source == .carriedForward(round: 1))
        #expect(report.consumersCouncils[0].source == .carriedForward(round: 1))
        #expect(!report.converged)
    }
}
