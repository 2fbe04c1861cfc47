import Foundation
import Testing
@testable import Parecon

@Suite struct PlanCommandTests {
    @Test func twoGoodPlanAsJSONMatchesTheHandDerivation() throws {
        let result = try CLIRunner.run(["plan", "plans/two-goods.json", "--format", "json", "--tolerance", "1e-10", "--quiet"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        let document = try JSONParser.parse(result.stdout)
        guard case let .object(plan) = document,
              case let .object(prices)? = plan["prices"],
              case let .object(resourcePrices)? = plan["resourcePrices"],
              case let .object(activity)? = plan["activity"] else {
            Issue.record("not a plan document: \(result.stdout.prefix(200))")
            return
        }
        #expect(plan["format"] == .string("parecon-plan/1"))
        #expect(plan["status"] == .string("converged"))
        #expect(plan["mode"] == .string("participatory"))
        func number(_ v: JSONValue?) -> Double { if case let .number(x)? = v { return x }; return .nan }
        #expect(abs(number(prices["bread"]) - 2) <= 2e-6)
        #expect(abs(number(prices["cloth"]) - 3) <= 3e-6)
        #expect(abs(number(resourcePrices["labour"]) - 1) <= 1e-6)
        #expect(abs(number(activity["bakery"]) - 30) <= 30e-6)
        #expect(abs(number(activity["weavery"]) - 20) <= 20e-6)
    }

    /// The accelerated board's memory is the user's to choose: each memory reaches the hand-derived
    /// plan, the memory is in the report, and a memory of zero is a usage error before the file is read.
    @Test func andersonMemoryOptionReachesTheSamePlan() throws {
        for memory in ["1", "3"] {
            let result = try CLIRunner.run(["plan", "plans/two-goods.json", "--board", "accelerated", "--anderson-memory", memory,
                                            "--tolerance", "1e-9", "--quiet", "--format", "json"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            guard case let .object(plan) = try JSONParser.parse(result.stdout), case let .object(prices)? = plan["prices"],
                  case let .number(bread)? = prices["bread"], case let .number(cloth)? = prices["cloth"] else {
                Issue.record("not a plan document: \(result.stdout.prefix(200))")
                continue
            }
            #expect(abs(bread - 2) <= 2e-5 && abs(cloth - 3) <= 3e-5, "memory \(memory): bread \(bread), cloth \(cloth)")
        }
        let zero = try CLIRunner.run(["plan", "no-such-file.json", "--board", "accelerated", "--anderson-memory", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--anderson-memory must be at least 1, found 0"))
        #expect(zero.stdout.isEmpty)
    }
}

extension PlanCommandTests {
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func traceHasOneRowPerRoundAndTheProgressTableGoesToStderr() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("rounds.csv").path
        let result = try CLIRunner.run(["plan", "plans/leontief.json", "--trace", trace])
        #expect(result.status == 0)
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "round,max_imbalance,max_revision,largest_price_change,welfare,seconds")
        // "status: converged (participatory) after N rounds" on stdout gives the count.
        let summary = result.stdout.split(separator: "\n").first { $0.hasPrefix("status:") }
        let rounds = summary.flatMap { $0.split(separator: " ").drop { $0 != "after" }.dropFirst().first }.flatMap { Int($0) }
        #expect(rounds != nil && lines.count == rounds! + 1)
        #expect(lines.dropFirst().enumerated().allSatisfy { index, row in row.hasPrefix("\(index + 1),") })
        #expect(result.stderr.hasPrefix("round  max imbalance"))
        #expect(result.stderr.contains("status: converged"))
        #expect(result.stdout.contains("Indicative prices") && result.stdout.contains("farm-mechanised"))
    }

    @Test func roundAndTimeLimitsExitWithStatusOne() throws {
        let rounds = try CLIRunner.run(["plan", "plans/five-goods.json", "--max-rounds", "5", "--quiet", "--format", "json"])
        #expect(rounds.status == 1)
        #expect(rounds.stdout.contains("\"status\": \"maxRounds\""))
        #expect(rounds.stdout.contains("\"rounds\": 5"))
        let time = try CLIRunner.run(["plan", "plans/five-goods.json", "--time-limit", "1e-9", "--quiet"])
        #expect(time.status == 1)
        #expect(time.stdout.contains("status: timeLimit"))
    }

    @Test func divergenceIsAnErrorMessageWithoutAPlan() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("huge.json").path
        try """
            {"format": "parecon-economy/1", "goods": [{"id": "a"}], "resources": [{"id": "l", "available": 1e308}],
             "workersCouncils": [{"id": "w", "produces": {"a": 1e300}, "uses": {"l": 1e-300}, "capacity": 1e308, "elasticity": 1e308}],
             "consumersCouncils": [{"id": "c", "allowance": 1e308, "preferences": {"cobbDouglas": {"a": 1}}}]}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["plan", file, "--quiet"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(file) && result.stderr.contains("diverged") && result.stderr.contains("good \"a\""))
    }
}

extension PlanCommandTests {
    @Test func validateReadsTheCompactFormatToo() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("small.peb").path
        let generated = try CLIRunner.run(["generate", "--synthetic", "--goods", "5", "--workers-councils", "20",
                                           "--consumers-councils", "3", "--output", file])
        #expect(generated.status == 0, "stderr: \(generated.stderr)")
        let result = try CLIRunner.run(["validate", file])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("\(file): valid compact (.peb) economy"))
        #expect(result.stdout.contains("5 goods, 1 primary resource, 20 workers' councils"))
    }
}
