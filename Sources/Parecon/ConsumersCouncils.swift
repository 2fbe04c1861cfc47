/// An economy's consumers' councils, stored by good index rather than as a list of
/// ``ConsumersCouncil`` values: ids, allowances, `σ` (`1` for Cobb–Douglas, as the compact file
/// stores it) and the weights, either in compressed rows (good index as `Int32`, amount: 12 bytes
/// a weight, where a ``Quantity`` in its own array takes 24 and more) or, when that is smaller
/// and gives every council's weights back in their order, as a dense C × n matrix (8 bytes a
/// cell; a calibrated economy's councils each weigh every good with final demand).
///
/// A random-access collection of ``ConsumersCouncil``: each element is built on access, with its
/// weights in the order given.
public struct ConsumersCouncils: RandomAccessCollection, Sendable, Equatable {
    let goods: [Good]
    let id: [String]
    let allowance: [Double]
    /// `σ` for CES, `1` for Cobb–Douglas (a valid economy's CES councils have `σ ≠ 1`).
    let sigma: [Double]
    /// Compressed rows: council `c`'s weights are `weightGood[weightStart[c]..<weightStart[c+1]]`
    /// with `weightAmount` alongside. Dense (`weightStart` empty): `weightAmount` is C × n, and a
    /// council's weights are its positive cells in good order.
    let weightStart: [Int32]
    let weightGood: [Int32]
    let weightAmount: [Double]

    /// Whether the weights are stored as a dense C × n matrix.
    var isDense: Bool { weightStart.isEmpty }

    public var startIndex: Int { 0 }
    public var endIndex: Int { id.count }

    /// The councils' ids and allowances, without building the councils.
    public var ids: [String] { id }
    public var allowances: [Double] { allowance }

    /// Council `c`'s elasticity of substitution: `nil` for Cobb–Douglas.
    public func sigma(_ c: Int) -> Double? { sigma[c] == 1 ? nil : sigma[c] }

    /// The number of weights given, over all councils.
    var weightCount: Int {
        if !isDense { return weightGood.count }
        return weightAmount.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    }

    /// Calls `body` with council `c`'s weights (good index, amount), in the order given.
    @inline(__always)
    func forEachWeight(_ c: Int, _ body: (Int, Double) -> Void) {
        if isDense {
            let n = goods.count
            weightAmount.withUnsafeBufferPointer { a in
                for i in 0..<n where a[c * n + i] > 0 { body(i, a[c * n + i]) }
            }
        } else {
            for e in Int(weightStart[c])..<Int(weightStart[c + 1]) { body(Int(weightGood[e]), weightAmount[e]) }
        }
    }

    /// Council `c`'s weights, in the order given.
    public func weights(_ c: Int) -> [Quantity] {
        var weights: [Quantity] = []
        forEachWeight(c) { i, amount in weights.append(Quantity(goods[i].id, amount)) }
        return weights
    }

    /// Council `c`'s weights as a dense vector over goods, scaled to sum to 1 (what
    /// ``PlanningProblem/denseWeights(_:economy:)`` makes of its ``Quantity`` list, to the bit).
    func denseWeights(_ c: Int) -> [Double] {
        var dense = [Double](repeating: 0, count: goods.count)
        forEachWeight(c) { i, amount in dense[i] += amount }
        let total = dense.reduce(0, +)
        return dense.map { $0 / total }
    }

    public subscript(c: Int) -> ConsumersCouncil {
        let weights = weights(c)
        return ConsumersCouncil(id: id[c], allowance: allowance[c],
                                preferences: sigma[c] == 1 ? .cobbDouglas(weights: weights) : .ces(sigma: sigma[c], weights: weights))
    }

    /// The same councils, in the same order.
    public static func == (a: ConsumersCouncils, b: ConsumersCouncils) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }

    /// The councils of `list`, whose weights must all name goods of the economy (as they do once
    /// the economy is validated).
    init(_ list: [ConsumersCouncil], goods: [Good], goodIndex: [String: Int]) {
        var builder = Builder(goods: goods, councilCount: list.count)
        for council in list {
            let sigma: Double
            switch council.preferences {
            case .cobbDouglas: sigma = 1
            case let .ces(s, _): sigma = s
            }
            builder.append(id: council.id, allowance: council.allowance, sigma: sigma,
                           weights: council.preferences.weights.lazy.map { (goodIndex[$0.id]!, $0.amount) })
        }
        self = builder.finish()
    }

    fileprivate init(goods: [Good], id: [String], allowance: [Double], sigma: [Double],
                     weightStart: [Int32], weightGood: [Int32], weightAmount: [Double]) {
        self.goods = goods
        self.id = id
        self.allowance = allowance
        self.sigma = sigma
        self.weightStart = weightStart
        self.weightGood = weightGood
        self.weightAmount = weightAmount
    }

    /// Fills the storage one council at a time (the compact reader writes each council's weights
    /// from the file, without a list of all councils).
    struct Builder {
        let goods: [Good]
        let councilCount: Int
        private var ids: [String] = []
        private var allowance: [Double] = []
        private var sigma: [Double] = []
        private var weightStart: [Int32] = [0]
        private var weightGood: [Int32] = []
        private var weightAmount: [Double] = []
        /// Whether every council's weights so far are positive and in increasing good order (so
        /// that a dense matrix gives them back as they were given).
        private var denseGivesOrder = true

        init(goods: [Good], councilCount: Int, weights: Int = 0) {
            self.goods = goods
            self.councilCount = councilCount
            ids.reserveCapacity(councilCount)
            allowance.reserveCapacity(councilCount)
            sigma.reserveCapacity(councilCount)
            weightStart.reserveCapacity(councilCount + 1)
            weightGood.reserveCapacity(weights)
            weightAmount.reserveCapacity(weights)
        }

        /// Appends the next council; `sigma` is `1` for Cobb–Douglas. Weights naming other columns
        /// than goods (`0..<n`), which only an invalid economy has, are skipped.
        mutating func append<W: Sequence<(Int, Double)>>(id: String, allowance: Double, sigma: Double, weights: W) {
            precondition(ids.count < councilCount, "more consumers' councils than announced")
            ids.append(id)
            self.allowance.append(allowance)
            self.sigma.append(sigma)
            let n = goods.count
            var previous = -1
            for (i, amount) in weights where i >= 0 && i < n {
                if !(amount > 0) || i <= previous { denseGivesOrder = false }
                previous = i
                weightGood.append(Int32(i))
                weightAmount.append(amount)
            }
            guard let start = Int32(exactly: weightGood.count) else {
                preconditionFailure("\(weightGood.count) weights: consumers' councils' rows hold fewer than 2^31")
            }
            weightStart.append(start)
        }

        /// The stored councils; every announced council must have been appended. The weights are
        /// made dense when that takes fewer bytes and gives them back in their order.
        consuming func finish() -> ConsumersCouncils {
            precondition(ids.count == councilCount, "\(ids.count) of \(councilCount) consumers' councils appended")
            let n = goods.count, c = councilCount
            let compressedBytes = 4 * (c + 1) + 12 * weightGood.count
            if denseGivesOrder && c > 0 && 8 * c * n < compressedBytes {
                var dense = [Double](repeating: 0, count: c * n)
                for k in 0..<c {
                    for e in Int(weightStart[k])..<Int(weightStart[k + 1]) { dense[k * n + Int(weightGood[e])] = weightAmount[e] }
                }
                return ConsumersCouncils(goods: goods, id: ids, allowance: allowance, sigma: sigma,
                                         weightStart: [], weightGood: [], weightAmount: dense)
            }
            return ConsumersCouncils(goods: goods, id: ids, allowance: allowance, sigma: sigma,
                                     weightStart: weightStart, weightGood: weightGood.withExactCapacity(),
                                     weightAmount: weightAmount.withExactCapacity())
        }
    }
}
