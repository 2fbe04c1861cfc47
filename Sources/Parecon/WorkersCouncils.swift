import PareconLinearAlgebra

/// An economy's workers' councils, stored in the solver's form so that planning needs no second
/// copy of the technology: the dense net-output matrix `V` (W × n, `produces − uses(goods)`) and
/// resource-use matrix `Bm` (W × m), which ``PlanningProblem`` shares (copy-on-write, no copy),
/// plus what `V` and `Bm` cannot give back exactly: the `produces` entries, and the `uses` entries
/// of goods the council also produces or with amount exactly 0 (see ``ownUseOffset`` for the
/// uses of its own good that need no entry).
///
/// A random-access collection of ``WorkersCouncil``: each element is built on access. Its
/// `produces` keep their order; its `uses` come back in the economy's order (goods, then
/// resources), which is why ``WorkersCouncil``'s equality compares entries as id → amount maps.
public struct WorkersCouncils: RandomAccessCollection, Sendable, Equatable {
    let goods: [Good]
    let resources: [PrimaryResource]
    let id: WorkersCouncilIDs
    let capacity: [Double]
    /// `k_w`, with `+∞` for constant returns (`nil` in ``WorkersCouncil``; a valid economy's
    /// elasticities are finite), as the compact file stores it: 8 bytes a council, not 16.
    let elasticity: [Double]
    /// `V`: W × n.
    let netOutput: Matrix
    /// `Bm`: W × m.
    let resourceUse: Matrix
    /// The `produces` entries (good index, amount), in the order given: in the common case (one
    /// entry a council, one amount, goods in blocks) a few runs, not 16 bytes a council.
    let producesEntries: ProducesEntries
    /// `uses` entries that `V`/`Bm` cannot give back, by council (increasing): amounts exactly 0,
    /// and uses of goods the council also produces, unless ``ownUseOffset`` recovers them.
    /// Column `0..<n` is a good, `n..<n+m` a resource. Rare in generated economies, so found by
    /// binary search on the council rather than through a row start per council.
    let keptUsesCouncil: [Int32]
    let keptUsesColumn: [Int32]
    let keptUsesAmount: [Double]
    /// The use of its own good by a council with one `produces` entry (good `i`, amount `a`) and
    /// no kept use of `i`, recovered from `V`: with `P = 0 + a` (as `V`'s row was filled), there is
    /// none when `V[w, i]` has the bits of `P`; otherwise it is `u' = P − V[w, i]` with this
    /// offset added to its bit pattern (`V = P − u` rounds away the low bits of a small `u`: in
    /// the calibrated economies `u' == u` for 8 % of the councils, within ±2^15 bits for 97–100 %).
    /// Empty when every offset is 0; an own use whose offset does not fit is a kept use.
    let ownUseOffset: [Int16]

    /// Council `w`'s entries in ``producesEntries``.
    func producesRange(_ w: Int) -> Range<Int> { producesEntries.range(w) }
    /// Council `w`'s entries in `keptUsesColumn`/`keptUsesAmount`.
    func keptUsesRange(_ w: Int) -> Range<Int> {
        keptUsesCouncil.isEmpty ? 0..<0 : Self.lowerBound(keptUsesCouncil, w)..<Self.lowerBound(keptUsesCouncil, w + 1)
    }

    /// The first position of `sorted` whose value is `value` or more.
    static func lowerBound(_ sorted: [Int32], _ value: Int) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if Int(sorted[mid]) < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Council `w`'s use of its own good recovered from `V` (see ``ownUseOffset``): (good, amount).
    func ownUse(_ w: Int) -> (good: Int, amount: Double)? {
        let row = producesRange(w)
        guard row.count == 1 else { return nil }
        let i = producesEntries.good(row.lowerBound)
        let gross = 0 + producesEntries.amount(row.lowerBound)
        let net = netOutput.elements[w * goods.count + i]
        if net.bitPattern == gross.bitPattern { return nil }
        let kept = keptUsesRange(w)
        if !kept.isEmpty && kept.contains(where: { Int(keptUsesColumn[$0]) == i }) { return nil }
        let offset = ownUseOffset.isEmpty ? 0 : Int64(ownUseOffset[w])
        return (i, Self.ownUseAmount(gross: gross, net: net, offset: offset))
    }

    /// `u'` = `gross − net` with `offset` added to its bit pattern.
    static func ownUseAmount(gross: Double, net: Double, offset: Int64) -> Double {
        Double(bitPattern: (gross - net).bitPattern &+ UInt64(bitPattern: offset))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { id.count }

    /// The councils' ids (stored as runs), capacities and elasticities (`nil`: constant returns),
    /// without building the councils.
    public var ids: WorkersCouncilIDs { id }
    public var capacities: [Double] { capacity }
    public var elasticities: [Double?] { elasticity.map(Self.optional) }

    /// Council `w`'s elasticity (`nil`: constant returns).
    public func elasticity(_ w: Int) -> Double? { Self.optional(elasticity[w]) }

    static func optional(_ elasticity: Double) -> Double? { elasticity == .infinity ? nil : elasticity }

    /// Council `w`'s `produces` entries, in the order given (without building its `uses`).
    public func produces(_ w: Int) -> [Quantity] {
        producesRange(w).map { Quantity(goods[producesEntries.good($0)].id, producesEntries.amount($0)) }
    }

    /// Council `w`'s `uses` entries as (column, amount), goods (`0..<n`) then resources (`n..<n+m`).
    func usesColumns(_ w: Int) -> [(column: Int, amount: Double)] {
        let n = goods.count, m = resources.count
        let produced = producesRange(w).map { producesEntries.good($0) }
        let own = ownUse(w)
        var uses: [(column: Int, amount: Double)] = []
        netOutput.elements.withUnsafeBufferPointer { v in
            let row = w * n
            for i in 0..<n {
                if let own, own.good == i {
                    uses.append((i, own.amount))
                } else if v[row + i] < 0 && !produced.contains(i) {
                    uses.append((i, -v[row + i]))
                }
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

    fileprivate init(builder: Builder, ids: WorkersCouncilIDs) {
        goods = builder.goods
        resources = builder.resources
        id = ids
        capacity = builder.capacity
        elasticity = builder.elasticity
        netOutput = Matrix(rows: builder.councilCount, columns: builder.goods.count, elements: builder.netOutput)
        resourceUse = Matrix(rows: builder.councilCount, columns: builder.resources.count, elements: builder.resourceUse)
        producesEntries = builder.producesEntries!
        keptUsesCouncil = builder.keptUsesCouncil
        keptUsesColumn = builder.keptUsesColumn
        keptUsesAmount = builder.keptUsesAmount
        ownUseOffset = builder.ownUseOffset
    }

    /// Fills the storage one council at a time (the compact reader and the generators write each
    /// council's row straight into `V` and `Bm`, without a list of all councils).
    struct Builder {
        let goods: [Good]
        fileprivate(set) var resources: [PrimaryResource]
        let councilCount: Int
        /// The ids appended so far, or the ids given at the start.
        private var idRuns = WorkersCouncilIDs.Builder()
        private var givenIDs: WorkersCouncilIDs?
        fileprivate var capacity: [Double] = []
        fileprivate var elasticity: [Double] = []
        /// Councils whose rows have been appended.
        private(set) var count = 0
        fileprivate var netOutput: [Double]
        fileprivate var resourceUse: [Double]
        fileprivate var produces: ProducesEntries.Builder
        /// Set by ``finish(resources:)``.
        fileprivate var producesEntries: ProducesEntries?
        fileprivate var keptUsesCouncil: [Int32] = []
        fileprivate var keptUsesColumn: [Int32] = []
        fileprivate var keptUsesAmount: [Double] = []
        /// Empty until some council's own use needs a nonzero offset.
        fileprivate var ownUseOffset: [Int16] = []
        /// Per good, whether the council being appended produces it (cleared after each council).
        private var producedMark: [Bool]
        /// The goods of the council being appended's `produces` entries, in order.
        private var producedGoods: [Int] = []
        /// The council being appended's uses that may need keeping (amount 0, or of a good it
        /// produces), in the order given, as (column, amount).
        private var candidates: [(Int, Double)] = []

        init(goods: [Good], resources: [PrimaryResource], councilCount: Int) {
            self.goods = goods
            self.resources = resources
            self.councilCount = councilCount
            netOutput = [Double](repeating: 0, count: councilCount * goods.count)
            resourceUse = [Double](repeating: 0, count: councilCount * resources.count)
            producedMark = [Bool](repeating: false, count: goods.count)
            produces = ProducesEntries.Builder(councilCount: councilCount)
            capacity.reserveCapacity(councilCount)
            elasticity.reserveCapacity(councilCount)
        }

        /// A builder whose councils' ids, capacities and elasticities (`+∞`: constant returns) are
        /// given at once and kept without a copy (the compact reader has them already);
        /// ``appendRows(produces:uses:)`` then appends each council's entries, `producesEntries` of
        /// them in all (reserved once they need a plain array).
        init(goods: [Good], resources: [PrimaryResource], ids: WorkersCouncilIDs, capacity: [Double], elasticity: [Double],
             producesEntries: Int = 0) {
            precondition(capacity.count == ids.count && elasticity.count == ids.count, "one capacity and one elasticity per council")
            self.goods = goods
            self.resources = resources
            councilCount = ids.count
            netOutput = [Double](repeating: 0, count: councilCount * goods.count)
            resourceUse = [Double](repeating: 0, count: councilCount * resources.count)
            producedMark = [Bool](repeating: false, count: goods.count)
            givenIDs = ids
            self.capacity = capacity
            self.elasticity = elasticity
            produces = ProducesEntries.Builder(councilCount: councilCount, expectedEntries: producesEntries)
        }

        /// Appends the next council. `produces` names goods (`0..<n`; other columns, which only an
        /// invalid economy has, are skipped), `uses` goods or resources (`n..<n+m`).
        mutating func append<P: Sequence<(Int, Double)>, U: Sequence<(Int, Double)>>(
            id: String, capacity: Double, elasticity: Double?, produces: P, uses: U
        ) {
            precondition(givenIDs == nil && idRuns.count == count && count < councilCount, "more workers' councils than announced")
            idRuns.append(id)
            self.capacity.append(capacity)
            self.elasticity.append(elasticity ?? .infinity)
            appendRows(produces: produces, uses: uses)
        }

        /// Appends the next council's entries, for a builder given the councils' ids, capacities and
        /// elasticities at its start.
        mutating func appendRows<P: Sequence<(Int, Double)>, U: Sequence<(Int, Double)>>(produces: P, uses: U) {
            precondition(count < capacity.count, "more rows than workers' councils")
            let n = goods.count, m = resources.count, w = count
            count += 1
            producedGoods.removeAll(keepingCapacity: true)
            var firstAmount = 0.0  // for its own use, with one entry
            for (i, amount) in produces where i < n {
                netOutput[w * n + i] += amount
                self.produces.append(good: i, amount: amount)
                producedMark[i] = true
                if producedGoods.isEmpty { firstAmount = amount }
                producedGoods.append(i)
            }
            self.produces.endRow()
            candidates.removeAll(keepingCapacity: true)
            for (column, amount) in uses where column < n + m {
                if column < n {
                    netOutput[w * n + column] -= amount
                    if producedMark[column] || amount == 0 { candidates.append((column, amount)) }
                } else {
                    resourceUse[w * m + column - n] += amount
                    if amount == 0 { candidates.append((column, amount)) }
                }
            }
            if !candidates.isEmpty {
                // With one `produces` entry, a single use of its good may be recovered from `V`.
                let recovered = producedGoods.count == 1 ? recoverOwnUse(w, good: producedGoods[0], gross: 0 + firstAmount) : nil
                for (column, amount) in candidates where column != recovered {
                    keptUsesCouncil.append(Self.rowStart(w))
                    keptUsesColumn.append(Int32(column))
                    keptUsesAmount.append(amount)
                }
            }
            for i in producedGoods { producedMark[i] = false }
        }

        /// `good`, when council `w`'s only use of it (among ``candidates``) is given back exactly by
        /// ``WorkersCouncils/ownUse(_:)`` with an offset that fits (then recorded); otherwise `nil`.
        private mutating func recoverOwnUse(_ w: Int, good: Int, gross: Double) -> Int? {
            var use: Double?
            for (column, amount) in candidates where column == good {
                if use != nil { return nil }
                use = amount
            }
            let net = netOutput[w * goods.count + good]
            guard let use, net.bitPattern != gross.bitPattern else { return nil }
            let offset = Int64(bitPattern: use.bitPattern &- (gross - net).bitPattern)
            guard let stored = Int16(exactly: offset),
                  WorkersCouncils.ownUseAmount(gross: gross, net: net, offset: offset).bitPattern == use.bitPattern
            else { return nil }
            if stored != 0 {
                if ownUseOffset.isEmpty { ownUseOffset = [Int16](repeating: 0, count: councilCount) }
                ownUseOffset[w] = stored
            }
            return good
        }

        /// A row start or council index as stored (`Int32`): an economy with 2^31 or more entries
        /// (24 GB of them) is beyond this storage.
        private static func rowStart(_ entries: Int) -> Int32 {
            guard let start = Int32(exactly: entries) else {
                preconditionFailure("\(entries) entries: workers' councils' rows hold fewer than 2^31")
            }
            return start
        }

        /// The stored councils; every announced council must have been appended.
        /// `resources` replaces the resources given at the start (same ids, in the same order), for
        /// a generator that sets their availability after the councils.
        consuming func finish(resources: [PrimaryResource]? = nil) -> WorkersCouncils {
            precondition(capacity.count == councilCount && count == councilCount, "\(count) of \(councilCount) workers' councils appended")
            if let resources {
                precondition(resources.map(\.id) == self.resources.map(\.id), "the resources must keep their ids and order")
                self.resources = resources
            }
            // The kept uses grew by doubling (their number is not known up front): kept at their
            // size, not their capacity.
            keptUsesCouncil = keptUsesCouncil.withExactCapacity()
            keptUsesColumn = keptUsesColumn.withExactCapacity()
            keptUsesAmount = keptUsesAmount.withExactCapacity()
            candidates = []
            producesEntries = produces.finish()
            produces = ProducesEntries.Builder(councilCount: 0)  // its arrays, released
            producedGoods = []
            let ids = givenIDs ?? idRuns.finish()
            return WorkersCouncils(builder: self, ids: ids)
        }
    }
}
