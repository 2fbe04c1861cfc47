import Testing
@testable import Parecon

/// The workers' councils' `produces` entries in their compact forms (``ProducesEntries``) against
/// the plain compressed rows (row starts, one good and one amount an entry) built naively from the
/// same lists: every council's entries, every walk over a range of councils, and each council's
/// value at given prices come back with the same goods and the same bits, whichever form the
/// builder chose; and the builder chooses the compact forms where they hold.
@Suite struct ProducesEntriesTests {
    typealias Rows = [[(good: Int, amount: Double)]]

    /// The plain arrays, built naively.
    struct Naive {
        var start: [Int] = [0], good: [Int] = [], amount: [Double] = []
        init(_ rows: Rows) {
            for row in rows {
                for entry in row {
                    good.append(entry.good)
                    amount.append(entry.amount)
                }
                start.append(good.count)
            }
        }
    }

    /// Every accessor of `entries` against the naive arrays of `rows`; amounts compared bit for bit.
    static func expectSame(_ entries: ProducesEntries, _ rows: Rows, _ label: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let naive = Naive(rows)
        #expect(entries.councilCount == rows.count && entries.count == naive.good.count, "\(label): counts", sourceLocation: sourceLocation)
        for w in rows.indices {
            let range = entries.range(w)
            #expect(range == naive.start[w]..<naive.start[w + 1], "\(label): council \(w)'s entries", sourceLocation: sourceLocation)
        }
        for e in naive.good.indices {
            #expect(entries.good(e) == naive.good[e], "\(label): entry \(e)'s good", sourceLocation: sourceLocation)
            #expect(entries.amount(e).bitPattern == naive.amount[e].bitPattern, "\(label): entry \(e)'s amount", sourceLocation: sourceLocation)
        }
        // Walks over ranges of councils (as the round's blocks and threads cut them): all of them
        // for a few councils, a spread of them otherwise.
        let w = rows.count
        let lowers = w <= 40 ? Array(0...w) : Array(stride(from: 0, through: w, by: 7)) + [w - 1]
        for lower in lowers {
            let uppers = w <= 40 ? Array(lower...w) : Array(stride(from: lower, through: w, by: 13)) + [lower + 1, w].filter { $0 <= w }
            for upper in uppers {
                var walked: [(Int, Int, UInt64)] = []
                entries.forEach(lower..<upper) { council, good, amount in walked.append((council, good, amount.bitPattern)) }
                var expected: [(Int, Int, UInt64)] = []
                for council in lower..<upper {
                    for e in naive.start[council]..<naive.start[council + 1] { expected.append((council, naive.good[e], naive.amount[e].bitPattern)) }
                }
                #expect(walked.elementsEqual(expected, by: ==), "\(label): walk over councils \(lower)..<\(upper)", sourceLocation: sourceLocation)
            }
        }
        // Each council's value at prices (0 + Σ amount · price, in entry order), through the view
        // as the round forms it and through `sum`.
        let goods = (naive.good.max() ?? 0) + 1
        let prices: [Double] = (0..<goods).map { i in
            let base = 0.75 + 0.5 * Double(i % 7)
            return base + 1 / Double(i + 3)
        }
        prices.withUnsafeBufferPointer { p in
            entries.withView { view in
                for council in 0..<w {
                    var expected = 0.0
                    for e in naive.start[council]..<naive.start[council + 1] { expected += naive.amount[e] * prices[naive.good[e]] }
                    #expect(view.value(council, prices: p.baseAddress!).bitPattern == expected.bitPattern, "\(label): council \(council)'s value",
                            sourceLocation: sourceLocation)
                    #expect(entries.sum(council) { good, amount in amount * prices[good] }.bitPattern == expected.bitPattern,
                            "\(label): council \(council)'s sum", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// A calibrated economy's layout: `perSector` councils a sector, each producing one unit of it.
    @Test func oneUnitOutputInSectorBlocksIsAFewRunsAndOneAmount() {
        let rows: Rows = (0..<5).flatMap { sector in Array(repeating: [(good: sector, amount: 1.0)], count: 7) }
        let entries = ProducesEntries(rows: rows)
        #expect(entries.isSingle && entries.start.isEmpty)
        #expect(entries.isRuns && entries.good.isEmpty && entries.runStart == [0, 7, 14, 21, 28] && entries.runStep == [0, 0, 0, 0, 0])
        #expect(entries.amount == [1])
        Self.expectSame(entries, rows, "sector blocks")
    }

    /// A synthetic economy's layout: council `w` produces good `w mod n`, one unit.
    @Test func goodsGoingUpByOneAreRunsOfStepOne() {
        let rows: Rows = (0..<23).map { [(good: $0 % 5, amount: 1.0)] }
        let entries = ProducesEntries(rows: rows)
        #expect(entries.isSingle && entries.isRuns && entries.runStart == [0, 5, 10, 15, 20] && entries.runStep == [1, 1, 1, 1, 1])
        #expect(entries.amount == [1])
        Self.expectSame(entries, rows, "w mod 5")
    }

    /// One output a council with amounts of their own: one amount an entry, no row starts.
    @Test func singleOutputsWithVaryingAmountsKeepOneAmountAnEntry() {
        let rows: Rows = (0..<30).map { [(good: $0 / 10, amount: 1 + Double($0) / 8)] }
        let entries = ProducesEntries(rows: rows)
        #expect(entries.isSingle && entries.isRuns && entries.runStart.count == 3)
        #expect(entries.amount.count == 30)
        Self.expectSame(entries, rows, "varying amounts")
        // The first difference late: the amounts so far are written out then.
        let late: Rows = (0..<30).map { [(good: 2, amount: $0 == 29 ? 0.5 : 2)] }
        let lateEntries = ProducesEntries(rows: late)
        #expect(lateEntries.amount.count == 30)
        Self.expectSame(lateEntries, late, "one different amount, last")
    }

    /// Goods in no order: one good an entry (runs would take more memory), still no row starts.
    @Test func scatteredGoodsAreOneGoodAnEntry() {
        var random = SeededGenerator(seed: 9)
        let rows: Rows = (0..<200).map { _ in [(good: Int(random.next() % 11), amount: 3)] }
        let entries = ProducesEntries(rows: rows)
        #expect(entries.isSingle && !entries.isRuns && entries.good.count == 200 && entries.runStart.isEmpty)
        #expect(entries.amount == [3])
        Self.expectSame(entries, rows, "scattered")
        // Scattered first, blocks after: the switch to one good an entry happens on the way and stays.
        let mixed = rows + (0..<300).map { [(good: $0 / 100, amount: 3.0)] }
        let mixedEntries = ProducesEntries(rows: mixed)
        #expect(!mixedEntries.isRuns && mixedEntries.good.count == 500)
        Self.expectSame(mixedEntries, mixed, "scattered, then blocks")
    }

    /// Several outputs, or none, for some councils: row starts and one good an entry, whether the
    /// first such council comes first, in the middle (after single outputs kept as runs) or last.
    @Test func councilsWithOtherThanOneOutputGetRowStarts() {
        let middle: Rows = [[(0, 1)], [(0, 1)], [(1, 1)], [(2, 0.5), (0, 1)], [], [(1, 1)], [(1, 1), (2, 1), (3, 1)]]
        let first: Rows = [[], [(0, 2)], [(1, 2)]]
        let last: Rows = (0..<20).map { [(good: $0 / 4, amount: 1.0)] } + [[(1, 1), (0, 1)]]
        for (rows, label) in [(middle, "in the middle"), (first, "first"), (last, "last")] {
            let entries = ProducesEntries(rows: rows)
            #expect(!entries.isSingle && entries.start.count == rows.count + 1 && !entries.isRuns, "\(label)")
            Self.expectSame(entries, rows, label)
        }
        #expect(ProducesEntries(rows: first).amount == [2], "one amount, with row starts")
    }

    /// Zero and negative amounts are kept as given; 0 and −0 are different amounts (bits).
    @Test func zeroAndNegativeAmountsKeepTheirBits() {
        let signedZeros: Rows = [[(0, 0)], [(0, -0.0)], [(1, 0)]]
        let entries = ProducesEntries(rows: signedZeros)
        #expect(entries.amount.count == 3)
        Self.expectSame(entries, signedZeros, "signed zeros")
        let negative: Rows = Array(repeating: [(good: 1, amount: -1.5)], count: 6)
        let negativeEntries = ProducesEntries(rows: negative)
        #expect(negativeEntries.amount == [-1.5] && negativeEntries.isRuns)
        Self.expectSame(negativeEntries, negative, "negative")
        let mixed: Rows = [[(2, 1), (0, 0)], [(1, -2)], [(0, 0)]]
        Self.expectSame(ProducesEntries(rows: mixed), mixed, "zero and negative beside positive")
    }

    /// No councils, and councils without entries.
    @Test func emptyEntries() {
        let none = ProducesEntries(rows: [])
        #expect(none.count == 0 && none.councilCount == 0 && none.amount.isEmpty && !none.isRuns)
        Self.expectSame(none, [], "no councils")
        let empty: Rows = [[], [], []]
        let emptyEntries = ProducesEntries(rows: empty)
        #expect(emptyEntries.start == [0, 0, 0, 0] && emptyEntries.amount.isEmpty)
        Self.expectSame(emptyEntries, empty, "councils without entries")
    }

    /// A calibrated economy's workers' councils keep their `produces` as runs, one a sector, with
    /// the one amount 1; what comes back is what the generator gave.
    @Test func aCalibratedEconomysEntriesAreOneRunASector() throws {
        let economy = try CalibratedEconomy(table: CalibratedEconomyTests.handTable(), workersCouncilsPerSector: 4,
                                            consumersCouncils: 2, heterogeneity: 0.2, seed: 1).generate()
        let entries = economy.workersCouncils.producesEntries
        #expect(entries.isSingle && entries.isRuns && entries.runStart == [0, 4, 8] && entries.amount == [1])
        let rows: Rows = economy.workersCouncils.map { council in council.produces.map { (economy.goodIndex[$0.id]!, $0.amount) } }
        Self.expectSame(entries, rows, "calibrated")
    }
}
