import Testing
@testable import Parecon

@Suite struct NewtonBoardTests {
    /// The Jacobian the board assembles from the councils' reports equals minus the finite
    /// differences of excess demand, on an economy of finite-elasticity councils (memoryless,
    /// so a round at given prices is a function of the prices alone).
    /// Blocks of 3 rows make the assembly flush many partial `dsyrk` calls, as a large economy does.
    @Test(arguments: [0.0, 1.0], [3, 512])
    func jacobianMatchesFiniteDifferences(cesShare: Double, blockRows: Int) throws {
        let economy = try SyntheticEconomy(goods: 5, resources: 2, workersCouncils: 12, consumersCouncils: 6, density: 0.4,
                                           cesShare: cesShare, resourceTightness: 0.4, seed: 9).generate()
        let rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let n = economy.goodCount, m = economy.resourceCount, size = n + m
        // Prices near the plan, where some councils are inside their range.
        for _ in 0..<4 { rounds.collectProposals(); rounds.movePrices() }
        let base = rounds.prices + rounds.resourcePrices

        func excess(at prices: [Double]) -> [Double] {
            for i in 0..<n { rounds.workspace.prices[i] = prices[i] }
            for r in 0..<m { rounds.workspace.resourcePrices[r] = prices[n + r] }
            rounds.collectProposals()
            return (0..<n).map { rounds.workspace.excessDemand[$0] } + (0..<m).map { rounds.workspace.resourceExcess[$0] }
        }
        _ = excess(at: base)
        let inside = (0..<economy.workersCouncilCount).filter { rounds.workspace.response[$0] > 0 }.count
        #expect(inside > 0)
        let nws = NewtonWorkspace(goods: n, resources: m, workersCouncils: economy.workersCouncilCount, damping: 1, blockRows: blockRows)
        rounds.problem.assembleJacobian(rounds.workspace, nws)
        var h = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
        for i in 0..<size { for j in i..<size { h[i][j] = nws.hessian[i * size + j]; h[j][i] = h[i][j] } }

        for j in 0..<size {
            let step = 1e-6 * max(base[j], 1e-3)
            var up = base, down = base
            up[j] += step
            down[j] -= step
            let plus = excess(at: up), minus = excess(at: down)
            for i in 0..<size {
                let derivative = -(plus[i] - minus[i]) / (2 * step)
                let scale = max(abs(h[i][i]), abs(h[j][j]), 1e-9)
                #expect(abs(derivative - h[i][j]) <= 1e-5 * scale, "H[\(i)][\(j)] = \(h[i][j]), finite difference \(derivative)")
            }
        }
    }

    /// A finite-elasticity council at a bound whose proposal moved in the last round enters the
    /// Jacobian with its secant slope `(x − x_prev) / (T_w · ΔP)`: the board's Jacobian minus the
    /// point Jacobian (a workspace without a last move) is `Σ sec_w T_wᵀ T_w` over those councils,
    /// with `T_w` and the surpluses computed here from the councils' own `produces` and `uses`.
    @Test func aCouncilThatMovedToABoundEntersWithItsSecantSlope() throws {
        let economy = try SyntheticEconomy(goods: 5, resources: 2, workersCouncils: 12, consumersCouncils: 6, density: 0.4,
                                           cesShare: 0.5, resourceTightness: 0.4, seed: 9).generate()
        let rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let n = economy.goodCount, m = economy.resourceCount, size = n + m, w = economy.workersCouncilCount
        let nws = try #require(rounds.newtonWorkspace)
        func row(_ council: Int) -> [Double] {
            var t = [Double](repeating: 0, count: size)
            for q in economy.workersCouncils.produces(council) { t[economy.goodIndex[q.id]!] += q.amount }
            for q in economy.workersCouncils[council].uses {
                if let i = economy.goodIndex[q.id] { t[i] -= q.amount } else { t[n + economy.resourceIndex[q.id]!] -= q.amount }
            }
            return t
        }
        func surplus(_ council: Int, _ prices: [Double]) -> Double {
            zip(row(council), prices).reduce(0) { $0 + $1.0 * $1.1 }
        }
        // Rounds until some council has moved to a bound since the last round.
        let ws = rounds.workspace
        var moved: [Int] = []
        while rounds.round < 40 {
            rounds.collectProposals()
            moved = (0..<w).filter {
                economy.workersCouncils[$0].elasticity != nil && ws.response[$0] == 0 && ws.activity[$0] != ws.previousActivity[$0]
            }
            if rounds.round > 1 && !moved.isEmpty { break }
            rounds.movePrices()
        }
        try #require(!moved.isEmpty, "no council moved to a bound in 40 rounds")
        let now = rounds.prices + rounds.resourcePrices
        let last = (0..<size).map { now[$0] - nws.lastChange[$0] }

        rounds.problem.assembleJacobian(ws, nws)
        let board = (0..<(size * size)).map { nws.hessian[$0] }
        let point = NewtonWorkspace(goods: n, resources: m, workersCouncils: w, damping: 1)
        rounds.problem.assembleJacobian(ws, point)
        for i in 0..<size {
            for j in i..<size {
                var expected = 0.0
                for council in moved {
                    let t = row(council)
                    let secant = (ws.activity[council] - ws.previousActivity[council]) / (surplus(council, now) - surplus(council, last))
                    #expect(secant > 0)
                    expected += secant * t[i] * t[j]
                }
                let found = board[i * size + j] - point.hessian[i * size + j]
                #expect(abs(found - expected) <= 1e-9 * max(abs(board[i * size + j]), 1), "H[\(i)][\(j)]: \(found) against \(expected)")
            }
        }
    }

    /// A shock to the prices mid-run (all prices ×20, a resource's price at zero) forces bad
    /// rounds; every board's safeguards (step shrinking, damping) recover and reach the optimum.
    @Test(arguments: BoardKind.allCases)
    func recoversFromAPriceShock(board: BoardKind) throws {
        let economy = try SyntheticEconomy(goods: 6, resources: 2, workersCouncils: 15, consumersCouncils: 5, density: 0.3,
                                           constantReturnsShare: 0.3, cesShare: 0.5, resourceTightness: 0.3, seed: 4).generate()
        let settings = PlanningSettings(board: board)
        let rounds = try PlanningRounds(economy: economy, settings: settings)
        for _ in 0..<8 { rounds.collectProposals(); rounds.movePrices() }
        for i in 0..<economy.goodCount { rounds.workspace.prices[i] *= 20 }
        rounds.workspace.resourcePrices[0] = 0
        rounds.collectProposals()
        let shocked = rounds.maxImbalance
        #expect(shocked > 0.1)
        while !rounds.isConverged && rounds.round < 20_000 {
            rounds.movePrices()
            rounds.collectProposals()
        }
        #expect(rounds.isConverged, "\(board): imbalance \(rounds.maxImbalance) after \(rounds.round) rounds")
        let plan = rounds.plan(status: .converged, seconds: 0, history: [])
        #expect(OptimalityConditions(economy: economy, plan: plan, tolerance: 1e-6).violations.isEmpty)
    }

    @Test func communicationCountsTheLocalResponses() throws {
        let economy = try TwoGoodClosedFormTests.economy()
        let tatonnement = try ParticipatoryPlanner(settings: PlanningSettings(board: .tatonnement)).plan(economy)
        let newton = try ParticipatoryPlanner(settings: PlanningSettings(board: .newton)).plan(economy)
        // Per round: bakery and weavery send 2 numbers each (output, labour), the town 2.
        #expect(tatonnement.proposalNumbersReceived == tatonnement.rounds * 6)
        // Newton adds one slope per workers' council and the town's two demand derivatives.
        #expect(newton.proposalNumbersReceived == newton.rounds * (6 + 2 + 2))
        #expect(newton.pricesPublished == newton.rounds * 3)
        #expect(newton.rounds < tatonnement.rounds)
    }
}

@Suite struct AcceleratedBoardTests {
    /// Mixing pays off where the map is smooth: fewer rounds than plain tatonnement on the
    /// finite-elasticity examples, and the same plan.
    @Test(arguments: ["two-goods.json", "five-goods.json", "ces-households.json"])
    func mixingTakesFewerRoundsThanTatonnement(_ name: String) throws {
        let economy = try PlansExamplesTests.load(name)
        let plain = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-9, board: .tatonnement)).plan(economy)
        let mixed = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-9, board: .accelerated)).plan(economy)
        #expect(plain.status == .converged && mixed.status == .converged)
        #expect(mixed.rounds < plain.rounds, "\(name): accelerated \(mixed.rounds), tatonnement \(plain.rounds)")
        for i in plain.prices.indices { #expect(abs(mixed.prices[i] - plain.prices[i]) <= 1e-6 * plain.prices[i]) }
    }
}
