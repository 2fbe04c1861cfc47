import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// A national input–output table of one year (DESIGN §6), validated: money flows `Z` between
/// sectors, final demand `f`, gross output `x` and labour `L`.
///
/// For each sector `j` it gives the industry technology and labour per unit of output,
///
///     A_ij = Z_ij / x_j          (technical coefficients)
///     l_j  = L_j / x_j           (labour per unit)
///     s_i  = f_i / Σ_k f_k       (final-demand shares)
///
/// A unit of good `j` is one money unit's worth of sector `j`'s output at the table's prices
/// (`metadata.money`, e.g. million US dollars). A table is accepted only if it is square,
/// every number is finite, flows, final demand and labour are non-negative, every output is
/// positive, and it is *productive*: the spectral radius of `A` is below 1, so that
/// `(I − A)⁻¹ = I + A + A² + …` is non-negative and every final demand can be produced.
///
/// Read one from a folder in the layout of `../shared/data/io/README.md` with
/// ``read(folder:)``, or build one in code with ``init(sectors:flows:finalDemand:output:labour:metadata:)``.
public struct InputOutputTable: Sendable {
    /// A sector: its code (the column and row label of `table.csv`) and its name (`sectors.csv`).
    public struct Sector: Sendable, Equatable {
        public var code: String
        public var name: String

        public init(code: String, name: String? = nil) {
            self.code = code
            self.name = name ?? code
        }
    }

    /// What `meta.json` says about the table. Only the units are used in computation (as the
    /// units of the calibrated economy's goods and labour).
    public struct Metadata: Sendable, Equatable {
        public var name: String
        public var title: String
        public var source: String
        public var license: String
        /// The money unit of flows, final demand and output, e.g. `million US dollars`.
        public var money: String
        /// The unit of the labour row, e.g. `million hours worked by employees`.
        public var labour: String
        public var notes: String

        public init(name: String = "", title: String = "", source: String = "", license: String = "",
                    money: String = "money units", labour: String = "labour units", notes: String = "") {
            self.name = name
            self.title = title
            self.source = source
            self.license = license
            self.money = money
            self.labour = labour
            self.notes = notes
        }
    }

    public let sectors: [Sector]
    /// `Z`, n × n: `flows[i, j]` is the output of sector `i` used up by sector `j`.
    public let flows: Matrix
    /// `f`: final demand for each sector's output.
    public let finalDemand: [Double]
    /// `x`: gross output of each sector.
    public let output: [Double]
    /// `L`: labour used by each sector (unit in ``Metadata/labour``).
    public let labour: [Double]
    public let metadata: Metadata
    /// Bounds on the spectral radius of `A`, found when the table was validated (upper bound < 1).
    public let spectralRadius: SpectralRadiusEstimate

    public var sectorCount: Int { sectors.count }

    /// Builds and validates a table; every problem found (up to
    /// ``InputOutputError/maximumProblems``) is reported in one ``InputOutputError``, naming the
    /// sector and the field.
    public init(
        sectors: [Sector], flows: Matrix, finalDemand: [Double], output: [Double], labour: [Double],
        metadata: Metadata = Metadata()
    ) throws(InputOutputError) {
        try self.init(sectors: sectors, flows: flows, finalDemand: finalDemand, output: output, labour: labour,
                      metadata: metadata, locations: TableLocations())
    }

    /// Used by the reader, whose locations (file and lines) go into the messages.
    init(
        sectors: [Sector], flows: Matrix, finalDemand: [Double], output: [Double], labour: [Double],
        metadata: Metadata, locations: TableLocations, folder: String? = nil
    ) throws(InputOutputError) {
        var problems = InputOutputProblems()
        Self.checkShape(sectors: sectors, flows: flows, finalDemand: finalDemand, output: output, labour: labour,
                        into: &problems)
        if problems.isEmpty {
            Self.checkValues(sectors: sectors, flows: flows, finalDemand: finalDemand, output: output, labour: labour,
                             locations: locations, into: &problems)
        }
        guard problems.isEmpty else { throw problems.error(folder: folder) }

        let coefficients = Self.technicalCoefficients(flows: flows, output: output)
        let radius = SpectralRadiusEstimate(nonNegative: coefficients)
        if !radius.isBelowOne {
            problems.report(Self.unproductive(radius, coefficients: coefficients, sectors: sectors, file: locations.file))
            throw problems.error(folder: folder)
        }
        self.sectors = sectors
        self.flows = flows
        self.finalDemand = finalDemand
        self.output = output
        self.labour = labour
        self.metadata = metadata
        self.spectralRadius = radius
    }

    // MARK: Derived coefficients

    /// `A_ij = Z_ij / x_j`: input of good `i` per unit of sector `j`'s output.
    public var technicalCoefficients: Matrix { Self.technicalCoefficients(flows: flows, output: output) }

    /// `l_j = L_j / x_j`: labour per unit of sector `j`'s output.
    public var labourPerUnit: [Double] { zip(labour, output).map { $0 / $1 } }

    /// `s_i = f_i / Σ_k f_k`: each good's share of final demand (sums to 1).
    public var finalDemandShares: [Double] {
        let total = finalDemand.reduce(0, +)
        return finalDemand.map { $0 / total }
    }

    /// `M_i = max(0, Σ_j Z_ij + f_i − x_i)`: what the economy uses of good `i` (intermediate and
    /// final) beyond its own output — the imports a table whose flows include imported goods
    /// implies (BEA's do; WIOD's world table has a few, where final demand leaves out inventory
    /// changes). An excess below ``importsRoundingTolerance`` of the output is the table's rounding
    /// (WIOD's US table has some of 1e-15) and counts as 0.
    public var imports: [Double] {
        let n = sectorCount
        return (0..<n).map { i in
            var use = finalDemand[i]
            for j in 0..<n { use += flows[i, j] }
            let excess = use - output[i]
            return excess > Self.importsRoundingTolerance * output[i] ? excess : 0
        }
    }

    /// Relative to a good's output, the excess of its use that ``imports`` treats as rounding.
    public static let importsRoundingTolerance = 1e-9

    /// `d_i = x_i / (x_i + M_i)`: the domestic share of every use of good `i`, under the usual
    /// import-proportionality assumption (each user of a good imports the same share of it).
    /// 1 for a good the economy does not import.
    public var domesticShares: [Double] { zip(output, imports).map { $1 > 0 ? $0 / ($0 + $1) : 1 } }

    /// `1 − Σ_i A_ij`: value added per unit of sector `j`'s output at the table's prices. It is
    /// negative for a sector whose intermediate inputs cost more than its output (a subsidised one).
    public var valueAddedPerUnit: [Double] {
        let n = sectorCount
        return (0..<n).map { j in
            var inputs = 0.0
            for i in 0..<n { inputs += flows[i, j] }
            return 1 - inputs / output[j]
        }
    }

    static func technicalCoefficients(flows: Matrix, output: [Double]) -> Matrix {
        let n = output.count
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n { a.elements[i * n + j] = flows.elements[i * n + j] / output[j] }
        }
        return a
    }
}

// MARK: - Validation

/// Where each part of a table was read from, for messages; empty for a table built in code.
struct TableLocations {
    var file: String?
    /// The line of each sector's row, in the table's sector order.
    var sectorLines: [Int]?
    var outputLine: Int?
    var labourLine: Int?
}

extension InputOutputTable {
    /// What each number of the table must be; `nil` when `value` is acceptable.
    enum Entry {
        case flow, finalDemand, output, labour

        func problem(_ value: Double) -> String? {
            switch self {
            case .flow, .finalDemand, .labour:
                if !value.isFinite || value < 0 { return "must be a non-negative finite number, found \(format(value))" }
            case .output:
                if !value.isFinite || value <= 0 { return "gross output must be a positive finite number, found \(format(value))" }
            }
            return nil
        }
    }

    static func checkShape(
        sectors: [Sector], flows: Matrix, finalDemand: [Double], output: [Double], labour: [Double],
        into problems: inout InputOutputProblems
    ) {
        let n = sectors.count
        if n == 0 { problems.report(InputOutputProblem(message: "the table has no sectors")) }
        if flows.rows != n || flows.columns != n {
            problems.report(InputOutputProblem(field: "flows", message: "must be \(n) × \(n) (one row and one column per sector), found \(flows.rows) × \(flows.columns)"))
        }
        for (name, vector) in [("finalDemand", finalDemand), ("output", output), ("labour", labour)] where vector.count != n {
            problems.report(InputOutputProblem(field: name, message: "must have one entry per sector (\(n)), found \(vector.count)"))
        }
        var seen: [String: Int] = [:]
        for (j, sector) in sectors.enumerated() {
            if sector.code.isEmpty {
                problems.report(InputOutputProblem(field: "sectors[\(j)]", message: "a sector code must not be empty"))
            } else if let first = seen[sector.code] {
                problems.report(InputOutputProblem(sector: sector.code, message: "the code appears twice (sectors \(first + 1) and \(j + 1))"))
            } else {
                seen[sector.code] = j
            }
        }
    }

    /// Every number's range, and that there is some labour and some final demand.
    static func checkValues(
        sectors: [Sector], flows: Matrix, finalDemand: [Double], output: [Double], labour: [Double],
        locations: TableLocations, into problems: inout InputOutputProblems
    ) {
        let n = sectors.count
        let file = locations.file
        for i in 0..<n {
            let line = locations.sectorLines?[i]
            for j in 0..<n {
                if let message = Entry.flow.problem(flows[i, j]) {
                    problems.report(InputOutputProblem(file: file, line: line, sector: sectors[i].code,
                                                       field: "column \(sectors[j].code)", message: message))
                }
            }
            if let message = Entry.finalDemand.problem(finalDemand[i]) {
                problems.report(InputOutputProblem(file: file, line: line, sector: sectors[i].code,
                                                   field: "column final_demand", message: message))
            }
        }
        for j in 0..<n {
            if let message = Entry.output.problem(output[j]) {
                problems.report(InputOutputProblem(file: file, line: locations.outputLine, sector: "output",
                                                   field: "column \(sectors[j].code)", message: message))
            }
            if let message = Entry.labour.problem(labour[j]) {
                problems.report(InputOutputProblem(file: file, line: locations.labourLine, sector: "labour",
                                                   field: "column \(sectors[j].code)", message: message))
            }
        }
        guard problems.isEmpty else { return }
        if labour.reduce(0, +) <= 0 {
            problems.report(InputOutputProblem(file: file, line: locations.labourLine, sector: "labour",
                                               message: "no sector uses any labour; the labour row must have a positive entry"))
        }
        if finalDemand.reduce(0, +) <= 0 {
            problems.report(InputOutputProblem(file: file, field: "column final_demand",
                                               message: "final demand is zero for every sector; at least one entry must be positive"))
        }
    }

    /// The message for a table whose `A` has spectral radius 1 or more, naming the sectors
    /// whose inputs alone cost more than their output (a hint where the table may be wrong).
    static func unproductive(_ radius: SpectralRadiusEstimate, coefficients a: Matrix, sectors: [Sector], file: String?) -> InputOutputProblem {
        let n = sectors.count
        var heavy: [(String, Double)] = []
        for j in 0..<n {
            var sum = 0.0
            for i in 0..<n { sum += a[i, j] }
            if sum >= 1 { heavy.append((sectors[j].code, sum)) }
        }
        heavy.sort { $0.1 > $1.1 }
        var message = "the table is not productive: the spectral radius of A (A_ij = Z_ij / x_j) is "
            + radius.summary + ", not below 1, so (I − A)⁻¹ is not non-negative and no positive final demand can be produced"
        if !heavy.isEmpty {
            message += "; sectors whose inputs cost at least their output (column sum of A): "
                + heavy.prefix(5).map { "\($0.0) (\(printed("%.3g", $0.1)))" }.joined(separator: ", ")
                + (heavy.count > 5 ? ", ... (\(heavy.count) in all)" : "")
        }
        message += "; check the output row and the flows' units"
        return InputOutputProblem(file: file, message: message)
    }
}
