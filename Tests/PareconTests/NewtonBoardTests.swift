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
        let inside = (0..<economy.workersCouncilCount).filter { rounds.problem.localResponse(rounds.workspace, $0) > 0 }.count
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

    /// A finite-elasticity council at a bound enters the Jacobian with the larger of its window
    /// response — `k · |[π − δ, π + δ] ∩ [0, cap/k]| / (2δ)`, `δ` its last surplus change — and,
    /// if its proposal moved, its secant slope `(x − x_prev) / (π − π_prev)`: the board's Jacobian
    /// minus the point Jacobian (a workspace without a last move) is `Σ r_w T_w T_wᵀ` over those
    /// councils, with rows, surpluses, windows and secants computed here from the councils' own
    /// `produces`/`uses`, capacities and elasticities.
    /// A calibrated economy (steep supply ramps, as on the real tables) of the hand table.
    @Test func aCouncilAtABoundEntersWithItsWindowOrSecantSlope() throws {
        let economy = try CalibratedEconomy(table: try CalibratedEconomyTests.importingTable(), workersCouncilsPerSector: 8,
                                            consumersCouncils: 5, heterogeneity: 0.3, seed: 2).generate()
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
        let ws = rounds.workspace
        func atBound(_ council: Int) -> Bool { economy.workersCouncils[council].elasticity != nil && rounds.problem.localResponse(ws, council) == 0 }
        // The slope each council at a bound should enter with, and how many of them enter with
        // their window response (larger than their secant) and with their secant.
        func expectedSlopes() -> (slopes: [Double], windows: Int, secants: Int) {
            let now = rounds.prices + rounds.resourcePrices
            let last = (0..<size).map { now[$0] - nws.lastChange[$0] }
            var slopes = [Double](repeating: 0, count: w)
            var windows = 0, secants = 0
            for council in 0..<w where atBound(council) {
                let k = economy.workersCouncils[council].elasticity!, cap = economy.workersCouncils[council].capacity
                let pi = surplus(council, now), change = pi - surplus(council, last), delta = PlanningProblem.windowWidth * abs(change)
                let window = delta > 0 ? k * max(0, min(pi + delta, cap / k) - max(pi - delta, 0)) / (2 * delta) : 0
                let movedBy = ws.activity[council] - ws.previousActivity[council]
                let secant = movedBy != 0 && change != 0 ? movedBy / change : 0
                slopes[council] = max(window, secant)
                if window > secant { windows += 1 } else if secant > 0 { secants += 1 }
            }
            return (slopes, windows, secants)
        }
        // Rounds until some council enters with its window and some with its secant.
        var expected: (slopes: [Double], windows: Int, secants: Int) = ([], 0, 0)
        while rounds.round < 60 {
            rounds.collectProposals()
            if rounds.round > 1 {
                expected = expectedSlopes()
                if expected.windows > 0 && expected.secants > 0 { break }
            }
            rounds.movePrices()
        }
        try #require(expected.windows > 0 && expected.secants > 0, "no round in 60 with both a window and a secant slope")

        rounds.problem.assembleJacobian(ws, nws)
        let board = (0..<(size * size)).map { nws.hessian[$0] }
        let point = NewtonWorkspace(goods: n, resources: m, workersCouncils: w, damping: 1)
        rounds.problem.assembleJacobian(ws, point)
        let slopes = expected.slopes
        for i in 0..<size {
            for j in i..<size {
                var expected = 0.0
                for council in 0..<w where slopes[council] > 0 {
                    let t = row(council)
                    expected += slopes[council] * t[i] * t[j]
                }
                let found = board[i * size + j] - point.hessian[i * size + j]
                #expect(abs(found - expected) <= 1e-9 * max(abs(board[i * size + j]), 1), "H[\(i)][\(j)]: \(found) against \(expected)")
            }
        }
    }

    /// The window response in closed form: `k = 2`, `cap = 10`, so the council's range of surplus
    /// is `[0, 5]`; `r(π, δ)` is the response to a last change of `δ / ω`, whose window is `±δ`.
    @Test func theWindowResponseIsTheAverageSlopeOverTheWindow() {
        #expect(PlanningProblem.windowWidth == 0.7)
        func r(_ pi: Double, _ delta: Double) -> Double {
            PlanningProblem.windowResponse(surplus: pi, change: delta / PlanningProblem.windowWidth, inverseElasticity: 0.5, capacity: 10)
        }
        #expect(abs(r(6, 2) - 0.5) <= 1e-14)           // [4, 8] ∩ [0, 5] = [4, 5]: 2 · 1 / 4
        #expect(abs(r(-1, -3) - 2.0 / 3) <= 1e-14)     // [−4, 2] ∩ [0, 5] = [0, 2]: 2 · 2 / 6
        #expect(abs(r(2.5, 10) - 0.5) <= 1e-14)        // the whole range inside: 2 · 5 / 20
        #expect(r(7, 1) == 0 && r(-2, 1) == 0)         // the window misses the range
        #expect(r(6, 0) == 0)                           // no last change
        #expect(PlanningProblem.windowResponse(surplus: 6, change: 2, inverseElasticity: 0, capacity: 10) == 0)  // constant returns
    }

    /// Once the board has gone `newtonStallRounds` rounds without a better measure it moves by
    /// tatonnement steps: forced from the start, its prices are tatonnement's, bit for bit, round
    /// after round. Counted down from one round short, it gives up after two rounds that do not
    /// beat a best of 0; with constant-returns councils it never counts.
    @Test func aStalledBoardGivesUpNewtonStepsForTatonnements() throws {
        let economy = try SyntheticEconomy(goods: 6, resources: 2, workersCouncils: 20, consumersCouncils: 5, density: 0.3,
                                           cesShare: 0.5, resourceTightness: 0.3, seed: 3).generate()
        let stalled = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let plain = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .tatonnement))
        let nws = try #require(stalled.newtonWorkspace)
        nws.stagnantRounds = PlanningProblem.newtonStallRounds
        for round in 1...30 {
            stalled.collectProposals()
            plain.collectProposals()
            _ = stalled.movePrices()
            _ = plain.movePrices()
            #expect(stalled.prices == plain.prices && stalled.resourcePrices == plain.resourcePrices, "round \(round)")
        }
        #expect(nws.fallbacks == 30)

        let counting = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let cws = try #require(counting.newtonWorkspace)
        counting.collectProposals()
        _ = counting.movePrices()
        #expect(cws.stagnantRounds == 0 && cws.bestMerit < .infinity && cws.fallbacks == 0)
        cws.bestMerit = 0
        cws.stagnantRounds = PlanningProblem.newtonStallRounds - 2
        for _ in 0..<2 {
            counting.collectProposals()
            _ = counting.movePrices()
        }
        #expect(cws.stagnantRounds == PlanningProblem.newtonStallRounds && cws.fallbacks == 1)

        let leontief = try PlansExamplesTests.load("leontief.json")
        let proximal = try PlanningRounds(economy: leontief, settings: PlanningSettings(board: .newton))
        let pws = try #require(proximal.newtonWorkspace)
        pws.bestMerit = 0
        for _ in 0..<5 {
            proximal.collectProposals()
            _ = proximal.movePrices()
        }
        #expect(pws.stagnantRounds == 0 && pws.fallbacks == 0)
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

    /// The gain ratio `ρ = (before − after) / (before − predicted)` and the damping it sets:
    /// ×4 below 0.1, ÷3 above 0.5, unchanged between, within `[minDamping, maxDamping]`; a model
    /// that predicted no fall counts a fall as 1 and a rise as −1.
    @Test func theGainRatioSetsTheDamping() {
        #expect(PlanningProblem.gainRatio(before: 4, after: 2, predicted: 0) == 0.5)
        #expect(PlanningProblem.gainRatio(before: 4, after: 5, predicted: 2) == -0.5)
        #expect(PlanningProblem.gainRatio(before: 4, after: 3, predicted: 4) == 1)
        #expect(PlanningProblem.gainRatio(before: 4, after: 5, predicted: 6) == -1)
        let settings = PlanningSettings(minDamping: 1e-3, maxDamping: 10)
        #expect(PlanningProblem.damping(after: -2, damping: 1, settings: settings) == 4)
        #expect(PlanningProblem.damping(after: 0.09, damping: 1, settings: settings) == 4)
        #expect(PlanningProblem.damping(after: 0.1, damping: 1, settings: settings) == 1)
        #expect(PlanningProblem.damping(after: 0.5, damping: 1, settings: settings) == 1)
        #expect(PlanningProblem.damping(after: 0.51, damping: 1.5, settings: settings) == 0.5)
        #expect(PlanningProblem.damping(after: 0.9, damping: 3, settings: settings) == 1)
        #expect(PlanningProblem.damping(after: 0, damping: 8, settings: settings) == 10)
        #expect(PlanningProblem.damping(after: 1, damping: 2e-3, settings: settings) == 1e-3)
    }

    /// The prediction the gain ratio judges is the model's excess after the step actually taken,
    /// `E − H ΔP` with the undamped Jacobian (the Cholesky factor overwrites `H` in place):
    /// recomputed here with a naive product from a copy of the board's assembly, round after
    /// round. And near the plan the model is right: the gain ratio of the last rounds is within
    /// 0.05 of 1, and the damping falls by 3 in each of them.
    @Test func theGainRatioComparesTheRoundWithTheModelsPrediction() throws {
        let economy = try SyntheticEconomy(goods: 5, resources: 2, workersCouncils: 12, consumersCouncils: 6, density: 0.4,
                                           cesShare: 0.5, resourceTightness: 0.4, seed: 9).generate()
        let rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(tolerance: 1e-9, board: .newton))
        let nws = try #require(rounds.newtonWorkspace)
        var gains: [(gain: Double, factor: Double, damping: Double, measure: Double)] = []
        try Self.checkEveryPrediction(rounds, maxRounds: 100) { before, _ in
            if let gain = nws.lastGain { gains.append((gain, nws.damping / before.damping, nws.damping, rounds.maxImbalance)) }
        }
        #expect(rounds.isConverged)
        let last = gains.filter { $0.measure < 1e-3 }
        #expect(last.count >= 2)
        for round in last {
            #expect(abs(round.gain - 1) <= 0.05, "gain \(round.gain)")
            #expect(abs(round.factor - 1.0 / 3) <= 1e-12 || round.damping == rounds.settings.minDamping, "damping ×\(round.factor)")
        }
    }

    /// Plays `rounds` until they converge (at most `maxRounds`) and, after every Newton move (not a
    /// tatonnement fallback), checks the board's predicted `‖E + trend − H ΔP‖²` against a naive
    /// product with a copy of the Jacobian the move was assembled from, for the step actually
    /// taken (the constant-returns trend is read after the move: the one the move's model used).
    /// `observe` sees each such move: the damping and ramp rounds before it, and its step.
    static func checkEveryPrediction(_ rounds: PlanningRounds, maxRounds: Int,
                                     observe: (_ before: (damping: Double, ramps: Int), _ step: [Double]) throws -> Void) throws {
        let economy = rounds.economy, problem = rounds.problem, ws = rounds.workspace
        let nws = try #require(rounds.newtonWorkspace)
        let n = economy.goodCount, m = economy.resourceCount, size = n + m
        while !rounds.isConverged && rounds.round < maxRounds {
            rounds.collectProposals()
            if rounds.isConverged { break }
            let copy = NewtonWorkspace(goods: n, resources: m, workersCouncils: economy.workersCouncilCount, damping: 1)
            copy.restore(nws.exported())
            problem.assembleJacobian(ws, copy)
            let before = rounds.prices + rounds.resourcePrices
            let excess = (0..<n).map { ws.excessDemand[$0] } + (0..<m).map { ws.resourceExcess[$0] }
            let counts = (damping: nws.damping, ramps: nws.rampRounds), fallbacks = nws.fallbacks
            rounds.movePrices()
            if nws.fallbacks > fallbacks { continue }
            let step = zip(rounds.prices + rounds.resourcePrices, before).map { $0 - $1 }
            try observe(counts, step)
            let predicted = (0..<size).map { i in
                excess[i] + nws.trend[i] - (0..<size).reduce(0.0) { $0 + copy.hessian[min(i, $1) * size + max(i, $1)] * step[$1] }
            }
            let expected = problem.squaredImbalance(ws) { predicted[$0] }
            let found = try #require(nws.predictedNorm, "round \(rounds.round)")
            #expect(abs(found - expected) <= 1e-9 * max(expected, 1e-12), "round \(rounds.round): \(found) against \(expected)")
        }
    }

    /// Four bakeries with steep ranges (`cap/k` = 0.01 of surplus) that all lose money at the
    /// first prices (bread 1, labour 1, 1.05–1.2 h of labour a loaf), and a weavery that
    /// over-uses labour there: nobody supplies bread, and bread's Jacobian row holds only the
    /// town's demand. The board's ramp step puts bread's first move on the bakeries' ramp — in
    /// round 2 some bakery supplies and not all four at capacity — where Newton's step alone goes
    /// past it (measured with the ramp turned off: bread 1 → 1.75, labour 1 → 1.25, every bakery
    /// at capacity in round 2). The plan is the optimum.
    static func bakeriesAtALoss() throws -> Economy {
        try Economy(
            name: "Bakeries at a loss",
            goods: [Good(id: "bread", unit: "loaves"), Good(id: "cloth", unit: "m")],
            resources: [PrimaryResource(id: "labour", unit: "h", available: 30)],
            workersCouncils: [1.05, 1.1, 1.15, 1.2].enumerated().map { index, hours in
                WorkersCouncil(id: "bakery\(index)", produces: [Quantity("bread", 1)], uses: [Quantity("labour", hours)],
                               capacity: 10, elasticity: 1000)
            } + [WorkersCouncil(id: "weavery", produces: [Quantity("cloth", 1)], uses: [Quantity("labour", 0.5)], capacity: 1000, elasticity: 200)],
            consumersCouncils: [
                ConsumersCouncil(id: "town", allowance: 120, preferences: .cobbDouglas(weights: [Quantity("bread", 1), Quantity("cloth", 1)])),
            ])
    }

    @Test func anUnsuppliedGoodsFirstStepStopsOnItsProducersRamp() throws {
        let economy = try Self.bakeriesAtALoss()
        let rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let nws = try #require(rounds.newtonWorkspace)
        let bread = economy.goodIndex["bread"]!
        rounds.collectProposals()
        #expect(rounds.workspace.grossSupply[bread] == 0)
        rounds.movePrices()
        #expect(nws.rampRounds == 1)
        rounds.collectProposals()
        let supplied = (0..<4).filter { rounds.workspace.activity[$0] > 0 }.count
        let atCapacity = (0..<4).filter { rounds.workspace.activity[$0] >= 10 }.count
        #expect(supplied > 0 && atCapacity < 4, "bakeries' proposals \(rounds.activity.prefix(4)) at bread \(rounds.prices[bread]), labour \(rounds.resourcePrices), cloth supply \(rounds.activity[4])")
        while !rounds.isConverged && rounds.round < 500 {
            rounds.movePrices()
            rounds.collectProposals()
        }
        #expect(rounds.isConverged, "imbalance \(rounds.maxImbalance) after \(rounds.round) rounds")
        let plan = rounds.plan(status: .converged, seconds: 0, history: [])
        #expect(OptimalityConditions(economy: economy, plan: plan, tolerance: 1e-6).violations.isEmpty)
    }

    /// With ramp steps and the gain ratio together, the prediction the ratio judges is that of the
    /// step finally taken — after the ramp step's re-solve (`dpotrs` with the same factor) changed
    /// it — with the undamped Jacobian the factorisation left in the lower triangle: recomputed here
    /// with a naive product from a copy of the board's assembly, in every round of the bakeries'
    /// plan, the first of which takes a ramp step that shortens bread's Newton step (compared with
    /// the same round with ramp steps turned off).
    @Test func theGainRatioJudgesTheStepTheRampLeft() throws {
        let economy = try Self.bakeriesAtALoss()
        let bread = economy.goodIndex["bread"]!
        let plain = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        try #require(plain.newtonWorkspace).takesRampSteps = false
        plain.collectProposals()
        plain.movePrices()
        let rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let nws = try #require(rounds.newtonWorkspace)
        var rampRoundsChecked = 0
        try Self.checkEveryPrediction(rounds, maxRounds: 500) { before, step in
            if rounds.round == 1 {
                #expect(nws.rampRounds == 1)
                #expect(abs(step[bread]) < abs(plain.prices[bread] - 1) - 1e-3, "bread \(step[bread]) against \(plain.prices[bread] - 1)")
            }
            if nws.rampRounds > before.ramps { rampRoundsChecked += 1 }
        }
        #expect(rounds.isConverged)
        #expect(rampRoundsChecked >= 1)
    }

    /// Without constant-returns councils the round loop keeps no local responses: the board works
    /// each council's out from its proposal (``PlanningProblem/localResponse(_:_:)``). It is, bit
    /// for bit, the response the council's rule reports into a workspace that keeps them, proposing
    /// at the same prices, in every round of a plan (calibrated: most councils at a bound, some
    /// inside their range; synthetic: wide ranges). With constant-returns councils the responses
    /// are kept.
    @Test(arguments: [false, true])
    func theBoardWorksTheResponsesOutFromTheProposals(calibrated: Bool) throws {
        let economy = calibrated
            ? try CalibratedEconomy(table: try CalibratedEconomyTests.importingTable(), workersCouncilsPerSector: 8,
                                    consumersCouncils: 5, heterogeneity: 0.3, seed: 2).generate()
            : try SyntheticEconomy(goods: 6, resources: 2, workersCouncils: 40, consumersCouncils: 3, density: 0.5,
                                   constantReturnsShare: 0, seed: 4).generate()
        let rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let ws = rounds.workspace, problem = rounds.problem
        #expect(!ws.hasResponses && ws.keepsPreviousActivity)
        let reporting = PlanningWorkspace(problem)
        #expect(reporting.hasResponses)
        var inside = 0, atBound = 0
        while true {
            rounds.collectProposals()
            for i in 0..<economy.goodCount { reporting.prices[i] = ws.prices[i] }
            for r in 0..<economy.resourceCount { reporting.resourcePrices[r] = ws.resourcePrices[r] }
            problem.proposeActivity(reporting, settings: rounds.settings)
            for w in 0..<economy.workersCouncilCount {
                let reported = reporting.response[w], worked = problem.localResponse(ws, w)
                #expect(reporting.activity[w].bitPattern == ws.activity[w].bitPattern)
                #expect(worked.bitPattern == reported.bitPattern, "round \(rounds.round), council \(w): \(worked) against \(reported)")
                if reported > 0 { inside += 1 } else { atBound += 1 }
            }
            if rounds.isConverged || rounds.round >= 60 { break }
            rounds.movePrices()
        }
        #expect(rounds.isConverged && inside > 0 && atBound > 0)

        let mixed = try SyntheticEconomy(goods: 6, resources: 2, workersCouncils: 40, consumersCouncils: 3, density: 0.5,
                                         constantReturnsShare: 0.5, seed: 4).generate()
        #expect(try PlanningRounds(economy: mixed, settings: PlanningSettings(board: .newton)).workspace.hasResponses)
    }

    /// The producers' list (runs of consecutive councils as two entries) enumerates each good's
    /// producers — the councils with `v_wk > 0`, worked out here from the economy's own `produces`
    /// and `uses` — in council order, and stops when asked: on a calibrated economy (councils
    /// grouped by sector: at most two entries a good) and a synthetic one (scattered producers).
    @Test(arguments: [false, true])
    func theProducersListHoldsEachGoodsProducers(calibrated: Bool) throws {
        let economy = calibrated
            ? try CalibratedEconomy(table: try CalibratedEconomyTests.importingTable(), workersCouncilsPerSector: 8,
                                    consumersCouncils: 5, heterogeneity: 0.3, seed: 2).generate()
            : try SyntheticEconomy(goods: 7, resources: 2, workersCouncils: 120, consumersCouncils: 3, density: 0.5, seed: 5).generate()
        let rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let nws = try #require(rounds.newtonWorkspace)
        rounds.problem.listProducers(nws)
        let n = economy.goodCount
        var producers = [[Int]](repeating: [], count: n)
        for (w, council) in economy.workersCouncils.enumerated() {
            var net = [Double](repeating: 0, count: n)
            for q in economy.workersCouncils.produces(w) { net[economy.goodIndex[q.id]!] += q.amount }
            for q in council.uses { if let i = economy.goodIndex[q.id] { net[i] -= q.amount } }
            for i in 0..<n where net[i] > 0 { producers[i].append(w) }
        }
        var runs = 0
        for k in 0..<n {
            var listed: [Int] = []
            #expect(nws.eachProducer(of: k) { listed.append($0); return true })
            #expect(listed == producers[k], "good \(k)")
            var seen = 0
            let completed = nws.eachProducer(of: k) { _ in seen += 1; return seen < 2 }
            #expect(completed == (listed.count < 2) && seen == min(listed.count, 2))
            runs += zip(listed, listed.dropFirst()).filter { $0.1 != $0.0 + 1 }.count + (listed.isEmpty ? 0 : 1)
        }
        let entries = nws.producerStart![n], producing = producers.reduce(0) { $0 + $1.count }
        #expect(entries <= producing && entries >= runs)
        if calibrated { #expect(entries <= 2 * n && producing == economy.workersCouncilCount) } else { #expect(runs > n) }
    }

    /// The board counts a council's elasticity and capacity once, however often a ramp step reads
    /// them, in one bit per council: against a set of the councils read, across the edges of the
    /// 64-council words.
    @Test func aCouncilsRangeIsReceivedOnce() {
        let w = 200
        let nws = NewtonWorkspace(goods: 3, resources: 1, workersCouncils: w, damping: 1)
        var received = Set<Int>()
        for council in [0, 63, 64, 127, 128, 199, 63, 0, 64] + (0..<150).map({ ($0 * 37 + 11) % w }) {
            nws.receiveRange(council)
            received.insert(council)
            #expect(nws.rangeNumbersReceived == 2 * received.count)
        }
        #expect(received.count < w)
        for council in 0..<w { #expect(nws.hasReportedRange(council) == received.contains(council), "council \(council)") }
    }

    /// A ramp step reads each producer's elasticity and capacity, which the councils' proposals and
    /// responses do not carry: each bakery sends those two numbers once, the first time the board
    /// looks at bread's ramp. Per round: four bakeries and the weavery 2 numbers each, the town 2;
    /// the responses one slope per workers' council and the town's two demand derivatives.
    @Test func communicationCountsTheRangesARampStepReads() throws {
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(board: .newton)).plan(try Self.bakeriesAtALoss())
        #expect(plan.status == .converged)
        #expect(plan.proposalNumbersReceived == plan.rounds * (12 + 5 + 2) + 4 * 2)
    }

    @Test func communicationCountsTheLocalResponses() throws {
        let economy = try TwoGoodClosedFormTests.economy()
        let tatonnement = try ParticipatoryPlanner(settings: PlanningSettings(board: .tatonnement)).plan(economy)
        let newton = try ParticipatoryPlanner(settings: PlanningSettings(board: .newton)).plan(economy)
        // Per round: bakery and weavery send 2 numbers each (output, labour), the town 2.
        #expect(tatonnement.proposalNumbersReceived == tatonnement.rounds * 6)
        // Newton adds one slope per workers' council and the town's two demand derivatives, and
        // the bakery's and the weavery's elasticity and capacity, sent once when the board looks
        // at their goods' ramps (their ranges are too wide: neither takes a ramp step).
        #expect(newton.proposalNumbersReceived == newton.rounds * (6 + 2 + 2) + 2 * 2)
        #expect(newton.pricesPublished == newton.rounds * 3)
        #expect(newton.rounds < tatonnement.rounds)
        let rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .newton))
        let nws = try #require(rounds.newtonWorkspace)
        while !rounds.isConverged && rounds.round < 100 {
            rounds.collectProposals()
            if !rounds.isConverged { rounds.movePrices() }
        }
        #expect(rounds.round == newton.rounds)
        #expect(nws.rampRounds == 0)
        #expect(nws.hasReportedRange(0) && nws.hasReportedRange(1))
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
