import PareconLinearAlgebra

/// An economy's workers' councils, stored in the solver's form so that planning needs no second
/// copy of the technology: the dense net-output matrix `V` (W × n, `produces − uses(goods)`) and
/// resource-use matrix `Bm` (W × m), which ``PlanningProblem`` shares (copy-on-write, no copy),
/// plus what `V` and `Bm` cannot give back exactly: the `produces` entries, and the `uses` entries
/// of goods the council also produces or with amount exactly 0 (compressed rows).
///
/// A random-access collection of ``WorkersCouncil``: each element is built on access. Its
/// `produces` keep their order; its `uses` come back in the economy's order (goods, then
/// resources), which is why ``WorkersCouncil``'s equality compares entries as id → amount maps.
public struct WorkersCouncils: RandomAccessCollection, Sendable, Equatable {
    let goods: [Good]
    let resources: [PrimaryResource]
    let id: [String]
    let capacity: [Double]
    /// `k_w`, with `+∞` for constant returns (`nil` in ``WorkersCouncil``; a valid economy's
    /// elasticities are finite), as the compact file stores it: 8 bytes a council, not 16.
    let elasticity: [Double]
    /// `V`: W × n.
    let netOutput: Matrix
    /// `Bm`: W × m.
    let resourceUse: Matrix
    /// The `produces` entries (good index, amount), in the order given. Row starts (here and in
    /// `keptUsesStart`) are `Int32`, 4 bytes a council instead of 8; the builder checks that the
    /// entries fit.
    let producesStart: [Int32]
    let producesGood: [Int32]
    let producesAmount: [Double]
    /// `uses` entries that `V`/`Bm` cannot give back: goods the council also produces, and
    /// amounts exactly 0. Column `0..<n` is a good, `n..<n+m` a resource.
    let keptUsesStart: [Int32]
    let keptUsesColumn: [Int32]
    let keptUsesAmount: [Double]

    /// Council `w`'s entries in `producesGood`/`producesAmount`.
    func producesRange(_ w: Int) -> Range<Int> { Int(producesStart[w])..<Int(producesStart[w + 1]) }
    /// Council `w`'s entries in `keptUsesColumn`/`keptUsesAmount`.
    func keptUsesRange(_ w: Int) -> Range<Int> { Int(keptUsesStart[w])..<Int(keptUsesStart[w + 1]) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { id.count }

    /// The councils' ids, capacities and elasticities (`nil`: constant returns), without building
    /// the councils.
    public var ids: [String] { id }
    public var capacities: [Double] { capacity }
    public var elasticities: [Double?] { elasticity.map(Self.optional) }

    /// Council `w`'s elasticity (`nil`: constant returns).
    public func elasticity(_ w: Int) -> Double? { Self.optional(elasticity[w]) }

    static func optional(_ elasticity: Double) -> Double? { elasticity == .infinity ? nil : elasticity }

    /// Council `w`'s `produces` entries, in the order given (without building its `uses`).
    public func produces(_ w: Int) -> [Quantity] {
        producesRange(w).map { Quantity(goods[Int(producesGood[$0])].id, producesAmount[$0]) }
    }

    /// Council `w`'s `uses` entries as (column, amount), goods (`0..<n`) then resources (`n..<n+m`).
    func usesColumns(_ w: Int) -> [(column: Int, amount: Double)] {
        let n = goods.count, m = resources.count
        let produced = producesRange(w)
        var uses: [(column: Int, amount: Double)] = []
        netOutput.elements.withUnsafeBufferPointer { v in
            let row = w * n
            for i in 0..<n where v[row + i] < 0 && !produced.contains(where: { Int(producesGood[$0]) == i }) {
                uses.append((i, -v[row + i]))
            }
        }
        for r in 0..<m where resourceUse.elements[w * m + r] > 0 { uses.append((n + r, resourceUse.elements[w * m + r])) }
        let kept = keptUsesRange(w)
        if !kept.isEmpty {
            for e in kept { uses.append((Int(keptUsesColumn[e]), keptUsesAmount[e])) }
            uses.sort { $0.column < $1.column }
        }
        return uses
    }

    public subscript(w: Int) -> WorkersCouncil {
        let n = goods.count
        return WorkersCouncil(
            id: id[w], produces: produces(w),
            uses: usesColumns(w).map { Quantity($0.column < n ? goods[$0.column].id : resources[$0.column - n].id, $0.amount) },
            capacity: capacity[w], elasticity: elasticity(w))
    }

    /// The same councils (each compared as ``WorkersCouncil`` does), in the same order.
    public static func == (a: WorkersCouncils, b: WorkersCouncils) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }

    /// The councils of `list`, whose ids must all name goods or resources of the economy (as
    /// they do once the economy is validated).
    init(_ list: [WorkersCouncil], goods: [Good], resources: [PrimaryResource],
         goodIndex: [String: Int], resourceIndex: [String: Int]) {
        var builder = Builder(goods: goods, resources: resources, councilCount: list.count)
        let n = goods.count
        for council in list {
            builder.append(
                id: council.id, capacity: council.capacity, elasticity: council.elasticity,
                produces: council.produces.map { (goodIndex[$0.id]!, $0.amount) },
                uses: council.uses.map { (goodIndex[$0.id] ?? (n + resourceIndex[$0.id]!), $0.amount) })
        }
        self = builder.finish()
    }

    fileprivate init(builder: Builder) {
        goods = builder.goods
        resources = builder.resources
        id = builder.ids
        capacity = builder.capacity
        elasticity = builder.elasticity
        netOutput = Matrix(rows: builder.ids.count, columns: builder.goods.count, elements: builder.netOutput)
        resourceUse = Matrix(rows: builder.ids.count, columns: builder.resources.count, elements: builder.resourceUse)
        producesStart = builder.producesStart
        producesGood = builder.producesGood
        producesAmount = builder.producesAmount
        keptUsesStart = builder.keptUsesStart
        keptUsesColumn = builder.keptUsesColumn
        keptUsesAmount = builder.keptUsesAmount
    }

    /// Fills the storage one council at a time (the compact reader and the generators write each
    /// council's row straight into `V` and `Bm`, without a list of all councils).
    struct Builder {
        let goods: [Good]
        fileprivate(set) var resources: [PrimaryResource]
        let councilCount: Int
        fileprivate var ids: [String] = []
        fileprivate var capacity: [Double] = []
        fileprivate var elasticity: [Double] = []
        /// Councils whose rows have been appended.
        private(set) var count = 0
        fileprivate var netOutput: [Double]
        fileprivate var resourceUse: [Double]
        fileprivate var producesStart: [Int32] = [0]
        fileprivate var producesGood: [Int32] = []
        fileprivate var producesAmount: [Double] = []
        fileprivate var keptUsesStart: [Int32] = [0]
        fileprivate var keptUsesColumn: [Int32] = []
        fileprivate var keptUsesAmount: [Double] = []
        /// Per good, whether the council being appended produces it (cleared after each council).
        private var producedMark: [Bool]

        init(goods: [Good], resources: [PrimaryResource], councilCount: Int) {
            self.goods = goods
            self.resources = resources
            self.councilCount = councilCount
            netOutput = [Double](repeating: 0, count: councilCount * goods.count)
            resourceUse = [Double](repeating: 0, count: councilCount * resources.count)
            producedMark = [Bool](repeating: false, count: goods.count)
            ids.reserveCapacity(councilCount)
            capacity.reserveCapacity(councilCount)
            elasticity.reserveCapacity(councilCount)
            producesStart.reserveCapacity(councilCount + 1)
            keptUsesStart.reserveCapacity(councilCount + 1)
        }

        /// A builder whose councils' ids, capacities and elasticities (`+∞`: constant returns) are
        /// given at once and kept without a copy (the compact reader has them as arrays);
        /// ``appendRows(produces:uses:)`` then appends each council's entries, `producesEntries` of
        /// them in all (reserved up front).
        init(goods: [Good], resources: [PrimaryResource], ids: [String], capacity: [Double], elasticity: [Double],
             producesEntries: Int = 0) {
            precondition(capacity.count == ids.count && elasticity.count == ids.count, "one capacity and one elasticity per council")
            self.goods = goods
            self.resources = resources
            councilCount = ids.count
            netOutput = [Double](repeating: 0, count: councilCount * goods.count)
            resourceUse = [Double](repeating: 0, count: councilCount * resources.count)
            producedMark = [Bool](repeating: false, count: goods.count)
            self.ids = ids
            self.capacity = capacity
            self.elasticity = elasticity
            producesStart.reserveCapacity(councilCount + 1)
            keptUsesStart.reserveCapacity(councilCount + 1)
            producesGood.reserveCapacity(producesEntries)
            producesAmount.reserveCapacity(producesEntries)
        }

        /// Appends the next council. `produces` names goods (`0..<n`; other columns, which only an
        /// invalid economy has, are skipped), `uses` goods or resources (`n..<n+m`).
        mutating func append<P: Sequence<(Int, Double)>, U: Sequence<(Int, Double)>>(
            id: String, capacity: Double, elasticity: Double?, produces: P, uses: U
        ) {
            precondition(ids.count == count && count < councilCount, "more workers' councils than announced")
            ids.append(id)
            self.capacity.append(capacity)
            self.elasticity.append(elasticity ?? .infinity)
            appendRows(produces: produces, uses: uses)
        }

        /// Appends the next council's entries, for a builder given the councils' ids, capacities and
        /// elasticities at its start.
        mutating func appendRows<P: Sequence<(Int, Double)>, U: Sequence<(Int, Double)>>(produces: P, uses: U) {
            precondition(count < ids.count, "more rows than workers' councils")
            let n = goods.count, m = resources.count, w = count
            count += 1
            let first = producesGood.count
            for (i, amount) in produces where i < n {
                netOutput[w * n + i] += amount
                producesGood.append(Int32(i))
                producesAmount.append(amount)
                producedMark[i] = true
            }
            producesStart.append(Self.rowStart(producesGood.count))
            for (column, amount) in uses where column < n + m {
                if column < n {
                    netOutput[w * n + column] -= amount
                    if producedMark[column] || amount == 0 { keep(column, amount) }
                } else {
                    resourceUse[w * m + column - n] += amount
                    if amount == 0 { keep(column, amount) }
                }
            }
            keptUsesStart.append(Self.rowStart(keptUsesColumn.count))
            for e in first..<producesGood.count { producedMark[Int(producesGood[e])] = false }
        }

        /// A row start as stored (`Int32`): an economy with 2^31 or more entries (24 GB of them) is
        /// beyond this storage.
        private static func rowStart(_ entries: Int) -> Int32 {
            guard let start = Int32(exactly: entries) else {
                preconditionFailure("\(entries) entries: workers' councils' rows hold fewer than 2^31")
            }
            return start
        }

        private mutating func keep(_ column: Int, _ amount: Double) {
            keptUsesColumn.append(Int32(column))
            keptUsesAmount.append(amount)
        }

        /// The stored councils; every announced council must have been appended.
        /// `resources` replaces the resources given at the start (same ids, in the same order), for
        /// a generator that sets their availability after the councils.
        consuming func finish(resources: [PrimaryResource]? = nil) -> WorkersCouncils {
            precondition(ids.count == councilCount && count == councilCount, "\(count) of \(councilCount) workers' councils appended")
            if let resources {
                precondition(resources.map(\.id) == self.resources.map(\.id), "the resources must keep their ids and order")
                self.resources = resources
            }
            // The kept uses grew by doubling (their number is not known up front): kept at their
            // size, not their capacity (a calibrated economy keeps one a council, its own good).
            keptUsesColumn = Self.exactCapacity(keptUsesColumn)
            keptUsesAmount = Self.exactCapacity(keptUsesAmount)
            return WorkersCouncils(builder: self)
        }

        /// The same elements in an array of no more capacity than they need.
        static func exactCapacity<T>(_ array: [T]) -> [T] {
            if array.capacity == array.count { return array }
            return [T](unsafeUninitializedCapacity: array.count) { buffer, count in
                count = array.withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
            }
        }
    }
}
