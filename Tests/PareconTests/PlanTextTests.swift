import Foundation
import Testing
@testable import Parecon

/// The plain-text report's table writer, which makes each row twice instead of keeping them all,
/// and its number formats, which print through C's `snprintf`: the same text as the list-based
/// writer and `String(format:)` they replaced (both written out here as the reference).
@Suite struct PlanTextTests {
    /// The table writer before rows were made on demand: all rows in a list, Foundation's padding.
    static func referenceTable(_ rows: [[String]]) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (j, cell) in row.enumerated() {
                line += j == row.count - 1 ? cell : cell.padding(toLength: widths[j] + 2, withPad: " ", startingAt: 0)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += "  " + line + "\n"
        }
        return out
    }

    static let tables: [[[String]]] = [
        [["council", "activity", "produces"], ["w1", "1.5", "a 2, b 3"], ["a-longer-id", "12345.678", ""], ["w3", "", "c 1"]],
        // Rows of different lengths, empty and trailing-space cells, non-ASCII ids (counted by
        // characters, padded by UTF-16 units, as Foundation's padding does).
        [["a"], ["", "", ""], ["x ", "y  ", "z "], ["é", "naïve", "日本"], ["𝔘𝔫𝔦", "👩‍👩‍👧", "end"], ["  ", "b"]],
        [["only header", "two"]],
        [],
    ]

    @Test(arguments: tables.indices)
    func rowsMadeOnDemandGiveTheSameTable(_ k: Int) {
        let rows = Self.tables[k]
        var listed = ""
        writeTable(rows, to: &listed)
        #expect(listed == Self.referenceTable(rows))
        var calls = 0
        var onDemand = ""
        if !rows.isEmpty {
            writeTable(rows: rows.count - 1, to: &onDemand) { calls += 1; return rows[$0] }
            #expect(calls == 2 * rows.count)
        }
        #expect(onDemand == Self.referenceTable(rows))
    }

    @Test func numbersPrintAsStringFormatDoes() {
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1.0 / 3, 2.5, 99_999_999.5, 123_456_789.123, 1.2345678912e-5, 1e-300,
                                5e-324, 1e300, -1e300, .greatestFiniteMagnitude, .infinity, -.infinity, .nan, -Double.nan]
        var random = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            values.append(Double(bitPattern: random.next()))
            values.append((random.uniform() - 0.5) * Foundation.pow(10, Double(Int(random.uniform() * 40) - 20)))
        }
        for value in values {
            #expect(significant(value) == String(format: "%.8g", value))
            #expect(scientific(value) == String(format: "%.2e", value))
            for digits in [0, 2, 3, 6] { #expect(fixed(value, digits) == String(format: "%.\(digits)f", value)) }
        }
    }

    /// The library's other formats (reports of rounds, tables and comparisons), which print through
    /// `printed` instead of `String(format:)` so that the library needs no Foundation; results longer
    /// than the stack buffer (48 bytes) included.
    @Test func otherFormatsPrintAsStringFormatDoes() {
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 1.0 / 3, 99.99, 1e-5, 1e300, -1e300, .greatestFiniteMagnitude, .infinity, .nan]
        var random = SeededGenerator(seed: 11)
        for _ in 0..<500 {
            values.append((random.uniform() - 0.5) * Foundation.pow(10, Double(Int(random.uniform() * 40) - 20)))
        }
        for value in values {
            for format in ["%+.4g %%", "%.4f", "%.4g", "%.3g", "%.2g", "%.2f", "%.60f", "%.400f", "%f"] {
                #expect(printed(format, value) == String(format: format, value), "\(format) \(value)")
            }
        }
    }
}

/// The plan's JSON written in pieces, the activity straight from the plan's arrays, is the text
/// of the document built as a value.
@Suite struct PlanJSONWritingTests {
    @Test func writtenInPiecesIsTheSerializedDocument() throws {
        // 3000 councils: the activity alone is more than one 64 KB piece.
        let economy = try SyntheticEconomy(goods: 8, resources: 1, workersCouncils: 3000, consumersCouncils: 4, density: 0.4,
                                           constantReturnsShare: 0.2, cesShare: 0.5, seed: 2).generate()
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(maxRounds: 3)).plan(economy)
        struct Recorder: TextOutputStream {
            var pieces: [String] = []
            mutating func write(_ string: String) { pieces.append(string) }
        }
        var recorder = Recorder()
        plan.writeJSON(for: economy, to: &recorder)
        #expect(recorder.pieces.count > 1)
        #expect(recorder.pieces.joined() == plan.jsonDocument(for: economy).serialized(pretty: true))
    }
}
