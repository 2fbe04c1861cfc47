/// One problem in an input–output table: which file, which line, which sector, which field, and
/// what was expected.
public struct InputOutputProblem: Sendable, Equatable, CustomStringConvertible {
    /// `table.csv`, `sectors.csv` or `meta.json`; `nil` for a table built in code.
    public var file: String?
    /// The line in the file, 1-based, when known.
    public var line: Int?
    /// The sector (its code) the row belongs to, or `output` / `labour` for those rows.
    public var sector: String?
    /// The column or field: a sector code (the column of a flow), `final_demand`, a meta.json key.
    public var field: String?
    /// What is wrong and what was expected.
    public var message: String

    public init(file: String? = nil, line: Int? = nil, sector: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.sector = sector
        self.field = field
        self.message = message
    }

    /// `table.csv, line 5 (sector A03), column C10-C12: must be a non-negative finite number, found -2`.
    public var description: String {
        var location: [String] = []
        if let file { location.append(file) }
        if let line { location.append("line \(line)") }
        var text = location.joined(separator: ", ")
        if let sector {
            let row = sector == "output" || sector == "labour" ? "row \(sector)" : "sector \(sector)"
            text += text.isEmpty ? row : " (\(row))"
        }
        if let field { text += (text.isEmpty ? "" : ", ") + field }
        return text.isEmpty ? message : text + ": " + message
    }
}

/// An input–output table that cannot be read or used, with the problems found (at most
/// ``InputOutputError/maximumProblems`` are listed; a table with a million bad numbers is
/// reported by its first ones).
public struct InputOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The table's folder, when it was read from one.
    public var folder: String?
    public var problems: [InputOutputProblem]
    /// Problems found beyond the ones listed.
    public var unlisted: Int

    /// The most problems an error lists.
    public static let maximumProblems = 20

    public init(folder: String?, problems: [InputOutputProblem], unlisted: Int = 0) {
        self.folder = folder
        self.problems = problems
        self.unlisted = unlisted
    }

    public var description: String {
        let prefix = folder.map { "\($0): " } ?? ""
        if problems.count == 1 && unlisted == 0 { return prefix + problems[0].description }
        let total = problems.count + unlisted
        var lines = [prefix + "\(total) problems in the input–output table:"] + problems.map { "  " + $0.description }
        if unlisted > 0 { lines.append("  ... and \(unlisted) more") }
        return lines.joined(separator: "\n")
    }
}

/// Collects problems up to ``InputOutputError/maximumProblems``, counting the rest.
struct InputOutputProblems {
    private(set) var listed: [InputOutputProblem] = []
    private(set) var unlisted = 0

    var isEmpty: Bool { listed.isEmpty }
    var isFull: Bool { listed.count >= InputOutputError.maximumProblems }

    mutating func report(_ problem: InputOutputProblem) {
        if isFull { unlisted += 1 } else { listed.append(problem) }
    }

    func error(folder: String?) -> InputOutputError {
        InputOutputError(folder: folder, problems: listed, unlisted: unlisted)
    }
}
