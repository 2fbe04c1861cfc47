import Foundation
import Testing
@testable import Parecon

/// `parecon central`: the plan in the same format with mode "central", the progress table on
/// stderr, material balances, an imperfect planner, and the exit statuses.
@Suite struct CentralCommandTests {
    static func number(_ v: JSONValue?) -> Double { if case let .number(x)? = v { return x }; return .nan }

    @Test func centralPlanAsJSONHasModeCentralAndTheClosedFormPrices() throws {
        let result = try CLIRunner.run(["central", "plans/two-goods.json", "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        guard case let .object(plan) = try JSONParser.parse(result.stdout),
              case let .object(prices)? = plan["prices"], case let .object(central)? = plan["central"],
              case let .object(residuals)? = central["residuals"] else {
            Issue.record("not a plan document: \(result.stdout.prefix(200))")
            return
        }
        #expect(plan["format"] == .string("parecon-plan/1"))
        #expect(plan["mode"] == .string("central"))
        #expect(plan["status"] == .string("converged"))
        #expect(abs(Self.number(prices["bread"]) - 2) <= 2e-9)
        #expect(abs(Self.number(prices["cloth"]) - 3) <= 3e-9)
        #expect(Self.number(residuals["goods"]) <= 1e-9)
        #expect(Self.number(central["numbersReceived"]) == 12)
        // The progress table of the iterations on stderr.
        #expect(result.stderr.hasPrefix("iter   goods res"))
        #expect(result.stderr.contains("status: converged after"))
    }

    @Test func textReportEndsWithTheCentralPlannerSection() throws {
        let result = try CLIRunner.run(["central", "plans/leontief.json", "--quiet"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("status: converged (central"))
        #expect(result.stdout.contains("farm-traditional  0 "))
        #expect(result.stdout.contains("Central planner\n"))
    }

    @Test func anIterationLimitExitsWithStatusOne() throws {
        let result = try CLIRunner.run(["central", "plans/five-goods.json", "--max-iterations", "2", "--quiet", "--format", "json"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\"status\": \"maxRounds\""))
    }

    @Test func badOptionsAndFilesExitWithStatusTwo() throws {
        for arguments in [["central", "plans/two-goods.json", "--tolerance", "0"],
                          ["central", "plans/two-goods.json", "--knowledge", "noise:-1"],
                          ["central", "plans/two-goods.json", "--knowledge", "psychic"],
                          ["central", "plans/two-goods.json", "--material-balances", "--knowledge", "noise:0.1"],
                          ["central", "plans/no-such-file.json"]] {
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("parecon: "), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func materialBalancesReportWhatTheyIgnore() throws {
        let text = try CLIRunner.run(["central", "--material-balances", "plans/leontief.json"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("(I − A) x = f by LU (dgesv)"))
        #expect(text.stdout.contains("historic iteration x ← A x + f from x = f: converged after"))
        #expect(text.stdout.contains("What the balance ignores"))
        let json = try CLIRunner.run(["central", "--material-balances", "plans/five-goods.json", "--target-prices", "shadow",
                                      "--format", "json", "--quiet"])
        #expect(json.status == 0)
        guard case let .object(document) = try JSONParser.parse(json.stdout),
              case let .object(iteration)? = document["historicIteration"] else {
            Issue.record("not a balances document")
            return
        }
        #expect(document["format"] == .string("parecon-material-balances/1"))
        #expect(document["targets"] == .string("consumersAtShadowPrices"))
        #expect(iteration["converged"] == .bool(true))
        #expect(Self.number(iteration["differenceFromLU"]) <= 1e-8)
    }

    @Test func jointProductionIsBadInputForMaterialBalances() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-central-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("joint.json").path
        try """
        {"format": "parecon-economy/1", "goods": [{"id": "wool"}, {"id": "mutton"}],
         "resources": [{"id": "labour", "available": 10}],
         "workersCouncils": [{"id": "flock", "produces": {"wool": 1, "mutton": 2}, "uses": {"labour": 1}, "capacity": 5}],
         "consumersCouncils": [{"id": "c", "allowance": 1, "preferences": {"cobbDouglas": {"wool": 1, "mutton": 1}}}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["central", "--material-balances", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("workers' council \"flock\" produces wool, mutton"))
    }

    @Test func aNoisyPlannerReportsShortages() throws {
        let result = try CLIRunner.run(["central", "plans/five-goods.json", "--knowledge", "noise:0.2", "--seed", "2",
                                        "--format", "json", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        guard case let .object(document) = try JSONParser.parse(result.stdout),
              case let .object(welfare)? = document["welfare"], case let .array(short)? = document["goodsShort"] else {
            Issue.record("not a knowledge document")
            return
        }
        #expect(document["format"] == .string("parecon-knowledge/1"))
        #expect(!short.isEmpty)
        #expect(Self.number(welfare["loss"]) > 0)
        let exact = try CLIRunner.run(["central", "plans/five-goods.json", "--knowledge", "exact", "--quiet"])
        #expect(exact.status == 0)
        #expect(exact.stdout.contains("status: converged (central"))
    }
}
