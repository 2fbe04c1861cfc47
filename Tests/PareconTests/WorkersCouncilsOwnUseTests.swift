import Foundation
import Testing
@testable import Parecon

/// A council's use of its own good, which `V` holds only net of the output: recovered from `V`
/// (with a 16-bit offset to the bit pattern) when that gives it back exactly, kept as an entry
/// otherwise. Every council comes back with the bits it was given.
@Suite struct WorkersCouncilsOwnUseTests {
    /// Each stored council's entries as (id, amount's bits), sorted, against the given ones.
    static func expectSameBits(_ stored: WorkersCouncils, _ given: [WorkersCouncil], sourceLocation: SourceLocation = #_sourceLocation) {
        func bits(_ entries: [Quantity]) -> [String] { entries.map { "\($0.id) \($0.amount.bitPattern)" }.sorted() }
        #expect(stored.count == given.count, sourceLocation: sourceLocation)
        for (w, council) in given.enumerated() where w < stored.count {
            let back = stored[w]
            #expect(back.id == council.id, sourceLocation: sourceLocation)
            #expect(bits(back.produces) == bits(council.produces), "council \(council.id)", sourceLocation: sourceLocation)
            #expect(bits(back.uses) == bits(council.uses), "council \(council.id)", sourceLocation: sourceLocation)
        }
    }

    static let goods = ["a", "b"].map { Good(id: $0) }
    static let resources = [PrimaryResource(id: "labour", available: 100)]

    /// Valid councils using their own good `a`, with the uses that must be kept marked by hand.
    static let cases: [(council: WorkersCouncil, kept: Bool)] = [
        // 1 − 0.5 and back: exact, offset 0.
        (WorkersCouncil(id: "half", produces: [Quantity("a", 1)], uses: [Quantity("a", 0.5), Quantity("labour", 1)], capacity: 1), false),
        // 1 − 0.05 rounds away 0.05's last bits: recovered with a small offset.
        (WorkersCouncil(id: "small", produces: [Quantity("a", 1)], uses: [Quantity("b", 0.25), Quantity("a", 0.05)], capacity: 1), false),
        // All it makes: V = 0.
        (WorkersCouncil(id: "all", produces: [Quantity("a", 0.7)], uses: [Quantity("a", 0.7)], capacity: 1), false),
        // More than it makes: V < 0.
        (WorkersCouncil(id: "more", produces: [Quantity("a", 1)], uses: [Quantity("a", 1.5)], capacity: 1), false),
        // 1 − 1e-12 loses about 2^39 steps of 1e-12's bits: past 16 bits, kept.
        (WorkersCouncil(id: "tiny", produces: [Quantity("a", 1)], uses: [Quantity("a", 1e-12)], capacity: 1), true),
        // 1 − 1e-300 is 1: V cannot tell the use from none, kept.
        (WorkersCouncil(id: "lost", produces: [Quantity("a", 1)], uses: [Quantity("a", 1e-300)], capacity: 1), true),
        // Exactly 0: kept (as every zero use is).
        (WorkersCouncil(id: "zero", produces: [Quantity("a", 3)], uses: [Quantity("a", 0)], capacity: 1), true),
        // Two outputs: kept.
        (WorkersCouncil(id: "two", produces: [Quantity("a", 2), Quantity("b", 1)], uses: [Quantity("a", 0.25)], capacity: 1), true),
        // Uses no good of its own: nothing to recover.
        (WorkersCouncil(id: "plain", produces: [Quantity("b", 2)], uses: [Quantity("a", 0.3)], capacity: 1), false),
    ]

    @Test func ownUsesComeBackBitForBitAndAreKeptOnlyWhenNeeded() throws {
        let councils = Self.cases.map(\.council)
        let consumers = [ConsumersCouncil(id: "h", allowance: 1, preferences: .cobbDouglas(weights: [Quantity("a", 1), Quantity("b", 1)]))]
        let economy = try Economy(goods: Self.goods, resources: Self.resources, workersCouncils: councils, consumersCouncils: consumers)
        let stored = economy.workersCouncils
        Self.expectSameBits(stored, councils)
        #expect(Array(stored) == councils)
        // Kept: exactly the marked councils' uses of a (column 0).
        let kept = Self.cases.indices.filter { Self.cases[$0].kept }
        #expect(stored.keptUsesCouncil.map(Int.init) == kept && stored.keptUsesColumn.allSatisfy { $0 == 0 })
        // The offsets: 0 but for "small", whose offset is 0.05's bits minus those of 1 − (1 − 0.05).
        let small = 0.05, recovered = 1 - (1 - small)
        let offset = Int16(Int64(bitPattern: small.bitPattern &- recovered.bitPattern))
        #expect(offset != 0 && recovered != small)
        #expect(stored.ownUseOffset == Self.cases.indices.map { $0 == 1 ? offset : 0 })
        // The recovered uses, by council, against the given amounts.
        for (w, (council, isKept)) in Self.cases.enumerated() {
            let own = council.uses.first { $0.id == "a" && council.produces.count == 1 && council.produces[0].id == "a" }
            #expect(stored.ownUse(w)?.amount.bitPattern == (isKept ? nil : own?.amount.bitPattern), "council \(council.id)")
        }
    }

    /// Without any nonzero offset (or any use of its own good) the offsets take no memory.
    @Test func offsetsAreEmptyWhenAllAreZero() throws {
        var builder = WorkersCouncils.Builder(goods: Self.goods, resources: Self.resources, councilCount: 3)
        builder.append(id: "w1", capacity: 1, elasticity: nil, produces: [(0, 1.0)], uses: [(0, 0.5)])
        builder.append(id: "w2", capacity: 1, elasticity: nil, produces: [(0, 1.0)], uses: [(1, 0.3), (2, 1.0)])
        builder.append(id: "w3", capacity: 1, elasticity: nil, produces: [(1, 4.0)], uses: [(1, 1.0)])
        let stored = builder.finish()
        #expect(stored.ownUseOffset.isEmpty && stored.keptUsesCouncil.isEmpty)
        #expect(stored.usesColumns(0).map(\.amount) == [0.5] && stored.usesColumns(2).map(\.amount) == [1.0])
    }

    /// What only an invalid economy has, written straight into the builder: repeated uses of its
    /// own good (all kept), infinite, NaN and negative-zero uses; the bits come back.
    @Test func invalidAmountsComeBackBitForBit() {
        let councils = [
            WorkersCouncil(id: "twice", produces: [Quantity("a", 1)], uses: [Quantity("a", 0.25), Quantity("a", 0.5)], capacity: 1),
            WorkersCouncil(id: "inf", produces: [Quantity("a", 1)], uses: [Quantity("a", .infinity)], capacity: 1),
            WorkersCouncil(id: "nan", produces: [Quantity("a", 1)], uses: [Quantity("a", .nan)], capacity: 1),
            WorkersCouncil(id: "minus zero", produces: [Quantity("a", 1)], uses: [Quantity("a", -0.0)], capacity: 1),
            WorkersCouncil(id: "negative", produces: [Quantity("a", 1)], uses: [Quantity("a", -0.25)], capacity: 1),
            WorkersCouncil(id: "made twice", produces: [Quantity("a", 1), Quantity("a", 0.5)], uses: [Quantity("a", 0.125)], capacity: 1),
            // A zero output (nothing positive): V = −u, told apart from no use, recovered.
            WorkersCouncil(id: "none made", produces: [Quantity("a", 0)], uses: [Quantity("a", 0.125)], capacity: 1),
        ]
        var builder = WorkersCouncils.Builder(goods: Self.goods, resources: Self.resources, councilCount: councils.count)
        for council in councils {
            builder.append(id: council.id, capacity: council.capacity, elasticity: council.elasticity,
                           produces: council.produces.map { (0, $0.amount) }, uses: council.uses.map { (0, $0.amount) })
        }
        let stored = builder.finish()
        Self.expectSameBits(stored, councils)
        // Kept: both of "twice", "minus zero" (V = 1: no use), "made twice" (two entries); the
        // infinite, NaN, negative and "none made" uses are recovered.
        #expect(stored.keptUsesCouncil == [0, 0, 3, 5])
    }

    /// A calibrated economy (every council uses its own good) keeps few uses, holds one run of ids
    /// per sector, equals the economy built from its councils' lists, and a compact file of it
    /// loads back the same, bit for bit.
    @Test func aCalibratedEconomyKeepsFewUses() throws {
        let table = try CalibratedEconomyTests.wideTable(30)
        let economy = try CalibratedEconomy(table: table, workersCouncilsPerSector: 20, consumersCouncils: 5, heterogeneity: 0.3, seed: 4).generate()
        let workers = economy.workersCouncils
        let councils = Array(workers)
        let ownUses = councils.filter { council in council.uses.contains { $0.id == council.produces[0].id } }.count
        #expect(ownUses > councils.count / 2)
        #expect(workers.keptUsesCouncil.count * 20 <= ownUses)
        #expect(workers.ids.isRuns && workers.ids.storedCount == 30)
        let rebuilt = try Economy(name: economy.name, goods: economy.goods, resources: economy.resources,
                                  workersCouncils: councils, consumersCouncils: Array(economy.consumersCouncils))
        #expect(rebuilt.workersCouncils == workers && rebuilt.workersCouncils.netOutput == workers.netOutput)
        Self.expectSameBits(rebuilt.workersCouncils, councils)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-own-use-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("e.peb").path
        try EconomyFileFormat.compact.write(economy, to: path)
        let loaded = try EconomyFileFormat.load(path: path)
        Self.expectSameBits(loaded.workersCouncils, councils)
        #expect(loaded.workersCouncils.ids.storedCount == 30 && loaded.workersCouncils.keptUsesCouncil == workers.keptUsesCouncil)
        #expect(CompactEconomyFile.encode(loaded) == CompactEconomyFile.encode(economy))
    }
}
