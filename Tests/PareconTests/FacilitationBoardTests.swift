import Testing
@testable import Parecon

@Suite struct FacilitationBoardTests {
    /// The board working from totals (as it does from council files) moves the prices exactly as
    /// the round loop does, round after round, constant-returns trend included.
    @Test func theBoardFromTotalsMatchesTheRoundLoopBitForBit() throws {
        let economy = try SyntheticEconomy(goods: 6, resources: 2, workersCouncils: 15, consumersCouncils: 5, density: 0.3,
                                           constantReturnsShare: 0.5, cesShare: 0.5, resourceTightness: 0.3, seed: 5).generate()
        let settings = PlanningSettings(board: .tatonnement)
        let rounds = try PlanningRounds(economy: economy, settings: settings)
        let n = economy.goodCount, m = economy.resourceCount
        var prices = rounds.prices, resourcePrices = rounds.resourcePrices
        var memory = TatonnementMemory(goods: n, resources: m, settings: settings)
        let wanted = rounds.problem.wanted
        for _ in 0..<40 {
            rounds.collectProposals()
            let ws = rounds.workspace
            let totals = RoundTotals(demand: Array(ws.demand), netSupply: Array(ws.netSupply),
                                     grossSupply: Array(ws.grossSupply), resourceUse: Array(ws.resourceUse))
            let expected = rounds.movePrices()
            let change = FacilitationBoard.tatonnement(
                prices: &prices, resourcePrices: &resourcePrices, totals: totals, memory: &memory,
                available: economy.resources.map(\.available), wanted: wanted, extrapolate: true, settings: settings)
            #expect(change == expected)
            #expect(prices == rounds.prices)
            #expect(resourcePrices == rounds.resourcePrices)
        }
    }
}
