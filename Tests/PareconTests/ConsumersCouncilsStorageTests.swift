import Foundation
import Testing
import PareconLinearAlgebra
@testable import Parecon

/// The economy's consumers' councils stored by good index (``ConsumersCouncils``): the councils
/// come back as given (weights in their order), the weights are dense only when that is smaller
/// and keeps their order, and what planning reads from the storage (the problem's Cobb–Douglas
/// aggregate and CES rows, each council's demand, the report's table) is what a naive loop over
/// the list of councils gives.
@Suite struct ConsumersCouncilsStorageTests {
    static let goods = ["a", "b", "c", "d"].map { Good(id: $0) }

    /// Weights out of good order, an explicit zero, a single good, CES councils of two `σ`.
    static let awkward = [
        ConsumersCouncil(id: "reversed", allowance: 10, preferences: .cobbDouglas(weights: [Quantity("c", 0.5), Quantity("a", 2)])),
        ConsumersCouncil(id: "zero", allowance: 20, preferences: .ces(sigma: 0.5, weights: [Quantity("a", 1), Quantity("b", 0), Quantity("d", 3)])),
        ConsumersCouncil(id: "one", allowance: 5, preferences: .cobbDouglas(weights: [Quantity("b", 1)])),
        ConsumersCouncil(id: "ces2", allowance: 7, preferences: .ces(sigma: 2, weights: [Quantity("d", 0.25), Quantity("b", 0.75), Quantity("a", 1)])),
        ConsumersCouncil(id: "ces-half", allowance: 9, preferences: .ces(sigma: 0.5, weights: [Quantity("b", 2), Quantity("c", 1)])),
    ]

    /// Every council weighs every good, in good order (as a calibrated economy's do).
    static let full = (0..<6).map { c in
        ConsumersCouncil(id: "c\(c)", allowance: 10 + Double(c),
                         preferences: .cobbDouglas(weights: goods.enumerated().map { Quantity($1.id, 0.1 + 0.05 * Double(c + $0)) }))
    }

    static func economy(_ consumers: [ConsumersCouncil]) throws -> Economy {
        let workers = goods.map { WorkersCouncil(id: "w-\($0.id)", produces: [Quantity($0.id, 1)], uses: [Quantity("labour", 1)], capacity: 100, elasticity: 50) }
        return try Economy(goods: goods, resources: [PrimaryResource(id: "labour", available: 200)],
                           workersCouncils: workers, consumersCouncils: consumers)
    }

    @Test(arguments: [false, true])
    func councilsComeBackAsGiven(_ dense: Bool) throws {
        let given = dense ? Self.full : Self.awkward
        let stored = try Self.economy(given).consumersCouncils
        #expect(stored.isDense == dense)
        #expect(Array(stored) == given)
        #expect(stored.ids == given.map(\.id) && stored.allowances == given.map(\.allowance))
        for (c, council) in given.enumerated() {
            #expect(stored.weights(c) == council.preferences.weights, "council \(c)")
            if case let .ces(sigma, _) = council.preferences { #expect(stored.sigma(c) == sigma) } else { #expect(stored.sigma(c) == nil) }
        }
        #expect(stored.weightCount == given.reduce(0) { $0 + $1.preferences.weights.count })
    }

    /// Dense: 8 bytes a cell, C × n; compressed: 12 bytes a weight plus a row start each.
    @Test func denseOnlyWhenSmallerAndInOrder() throws {
        let full = try Self.economy(Self.full).consumersCouncils
        #expect(full.weightAmount.count == Self.full.count * Self.goods.count && full.weightGood.isEmpty)
        // One council's weights out of good order: a dense matrix would reorder them.
        var swapped = Self.full
        swapped[3].preferences = .cobbDouglas(weights: swapped[3].preferences.weights.reversed())
        let kept = try Self.economy(swapped).consumersCouncils
        #expect(!kept.isDense && Array(kept) == swapped)
        // An explicit zero weight: a dense matrix would drop it.
        var zero = Self.full
        zero[0].preferences = .cobbDouglas(weights: [Quantity("a", 0)] + zero[0].preferences.weights.dropFirst())
        #expect(!(try Self.economy(zero).consumersCouncils.isDense))
        // In order but sparse (one good of four each): compressed rows are smaller.
        let sparse = (0..<8).map { ConsumersCouncil(id: "s\($0)", allowance: 1, preferences: .cobbDouglas(weights: [Quantity(Self.goods[$0 % 4].id, 1)])) }
        let stored = try Self.economy(sparse).consumersCouncils
        #expect(!stored.isDense && stored.weightGood.count == 8 && stored.weightStart.count == 9)
    }

    /// `α_c` normalized, by a naive loop over the council's weights.
    static func naiveShares(_ council: ConsumersCouncil, _ goods: [Good]) -> [Double] {
        let total = council.preferences.weights.reduce(0) { $0 + $1.amount }
        return goods.map { good in (council.preferences.weights.first { $0.id == good.id }?.amount ?? 0) / total }
    }

    /// The planning problem's consumers' parts, against the definitions evaluated naively.
    @Test(arguments: [false, true])
    func problemMatchesNaiveLoop(_ dense: Bool) throws {
        let given = dense ? Self.full : Self.awkward
        let economy = try Self.economy(given)
        let problem = PlanningProblem(economy)
        let n = Self.goods.count
        var spending = [Double](repeating: 0, count: n), constant = 0.0, numbers = 0
        var rows: [Double: [(council: Int, row: [Double], budget: Double)]] = [:]
        for (c, council) in given.enumerated() {
            let alpha = Self.naiveShares(council, Self.goods)
            numbers += alpha.filter { $0 > 0 }.count
            let budget = council.allowance
            switch council.preferences {
            case .cobbDouglas:
                constant += budget * Foundation.log(budget)
                for i in 0..<n where alpha[i] > 0 {
                    spending[i] += budget * alpha[i]
                    constant += budget * alpha[i] * Foundation.log(alpha[i])
                }
            case let .ces(sigma, _):
                rows[sigma, default: []].append((c, alpha.map { $0 > 0 ? Foundation.pow($0, sigma) : 0 }, budget))
            }
        }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }
        #expect(zip(problem.cobbDouglasSpending, spending).allSatisfy { close($0, $1) })
        #expect(close(problem.cobbDouglasWelfareConstant, constant))
        #expect(problem.cesGroups.map(\.sigma) == rows.keys.sorted())
        for group in problem.cesGroups {
            let expected = rows[group.sigma]!
            #expect(group.councils == expected.map(\.council) && group.allowance == expected.map(\.budget))
            #expect(group.weightsToSigma.rows == expected.count && group.weightsToSigma.columns == n)
            for (k, row) in expected.enumerated() {
                #expect((0..<n).allSatisfy { close(group.weightsToSigma[k, $0], row.row[$0]) }, "σ \(group.sigma), row \(k)")
            }
        }
        // A Cobb–Douglas council's proposals: one number per good wanted; the workers' councils one
        // output and one input each.
        #expect(problem.proposalNumbers == numbers + 2 * Self.goods.count)
    }

    /// Each council's demand from the storage: the same numbers as from the council built on
    /// access, and for Cobb–Douglas the closed form `B α_i / p_i`.
    @Test(arguments: [false, true])
    func demandFromStorageMatchesTheCouncil(_ dense: Bool) throws {
        let given = dense ? Self.full : Self.awkward
        let economy = try Self.economy(given)
        let prices = [1.5, 0.75, 2, 3.25]
        for (c, council) in given.enumerated() {
            let stored = economy.demand(ofCouncil: c, at: prices)
            #expect(stored == economy.demand(of: council, at: prices))
            if case .cobbDouglas = council.preferences {
                let alpha = Self.naiveShares(council, Self.goods)
                #expect((0..<4).allSatisfy { abs(stored[$0] - council.allowance * alpha[$0] / prices[$0]) <= 1e-12 * council.allowance })
            }
        }
    }

    /// The compact file round trip fills the storage from the file's rows (and writes the same
    /// bytes again); the JSON form gives the same councils.
    @Test(arguments: [false, true])
    func fileRoundTripsKeepTheCouncils(_ dense: Bool) throws {
        let economy = try Self.economy(dense ? Self.full : Self.awkward)
        let bytes = CompactEconomyFile.encode(economy)
        let compact = try CompactEconomyFile.decode(bytes)
        #expect(compact.consumersCouncils == economy.consumersCouncils && compact.consumersCouncils.isDense == dense)
        #expect(CompactEconomyFile.encode(compact) == bytes)
        let json = try EconomyFile.decode(Array(EconomyFile.encode(economy).serialized().utf8))
        #expect(json.consumersCouncils == economy.consumersCouncils)
    }

    /// The text report's consumers' table, made row by row from the storage, against the table
    /// the list of councils gives (every row kept, the reference writer).
    @Test func reportTableMatchesTheListBuiltOne() throws {
        let economy = try Self.economy(Self.awkward)
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(maxRounds: 50)).plan(economy)
        var text = ""
        plan.writeReport(for: economy, to: &text)
        var rows = [["council", "allowance", "spent", "receives"]]
        for (c, council) in Self.awkward.enumerated() {
            var spent = 0.0
            var receives: [String] = []
            for i in 0..<4 where plan.consumption[c, i] > 0 {
                spent += plan.consumption[c, i] * plan.prices[i]
                receives.append("\(Self.goods[i].id) \(String(format: "%.8g", plan.consumption[c, i]))")
            }
            rows.append([council.id, String(format: "%.8g", council.allowance), String(format: "%.8g", spent), receives.joined(separator: ", ")])
        }
        #expect(text.hasSuffix("\nConsumers' councils\n" + PlanTextTests.referenceTable(rows)))
    }

    /// The plan's consumption, kept in compressed rows when the councils weigh few goods (and
    /// dense otherwise), against the dense matrix of every council's demand built naively: the
    /// same bits in every cell, `+0` outside the goods a council weighs.
    @Test(arguments: [false, true])
    func planConsumptionIsTheDenseMatrixOfDemands(_ dense: Bool) throws {
        // Sparse: sixteen goods, each council weighing two of them.
        let goods = (0..<16).map { Good(id: "g\($0)") }
        let consumers = dense ? Self.full
            : (0..<12).map { c in ConsumersCouncil(id: "s\(c)", allowance: 5 + Double(c), preferences: c % 3 == 0
                    ? .ces(sigma: 0.5, weights: [Quantity("g\((3 * c + 5) % 16)", 1), Quantity("g\(c % 16)", 2)])
                    : .cobbDouglas(weights: [Quantity("g\(c % 16)", 1), Quantity("g\((c + 7) % 16)", 0.5)])) }
        let economyGoods = dense ? Self.goods : goods
        let workers = economyGoods.map { WorkersCouncil(id: "w-\($0.id)", produces: [Quantity($0.id, 1)], uses: [Quantity("labour", 1)], capacity: 100, elasticity: 50) }
        let economy = try Economy(goods: economyGoods, resources: [PrimaryResource(id: "labour", available: 2000)],
                                  workersCouncils: workers, consumersCouncils: consumers)
        let n = economyGoods.count
        let prices = (0..<n).map { 0.5 + 0.25 * Double($0) }
        var naive = Matrix(rows: consumers.count, columns: n)
        for (c, council) in consumers.enumerated() {
            let bundle = economy.demand(of: council, at: prices)
            for i in 0..<n { naive[c, i] = bundle[i] }
        }
        let consumption = PlanConsumption(economy.consumersCouncils) { economy.demand(ofCouncil: $0, at: prices) }
        #expect(consumption.isDense == dense)
        if !dense { #expect(consumption.values.count == 2 * consumers.count && consumption.start.count == consumers.count + 1) }
        #expect(consumption.rows == consumers.count && consumption.columns == n)
        for c in 0..<consumers.count {
            for i in 0..<n { #expect(consumption[c, i].bitPattern == naive[c, i].bitPattern, "council \(c), good \(i)") }
        }
        #expect(consumption.elements.map(\.bitPattern) == naive.elements.map(\.bitPattern))
        #expect(consumption.matrix == naive && consumption == PlanConsumption(naive))
        // The plan's own consumption is the one its prices give.
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(maxRounds: 20)).plan(economy)
        let atPlanPrices = PlanConsumption(economy.consumersCouncils) { economy.demand(ofCouncil: $0, at: plan.prices) }
        #expect(plan.consumption == atPlanPrices && plan.consumption.isDense == dense)
    }
}
