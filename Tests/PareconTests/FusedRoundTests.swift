import Testing
@testable import Parecon

/// The fused round (one pass over the technology matrices, block by block, on one or two threads)
/// against a naive loop over the councils that forms `V p − Bm q`, each council's proposal and the
/// sums `Vᵀx`, `Bmᵀx` and gross supply entry by entry from the economy's own lists.
@Suite struct FusedRoundTests {
    /// How the councils' outputs are laid out, one form of ``ProducesEntries`` each (the round
    /// has one loop per form).
    enum Outputs: String, Sendable, CaseIterable {
        /// Some councils with two outputs: row starts, one good an entry.
        case someTwo
        /// One output a council, amount 1, goods `w mod n` as the generator makes them: runs.
        case singleRuns
        /// The same councils in a seeded random order: one good a council (runs would cost more).
        case singleScattered
        /// One output a council with amounts of their own: one amount a council.
        case singleVaryingAmounts
    }

    /// Half the councils with constant returns, three resources, outputs laid out as `outputs`
    /// says (by default some councils with two outputs).
    static func economy(workersCouncils: Int, seed: UInt64, outputs: Outputs = .someTwo) throws -> Economy {
        let base = try SyntheticEconomy(goods: 9, resources: 3, workersCouncils: workersCouncils, consumersCouncils: 4,
                                        density: 0.4, constantReturnsShare: 0.5, seed: seed).generate()
        var councils = Array(base.workersCouncils)
        var random = SeededGenerator(seed: seed &+ 101)
        switch outputs {
        case .someTwo: break
        case .singleRuns: return base
        case .singleScattered: councils.shuffle(using: &random)
        case .singleVaryingAmounts:
            for w in councils.indices { councils[w].produces = councils[w].produces.map { Quantity($0.id, $0.amount * random.uniform(0.5, 2)) } }
        }
        for w in stride(from: 0, to: outputs == .someTwo ? councils.count : 0, by: 5) {
            let c = councils[w]
            let made = Set(c.produces.map(\.id) + c.uses.map(\.id))
            if let extra = base.goods.first(where: { !made.contains($0.id) }) {
                councils[w] = WorkersCouncil(id: c.id, produces: c.produces + [Quantity(extra.id, 0.3)], uses: c.uses,
                                             capacity: c.capacity, elasticity: c.elasticity)
            }
        }
        return try Economy(name: "fused", goods: base.goods, resources: base.resources,
                           workersCouncils: councils, consumersCouncils: Array(base.consumersCouncils))
    }

    struct Expected {
        var surplus: [Double], activity: [Double], revisionRate: [Double], response: [Double]
        var netSupply: [Double], resourceUse: [Double], grossSupply: [Double]
    }

    /// The round's rule written out council by council (DESIGN §2, §4), from the economy's lists.
    static func naive(_ economy: Economy, prices p: [Double], resourcePrices q: [Double], previous: [Double],
                      rate: [Double], lastRelative: [Double], settings s: PlanningSettings) -> Expected {
        let n = economy.goodCount, m = economy.resourceCount
        var e = Expected(surplus: [], activity: [], revisionRate: rate, response: [],
                         netSupply: Array(repeating: 0, count: n), resourceUse: Array(repeating: 0, count: m),
                         grossSupply: Array(repeating: 0, count: n))
        for (w, c) in economy.workersCouncils.enumerated() {
            var pi = 0.0, value = 0.0
            for o in c.produces {
                pi += o.amount * p[economy.goodIndex[o.id]!]
                value += o.amount * p[economy.goodIndex[o.id]!]
            }
            for u in c.uses {
                if let i = economy.goodIndex[u.id] { pi -= u.amount * p[i] } else { pi -= u.amount * q[economy.resourceIndex[u.id]!] }
            }
            var x: Double, slope: Double
            if let k = c.elasticity {
                x = k * pi
                slope = k
            } else if value > 0 {
                let relative = pi / value
                var eta = rate[w]
                let inside = previous[w] > 0 && previous[w] < c.capacity
                if relative * lastRelative[w] < 0 { eta *= s.stepShrink }
                else if relative * lastRelative[w] > 0 && inside { eta = min(eta * s.revisionGrowth, s.maxRevisionRate) }
                e.revisionRate[w] = eta
                x = previous[w] + eta * c.capacity * relative
                slope = eta * c.capacity / value
            } else {
                x = pi < 0 ? 0 : previous[w]
                slope = 0
            }
            let inside = x > 0 && x < c.capacity
            e.response.append(inside || c.elasticity == nil ? slope : 0)
            x = min(max(x, 0), c.capacity)
            e.surplus.append(pi)
            e.activity.append(x)
            for o in c.produces {
                e.netSupply[economy.goodIndex[o.id]!] += x * o.amount
                e.grossSupply[economy.goodIndex[o.id]!] += x * o.amount
            }
            for u in c.uses {
                if let i = economy.goodIndex[u.id] { e.netSupply[i] -= x * u.amount } else { e.resourceUse[economy.resourceIndex[u.id]!] += x * u.amount }
            }
        }
        return e
    }

    /// The round's totals (net and gross supply by good, use by resource) against the naive loop's,
    /// each within 1e-12 relative or 1e-12 of the total gross supply.
    static func expectSameTotals(_ ws: PlanningWorkspace, _ e: Expected, _ economy: Economy, _ label: String) {
        func close(_ a: Double, _ b: Double, scale: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b), scale) }
        let scale = e.grossSupply.reduce(0, +)
        for i in 0..<economy.goodCount {
            #expect(close(ws.netSupply[i], e.netSupply[i], scale: scale), "\(label): net supply of good \(i)")
            #expect(close(ws.grossSupply[i], e.grossSupply[i], scale: scale), "\(label): gross supply of good \(i)")
        }
        for r in 0..<economy.resourceCount {
            #expect(close(ws.resourceUse[r], e.resourceUse[r], scale: scale), "\(label): use of resource \(r)")
        }
    }

    /// Runs one fused pass with the given blocks and threads at seeded prices and memory, and
    /// checks it against the naive loop (relative 1e-12, absolute 1e-12 of the scale).
    static func check(workersCouncils: Int, blockRows: Int, threads: Int, seed: UInt64,
                      outputs: Outputs = .someTwo) throws -> PlanningWorkspace {
        let economy = try economy(workersCouncils: workersCouncils, seed: seed, outputs: outputs)
        let problem = PlanningProblem(economy)
        let form = problem.outputs
        switch outputs {
        case .someTwo: #expect(!form.isSingle && form.amount.count == form.count)
        case .singleRuns: #expect(form.isSingle && form.isRuns && form.amount.count == 1)
        case .singleScattered: #expect(form.isSingle && !form.isRuns && form.amount.count == 1)
        case .singleVaryingAmounts: #expect(form.isSingle && form.isRuns && form.amount.count == workersCouncils)
        }
        let ws = PlanningWorkspace(problem)
        ws.fusedBlockRows = blockRows
        ws.fusedThreads = threads
        var random = SeededGenerator(seed: seed &+ 17)
        let settings = PlanningSettings()
        let p = (0..<economy.goodCount).map { _ in random.uniform(0.5, 2) }
        let q = (0..<economy.resourceCount).map { _ in random.uniform(0, 0.5) }
        let previous = economy.workersCouncils.map { c in random.uniform() < 0.2 ? 0 : random.uniform(0, 1.2) * c.capacity }
        let rate = economy.workersCouncils.map { _ in random.uniform(0.05, 0.5) }
        let lastRelative = economy.workersCouncils.map { _ in random.uniform(-1, 1) }
        for i in p.indices { ws.prices[i] = p[i] }
        for r in q.indices { ws.resourcePrices[r] = q[r] }
        for w in previous.indices {
            ws.previousActivity[w] = previous[w]
            ws.revisionRate[w] = rate[w]
            ws.lastRelativeSurplus[w] = lastRelative[w]
        }
        problem.proposeActivity(ws, settings: settings)
        let e = naive(economy, prices: p, resourcePrices: q, previous: previous, rate: rate, lastRelative: lastRelative, settings: settings)
        func close(_ a: Double, _ b: Double, scale: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b), scale) }
        let label = "W \(workersCouncils), block \(blockRows), threads \(threads), outputs \(outputs)"
        for w in 0..<workersCouncils {
            #expect(close(ws.surplus[w], e.surplus[w], scale: 1), "\(label): surplus of council \(w)")
            #expect(close(ws.activity[w], e.activity[w], scale: 1), "\(label): activity of council \(w)")
            #expect(close(ws.revisionRate[w], e.revisionRate[w], scale: 1), "\(label): revision rate of council \(w)")
            #expect(close(ws.response[w], e.response[w], scale: 1), "\(label): response of council \(w)")
        }
        expectSameTotals(ws, e, economy, label)
        return ws
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var workersCouncils: Int, blockRows: Int, threads: Int
        var testDescription: String { "W \(workersCouncils), block \(blockRows), \(threads) thread(s)" }
    }

    static let cases: [Case] = [
        Case(workersCouncils: 100, blockRows: 10, threads: 1),   // W a multiple of the block
        Case(workersCouncils: 103, blockRows: 10, threads: 1),   // W not a multiple of the block
        Case(workersCouncils: 103, blockRows: 10, threads: 2),   // ... on two threads, halves not whole blocks
        Case(workersCouncils: 7, blockRows: 64, threads: 1),     // W smaller than a block
        Case(workersCouncils: 7, blockRows: 64, threads: 2),
        Case(workersCouncils: 64, blockRows: 64, threads: 2),    // W exactly one block
        Case(workersCouncils: 65, blockRows: 1, threads: 2),     // one council per block
        Case(workersCouncils: 1, blockRows: 16, threads: 2),     // one council, fewer than the threads
    ]

    @Test(arguments: cases)
    func fusedPassMatchesTheNaiveLoop(_ c: Case) throws {
        _ = try Self.check(workersCouncils: c.workersCouncils, blockRows: c.blockRows, threads: c.threads, seed: 3)
    }

    /// Each single-output form of the outputs (runs walked across blocks and threads, one good a
    /// council, one amount a council) against the naive loop over the economy's lists.
    @Test(arguments: [Outputs.singleRuns, .singleScattered, .singleVaryingAmounts], [(103, 10, 1), (103, 10, 2), (65, 1, 2), (100, 7, 2)])
    func singleOutputFormsMatchTheNaiveLoop(_ outputs: Outputs, _ shape: (Int, Int, Int)) throws {
        _ = try Self.check(workersCouncils: shape.0, blockRows: shape.1, threads: shape.2, seed: 4, outputs: outputs)
    }

    @Test func oneAndTwoThreadsAgreeAndEachIsDeterministic() throws {
        let one = try Self.check(workersCouncils: 257, blockRows: 16, threads: 1, seed: 5)
        let two = try Self.check(workersCouncils: 257, blockRows: 16, threads: 2, seed: 5)
        let again = try Self.check(workersCouncils: 257, blockRows: 16, threads: 2, seed: 5)
        for w in 0..<257 {
            #expect(one.activity[w] == two.activity[w], "council \(w): the proposal does not depend on the thread")
        }
        for i in 0..<9 {
            #expect(abs(one.netSupply[i] - two.netSupply[i]) <= 1e-12 * abs(one.grossSupply[i]), "good \(i)")
            #expect(two.netSupply[i] == again.netSupply[i] && two.grossSupply[i] == again.grossSupply[i],
                    "good \(i): two runs on two threads give the same bits")
        }
    }

    /// A workspace without the per-council responses and revision memory (what the round loop
    /// makes for a first-order board on an economy without constant-returns councils: 24 bytes a
    /// council less) proposes the same activities and sums as the naive loop.
    @Test(arguments: [(1, 16), (2, 16), (2, 1), (1, 4_096)])
    func workspaceWithoutResponsesOrRevisionsMatchesTheNaiveLoop(_ threads: Int, _ blockRows: Int) throws {
        let economy = try SyntheticEconomy(goods: 9, resources: 3, workersCouncils: 131, consumersCouncils: 4,
                                           density: 0.4, constantReturnsShare: 0, seed: 8).generate()
        let problem = PlanningProblem(economy)
        #expect(!problem.hasConstantReturns)
        let ws = PlanningWorkspace(problem, responses: false, revisions: false)
        #expect(ws.response.count == 1 && ws.revisionRate.count == 1 && ws.lastRelativeSurplus.count == 1 && !ws.hasResponses)
        #expect(ws.previousActivity.count == 1 && !ws.keepsPreviousActivity)
        ws.fusedBlockRows = blockRows
        ws.fusedThreads = threads
        var random = SeededGenerator(seed: 21)
        let p = (0..<economy.goodCount).map { _ in random.uniform(0.5, 2) }
        let q = (0..<economy.resourceCount).map { _ in random.uniform(0, 0.5) }
        for i in p.indices { ws.prices[i] = p[i] }
        for r in q.indices { ws.resourcePrices[r] = q[r] }
        let w = economy.workersCouncilCount
        problem.proposeActivity(ws, settings: PlanningSettings())
        let e = Self.naive(economy, prices: p, resourcePrices: q, previous: Array(repeating: 0, count: w),
                           rate: Array(repeating: 0, count: w), lastRelative: Array(repeating: 0, count: w), settings: PlanningSettings())
        func close(_ a: Double, _ b: Double, scale: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b), scale) }
        for council in 0..<w {
            #expect(close(ws.surplus[council], e.surplus[council], scale: 1), "surplus of council \(council)")
            #expect(close(ws.activity[council], e.activity[council], scale: 1), "activity of council \(council)")
        }
        Self.expectSameTotals(ws, e, economy, "one thread")
    }

    /// Every board plans an economy without constant-returns councils (its workspace without the
    /// per-council memory; the first-order boards' also without responses) to proposals that are
    /// each council's own best reply `clamp(k π, 0, cap)` at the final prices, `π` formed naively.
    @Test(arguments: [BoardKind.tatonnement, .accelerated, .newton])
    func plansWithTheSmallerWorkspaceAreTheCouncilsBestReplies(_ board: BoardKind) throws {
        let economy = try SyntheticEconomy(goods: 6, resources: 1, workersCouncils: 40, consumersCouncils: 3,
                                           density: 0.5, constantReturnsShare: 0, seed: 4).generate()
        var settings = PlanningSettings()
        settings.board = board
        let plan = try ParticipatoryPlanner(settings: settings).plan(economy)
        #expect(plan.status == .converged)
        let e = Self.naive(economy, prices: plan.prices, resourcePrices: plan.resourcePrices,
                           previous: Array(repeating: 0, count: 40), rate: Array(repeating: 0, count: 40),
                           lastRelative: Array(repeating: 0, count: 40), settings: settings)
        for w in 0..<40 {
            #expect(abs(plan.activity[w] - e.activity[w]) <= 1e-9 * max(1, e.activity[w]), "\(board): council \(w)")
        }
    }

    /// The planner's final plan, built after the rounds' per-council buffers are handed back, is
    /// the plan of the same rounds driven one at a time and built with everything still there
    /// (same bits), on an economy with constant-returns councils (whose revision memory is kept)
    /// and one without; and no round runs after it.
    @Test(arguments: [BoardKind.tatonnement, .accelerated, .newton], [0.0, 0.3])
    func finalPlanIsThePlanOfTheSameRounds(_ board: BoardKind, _ constantReturnsShare: Double) throws {
        let economy = try SyntheticEconomy(goods: 6, resources: 2, workersCouncils: 50, consumersCouncils: 3,
                                           density: 0.5, constantReturnsShare: constantReturnsShare, seed: 6).generate()
        var settings = PlanningSettings()
        settings.board = board
        settings.maxRounds = 400
        let planned = try ParticipatoryPlanner(settings: settings).plan(economy)

        let rounds = try PlanningRounds(economy: economy, settings: settings)
        #expect(rounds.workspace.keepsPreviousActivity == (board == .newton || constantReturnsShare > 0))
        while true {
            rounds.collectProposals()
            if rounds.isConverged || rounds.hasDiverged || rounds.round >= settings.maxRounds { break }
            rounds.movePrices()
        }
        #expect(rounds.round == planned.rounds)
        let reference = rounds.plan(status: planned.status, seconds: planned.seconds, history: planned.history)
        #expect(planned.prices == reference.prices && planned.resourcePrices == reference.resourcePrices)
        #expect(planned.activity == reference.activity && planned.consumption.elements == reference.consumption.elements)
        #expect(planned.supply == reference.supply && planned.use == reference.use && planned.excessDemand == reference.excessDemand)
        #expect(planned.welfare == reference.welfare && planned.safeguardRounds == rounds.boardFallbacks)

        let final = rounds.finalPlan(status: planned.status, seconds: planned.seconds, history: planned.history)
        #expect(rounds.workspace.roundScratchReleased && rounds.newtonWorkspace == nil)
        #expect(final.activity == reference.activity && final.prices == reference.prices && final.safeguardRounds == planned.safeguardRounds)
    }

    /// The size rule: small problems run on one thread, large ones on two, and blocks stay near 384 KiB.
    @Test func threadsAndBlocksFollowTheSize() {
        #expect(FusedRound.threads(workersCouncils: 1_000, goods: 9, resources: 3, blockRows: 4_096) == 1)
        #expect(FusedRound.threads(workersCouncils: 100_000, goods: 400, resources: 2, blockRows: 122) == 2)
        #expect(FusedRound.blockRows(goods: 400, resources: 2) == 122)
        #expect(FusedRound.blockRows(goods: 1, resources: 0) == 4_096)
    }
}
