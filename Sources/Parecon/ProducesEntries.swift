/// The workers' councils' `produces` entries (good index, amount), council by council in the
/// order given, stored for the common case: every generated or calibrated council produces
/// exactly one good, with amount 1, and councils producing the same good come in blocks (a
/// calibrated economy's sectors) or the goods go up by one from council to council (a synthetic
/// economy's `w mod n`). So:
///
/// - row starts only when some council has other than one entry (otherwise council `w`'s entry
///   is entry `w`);
/// - one amount when every entry's has the same bits;
/// - the goods as runs of entries whose good goes up by a constant step (0 within a block),
///   unless that takes more memory than one `Int32` an entry (and always one an entry when there
///   are row starts).
///
/// At 10^5 single-output councils in sector blocks that is a few hundred bytes instead of
/// 1.6 MB. Hand-written economies fall back to the plain arrays.
struct ProducesEntries: Sendable {
    /// Councils (rows).
    let councilCount: Int
    /// Entries, over all councils.
    let count: Int
    /// Row starts (`councilCount + 1`), or empty when every council has exactly one entry.
    let start: [Int32]
    /// Each entry's good, or empty when the goods are kept as runs (`runStart`, …).
    let good: [Int32]
    /// Runs of entries (increasing first entries, the first run at entry 0): entry `e` of the
    /// run starting at entry `s` has good `runGood + runStep · (e − s)`. Empty in the plain form.
    let runStart: [Int32]
    let runGood: [Int32]
    let runStep: [Int32]
    /// Each entry's amount, or a single amount that every entry has (bit for bit).
    let amount: [Double]

    /// Whether every council has exactly one entry (entry `w` is council `w`'s).
    var isSingle: Bool { start.isEmpty }
    /// Whether the goods are kept as runs.
    var isRuns: Bool { good.isEmpty && count > 0 }

    /// Council `w`'s entries.
    func range(_ w: Int) -> Range<Int> { start.isEmpty ? w..<(w + 1) : Int(start[w])..<Int(start[w + 1]) }

    /// Entry `e`'s good.
    func good(_ e: Int) -> Int {
        if !good.isEmpty { return Int(good[e]) }
        let r = Self.run(containing: e, runStart: runStart)
        return Int(runGood[r]) + Int(runStep[r]) * (e - Int(runStart[r]))
    }

    /// Entry `e`'s amount.
    func amount(_ e: Int) -> Double { amount[amount.count == 1 ? 0 : e] }

    /// `0 + Σ term(good, amount)` over council `w`'s entries, added in their order.
    @inline(__always)
    func sum(_ w: Int, _ term: (_ good: Int, _ amount: Double) -> Double) -> Double {
        var total = 0.0
        for e in range(w) { total += term(good(e), amount(e)) }
        return total
    }

    /// Calls `body` for each entry of the councils `councils`, in order (O(1) an entry: the runs
    /// are walked, not searched).
    @inline(__always)
    func forEach(_ councils: Range<Int>, _ body: (_ council: Int, _ good: Int, _ amount: Double) -> Void) {
        withView { $0.forEach(councils, body) }
    }

    /// The last run whose first entry is at or before `e`.
    static func run(containing e: Int, runStart: UnsafePointer<Int32>, runCount: Int) -> Int {
        var low = 0, high = runCount
        while high - low > 1 {
            let mid = (low + high) / 2
            if Int(runStart[mid]) <= e { low = mid } else { high = mid }
        }
        return low
    }

    static func run(containing e: Int, runStart: [Int32]) -> Int {
        runStart.withUnsafeBufferPointer { run(containing: e, runStart: $0.baseAddress!, runCount: $0.count) }
    }

    /// The entries through pointers, for the round's hot loop (valid inside ``withView(_:)``).
    struct View: @unchecked Sendable {
        let councilCount: Int
        let count: Int
        let start: UnsafePointer<Int32>?
        let good: UnsafePointer<Int32>?
        let runStart: UnsafePointer<Int32>?
        let runGood: UnsafePointer<Int32>?
        let runStep: UnsafePointer<Int32>?
        let runCount: Int
        let amount: UnsafePointer<Double>?
        /// 1, or 0 when every entry has the one amount stored.
        let amountStride: Int

        var isSingle: Bool { start == nil }

        /// Calls `body` for each entry of the councils `councils`, in order: for each council, its
        /// entries in their order. One loop per form, chosen once per call.
        @inline(__always)
        func forEach(_ councils: Range<Int>, _ body: (_ council: Int, _ good: Int, _ amount: Double) -> Void) {
            guard !councils.isEmpty, let amount else { return }
            if let start, let good {
                for council in councils {
                    for e in Int(start[council])..<Int(start[council + 1]) { body(council, Int(good[e]), amount[e &* amountStride]) }
                }
            } else if let good {
                for council in councils { body(council, Int(good[council]), amount[council &* amountStride]) }
            } else if let runStart, let runGood, let runStep {
                var r = ProducesEntries.run(containing: councils.lowerBound, runStart: runStart, runCount: runCount)
                var council = councils.lowerBound
                while council < councils.upperBound {
                    let end = Swift.min(r + 1 < runCount ? Int(runStart[r + 1]) : count, councils.upperBound)
                    let step = Int(runStep[r])
                    var good = Int(runGood[r]) + step * (council - Int(runStart[r]))
                    while council < end {
                        body(council, good, amount[council &* amountStride])
                        good += step
                        council += 1
                    }
                    r += 1
                }
            }
        }

        /// `0 + Σ amount · prices[good]` over council `w`'s entries, added in their order.
        @inline(__always)
        func value(_ w: Int, prices: UnsafePointer<Double>) -> Double {
            var value = 0.0
            forEach(w..<(w + 1)) { _, good, amount in value += amount * prices[good] }
            return value
        }
    }

    /// Runs `body` with the entries' ``View``.
    @inline(__always)
    func withView<R>(_ body: (View) throws -> R) rethrows -> R {
        try start.withUnsafeBufferPointer { start in
            try good.withUnsafeBufferPointer { good in
                try runStart.withUnsafeBufferPointer { runStart in
                    try runGood.withUnsafeBufferPointer { runGood in
                        try runStep.withUnsafeBufferPointer { runStep in
                            try amount.withUnsafeBufferPointer { amount in
                                try body(View(
                                    councilCount: councilCount, count: count,
                                    start: start.isEmpty ? nil : start.baseAddress, good: good.isEmpty ? nil : good.baseAddress,
                                    runStart: runStart.isEmpty ? nil : runStart.baseAddress,
                                    runGood: runGood.isEmpty ? nil : runGood.baseAddress,
                                    runStep: runStep.isEmpty ? nil : runStep.baseAddress, runCount: runStart.count,
                                    amount: amount.isEmpty ? nil : amount.baseAddress, amountStride: amount.count == 1 ? 0 : 1))
                            }
                        }
                    }
                }
            }
        }
    }

    fileprivate init(builder: Builder) {
        councilCount = builder.councilCount
        count = builder.count
        start = builder.start
        good = builder.good
        runStart = builder.runStart
        runGood = builder.runGood
        runStep = builder.runStep
        amount = builder.amount
    }

    /// The entries of `rows` (one list of (good, amount) a council), through a ``Builder``.
    init(rows: [[(good: Int, amount: Double)]]) {
        var builder = Builder(councilCount: rows.count)
        for row in rows {
            for entry in row { builder.append(good: entry.good, amount: entry.amount) }
            builder.endRow()
        }
        self = builder.finish()
    }

    /// Appends entries council by council, keeping the compact forms while they hold: nothing
    /// is stored per entry or council until some entry needs it, so the common case never
    /// holds a plain array, not even while being built.
    struct Builder {
        let councilCount: Int
        /// Entries expected in all (reserved once a plain array is needed).
        let expectedEntries: Int
        fileprivate var start: [Int32] = []
        fileprivate var good: [Int32] = []
        fileprivate var runStart: [Int32] = []
        fileprivate var runGood: [Int32] = []
        fileprivate var runStep: [Int32] = []
        fileprivate var amount: [Double] = []
        /// Entries appended.
        private(set) var count = 0
        /// Councils ended.
        private(set) var rows = 0
        /// Entries of the council being appended.
        private var rowEntries = 0
        private var single = true
        private var uniform = true
        private var runs = true

        init(councilCount: Int, expectedEntries: Int? = nil) {
            self.councilCount = councilCount
            self.expectedEntries = expectedEntries ?? councilCount
        }

        mutating func append(good g: Int, amount a: Double) {
            let e = count
            count += 1
            rowEntries += 1
            _ = Self.stored(count)
            if e == 0 {
                amount = [a]
            } else if uniform {
                if a.bitPattern != amount[0].bitPattern {
                    uniform = false
                    let first = amount[0]
                    amount = []
                    amount.reserveCapacity(Swift.max(expectedEntries, count))
                    amount.append(contentsOf: repeatElement(first, count: e))
                    amount.append(a)
                }
            } else {
                amount.append(a)
            }
            if !runs {
                good.append(Self.stored(g))
                return
            }
            if let last = runStart.last {
                let length = e - Int(last), first = Int(runGood[runGood.count - 1])
                if length == 1 {
                    runStep[runStep.count - 1] = Self.stored(g - first)  // goods are 0..<n: fits
                    return
                }
                if g == first + Int(runStep[runStep.count - 1]) * length { return }
            }
            runStart.append(Self.stored(e))
            runGood.append(Self.stored(g))
            runStep.append(0)
            // Runs cost 12 bytes against 4 an entry: past a few, kept only while they are cheaper.
            if runStart.count >= 16 && 3 * runStart.count > count { makePlain() }
        }

        /// Ends the council being appended.
        mutating func endRow() {
            precondition(rows < councilCount, "more rows than workers' councils")
            if single && rowEntries != 1 {
                single = false
                start.reserveCapacity(councilCount + 1)
                for w in 0...rows { start.append(Self.stored(w)) }  // one entry each so far
                makePlain()
            }
            rows += 1
            rowEntries = 0
            if !single { start.append(Self.stored(count)) }
        }

        /// Replaces the runs by one good an entry.
        private mutating func makePlain() {
            guard runs else { return }
            runs = false
            good.reserveCapacity(Swift.max(expectedEntries, count))
            for r in 0..<runStart.count {
                let end = r + 1 < runStart.count ? Int(runStart[r + 1]) : count
                for e in Int(runStart[r])..<end {
                    good.append(Self.stored(Int(runGood[r]) + Int(runStep[r]) * (e - Int(runStart[r]))))
                }
            }
            runStart = []
            runGood = []
            runStep = []
        }

        /// An entry index, row start or good as stored (`Int32`): an economy with 2^31 or more
        /// entries (24 GB of them) is beyond this storage.
        static func stored(_ value: Int) -> Int32 {
            guard let stored = Int32(exactly: value) else {
                preconditionFailure("\(value) entries: workers' councils' rows hold fewer than 2^31")
            }
            return stored
        }

        /// The entries; every council must have been ended.
        consuming func finish() -> ProducesEntries {
            precondition(rows == councilCount, "\(rows) of \(councilCount) workers' councils' produces entries appended")
            if runs && 3 * runStart.count > count { makePlain() }
            start = start.withExactCapacity()
            good = good.withExactCapacity()
            runStart = runStart.withExactCapacity()
            runGood = runGood.withExactCapacity()
            runStep = runStep.withExactCapacity()
            amount = amount.withExactCapacity()
            return ProducesEntries(builder: self)
        }
    }
}
