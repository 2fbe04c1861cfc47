/// A problem with the layout of a compact economy file (before the economy's own checks).
struct CompactLayoutError: Error {
    var location: String
    var field: String
    var message: String
}

/// Reads the sections of a compact economy file (layout in ``CompactEconomyFile``), checking
/// sizes, offsets, indices and UTF-8 as it goes, into the parts of an ``Economy``.
struct CompactEconomyReader {
    struct Parts {
        var name = ""
        var goods: [Good] = []
        var resources: [PrimaryResource] = []
        var workersCouncils: [WorkersCouncil] = []
        var consumersCouncils: [ConsumersCouncil] = []
    }

    private let buffer: UnsafeRawBufferPointer
    private var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) {
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
        let startSection = section(rows + 1, 8)
        let indexSection = section(count, 4)
        let amountSection = section(count, 8)
        var start = [Int](repeating: 0, count: rows + 1)
        var previous: UInt64 = 0
        for r in 0...rows {
            let value = u64(at: startSection + 8 * r)
            let location = r < rows ? EconomyValidator.location(list, r, ids(r)) : list
            if r == 0 && value != 0 { throw fail(location, field, "the first row must start at entry 0, found \(value)") }
            if value < previous { throw fail(location, field, "row starts must not decrease (\(value) after \(previous))") }
            if value > UInt64(count) { throw fail(location, field, "the row starts at entry \(value), past the \(count) entries of the section") }
            if r == rows && value != UInt64(count) { throw fail(list, field, "the last row ends at entry \(value), but the section has \(count) entries") }
            start[r] = Int(value)
            previous = value
        }
        var row = 0
        for e in 0..<count {
            while start[row + 1] <= e { row += 1 }
            let i = Int(u32(at: indexSection + 4 * e))
            if i >= columns {
                throw fail(EconomyValidator.location(list, row, ids(row)), field,
                           "entry \(e - start[row]) names good or resource number \(i), but the file has \(columns) goods and resources")
            }
        }
        return CompressedRows(start: start, indexSection: indexSection, amountSection: amountSection)
    }

    /// Where a checked compressed-row section is: its row starts and the positions of its arrays.
    private struct CompressedRows {
        var start: [Int]
        var indexSection: Int
        var amountSection: Int
    }

    /// Row `k` of a checked section as quantities, straight from the file's bytes.
    private func quantities(_ rows: CompressedRows, _ k: Int, _ ids: [String]) -> [Quantity] {
        (rows.start[k]..<rows.start[k + 1]).map {
            Quantity(ids[Int(u32(at: rows.indexSection + 4 * $0))], f64(at: rows.amountSection + 8 * $0))
        }
    }

    // MARK: The file

    mutating func read() throws(CompactLayoutError) -> Parts {
        let magic = CompactEconomyFile.magic
        let headerSize = magic.count + 8 * 8
        guard buffer.count >= magic.count, zip(buffer.prefix(magic.count), magic).allSatisfy({ $0 == $1 }) else {
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

        // Strings.
        let offsetSection = section(stringCount + 1, 8)
        let blob = section(s, 1)
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        var previous = 0
        for k in 0..<stringCount {
            let end = u64(at: offsetSection + 8 * (k + 1))
            guard u64(at: offsetSection) == 0, end <= UInt64(s), Int(end) >= previous else {
                throw fail("", "strings", "string offset \(k + 1) (\(end)) is out of order or past the \(s) string bytes")
            }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[(blob + previous)..<(blob + Int(end))])
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw fail("", "strings", "string \(k) is not valid UTF-8")
            }
            strings.append(string)
            previous = Int(end)
        }
        let goodIDs = Array(strings[1..<(1 + n)])
        let goodUnits = Array(strings[(1 + n)..<(1 + 2 * n)])
        let resourceIDs = Array(strings[(1 + 2 * n)..<(1 + 2 * n + m)])
        let resourceUnits = Array(strings[(1 + 2 * n + m)..<(1 + 2 * n + 2 * m)])
        let workerIDs = Array(strings[(1 + 2 * n + 2 * m)..<(1 + 2 * n + 2 * m + w)])
        let consumerIDs = Array(strings[(1 + 2 * n + 2 * m + w)...])
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
        parts.name = strings[0]
        parts.goods = (0..<n).map { Good(id: goodIDs[$0], unit: hasUnit[$0] ? goodUnits[$0] : nil) }
        let available = doubles(m)
        parts.resources = (0..<m).map { PrimaryResource(id: resourceIDs[$0], unit: hasUnit[n + $0] ? resourceUnits[$0] : nil, available: available[$0]) }

        let capacity = doubles(w)
        let elasticity = doubles(w)
        let produces = try compressedRows(rows: w, count: p, columns: n + m, list: "workersCouncils", field: "produces") { workerIDs[$0] }
        let uses = try compressedRows(rows: w, count: u, columns: n + m, list: "workersCouncils", field: "uses") { workerIDs[$0] }
        parts.workersCouncils.reserveCapacity(w)
        for k in 0..<w {
            parts.workersCouncils.append(WorkersCouncil(
                id: workerIDs[k], produces: quantities(produces, k, columnIDs), uses: quantities(uses, k, columnIDs), capacity: capacity[k],
                elasticity: elasticity[k] == .infinity ? nil : elasticity[k]))
        }

        let allowance = doubles(c)
        let sigma = doubles(c)
        let weights = try compressedRows(rows: c, count: q, columns: n + m, list: "consumersCouncils", field: "weights") { consumerIDs[$0] }
        parts.consumersCouncils.reserveCapacity(c)
        for k in 0..<c {
            let entries = quantities(weights, k, columnIDs)
            parts.consumersCouncils.append(ConsumersCouncil(
                id: consumerIDs[k], allowance: allowance[k],
                preferences: sigma[k] == 1 ? .cobbDouglas(weights: entries) : .ces(sigma: sigma[k], weights: entries)))
        }
        return parts
    }
}
