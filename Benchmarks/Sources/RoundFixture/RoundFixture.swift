import Parecon
import PareconLinearAlgebra

/// The economy the round benchmarks measure: `SyntheticEconomy` with 2 resources, 1000 consumers'
/// councils, density 0.05 and seed 1, at a given number of workers' councils and goods.
public struct RoundSize: Sendable, Hashable, CustomStringConvertible {
    public var workersCouncils: Int
    public var goods: Int
    public var resources = 2
    public var consumersCouncils = 1000
    public var density = 0.05
    public var seed: UInt64 = 1

    public init(workersCouncils: Int, goods: Int) {
        self.workersCouncils = workersCouncils
        self.goods = goods
    }

    /// `"100000x400"`: workers' councils × goods, the shape of the technology matrix.
    public var description: String { "\(workersCouncils)x\(goods)" }

    public var synthetic: SyntheticEconomy {
        SyntheticEconomy(goods: goods, resources: resources, workersCouncils: workersCouncils,
                         consumersCouncils: consumersCouncils, density: density, seed: seed)
    }
}

/// One economy, its `PlanningRounds`, and a dense copy of its W × n technology matrix with the
/// vectors for the two gemv passes that a round makes over it. Everything is allocated here, so
/// that `round()`, `gemv()` and `gemvT()` allocate nothing.
///
/// `technology` has the same entries as the solver's internal net-output matrix `V` (row `w` is
/// council `w`'s outputs minus its inputs of goods), built from the economy's public data.
public final class RoundFixture: @unchecked Sendable {
    public let size: RoundSize
    public let economy: Economy
    /// The rounds with the tatonnement board: the round whose cost the two gemv passes bound.
    public let rounds: PlanningRounds
    /// The same economy with the accelerated and the second-order board, built on first use.
    public private(set) lazy var acceleratedRounds: PlanningRounds = try! PlanningRounds(
        economy: economy, settings: PlanningSettings(board: .accelerated))
    public private(set) lazy var newtonRounds: PlanningRounds = try! PlanningRounds(
        economy: economy, settings: PlanningSettings(board: .newton))
    public let technology: Matrix
    /// `x` and `y` of `V p` (no transpose) and of `Vᵀ x` (transposed).
    public var prices: [Double]
    public var surplus: [Double]
    public var activity: [Double]
    public var netSupply: [Double]
    /// The W × m primary-resource matrix `Bm` and its vectors: the round's two small gemv calls.
    public let resourceUse: Matrix
    public var resourcePrices: [Double]
    public var resourceTotals: [Double]

    public init(_ size: RoundSize) throws {
        self.size = size
        economy = try size.synthetic.generate()
        rounds = try PlanningRounds(economy: economy, settings: PlanningSettings(board: .tatonnement))
        technology = Self.netOutput(economy)
        let w = economy.workersCouncilCount, n = economy.goodCount
        prices = [Double](repeating: 1, count: n)
        surplus = [Double](repeating: 0, count: w)
        activity = economy.workersCouncils.map { $0.capacity / 2 }
        netSupply = [Double](repeating: 0, count: n)
        resourceUse = Self.resourceUse(economy)
        resourcePrices = [Double](repeating: 1, count: economy.resourceCount)
        resourceTotals = [Double](repeating: 0, count: economy.resourceCount)
    }

    /// Bytes of the technology matrix: what one gemv pass streams from memory.
    public var matrixBytes: Int { technology.rows * technology.columns * MemoryLayout<Double>.stride }

    /// One planning round as the planner runs it: proposals, then the board's price move.
    @inline(never)
    public func round() {
        rounds.collectProposals()
        rounds.movePrices()
    }

    /// One round with the accelerated board (tatonnement's work plus a small dgels).
    @inline(never)
    public func acceleratedRound() {
        acceleratedRounds.collectProposals()
        acceleratedRounds.movePrices()
    }

    /// One round with the second-order board (tatonnement's work plus the dsyrk assembly of the
    /// Jacobian and a dposv solve).
    @inline(never)
    public func newtonRound() {
        newtonRounds.collectProposals()
        newtonRounds.movePrices()
    }

    /// `surplus ← V · prices` (one pass, no transpose): the pass in `collectProposals`.
    @inline(never)
    public func gemv() {
        BLAS.gemv(.none, alpha: 1, a: technology, x: prices, beta: 0, y: &surplus)
    }

    /// `netSupply ← Vᵀ · activity` (one pass, transposed): the pass in the board's sums.
    @inline(never)
    public func gemvT() {
        BLAS.gemv(.transposed, alpha: 1, a: technology, x: activity, beta: 0, y: &netSupply)
    }

    /// The round's two W × m passes (m = 2 resources here): `surplus −= Bm q` and `Bmᵀ x`.
    @inline(never)
    public func resourceGemvPair() {
        BLAS.gemv(.none, alpha: -1, a: resourceUse, x: resourcePrices, beta: 1, y: &surplus)
        BLAS.gemv(.transposed, alpha: 1, a: resourceUse, x: activity, beta: 0, y: &resourceTotals)
    }

    static func resourceUse(_ economy: Economy) -> Matrix {
        var b = Matrix(rows: economy.workersCouncilCount, columns: economy.resourceCount)
        for (w, council) in economy.workersCouncils.enumerated() {
            for entry in council.uses { if let r = economy.resourceIndex[entry.id] { b[w, r] += entry.amount } }
        }
        return b
    }

    static func netOutput(_ economy: Economy) -> Matrix {
        var v = Matrix(rows: economy.workersCouncilCount, columns: economy.goodCount)
        for (w, council) in economy.workersCouncils.enumerated() {
            for entry in council.produces { if let i = economy.goodIndex[entry.id] { v[w, i] += entry.amount } }
            for entry in council.uses { if let i = economy.goodIndex[entry.id] { v[w, i] -= entry.amount } }
        }
        return v
    }
}
