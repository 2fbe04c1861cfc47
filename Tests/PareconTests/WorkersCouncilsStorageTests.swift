import Foundation
import Testing
import PareconLinearAlgebra
@testable import Parecon

/// The economy's workers' councils stored in solver form (``WorkersCouncils``): the councils come
/// back as given (as id → amount maps), the planning problem built from the storage is the one a
/// naive loop over the lists gives, and a compact file loaded through the streaming reader is the
/// same economy as its JSON form.
@Suite struct WorkersCouncilsStorageTests {
    /// Councils that use their own output, make two goods, use resources, and name explicit zeros.
    static func awkwardEconomy() throws -> (economy: Economy, councils: [WorkersCouncil]) {
        let goods = ["a", "b", "c"].map { Good(id: $0) }
        let resources = [PrimaryResource(id: "labour", available: 100), PrimaryResource(id: "land", available: 50)]
        let councils = [
            // Uses some of its own output (V alone would only give 0.7 − 0.2), listed resources first.
            WorkersCouncil(id: "self-user", produces: [Quantity("a", 0.7)],
                           uses: [Quantity("labour", 1.5), Quantity("a", 0.2), Quantity("c", 0.3)], capacity: 10, elasticity: 2),
            // Two outputs in reverse good order, one used more than it makes (net output negative).
            WorkersCouncil(id: "multi", produces: [Quantity("c", 0.5), Quantity("b", 1.25)],
                           uses: [Quantity("b", 1.5), Quantity("a", 0.125), Quantity("land", 0.25)], capacity: 3),
            // Explicit zeros: a zero output beside a positive one, zero uses of a good and a resource.
            WorkersCouncil(id: "zeros", produces: [Quantity("b", 1), Quantity("a", 0)],
                           uses: [Quantity("c", 0), Quantity("land", 0), Quantity("a", 0.5), Quantity("labour", 2)],
                           capacity: 4, elasticity: 0.5),
            WorkersCouncil(id: "plain", produces: [Quantity("c", 2)], uses: [], capacity: 1),
        ]
        let consumers = [ConsumersCouncil(id: "h", allowance: 10, preferences: .cobbDouglas(weights: [Quantity("a", 1), Quantity("b", 1), Quantity("c", 1)]))]
        return (try Economy(goods: goods, resources: resources, workersCouncils: councils, consumersCouncils: consumers), councils)
    }

    /// The same entries (exact amounts) in any order.
    static func asMap(_ entries: [Quantity]) -> [String: Double] {
        Dictionary(entries.map { ($0.id, $0.amount) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func councilsComeBackAsGiven() throws {
        let (economy, councils) = try Self.awkwardEconomy()
        #expect(economy.workersCouncils.count == councils.count)
        for (stored, given) in zip(economy.workersCouncils, councils) {
            #expect(stored.id == given.id && stored.capacity == given.capacity && stored.elasticity == given.elasticity)
            #expect(stored.produces.count == given.produces.count && Self.asMap(stored.produces) == Self.asMap(given.produces))
            #expect(stored.uses.count == given.uses.count && Self.asMap(stored.uses) == Self.asMap(given.uses))
            #expect(stored == given)
        }
        // produces keep their order; uses come back goods first (in the economy's order), then resources.
        #expect(economy.workersCouncils[1].produces.map(\.id) == ["c", "b"])
        #expect(economy.workersCouncils[0].uses.map(\.id) == ["a", "c", "labour"])
        #expect(economy.workersCouncils[2].uses.map(\.id) == ["a", "c", "labour", "land"])
    }

    /// The row starts (stored as `Int32`) by a naive count of each council's entries, and the
    /// kept uses by council; an array grown past its size (as the kept uses grow, by doubling) stored at its size.
    @Test func rowStartsAreTheNaiveCountsAndKeptUsesTheirSize() throws {
        let (economy, councils) = try Self.awkwardEconomy()
        let stored = economy.workersCouncils
        var produces = 0
        for (w, council) in councils.enumerated() {
            #expect(stored.producesRange(w) == produces..<(produces + council.produces.count), "council \(w)")
            produces += council.produces.count
        }
        // Kept: multi's b (its own output, beside another), zeros' c and land (exactly 0) and a
        // (which it produces, at 0); self-user's a (its only output) is recovered from V.
        #expect([0, 1, 2, 3].map { stored.keptUsesRange($0).count } == [0, 1, 3, 0])
        #expect(stored.keptUsesCouncil == [1, 2, 2, 2] && stored.keptUsesColumn.count == 4 && stored.keptUsesColumn.capacity < 8)
        var grown: [Int] = []
        grown.reserveCapacity(2000)
        grown += 0..<1001
        let exact = grown.withExactCapacity()
        // (malloc may round the copy's block up by a few bytes)
        #expect(exact == grown && exact.capacity < grown.count + 4 && grown.capacity >= 2000)
    }

    @Test func equalityComparesEntriesAsMaps() {
        let a = WorkersCouncil(id: "w", produces: [Quantity("x", 1)], uses: [Quantity("y", 2), Quantity("z", 3)], capacity: 1)
        var b = a
        b.uses.reverse()
        #expect(a == b)
        b.uses[0].amount = 3.5
        #expect(a != b)
    }

    /// V, Bm, the gross outputs and the proposal count by a naive loop over the given lists.
    @Test func planningProblemMatchesANaiveLoop() throws {
        let (economy, councils) = try Self.awkwardEconomy()
        let problem = PlanningProblem(economy)
        let n = economy.goodCount, m = economy.resourceCount
        var v = [[Double]](repeating: [Double](repeating: 0, count: n), count: councils.count)
        var b = [[Double]](repeating: [Double](repeating: 0, count: m), count: councils.count)
        var outputs: [[(Int, Double)]] = []
        var numbers = 0
        for (w, council) in councils.enumerated() {
            for entry in council.produces { v[w][economy.goodIndex[entry.id]!] += entry.amount }
            outputs.append(council.produces.filter { $0.amount > 0 }.map { (economy.goodIndex[$0.id]!, $0.amount) }.sorted { $0.0 < $1.0 })
            for entry in council.uses {
                if let i = economy.goodIndex[entry.id] { v[w][i] -= entry.amount } else { b[w][economy.resourceIndex[entry.id]!] += entry.amount }
            }
            numbers += Set(council.produces.map(\.id) + council.uses.map(\.id)).count
        }
        for w in 0..<councils.count {
            for i in 0..<n { #expect(problem.netOutput[w, i] == v[w][i]) }
            for r in 0..<m { #expect(problem.resourceUse[w, r] == b[w][r]) }
            let row = problem.outputs.range(w)
            #expect(row.map { problem.outputs.good($0) } == outputs[w].map(\.0))
            #expect(row.map { problem.outputs.amount($0) } == outputs[w].map(\.1))
        }
        #expect(problem.proposalNumbers - economy.consumersCouncils.count * 3 == numbers)
        #expect(problem.capacity == councils.map(\.capacity))
        #expect(problem.constantReturns == councils.map(\.hasConstantReturns))
    }

    /// Elasticities are stored as 8-byte numbers, `+∞` for constant returns, and come back as
    /// given; the problem's `1 / k_w` is the naive one (0 for constant returns).
    @Test func elasticitiesAreStoredWithInfinityForConstantReturns() throws {
        let (economy, councils) = try Self.awkwardEconomy()
        let workers = economy.workersCouncils
        #expect(workers.elasticity == [2, .infinity, 0.5, .infinity])
        #expect(workers.elasticities == councils.map(\.elasticity))
        #expect(councils.indices.map { workers.elasticity($0) } == councils.map(\.elasticity))
        let problem = PlanningProblem(economy)
        #expect((0..<councils.count).map { problem.inverseElasticity[$0] } == councils.map { $0.elasticity.map { 1 / $0 } ?? 0 })
        #expect(problem.constantReturns == [false, true, false, true])
    }

    /// A builder given the ids, capacities and elasticities at its start (as the compact reader
    /// does), then each council's entries, stores what appending council by council stores.
    @Test func aBuilderGivenTheScalarsFirstStoresTheSameCouncils() throws {
        let (economy, councils) = try Self.awkwardEconomy()
        var builder = WorkersCouncils.Builder(
            goods: economy.goods, resources: economy.resources, ids: WorkersCouncilIDs(councils.map(\.id)), capacity: councils.map(\.capacity),
            elasticity: councils.map { $0.elasticity ?? .infinity }, producesEntries: 5)
        let n = economy.goodCount
        for council in councils {
            builder.appendRows(produces: council.produces.map { (economy.goodIndex[$0.id]!, $0.amount) },
                               uses: council.uses.map { (economy.goodIndex[$0.id] ?? (n + economy.resourceIndex[$0.id]!), $0.amount) })
        }
        #expect(builder.count == councils.count)
        let stored = builder.finish()
        #expect(stored == economy.workersCouncils)
        #expect(Array(stored) == councils)
        #expect(stored.netOutput == economy.workersCouncils.netOutput && stored.resourceUse == economy.workersCouncils.resourceUse)
    }

    /// When every council's `produces` are positive and in good order, the problem's gross outputs
    /// are the economy's own arrays (no copy), and still the ones a naive loop gives.
    @Test func gatheredOutputsShareTheEconomysArrays() throws {
        let economy = try SyntheticEconomy(goods: 9, resources: 1, workersCouncils: 50, consumersCouncils: 3, density: 0.4,
                                           constantReturnsShare: 0.2, seed: 11).generate()
        let councils = Array(economy.workersCouncils)
        #expect(councils.allSatisfy { council in
            let goods = council.produces.map { economy.goodIndex[$0.id]! }
            return goods == goods.sorted() && council.produces.allSatisfy { $0.amount > 0 }
        })
        let problem = PlanningProblem(economy)
        let workers = economy.workersCouncils
        #expect(problem.outputs.amount.withUnsafeBufferPointer { $0.baseAddress } == workers.producesEntries.amount.withUnsafeBufferPointer { $0.baseAddress })
        #expect(problem.outputs.runStart.withUnsafeBufferPointer { $0.baseAddress } == workers.producesEntries.runStart.withUnsafeBufferPointer { $0.baseAddress })
        for (w, council) in councils.enumerated() {
            let row = problem.outputs.range(w)
            #expect(row.map { problem.outputs.good($0) } == council.produces.map { economy.goodIndex[$0.id]! })
            #expect(row.map { problem.outputs.amount($0) } == council.produces.map(\.amount))
        }
    }

    /// The problem shares the economy's V (copy-on-write): no second allocation.
    @Test func planningProblemSharesTheEconomysMatrices() throws {
        let (economy, _) = try Self.awkwardEconomy()
        let problem = PlanningProblem(economy)
        let stored = economy.workersCouncils.netOutput.elements.withUnsafeBufferPointer { $0.baseAddress }
        let shared = problem.netOutput.elements.withUnsafeBufferPointer { $0.baseAddress }
        #expect(stored == shared)
    }

    /// A compact file loaded from disk (read through windows, councils streamed into the storage)
    /// is the same economy as its JSON form loaded from disk; on economies larger than the
    /// reader's windows.
    @Test(arguments: [(40, 0.4), (1200, 0.9), (2600, 0.2)])
    func streamedCompactLoadEqualsJSONLoad(_ councils: Int, _ density: Double) throws {
        let economy = try SyntheticEconomy(goods: 30, resources: 2, workersCouncils: councils, consumersCouncils: 5, density: density,
                                           constantReturnsShare: 0.5, cesShare: 0.5, seed: 3).generate()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("e.json").path, compact = folder.appendingPathComponent("e.peb").path
        try EconomyFileFormat.json.write(economy, to: json)
        try EconomyFileFormat.compact.write(economy, to: compact)
        let fromJSON = try EconomyFileFormat.load(path: json)
        let fromCompact = try EconomyFileFormat.load(path: compact)
        #expect(fromCompact.workersCouncils == fromJSON.workersCouncils)
        #expect(fromCompact.consumersCouncils == fromJSON.consumersCouncils)
        #expect(fromCompact.goods == fromJSON.goods && fromCompact.resources == fromJSON.resources)
        #expect(fromCompact.workersCouncils.netOutput == fromJSON.workersCouncils.netOutput)
        #expect(fromCompact.workersCouncils.resourceUse == fromJSON.workersCouncils.resourceUse)
    }
}

/// Economies whose councils a generator writes one at a time into the storage.
@Suite struct GeneratedStorageTests {
    /// The same economy as the list-built one: councils, V and Bm to the bit.
    @Test func aGeneratedEconomyEqualsTheListBuiltOne() throws {
        let economy = try SyntheticEconomy(goods: 12, resources: 3, workersCouncils: 60, consumersCouncils: 6, density: 0.5,
                                           constantReturnsShare: 0.3, cesShare: 0.5, seed: 5).generate()
        let rebuilt = try Economy(name: economy.name, goods: economy.goods, resources: economy.resources,
                                  workersCouncils: Array(economy.workersCouncils), consumersCouncils: Array(economy.consumersCouncils))
        #expect(rebuilt.workersCouncils == economy.workersCouncils)
        #expect(rebuilt.workersCouncils.netOutput == economy.workersCouncils.netOutput)
        #expect(rebuilt.workersCouncils.resourceUse == economy.workersCouncils.resourceUse)
    }

    /// Problems found while generating come out as the list-built economy reports them, in order.
    @Test func checksAsTheyGoReportLikeTheListBuiltEconomy() throws {
        let goods = [Good(id: "a"), Good(id: "b")]
        let resources = [PrimaryResource(id: "labour", available: -1)]
        let councils = [
            WorkersCouncil(id: "w", produces: [Quantity("a", 1)], uses: [Quantity("labour", -2)], capacity: 0),
            WorkersCouncil(id: "w", produces: [Quantity("a", 0)], uses: [Quantity("a", 1), Quantity("a", 2)], capacity: 1, elasticity: -1),
        ]
        let consumers = [ConsumersCouncil(id: "c", allowance: 1, preferences: .cobbDouglas(weights: [Quantity("b", 1)]))]
        let listError = #expect(throws: EconomyError.self) {
            try Economy(goods: goods, resources: resources, workersCouncils: councils, consumersCouncils: consumers)
        }
        var builder = WorkersCouncils.Builder(goods: goods, resources: resources, councilCount: councils.count)
        var checks = EconomyValidator(findings: LoaderFindings())
        checks.prepare(goods: goods, resources: resources.map(\.id))
        for (w, council) in councils.enumerated() {
            checks.validate(council, at: w)
            builder.append(id: council.id, capacity: council.capacity, elasticity: council.elasticity,
                           produces: council.produces.map { (0, $0.amount) },
                           uses: council.uses.map { ($0.id == "labour" ? 2 : 0, $0.amount) })
        }
        let generatedError = #expect(throws: EconomyError.self) {
            try Economy(name: "", goods: goods, resources: resources, generatedWorkersCouncils: builder.finish(),
                        councilChecks: checks, consumersCouncils: consumers)
        }
        #expect(generatedError?.problems == listError?.problems)
        #expect((listError?.problems.count ?? 0) >= 6)
    }
}
