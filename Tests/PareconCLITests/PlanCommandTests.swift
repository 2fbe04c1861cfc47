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
}
