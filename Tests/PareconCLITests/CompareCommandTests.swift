import Foundation
import Testing
@testable import Parecon

/// `parecon compare`: one table, participatory beside central (and an imperfect planner).
@Suite struct CompareCommandTests {
    static func number(_ v: JSONValue?) -> Double { if case let .number(x)? = v { return x }; return .nan }

    @Test func textTableHasAColumnPerPlanner() throws {
        let result = try CLIRunner.run(["compare", "plans/five-goods.json"])
        #expect(result.status == 0, "\(result.stderr)")
        let header = result.stdout.split(separator: "\n").dropFirst(2).first ?? ""
        #expect(header.contains("participatory") && header.contains("central"))
        for label in ["rounds / iterations", "wall time", "numbers out", "numbers in", "welfare gap to central",
                      "distance of activities", "prices vs shadow prices", "goods short"] {
            #expect(result.stdout.contains(label), "\(label)")
        }
        #expect(result.stderr.contains("central planner ..."))
    }

    @Test func jsonWithAnImperfectPlanner() throws {
        let result = try CLIRunner.run(["compare", "plans/leontief.json", "--knowledge", "industry-average", "--format", "json", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        guard case let .object(document) = try JSONParser.parse(result.stdout), case let .array(columns)? = document["columns"],
              columns.count == 3, case let .object(participatory) = columns[0], case let .object(central) = columns[1],
              case let .object(imperfect) = columns[2] else {
            Issue.record("not a comparison document: \(result.stdout.prefix(300))")
            return
        }
        #expect(document["format"] == .string("parecon-comparison/1"))
        #expect(participatory["name"] == .string("participatory"))
        #expect(Self.number(participatory["priceDistance"]) <= 1e-5)
        #expect(Self.number(participatory["consumptionDistance"]) <= 1e-5)
        #expect(Self.number(central["priceDistance"]) == 0 && Self.number(central["welfareGap"]) == 0)
        #expect(imperfect["name"] == .string("central (industry-average)"))
        #expect(Self.number(imperfect["welfareGap"]) > 0)
        // The board publishes n + m prices a round; the planner is told everything once.
        #expect(Self.number(participatory["numbersOut"]) == 4 * Self.number(participatory["rounds"]))
        #expect(Self.number(central["numbersIn"]) == 27)
    }

    /// Every board in one table: a column per board, each reaching the central optimum's prices,
    /// and the second-order board counted with its local responses.
    @Test func aColumnPerBoard() throws {
        let result = try CLIRunner.run(["compare", "plans/five-goods.json", "--board", "tatonnement", "--board", "accelerated",
                                        "--board", "newton", "--format", "json", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        guard case let .object(document) = try JSONParser.parse(result.stdout), case let .array(columns)? = document["columns"],
              case let .object(prices)? = document["prices"] else {
            Issue.record("not a comparison document: \(result.stdout.prefix(300))")
            return
        }
        let names = columns.compactMap { column -> String? in
            if case let .object(c) = column, case let .string(name)? = c["name"] { return name }
            return nil
        }
        #expect(names == ["participatory (tatonnement)", "participatory (accelerated)", "participatory (newton)", "central"])
        for case let .object(column) in columns.prefix(3) {
            #expect(column["status"] == .string("converged"))
            #expect(Self.number(column["priceDistance"]) <= 1e-5, "\(column["name"] ?? .null)")
        }
        if case let .object(newton) = columns[2], case let .object(tatonnement) = columns[0] {
            #expect(newton["board"] == .string("newton") && tatonnement["board"] == .string("tatonnement"))
            // Per round the newton board receives the proposals and the local responses: more numbers a round.
            let perRound = { (c: JSONObject) in Self.number(c["numbersIn"]) / Self.number(c["rounds"]) }
            #expect(perRound(newton) > perRound(tatonnement))
        }
        guard case let .object(grain)? = prices["grain"] else { Issue.record("no prices"); return }
        #expect(grain.members.map(\.key) == names)

        let twice = try CLIRunner.run(["compare", "plans/five-goods.json", "--board", "newton", "--board", "newton"])
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("--board names a board twice"))
    }

    @Test func aPlannerThatDoesNotConvergeExitsWithStatusOne() throws {
        let result = try CLIRunner.run(["compare", "plans/five-goods.json", "--max-rounds", "3", "--quiet"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("maxRounds"))
        let usage = try CLIRunner.run(["compare", "plans/five-goods.json", "--central-tolerance", "-1"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--central-tolerance"))
    }
}
