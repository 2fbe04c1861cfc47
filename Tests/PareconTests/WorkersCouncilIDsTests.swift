import Testing
@testable import Parecon

/// The workers' councils' ids stored as runs (``WorkersCouncilIDs``): every id comes back with
/// the bytes it was given (checked against the plain array), runs are as many as a naive count
/// of maximal runs gives, and a list with few runs is kept plain.
@Suite struct WorkersCouncilIDsTests {
    /// The ids back, compared byte for byte with the given array (`String`'s `==` would accept a
    /// canonically equivalent spelling).
    static func expectSameBytes(_ stored: WorkersCouncilIDs, _ given: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(stored.count == given.count, sourceLocation: sourceLocation)
        for (k, id) in given.enumerated() where k < stored.count {
            #expect(Array(stored[k].utf8) == Array(id.utf8), "id \(k): \(id.debugDescription)", sourceLocation: sourceLocation)
        }
        // Through the collection's iterator too (one failure, not one per id).
        #expect(zip(stored, given).allSatisfy { Array($0.utf8) == Array($1.utf8) }, sourceLocation: sourceLocation)
    }

    /// The number of maximal runs by a naive reading of each id: its trailing digits, leading
    /// zeros moved into the prefix (keeping the last digit), read as a decimal number when
    /// below 2^63; a run continues while the prefix's bytes are the same and the number is one more.
    static func naiveRunCount(_ ids: [String]) -> Int {
        func split(_ id: String) -> (prefix: [UInt8], number: Int)? {
            let bytes = Array(id.utf8)
            var cut = bytes.count
            while cut > 0 && bytes[cut - 1] >= 48 && bytes[cut - 1] <= 57 { cut -= 1 }
            if cut == bytes.count { return nil }
            while cut < bytes.count - 1 && bytes[cut] == 48 { cut += 1 }
            guard let number = Int(String(decoding: bytes[cut...], as: UTF8.self)) else { return nil }
            return (Array(bytes[..<cut]), number)
        }
        var runs = 0
        var last: (prefix: [UInt8], number: Int)?
        for id in ids {
            let this = split(id)
            if let this, let previous = last, previous.prefix == this.prefix, previous.number < Int.max, previous.number + 1 == this.number {
                last = this
                continue
            }
            runs += 1
            last = this
        }
        return runs
    }

    /// Generated economies' names: one run per sector, and the synthetic `w0`…: one run.
    @Test func generatedNamesAreAFewRuns() {
        let calibrated = ["111CA", "S00102", "GSLE"].flatMap { sector in (1...500).map { "\(sector)/w\($0)" } }
        let stored = WorkersCouncilIDs(calibrated)
        Self.expectSameBytes(stored, calibrated)
        #expect(stored.isRuns && stored.storedCount == 3)
        let synthetic = (0..<10_000).map { "w\($0)" }
        let storedSynthetic = WorkersCouncilIDs(synthetic)
        Self.expectSameBytes(storedSynthetic, synthetic)
        #expect(storedSynthetic.isRuns && storedSynthetic.storedCount == 1)
    }

    /// Odd ids within runs of ordinary ones: each comes back as given, and the runs are the
    /// naive count.
    @Test func oddIdsComeBackAsGiven() {
        let odd: [String] = [
            "x007", "x008", "x009", "x010", "x011",  // leading zeros: runs x00 7–9, x0 10–11
            "w00", "w0", "w1", "w01",  // all-zero suffixes and a leading zero
            "w", "", "w", "",  // empty suffix, empty id, repeated
            "123", "124", "0", "1", "00",  // digits only
            "é1", "é2", "e\u{301}3", "e\u{301}4",  // precomposed then decomposed: the same `String`, other bytes
            "\u{600}1", "\u{600}2",  // a prepended mark: the digit is not at a Character boundary
            "日本9", "日本10", "🇫🇷3", "🇫🇷4",
            "n9223372036854775806", "n9223372036854775807", "n9223372036854775808",  // Int.max, then past it
            "n99999999999999999999999", "n100000000000000000000000",
            "g1", "g2", "g4", "g5", "g5", "g6", "g3",  // a gap, a repeat, going back
            "a1b", "a1b", "1a", "a-1", "a-2", "a+0", "a.5", " 7", "7 ",
        ]
        let ids = odd + (0..<200).map { "bulk\($0)" }
        let stored = WorkersCouncilIDs(ids)
        Self.expectSameBytes(stored, ids)
        #expect(stored.isRuns && stored.storedCount == Self.naiveRunCount(ids))
        // The decomposed "é3" equals the precomposed spelling as a `String` but keeps its bytes.
        #expect(stored[20] == "é3" && Array(stored[20].utf8) != Array("é3".utf8))
        // The same ids alone have few long runs: kept as the plain list.
        let plain = WorkersCouncilIDs(odd)
        Self.expectSameBytes(plain, odd)
        #expect(!plain.isRuns && plain.storedCount == odd.count)
        #expect(WorkersCouncilIDs([String]()).isEmpty)
    }

    /// Random ids built from a few prefixes and numbers, some with leading zeros, in random order
    /// and in runs: the same bytes back, the naive number of runs (or the plain list).
    @Test func randomIdsComeBackAsGiven() {
        var random = SeededGenerator(seed: 17)
        let prefixes = ["a", "a0", "", "é", "e\u{301}", "x/y", "0"]
        for _ in 0..<20 {
            var ids: [String] = []
            while ids.count < 300 {
                let prefix = prefixes[random.index(prefixes.count)]
                let start = random.index(30)
                let length = 1 + random.index(random.uniform() < 0.5 ? 3 : 40)
                for k in start..<(start + length) {
                    ids.append(random.uniform() < 0.05 ? "\(prefix)0\(k)" : "\(prefix)\(k)")
                }
            }
            let stored = WorkersCouncilIDs(ids)
            Self.expectSameBytes(stored, ids)
            let runs = Self.naiveRunCount(ids)
            #expect(stored.storedCount == (runs * 28 < ids.count * 16 ? runs : ids.count))
        }
    }
}

/// The table of first occurrences behind the unique-id check, against a naive dictionary.
@Suite struct FirstOccurrencesTests {
    @Test func earlierPositionsAreTheNaiveFirstOnes() {
        var random = SeededGenerator(seed: 23)
        // Few distinct ids, so most are repeats; "é" spelled two ways is one `String`.
        let alphabet = ["a", "b", "é", "e\u{301}", "w", "1", ""]
        let ids = (0..<5000).map { _ in (0..<(1 + random.index(3))).map { _ in alphabet[random.index(alphabet.count)] }.joined() }
        var table = FirstOccurrences(count: ids.count)
        var naive: [String: Int] = [:]
        var repeats = 0
        for (k, id) in ids.enumerated() {
            let earlier = table.earlier(id, at: k) { ids[$0] }
            #expect(earlier == naive[id], "id \(k) \(id.debugDescription)")
            if naive[id] == nil { naive[id] = k } else { repeats += 1 }
        }
        #expect(repeats > 4000 && naive["é"] != nil && naive["é"] == naive["e\u{301}"])
    }
}
