import FoundationEssentials
import Glibc

/// A problem with the layout of a compact economy file (before the economy's own checks).
struct CompactLayoutError: Error {
    var location: String
    var field: String
    var message: String
}

/// Reads the sections of a compact economy file (layout in ``CompactEconomyFile``), checking
/// sizes, offsets, indices and UTF-8 as it goes, into the parts of an ``Economy``. Each workers'
/// council is checked (as ``EconomyValidator`` does) and written straight into the economy's
/// storage (``WorkersCouncils/Builder``), so no list of all councils is ever built. The bytes
/// are a flat buffer or the file itself read through a few windows (``WindowedFile``); each
/// council's rows are copied out of them once, into buffers reused from council to council.
struct CompactEconomyReader<Bytes: CompactBytes> {
    struct Parts {
        var name = ""
        var goods: [Good] = []
        var resources: [PrimaryResource] = []
        var workersCouncils: WorkersCouncils?
        var consumersCouncils: ConsumersCouncils?
        /// What the economy's checks found (the economy is only valid when there is nothing).
        var problems: [EconomyProblem] = []
    }

    private let buffer: Bytes
    private var offset = 0

    init(_ buffer: Bytes) {
        self.buffer = buffer
    }

    private func fail(_ location: String = "", _ field: String = "", _ message: String) -> CompactLayoutError {
        CompactLayoutError(location: location, field: field, message: message)
    }

    // MARK: Primitive reads (bounds are checked once, against the layout's total size)

    private func u64(at position: Int) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    private func u32(at position: Int) -> UInt32 {
        UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    private func f64(at position: Int) -> Double {
        Double(bitPattern: u64(at: position))
    }

    /// The start of a section of `count` elements of `size` bytes; moves past it (and its padding).
    private mutating func section(_ count: Int, _ size: Int) -> Int {
        let start = offset
        offset += count * size
        offset = (offset + 7) & ~7
        return start
    }

    private mutating func doubles(_ count: Int) -> [Double] {
        let start = section(count, 8)
        return (0..<count).map { f64(at: start + 8 * $0) }
    }

    /// `start[rows + 1]`, `index[count]`, `amount[count]`: checked that the starts run from 0 to
    /// `count` without going back, and that every index is below `columns`.
    private mutating func compressedRows(
        rows: Int, count: Int, columns: Int, list: String, field: String, ids: (Int) -> String
    ) throws(CompactLayoutError) -> CompressedRows {
        let rowsRead = try compressedRowStarts(rows: rows, count: count, list: list, field: field, ids: ids)
        let indexSection = rowsRead.indexSection
        var row = 0
        for e in 0..<count {
            while start(rowsRead, row + 1) <= e { row += 1 }
            let i = Int(u32(at: indexSection + 4 * e))
            if i >= columns {
                throw fail(EconomyValidator.location(list, row, ids(row)), field,
                           "entry \(e - start(rowsRead, row)) names good or resource number \(i), but the file has \(columns) goods and resources")
            }
        }
        return rowsRead
    }

    /// The row starts of a compressed-row section, checked; its indices are not checked yet.
    private mutating func compressedRowStarts(
        rows: Int, count: Int, list: String, field: String, ids: (Int) -> String
    ) throws(CompactLayoutError) -> CompressedRows {
        let startSection = section(rows + 1, 8)
        let indexSection = section(count, 4)
        let amountSection = section(count, 8)
        var previous: UInt64 = 0
        for r in 0...rows {
            let value = u64(at: startSection + 8 * r)
            let location = r < rows ? EconomyValidator.location(list, r, ids(r)) : list
            if r == 0 && value != 0 { throw fail(location, field, "the first row must start at entry 0, found \(value)") }
            if value < previous { throw fail(location, field, "row starts must not decrease (\(value) after \(previous))") }
            if value > UInt64(count) { throw fail(location, field, "the row starts at entry \(value), past the \(count) entries of the section") }
            if r == rows && value != UInt64(count) { throw fail(list, field, "the last row ends at entry \(value), but the section has \(count) entries") }
            previous = value
        }
        return CompressedRows(startSection: startSection, indexSection: indexSection, amountSection: amountSection)
    }

    /// Where a checked compressed-row section's arrays are in the file (the row starts are read
    /// from the file when needed, not copied).
    private struct CompressedRows {
        var startSection: Int
        var indexSection: Int
        var amountSection: Int
    }

    /// One row of a checked compressed-row section, copied out of the file into buffers reused
    /// from row to row (so that the councils' loop reads plain memory, not the file's windows, and
    /// allocates nothing once the buffers hold the longest row).
    private final class Row {
        private(set) var count = 0
        private(set) var indices = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        private(set) var amounts = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        private var capacity = 1

        deinit {
            indices.deallocate()
            amounts.deallocate()
        }

        /// Copies entries `entries` of the section `rows` from `buffer`.
        func read(_ rows: CompressedRows, _ entries: Range<Int>, from buffer: Bytes) {
            count = entries.count
            if count > capacity {
                indices.deallocate()
                amounts.deallocate()
                capacity = max(count, 2 * capacity)
                indices = .allocate(capacity: capacity)
                amounts = .allocate(capacity: capacity)
            }
            guard count > 0 else { return }
            let (indexStart, amountStart) = (rows.indexSection + 4 * entries.lowerBound, rows.amountSection + 8 * entries.lowerBound)
            let (indices, amounts) = (UnsafeMutableRawPointer(self.indices), UnsafeMutableRawPointer(self.amounts))
            buffer.withBytes(indexStart..<(indexStart + 4 * count)) { indices.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            buffer.withBytes(amountStart..<(amountStart + 8 * count)) { amounts.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
    }

    /// The first entry of row `r` of a checked section (`r` up to the number of rows).
    private func start(_ rows: CompressedRows, _ r: Int) -> Int {
        Int(u64(at: rows.startSection + 8 * r))
    }

    // MARK: The file

    mutating func read() throws(CompactLayoutError) -> Parts {
        let magic = CompactEconomyFile.magic
        let headerSize = magic.count + 8 * 8
        guard buffer.count >= magic.count, (0..<magic.count).allSatisfy({ buffer[$0] == magic[$0] }) else {
            throw fail("", "", "not a compact economy file: it does not start with \"parecon-economy-binary/1\"")
        }
        guard buffer.count >= headerSize else {
            throw fail("", "header", "the file ends inside its header (\(buffer.count) of \(headerSize) bytes); it may be truncated")
        }
        let names = ["goods", "resources", "workersCouncils", "consumersCouncils", "produces entries", "uses entries",
                     "weights entries", "string bytes"]
        var counts: [Int] = []
        for k in 0..<8 {
            let value = u64(at: magic.count + 8 * k)
            // No count can exceed the file's size; checking this first rules out overflow below.
            guard value <= UInt64(buffer.count) else {
                throw fail("", "header", "the header's count of \(names[k]) (\(value)) is larger than the file (\(buffer.count) bytes)")
            }
            counts.append(Int(value))
        }
        let (n, m, w, c, p, u, q, s) = (counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7])
        let layout = CompactLayout(goods: n, resources: m, workersCouncils: w, consumersCouncils: c,
                                   produces: p, uses: u, weights: q, stringBytes: s)
        let stringCount = layout.stringCount
        let expected = layout.size
        guard expected == buffer.count else {
            throw fail("", "header", "the file is \(buffer.count) bytes, but its header (\(n) goods, \(m) resources, \(w) workers' councils, "
                       + "\(c) consumers' councils, \(p) + \(u) + \(q) entries, \(s) string bytes) calls for \(expected); "
                       + "it may be truncated")
        }
        offset = headerSize

        // Strings, each straight into its own list (no list of all strings beside them).
        let offsetSection = section(stringCount + 1, 8)
        let blob = section(s, 1)
        var name = "", goodIDs: [String] = [], goodUnits: [String] = [], resourceIDs: [String] = [], resourceUnits: [String] = []
        // The workers' councils' ids go straight into their runs (no list of 10^5 strings).
        var workerIDRuns = WorkersCouncilIDs.Builder(), consumerIDs: [String] = []
        consumerIDs.reserveCapacity(c)
        var previous = 0
        for k in 0..<stringCount {
            let end = u64(at: offsetSection + 8 * (k + 1))
            guard u64(at: offsetSection) == 0, end <= UInt64(s), Int(end) >= previous else {
                throw fail("", "strings", "string offset \(k + 1) (\(end)) is out of order or past the \(s) string bytes")
            }
            guard let string = buffer.withBytes((blob + previous)..<(blob + Int(end)), { String(validating: $0, as: UTF8.self) }) else {
                throw fail("", "strings", "string \(k) is not valid UTF-8")
            }
            // The order of the file: name, good ids, good units, resource ids, resource units,
            // workers' council ids, consumers' council ids.
            switch k {
            case 0: name = string
            case ..<(1 + n): goodIDs.append(string)
            case ..<(1 + 2 * n): goodUnits.append(string)
            case ..<(1 + 2 * n + m): resourceIDs.append(string)
            case ..<(1 + 2 * n + 2 * m): resourceUnits.append(string)
            case ..<(1 + 2 * n + 2 * m + w): workerIDRuns.append(string)
            default: consumerIDs.append(string)
            }
            previous = Int(end)
        }
        let workerIDs = workerIDRuns.finish()
        let columnIDs = goodIDs + resourceIDs

        let unitSection = section(n + m, 1)
        var hasUnit: [Bool] = []
        for k in 0..<(n + m) {
            let flag = buffer[unitSection + k]
            guard flag <= 1 else {
                throw fail(k < n ? EconomyValidator.location("goods", k, goodIDs[k]) : EconomyValidator.location("resources", k - n, resourceIDs[k - n]),
                           "unit", "the has-unit flag must be 0 or 1, found \(flag)")
            }
            hasUnit.append(flag == 1)
        }

        var parts = Parts()
        parts.name = name
        parts.goods = (0..<n).map { Good(id: goodIDs[$0], unit: hasUnit[$0] ? goodUnits[$0] : nil) }
        let available = doubles(m)
        parts.resources = (0..<m).map { PrimaryResource(id: resourceIDs[$0], unit: hasUnit[n + $0] ? resourceUnits[$0] : nil, available: available[$0]) }

        var validator = EconomyValidator(findings: LoaderFindings())
        validator.validateHead(goods: parts.goods, resources: parts.resources, workersCouncilIDs: workerIDs,
                               consumersCouncilIDs: consumerIDs)
        let capacity = doubles(w)
        let elasticity = doubles(w)  // +∞: constant returns, as the economy stores it
        let produces = try compressedRows(rows: w, count: p, columns: n + m, list: "workersCouncils", field: "produces") { workerIDs[$0] }
        let uses = try compressedRowStarts(rows: w, count: u, list: "workersCouncils", field: "uses") { workerIDs[$0] }
        var builder = WorkersCouncils.Builder(goods: parts.goods, resources: parts.resources, ids: workerIDs, capacity: capacity,
                                              elasticity: elasticity, producesEntries: p)
        var seenInProduces = [Int](repeating: -1, count: n + m), seenInUses = [Int](repeating: -1, count: n + m)
        var markedProduced = [Bool](repeating: false, count: n)
        let producesRow = Row(), usesRow = Row()
        /// The entries of a row copied out of the file, as (index, amount).
        func rowEntries(_ row: Row) -> LazyMapSequence<Range<Int>, (Int, Double)> {
            let (indices, amounts) = (row.indices, row.amounts)
            return (0..<row.count).lazy.map { (Int(UInt32(littleEndian: indices[$0])), Double(bitPattern: UInt64(littleEndian: amounts[$0]))) }
        }
        /// Entries as quantities, for a council checked again as a value (the validator's messages).
        func quantities(_ entries: LazyMapSequence<Range<Int>, (Int, Double)>) -> [Quantity] {
            entries.map { Quantity(columnIDs[$0.0], $0.1) }
        }
        for k in 0..<w {
            let producesRange = start(produces, k)..<start(produces, k + 1), usesRange = start(uses, k)..<start(uses, k + 1)
            producesRow.read(produces, producesRange, from: buffer)
            usesRow.read(uses, usesRange, from: buffer)
            for e in 0..<usesRow.count {
                let i = Int(UInt32(littleEndian: usesRow.indices[e]))
                if i >= n + m {
                    throw fail(EconomyValidator.location("workersCouncils", k, workerIDs[k]), "uses",
                               "entry \(e) names good or resource number \(i), but the file has \(n + m) goods and resources")
                }
            }
            let produced = rowEntries(producesRow), used = rowEntries(usesRow)
            // The validator's checks by index; only a council that fails one of them is checked
            // again as a list, for the validator's own messages.
            let k_w = WorkersCouncils.optional(elasticity[k])
            var fine = capacity[k].isFinite && capacity[k] > 0 && (k_w.map { $0.isFinite && $0 > 0 } ?? true)
                && produced.contains { $0.1 > 0 }
            for (i, amount) in produced where i >= n || !amount.isFinite || amount < 0 || seenInProduces[i] == k {
                fine = false
            }
            for (i, _) in produced { seenInProduces[i] = k }
            for (i, amount) in used where !amount.isFinite || amount < 0 || seenInUses[i] == k { fine = false }
            for (i, _) in used { seenInUses[i] = k }
            if fine {
                for (i, amount) in produced where amount > 0 && !markedProduced[i] {
                    markedProduced[i] = true
                    validator.markProduced(goodIDs[i])
                }
            } else {
                validator.validate(WorkersCouncil(
                    id: workerIDs[k], produces: quantities(produced), uses: quantities(used),
                    capacity: capacity[k], elasticity: k_w), at: k)
            }
            builder.appendRows(produces: produced, uses: used)
        }
        parts.workersCouncils = builder.finish()

        let allowance = doubles(c)
        let sigma = doubles(c)
        let weights = try compressedRows(rows: c, count: q, columns: n + m, list: "consumersCouncils", field: "weights") { consumerIDs[$0] }
        // Each council is checked as a value and stored by good index (``ConsumersCouncils``), one
        // at a time.
        var consumers = ConsumersCouncils.Builder(goods: parts.goods, councilCount: c, weights: q)
        let weightsRow = Row()
        for k in 0..<c {
            weightsRow.read(weights, start(weights, k)..<start(weights, k + 1), from: buffer)
            let weighted = rowEntries(weightsRow)
            let entries = quantities(weighted)
            validator.validate(ConsumersCouncil(
                id: consumerIDs[k], allowance: allowance[k],
                preferences: sigma[k] == 1 ? .cobbDouglas(weights: entries) : .ces(sigma: sigma[k], weights: entries)), at: k)
            consumers.append(id: consumerIDs[k], allowance: allowance[k], sigma: sigma[k],
                             weights: weighted)
        }
        parts.consumersCouncils = consumers.finish()
        parts.problems = validator.problems
        return parts
    }
}
