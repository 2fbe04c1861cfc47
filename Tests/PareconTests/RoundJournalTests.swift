import Foundation
import Testing
@testable import Parecon

/// Scratch journals and plain file helpers for the round journal's tests.
enum RoundFixture {
    static let plans = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("plans")

    static func economy(_ name: String) throws -> Economy {
        try EconomyFile.load(path: plans.appendingPathComponent(name).path)
    }

    /// Scratch journals live in memory (`/dev/shm`) where there is such a folder: a journal is
    /// many small files, and creating them on a disk file system costs most of a test's time.
    static let scratchRoot: URL = {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
           FileManager.default.isWritableFile(atPath: "/dev/shm") {
            return URL(fileURLWithPath: "/dev/shm")
        }
        return FileManager.default.temporaryDirectory
    }()

    /// A new, empty folder of its own.
    static func scratch() -> String {
        let url = scratchRoot.appendingPathComponent("parecon-rounds-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Cycles of the simulated councils' proposals and the board's close until the plan converges
    /// (or 1000 rounds); returns the last close's report.
    static func cycleUntilConverged(_ journal: RoundJournal, economy: Economy) throws -> RoundReport {
        let councils = CouncilSimulation(economy: economy)
        var report: RoundReport
        repeat {
            _ = try councils.respond(journal: journal)
            report = try journal.close().report
        } while !report.converged && report.round < 1000
        return report
    }

    static func remove(_ folders: String...) {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// Every file under `folder` (relative path → bytes), the journal's lock excepted.
    static func tree(_ folder: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)!
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = folder + "/" + relative
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if !isDirectory.boolValue && relative != ".lock" { files[relative] = [UInt8](FileManager.default.contents(atPath: path)!) }
        }
        return files
    }

    /// A copy of a journal in a new folder.
    static func copy(_ folder: String) -> String {
        let target = scratch()
        try? FileManager.default.removeItem(atPath: target)
        try! FileManager.default.copyItem(atPath: folder, toPath: target)
        return target
    }

    static func write(_ text: String, to path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    /// A journal of `economy` opened in a new folder (the tatonnement board at its defaults).
    static func open(_ economy: Economy, durable: Bool = true, settings: PlanningSettings = PlanningSettings(board: .tatonnement)) throws -> RoundJournal {
        try RoundJournal.open(registry: CouncilRegistry(economy: economy), settings: settings,
                              files: JournalFileSystem(root: scratch(), durable: durable)).0
    }

    /// Two-goods with round 1 closed and round 2's simulated proposals in place, plus one
    /// rejected file: the state a close starts from.
    static func twoGoodsAtRoundTwo() throws -> String {
        let economy = try economy("two-goods.json")
        let journal = try open(economy)
        let councils = CouncilSimulation(economy: economy)
        _ = try councils.respond(journal: journal)
        _ = try journal.close()
        _ = try councils.respond(journal: journal)
        write(#"{"format": "parecon-proposal/1", "council": "mill", "round": 2, "outputs": {"bread": 1}}"#,
              to: journal.folder + "/rounds/0002/proposals/mill.json")
        return journal.folder
    }
}

struct Killed: Error {}

@Suite struct RoundJournalTests {
    /// Open, respond, close until the plan converges: the same plan as `parecon plan` with the
    /// tatonnement board, in the same number of rounds. Two-goods' sums are exact (one producer
    /// per good, one consumers' council), so its prices are the round loop's bit for bit;
    /// Leontief's differ in the last bits (a council that uses the good it makes, two councils'
    /// demands added one by one rather than aggregated).
    @Test(arguments: ["two-goods.json", "leontief.json"])
    func theCycleReachesTheRoundLoopsPlan(_ name: String) throws {
        let economy = try RoundFixture.economy(name)
        let settings = PlanningSettings(board: .tatonnement)
        let plan = try ParticipatoryPlanner(settings: settings).plan(economy)
        let journal = try RoundFixture.open(economy, durable: false, settings: settings)
        defer { RoundFixture.remove(journal.folder) }
        let report = try RoundFixture.cycleUntilConverged(journal, economy: economy)
        #expect(report.converged)
        #expect(report.round == plan.rounds)
        #expect(try journal.state() == .finished(round: report.round))

        func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }
        if name == "two-goods.json" {
            #expect(report.prices == plan.prices)
            #expect(report.resourcePrices == plan.resourcePrices)
        }
        for (a, b) in zip(report.prices + report.resourcePrices, plan.prices + plan.resourcePrices) { #expect(relative(a, b) <= 1e-12) }
        for (w, standing) in report.workersCouncils.enumerated() {
            #expect(abs(standing.activity! - plan.activity[w]) <= 1e-9 * max(1, plan.activity[w]), "\(standing.id)")
        }
        for (c, standing) in report.consumersCouncils.enumerated() {
            for request in standing.requests {
                let i = economy.goodIndex[request.id]!
                #expect(relative(request.amount, plan.consumption[c, i]) <= 1e-12, "\(standing.id) \(request.id)")
            }
        }
        #expect(report.maxImbalance <= settings.tolerance)
    }

    /// A close stopped after any step of any of its writes (a temporary file written, or renamed
    /// into place) leaves the round open until the last rename, and running it again gives
    /// exactly the bytes of a close that was never interrupted.
    @Test func aCloseKilledAtAnyStepAndRunAgainGivesTheUninterruptedBytes() throws {
        let base = try RoundFixture.twoGoodsAtRoundTwo()
        let reference = RoundFixture.copy(base)
        defer { RoundFixture.remove(base, reference) }
        #expect(try RoundJournal(folder: reference).close().written.count == 3)
        let expected = RoundFixture.tree(reference)
        // Three files, two steps each.
        for step in 1...6 {
            let folder = RoundFixture.copy(base)
            defer { RoundFixture.remove(folder) }
            let journal = try RoundJournal(folder: folder)
            journal.files.afterStep = { if $0 == step { throw Killed() } }
            #expect(throws: JournalError.self) { try journal.close() }
            let state = try RoundJournal(folder: folder).state()
            #expect(state == .open(round: step < 6 ? 2 : 3), "killed after step \(step)")
            if step < 6 {
                #expect(try RoundJournal(folder: folder).close().action == .closed)
            } else {
                // The commit was written: running close again finds round 3 empty and writes nothing.
                #expect(throws: JournalError.self) { try RoundJournal(folder: folder).close() }
                #expect(try RoundJournal(folder: folder).close(round: 2).action == .alreadyClosed)
            }
            #expect(RoundFixture.tree(folder) == expected, "killed after step \(step)")
        }
    }

    /// `respond` killed part-way and run again gives the same proposals and memory.
    @Test func aRespondKilledPartWayAndRunAgainGivesTheSameBytes() throws {
        let economy = try RoundFixture.economy("leontief.json")
        let journal = try RoundFixture.open(economy)
        let reference = RoundFixture.copy(journal.folder)
        defer { RoundFixture.remove(journal.folder, reference) }
        let councils = CouncilSimulation(economy: economy)
        _ = try councils.respond(journal: try RoundJournal(folder: reference))
        journal.files.afterStep = { if $0 == 5 { throw Killed() } }
        #expect(throws: JournalError.self) { try councils.respond(journal: journal) }
        let outcome = try councils.respond(journal: try RoundJournal(folder: journal.folder))
        #expect(outcome.unchanged.count == 2 && outcome.written.count == 4)
        #expect(RoundFixture.tree(journal.folder) == RoundFixture.tree(reference))
    }

    /// The same inputs in two folders close to identical bytes; closing a closed round again
    /// writes nothing; the next close has nothing to close and writes nothing either.
    @Test func closingTheSameFilesAgainGivesIdenticalBytes() throws {
        let first = try RoundFixture.twoGoodsAtRoundTwo()
        let second = RoundFixture.copy(first)
        defer { RoundFixture.remove(first, second) }
        _ = try RoundJournal(folder: first).close()
        _ = try RoundJournal(folder: second).close()
        let closed = RoundFixture.tree(first)
        #expect(closed == RoundFixture.tree(second))
        let again = try RoundJournal(folder: first).close(round: 2)
        #expect(again.action == .alreadyClosed && again.written.isEmpty)
        #expect(throws: JournalError.self) { try RoundJournal(folder: first).close() }
        #expect(RoundFixture.tree(first) == closed)
        // A closed round whose report file is lost is completed with the same bytes.
        try FileManager.default.removeItem(atPath: first + "/rounds/0002/report.json")
        #expect(try RoundJournal(folder: first).close(round: 2).action == .completed)
        #expect(RoundFixture.tree(first) == closed)
        // A proposal added after the close: the round stays as it was, and the error says why.
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "town", "round": 2, "requests": {"bread": 1}}"#,
                           to: first + "/rounds/0002/proposals/town.late.json")
        #expect {
            try RoundJournal(folder: first).close(round: 2)
        } throws: { error in
            "\(error)".contains("added after the close: rounds/0002/proposals/town.late.json")
        }
    }

    /// The Albert–Hahnel rules on hand-made proposals at round 1's prices (every price 1):
    /// flagged proposals are reported with the reason and still enter the totals.
    @Test func flaggedProposalsAreReportedAndStillCount() throws {
        let economy = try RoundFixture.economy("two-goods.json")
        let journal = try RoundFixture.open(economy)
        defer { RoundFixture.remove(journal.folder) }
        let folder = journal.folder + "/rounds/0001/proposals/"
        // bakery: benefit 10 < cost 12 → flagged; weavery: 8 ≥ 8 → accepted;
        // town: spends 70 + 60 = 130 > 120 → flagged.
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "bakery", "round": 1, "activity": 10, "outputs": {"bread": 10}, "inputs": {"labour": 12}}"#, to: folder + "bakery.json")
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "weavery", "round": 1, "outputs": {"cloth": 8}, "inputs": {"labour": 8}}"#, to: folder + "weavery.json")
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "town", "round": 1, "requests": {"bread": 70, "cloth": 60}}"#, to: folder + "town.json")
        let report = try journal.close().report
        #expect(report.workersCouncils.map(\.verdict) == [.flagged, .accepted])
        #expect(report.workersCouncils[0].socialBenefit == 10 && report.workersCouncils[0].socialCost == 12)
        #expect(report.workersCouncils[0].reason!.contains("below its social cost"))
        #expect(report.consumersCouncils[0].verdict == .flagged && report.consumersCouncils[0].spending == 130)
        #expect(report.goods.map(\.demand) == [70, 60])
        #expect(report.goods.map(\.netSupply) == [10, 8])
        #expect(report.resources[0].use == 20)
        #expect(!report.converged && report.unmet.contains { $0.contains("2 proposals are flagged: bakery, town") })
        // Labour: 20 used of 50, price 1 → relative slack 0.6 (DESIGN §7); bread: 60 short of 70.
        #expect(report.resources[0].imbalance == 0.6)
        #expect(report.goods[0].imbalance == 60.0 / 70.0)
    }

    /// A council that does not submit in round 2 is counted at its round-1 proposal, marked as
    /// carried forward; the round cannot converge until it submits.
    @Test func aMissingCouncilsLastProposalStands() throws {
        let economy = try RoundFixture.economy("two-goods.json")
        let journal = try RoundFixture.open(economy)
        defer { RoundFixture.remove(journal.folder) }
        _ = try CouncilSimulation(economy: economy).respond(journal: journal)
        let first = try journal.close().report
        RoundFixture.write(#"{"format": "parecon-proposal/1", "council": "town", "round": 2, "requests": {"bread": 50, "cloth": 40}}"#,
                           to: journal.folder + "/rounds/0002/proposals/town.json")
        #expect(throws: JournalError.self) { try journal.close(requireAll: true) }
        let report = try journal.close().report
        #expect(report.workersCouncils.map(\.source) == [.carriedForward(round: 1), .carriedForward(round: 1)])
        #expect(report.workersCouncils.map(\.outputs) == first.workersCouncils.map(\.outputs))
        #expect(report.consumersCouncils[0].source == .submitted(file: "rounds/0002/proposals/town.json"))
        #expect(report.unmet.contains { $0.contains("2 councils have no valid proposal of this round: bakery, weavery") })
    }

    /// Reports, prices and board memory are read back exactly as written.
    @Test func journalFilesReadBackExactly() throws {
        let folder = try RoundFixture.twoGoodsAtRoundTwo()
        defer { RoundFixture.remove(folder) }
        let journal = try RoundJournal(folder: folder)
        let result = try journal.closing(round: 2).close()
        let registry = journal.registry
        #expect(try RoundReport.decode(journalBytes(result.report.jsonDocument()), file: "r", registry: registry) == result.report)
        let board = result.nextBoard!, prices = result.nextPrices!
        #expect(try BoardFile.decode(journalBytes(board.jsonDocument(registry)), file: "b", registry: registry, round: 3,
                                     settings: journal.settings) == board)
        #expect(try PricesFile.decode(journalBytes(prices.jsonDocument(registry)), file: "p", registry: registry, round: 3) == prices)
        #expect(result.report.submissions.map(\.file) == ["rounds/0002/proposals/bakery.json", "rounds/0002/proposals/mill.json",
                                                          "rounds/0002/proposals/town.json", "rounds/0002/proposals/weavery.json"])
    }

    /// Opening the same journal again changes nothing; another registry in the same folder is refused.
    @Test func openingIsIdempotentAndRefusesAnotherRegistry() throws {
        let economy = try RoundFixture.economy("two-goods.json")
        let journal = try RoundFixture.open(economy)
        defer { RoundFixture.remove(journal.folder) }
        let before = RoundFixture.tree(journal.folder)
        let again = try RoundJournal.open(registry: CouncilRegistry(economy: economy), settings: PlanningSettings(board: .tatonnement),
                                          folder: journal.folder)
        #expect(again.1 == .alreadyOpen)
        #expect(RoundFixture.tree(journal.folder) == before)
        #expect(throws: JournalError.self) {
            try RoundJournal.open(registry: CouncilRegistry(economy: try RoundFixture.economy("leontief.json")),
                                  settings: PlanningSettings(board: .tatonnement), folder: journal.folder)
        }
        // A respond with another economy is refused too.
        #expect(throws: JournalError.self) {
            try CouncilSimulation(economy: try RoundFixture.economy("leontief.json")).respond(journal: journal)
        }
    }
}
