import Foundation
import PareconLinearAlgebra
import Testing
@testable import Parecon

/// A table folder written for a test, removed afterwards.
struct TableFolder {
    let url: URL
    var path: String { url.path }

    /// A three-sector table whose coefficients are worked out by hand in the tests.
    static let tableCSV = """
        sector,A,B,C,final_demand
        A,10,20,0,70
        B,5,0,30,150
        C,0,10,5,25
        output,100,200,50,
        labour,50,40,10,

        """
    static let sectorsCSV = """
        code,name
        A,Agriculture
        B,"Building, and repair"
        C,Care

        """
    static let metaJSON = """
        {"name": "tiny", "title": "A hand-made table", "money": "thousand pounds", "labour": "thousand hours", "sectors": 3}
        """

    init(table: String = Self.tableCSV, sectors: String? = Self.sectorsCSV, meta: String? = Self.metaJSON) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try table.write(to: url.appendingPathComponent("table.csv"), atomically: true, encoding: .utf8)
        if let sectors { try sectors.write(to: url.appendingPathComponent("sectors.csv"), atomically: true, encoding: .utf8) }
        if let meta { try meta.write(to: url.appendingPathComponent("meta.json"), atomically: true, encoding: .utf8) }
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// The error reading this folder gives, as text (`nil` if it reads).
    func readError() -> String? {
        do {
            _ = try InputOutputTable.read(folder: path)
            return nil
        } catch {
            return error.description
        }
    }

    /// A 2 × 2 table with `A = [[a, b], [c, d]]` (outputs 100), for the productivity tests.
    static func twoByTwo(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> String {
        """
        sector,S1,S2,final_demand
        S1,\(a * 100),\(b * 100),10
        S2,\(c * 100),\(d * 100),10
        output,100,100,
        labour,1,1,

        """
    }
}

@Suite struct InputOutputTableTests {
    @Test func derivedCoefficientsMatchAHandComputation() throws {
        let folder = try TableFolder()
        defer { folder.remove() }
        let table = try InputOutputTable.read(folder: folder.path)
        #expect(table.sectors.map(\.code) == ["A", "B", "C"])
        #expect(table.sectors.map(\.name) == ["Agriculture", "Building, and repair", "Care"])
        #expect(table.metadata.money == "thousand pounds" && table.metadata.labour == "thousand hours")
        // A_ij = Z_ij / x_j, by hand: columns divided by 100, 200 and 50.
        let expected: [[Double]] = [[0.10, 0.10, 0.0], [0.05, 0.0, 0.6], [0.0, 0.05, 0.1]]
        let a = table.technicalCoefficients
        for i in 0..<3 { for j in 0..<3 { #expect(abs(a[i, j] - expected[i][j]) <= 1e-15, "A[\(i), \(j)]") } }
        #expect(zip(table.labourPerUnit, [0.5, 0.2, 0.2]).allSatisfy { abs($0 - $1) <= 1e-15 })
        #expect(zip(table.finalDemandShares, [70.0 / 245, 150.0 / 245, 25.0 / 245]).allSatisfy { abs($0 - $1) <= 1e-15 })
        #expect(zip(table.valueAddedPerUnit, [0.85, 0.85, 0.3]).allSatisfy { abs($0 - $1) <= 1e-15 })
        // ρ(A) by hand: det(A − λI) = −λ³ + 0.2λ² + 0.025λ − 0.0035 = −(λ − 0.1)(λ² − 0.1λ − 0.035),
        // whose largest root is 0.05 + √0.0375 (the next test checks the factorisation).
        let rho = 0.05 + 0.0375.squareRoot()
        #expect(table.spectralRadius.lowerBound <= rho + 1e-12 && rho - 1e-12 <= table.spectralRadius.upperBound)
        #expect(table.spectralRadius.upperBound - table.spectralRadius.lowerBound <= 1e-6)
    }

    @Test func theCharacteristicPolynomialOfTheHandTableIsRight() {
        // det(A − λI) for A = [[0.1, 0.1, 0], [0.05, 0, 0.6], [0, 0.05, 0.1]], expanded along the
        // first row, against the factorised polynomial the test above uses.
        for λ in [0.0, 0.1, 0.3, -0.2, 0.7] {
            let det = (0.1 - λ) * ((0 - λ) * (0.1 - λ) - 0.6 * 0.05) - 0.1 * (0.05 * (0.1 - λ) - 0.6 * 0)
            #expect(abs(det - (-(λ - 0.1) * (λ * λ - 0.1 * λ - 0.035))) <= 1e-15)
        }
    }

    @Test func spectralRadiusOfTwoByTwoMatricesMatchesTheClosedForm() {
        // ρ = (a + d)/2 + √(((a − d)/2)² + bc) for a non-negative 2 × 2 matrix.
        for (a, b, c, d) in [(0.5, 0.3, 0.4, 0.2), (0.0, 0.5, 0.5, 0.0), (0.2, 0.1, 1.2, 0.1), (0.9, 0.0, 0.0, 0.2),
                             (0.6, 0.5, 0.9, 0.3), (0.0, 0.0, 0.0, 0.0), (0.3, 0.0, 5.0, 0.4)] {
            let rho = (a + d) / 2 + (((a - d) / 2) * ((a - d) / 2) + b * c).squareRoot()
            let estimate = SpectralRadiusEstimate(nonNegative: Matrix([[a, b], [c, d]]))
            #expect(estimate.lowerBound <= rho + 1e-12 && rho <= estimate.upperBound + 1e-12, "\([a, b, c, d])")
            // The bracket closes when ρ < 1 (for ρ ≥ 1 the iteration stops once the lower bound reaches 1).
            if rho < 1 { #expect(estimate.upperBound - estimate.lowerBound <= 1e-6 * rho, "\([a, b, c, d])") }
            #expect(estimate.isBelowOne == (rho < 1), "\([a, b, c, d])")
        }
    }

    /// A reducible matrix whose Perron vector has zeros: the plain lower bound stays at the small
    /// block's ratio, the bound on the iterate's support closes the bracket.
    @Test func theBracketClosesForAReducibleMatrix() {
        // Block triangular: ρ = max(0.6, ρ([[0.1, 0.3], [0.2, 0.1]]) = 0.1 + √0.06 ≈ 0.345) = 0.6,
        // with Perron vector (1, 0, 0): the ratios of rows 2 and 3 tend to 0.345, not 0.6.
        let a = Matrix([[0.6, 0.5, 0.7], [0, 0.1, 0.3], [0, 0.2, 0.1]])
        let estimate = SpectralRadiusEstimate(nonNegative: a)
        #expect(estimate.lowerBound <= 0.6 + 1e-12 && 0.6 <= estimate.upperBound + 1e-12)
        #expect(estimate.upperBound - estimate.lowerBound <= 1e-6 * 0.6, "\(estimate)")
    }

    @Test func aReducibleMatrixIsDecidedByTheMMatrixTestWhenTheBracketStaysOpen() {
        // Block triangular with ρ = 0.99 and a slower block: the bracket may stay open, the
        // decision must still be right; and (I − A)⁻¹1 is checked on both sides of 1.
        let productive = Matrix([[0.99, 1], [0, 0.5]])
        #expect(SpectralRadiusEstimate(nonNegative: productive).isBelowOne)
        #expect(SpectralRadiusEstimate.isNonSingularMMatrix(identityMinus: productive))
        let unproductive = Matrix([[1.0, 1], [0, 0.5]])
        #expect(!SpectralRadiusEstimate(nonNegative: unproductive).isBelowOne)
        #expect(!SpectralRadiusEstimate.isNonSingularMMatrix(identityMinus: unproductive))
    }

    @Test func anUnproductiveTableIsRejectedNamingTheHeavySector() throws {
        // A = [[0.6, 0.5], [0.9, 0.3]]: ρ = 0.45 + √(0.0225 + 0.45) ≈ 1.137; column S1 sums to 1.5.
        let folder = try TableFolder(table: TableFolder.twoByTwo(0.6, 0.5, 0.9, 0.3),
                                     sectors: "code,name\nS1,one\nS2,two\n", meta: #"{"money": "m", "labour": "h"}"#)
        defer { folder.remove() }
        let message = try #require(folder.readError())
        #expect(message.contains(folder.path + ": table.csv: the table is not productive"), "\(message)")
        #expect(message.contains("spectral radius of A"))
        #expect(message.contains("≈ 1.137") || message.contains("between"), "\(message)")
        #expect(message.contains("S1 (1.5)"), "\(message)")
        #expect(!message.contains("S2 ("))
    }

    @Test func aProductiveTableWithAColumnSumAboveOneIsAccepted() throws {
        // A = [[0.2, 0.1], [1.2, 0.1]]: column S1 sums to 1.4, yet ρ = 0.15 + √(0.0025 + 0.12) = 0.5.
        let folder = try TableFolder(table: TableFolder.twoByTwo(0.2, 0.1, 1.2, 0.1),
                                     sectors: "code,name\nS1,one\nS2,two\n", meta: #"{"money": "m", "labour": "h"}"#)
        defer { folder.remove() }
        let table = try InputOutputTable.read(folder: folder.path)
        #expect(abs(table.spectralRadius.estimate - 0.5) <= 1e-6)
        #expect(table.sectors.map(\.name) == ["one", "two"])
    }

    @Test func buildingATableInCodeValidatesIt() throws {
        let sectors = [InputOutputTable.Sector(code: "x"), InputOutputTable.Sector(code: "y")]
        let table = try InputOutputTable(sectors: sectors, flows: Matrix([[1, 2], [3, 4]]), finalDemand: [5, 6],
                                         output: [10, 20], labour: [1, 1])
        #expect(table.technicalCoefficients == Matrix([[0.1, 0.1], [0.3, 0.2]]))
        #expect(throws: InputOutputError.self) {
            try InputOutputTable(sectors: sectors, flows: Matrix([[1, -2], [3, 4]]), finalDemand: [5, 6], output: [10, 0], labour: [1, 1])
        }
        do {
            _ = try InputOutputTable(sectors: sectors, flows: Matrix([[1, -2], [3, 4]]), finalDemand: [5, 6], output: [10, 0], labour: [1, 1])
        } catch {
            #expect(error.problems.map(\.description) == [
                "sector x, column y: must be a non-negative finite number, found -2",
                "row output, column y: gross output must be a positive finite number, found 0",
            ])
        }
    }
}

/// Bad tables: each message names the file, the line, the sector and the column.
@Suite struct InputOutputBadTableTests {
    func error(table: String = TableFolder.tableCSV, sectors: String? = TableFolder.sectorsCSV,
               meta: String? = TableFolder.metaJSON) throws -> (String, String) {
        let folder = try TableFolder(table: table, sectors: sectors, meta: meta)
        defer { folder.remove() }
        return (try #require(folder.readError()), folder.path)
    }

    func replacing(_ old: String, _ new: String) -> String {
        TableFolder.tableCSV.replacingOccurrences(of: old, with: new)
    }

    @Test func aMissingFolderOrFile() throws {
        let missing = "/nonexistent/parecon-io-table"
        do {
            _ = try InputOutputTable.read(folder: missing)
            Issue.record("read a missing folder")
        } catch {
            #expect(error.description == "\(missing): no such folder; expected a folder holding table.csv, sectors.csv and meta.json")
        }
        let (message, path) = try error(meta: nil)
        #expect(message == "\(path): meta.json: cannot read the file: it does not exist")
    }

    @Test func aNegativeFlowNamesLineSectorAndColumn() throws {
        let (message, path) = try error(table: replacing("B,5,0,30,150", "B,5,-2,30,150"))
        #expect(message == "\(path): table.csv, line 3 (sector B), column B: must be a non-negative finite number, found -2")
    }

    @Test func aFieldThatIsNotANumber() throws {
        let (message, _) = try error(table: replacing("C,0,10,5,25", "C,0,ten,5,25"))
        #expect(message.hasSuffix("table.csv, line 4 (sector C), column B: expected a number, found \"ten\""))
        let (infinite, _) = try error(table: replacing("C,0,10,5,25", "C,0,1e999,5,25"))
        #expect(infinite.hasSuffix("table.csv, line 4 (sector C), column B: must be a non-negative finite number, found infinity"))
        let (nan, _) = try error(table: replacing("C,0,10,5,25", "C,0,10,5,nan"))
        #expect(nan.hasSuffix("table.csv, line 4 (sector C), column final_demand: expected a number, found \"nan\""))
    }

    @Test func zeroOutputAndNegativeLabour() throws {
        let (message, _) = try error(table: replacing("output,100,200,50,", "output,100,0,50,")
            .replacingOccurrences(of: "labour,50,40,10,", with: "labour,50,40,-1,"))
        #expect(message.contains("2 problems"))
        #expect(message.contains("table.csv, line 5 (row output), column B: gross output must be a positive finite number, found 0"))
        #expect(message.contains("table.csv, line 6 (row labour), column C: must be a non-negative finite number, found -1"))
    }

    @Test func aTableThatIsNotSquare() throws {
        let (missingRow, _) = try error(table: replacing("C,0,10,5,25\n", ""))
        #expect(missingRow.hasSuffix("table.csv: no row for sector \"C\"; the table must be square (a row for every column)"))
        let (shortRow, _) = try error(table: replacing("C,0,10,5,25", "C,0,10,25"))
        #expect(shortRow.hasSuffix("table.csv, line 4 (sector C): expected 5 fields (the code, 3 flows, final_demand), found 4"))
        let (unknown, _) = try error(table: replacing("C,0,10,5,25", "D,0,10,5,25"))
        #expect(unknown.contains("table.csv, line 4, column 1: unknown row label \"D\"; expected a sector code of the header, output or labour"))
        #expect(unknown.contains("no row for sector \"C\""))
        let (twice, _) = try error(table: replacing("C,0,10,5,25", "B,0,10,5,25"))
        #expect(twice.contains("table.csv, line 4 (sector B): a second row for this sector (the first is on line 3)"))
    }

    @Test func aBadHeaderAndMissingRows() throws {
        let (header, _) = try error(table: replacing("sector,A,B,C,final_demand", "industry,A,B,C,final_demand"))
        #expect(header.hasSuffix("table.csv, line 1: the header must read sector,<code_1>,...,<code_n>,final_demand; found \"industry,A,B,...\""))
        let (duplicate, _) = try error(table: replacing("sector,A,B,C,final_demand", "sector,A,B,A,final_demand"))
        #expect(duplicate.contains("table.csv, line 1, column 4: sector code \"A\" appears twice in the header (columns 2 and 4)"))
        let (noLabour, _) = try error(table: replacing("labour,50,40,10,\n", ""))
        #expect(noLabour.hasSuffix("table.csv (row labour): the labour row (labour used by each sector) is missing"))
        let (unclosed, _) = try error(table: replacing("C,0,10,5,25", "C,\"0,10,5,25"))
        #expect(unclosed.hasSuffix("table.csv, line 4: a quoted field is not closed"))
    }

    @Test func sectorsAndMetadataMustMatchTheTable() throws {
        let (unknown, _) = try error(sectors: TableFolder.sectorsCSV.replacingOccurrences(of: "C,Care", with: "D,Dairy"))
        #expect(unknown.contains("sectors.csv, line 4 (sector D): sector code \"D\" is not in the header of table.csv"))
        #expect(unknown.contains("sectors.csv: no row for sector \"C\""))
        let (count, _) = try error(meta: #"{"money": "m", "labour": "h", "sectors": 4}"#)
        #expect(count.hasSuffix("meta.json, sectors: says 4 sectors, but table.csv has 3"))
        let (noUnit, _) = try error(meta: #"{"money": "m"}"#)
        #expect(noUnit.hasSuffix("meta.json, labour: missing; expected a string (the unit of the table's labour row)"))
        let (malformed, _) = try error(meta: "{\"money\": \"m\",\n \"labour\": }")
        #expect(malformed.contains("meta.json, line 2: malformed JSON at column"))
    }

    @Test func noLabourOrNoFinalDemandAtAll() throws {
        let (labour, _) = try error(table: replacing("labour,50,40,10,", "labour,0,0,0,"))
        #expect(labour.hasSuffix("table.csv, line 6 (row labour): no sector uses any labour; the labour row must have a positive entry"))
    }

    @Test func manyProblemsAreListedUpToALimit() throws {
        var rows = ["sector," + (1...30).map { "S\($0)" }.joined(separator: ",") + ",final_demand"]
        for i in 1...30 { rows.append("S\(i)," + Array(repeating: "-1", count: 30).joined(separator: ",") + ",1") }
        rows.append("output," + Array(repeating: "1", count: 30).joined(separator: ",") + ",")
        rows.append("labour," + Array(repeating: "1", count: 30).joined(separator: ",") + ",")
        let (message, _) = try error(table: rows.joined(separator: "\n") + "\n", sectors: nil, meta: nil)
        #expect(message.contains("\(900 + 2) problems in the input–output table:"))
        #expect(message.contains("... and \(900 + 2 - InputOutputError.maximumProblems) more"))
    }
}
