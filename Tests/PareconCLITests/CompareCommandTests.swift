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

    @Test func aPlannerThatDoesNotConvergeExitsWithStatusOne() throws {
        let result = try CLIRunner.run(["compare", "plans/five-goods.json", "--max-rounds", "3", "--quiet"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("maxRounds"))
        let usage = try CLIRunner.run(["compare", "plans/five-goods.json", "--central-tolerance", "-1"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--central-tolerance"))
    }
}
