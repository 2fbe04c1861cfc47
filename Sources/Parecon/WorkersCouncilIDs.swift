/// The workers' councils' ids, stored as runs: a generated economy names its councils in runs
/// (`S00102/w1`, `S00102/w2`, …; `w0`, `w1`, …), so each maximal run of ids that differ only by
/// a consecutive decimal suffix is kept as (prefix, first number, start): memory in the number of
/// runs, not of councils. An id comes back exactly as given (the same UTF-8 bytes).
///
/// An id's suffix is its trailing ASCII digits without leading zeros (at least one digit: `w00`
/// is `w0` and 0, `x007` is `x00` and 7), when they fit in `Int`; an id without one (`w`, ``,
/// `w1a`, more than `Int` digits) is a run of its own, kept literally. Ids of few runs (a
/// hand-written economy's) are kept as a plain list instead, whichever takes less memory, so the
/// runs never cost more than the list would.
public struct WorkersCouncilIDs: RandomAccessCollection, Sendable, Equatable {
    /// Per run: its prefix (the whole id for a literal); in the plain form, the ids themselves.
    let prefix: [String]
    /// Per run: its first suffix, or -1 for a literal id. Empty in the plain form.
    let first: [Int]
    /// Per run: the index of its first id (increasing). Empty in the plain form.
    let start: [Int32]
    public let count: Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// Whether the ids are kept as runs rather than as a plain list.
    var isRuns: Bool { !first.isEmpty }
    /// The number of runs (or of ids, in the plain form).
    var storedCount: Int { prefix.count }

    public subscript(k: Int) -> String {
        precondition(k >= 0 && k < count, "council index \(k) out of 0..<\(count)")
        if first.isEmpty { return prefix[k] }
        // The last run starting at or before `k`.
        var low = 0, high = start.count
        while high - low > 1 {
            let mid = (low + high) / 2
            if Int(start[mid]) <= k { low = mid } else { high = mid }
        }
        return first[low] < 0 ? prefix[low] : prefix[low] + String(first[low] + (k - Int(start[low])))
    }

    /// The same ids in the same order (as `String` compares them).
    public static func == (a: WorkersCouncilIDs, b: WorkersCouncilIDs) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }

    /// The ids of `list`, in its order.
    public init<S: Sequence<String>>(_ list: S) {
        var builder = Builder()
        for id in list { builder.append(id) }
        self = builder.finish()
    }

    fileprivate init(prefix: [String], first: [Int], start: [Int32], count: Int) {
        self.prefix = prefix
        self.first = first
        self.start = start
        self.count = count
    }

    /// Appends ids one at a time, extending the last run when it can.
    struct Builder {
        private var prefix: [String] = []
        private var first: [Int] = []
        private var start: [Int32] = []
        private(set) var count = 0

        init() {}

        mutating func append(_ id: String) {
            guard let index = Int32(exactly: count) else {
                preconditionFailure("\(count) workers' councils: their ids hold fewer than 2^31")
            }
            count += 1
            let bytes = id.utf8
            guard let (cut, number) = Self.suffix(bytes) else {
                prefix.append(id)
                first.append(-1)
                start.append(index)
                return
            }
            if let last = first.last, last >= 0,
               case let (next, overflow) = last.addingReportingOverflow(Int(index - start[start.count - 1])),
               !overflow, next == number, prefix[prefix.count - 1].utf8.elementsEqual(bytes[..<cut]) {
                return
            }
            // The prefix as its exact bytes: it ends before an ASCII digit, so on a scalar boundary
            // (though not always on a `Character` boundary: slicing the `String` could move it).
            prefix.append(String(decoding: bytes[..<cut], as: UTF8.self))
            first.append(number)
            start.append(index)
        }

        /// Where `bytes`' suffix starts and its value: its trailing ASCII digits without leading
        /// zeros (keeping the last digit), if there are any and they fit in `Int`.
        static func suffix(_ bytes: String.UTF8View) -> (String.Index, Int)? {
            var digitsStart = bytes.endIndex
            while digitsStart > bytes.startIndex {
                let before = bytes.index(before: digitsStart)
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[before]) else { break }
                digitsStart = before
            }
            guard digitsStart < bytes.endIndex else { return nil }
            let lastDigit = bytes.index(before: bytes.endIndex)
            while digitsStart < lastDigit && bytes[digitsStart] == UInt8(ascii: "0") { digitsStart = bytes.index(after: digitsStart) }
            var number = 0
            for byte in bytes[digitsStart...] {
                let (times10, o1) = number.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                if o1 || o2 { return nil }
                number = sum
            }
            return (digitsStart, number)
        }

        /// The ids, as runs or as a plain list, whichever is smaller (a run takes 28 bytes, an
        /// id of the list 16, besides the bytes of long strings).
        consuming func finish() -> WorkersCouncilIDs {
            if prefix.count * 28 >= count * 16 {
                var ids: [String] = []
                ids.reserveCapacity(count)
                for r in prefix.indices {
                    let end = r + 1 < start.count ? Int(start[r + 1]) : count
                    if first[r] < 0 {
                        ids.append(prefix[r])
                    } else {
                        for k in 0..<(end - Int(start[r])) { ids.append(prefix[r] + String(first[r] + k)) }
                    }
                }
                return WorkersCouncilIDs(prefix: ids, first: [], start: [], count: count)
            }
            return WorkersCouncilIDs(prefix: prefix.withExactCapacity(),
                                     first: first.withExactCapacity(),
                                     start: start.withExactCapacity(), count: count)
        }
    }
}
