import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// Reading a table folder in the layout of `../shared/data/io/README.md`:
///
///     table.csv    sector,<code_1>,...,<code_n>,final_demand
///                  <code_i>,Z_i1,...,Z_in,f_i          one row per sector (any order)
///                  output,x_1,...,x_n,                 gross output (final_demand left empty)
///                  labour,L_1,...,L_n,                 labour used
///     sectors.csv  code,name                           one row per sector
///     meta.json    {"name", "title", "source", "license", "money", "labour", "sectors", "notes"}
///
/// `money` and `labour` (the units) are required in meta.json, the other fields are optional;
/// `sectors`, if given, must match the table. Every problem names its file, line, sector and
/// column.
extension InputOutputTable {
    public static let tableFile = "table.csv"
    public static let sectorsFile = "sectors.csv"
    public static let metadataFile = "meta.json"

    /// Reads and validates the table in `folder`.
    public static func read(folder: String) throws(InputOutputError) -> InputOutputTable {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw InputOutputError(folder: folder, problems: [InputOutputProblem(
                message: "no such folder; expected a folder holding table.csv, sectors.csv and meta.json")])
        }
        guard isDirectory else {
            throw InputOutputError(folder: folder, problems: [InputOutputProblem(
                message: "is a file, not a folder; expected a folder holding table.csv, sectors.csv and meta.json")])
        }
        var reader = TableFolderReader(folder: folder)
        return try reader.read()
    }
}

/// The reading of one folder, collecting problems across its three files.
struct TableFolderReader {
    let folder: String
    var problems = InputOutputProblems()

    init(folder: String) {
        self.folder = folder
    }

    private mutating func report(_ file: String, line: Int? = nil, sector: String? = nil, field: String? = nil, _ message: String) {
        problems.report(InputOutputProblem(file: file, line: line, sector: sector, field: field, message: message))
    }

    private mutating func bytes(of file: String) -> [UInt8]? {
        let path = PathComponents.appending(folder, file)
        do {
            return try readFile(path)
        } catch {
            report(file, error.description)
            return nil
        }
    }

    private mutating func records(of file: String) -> (CSVReader, [CSVReader.Record])? {
        guard let bytes = bytes(of: file) else { return nil }
        let reader = CSVReader(bytes: bytes)
        do {
            let records = try reader.records()
            if records.isEmpty {
                report(file, "the file is empty")
                return nil
            }
            return (reader, records)
        } catch {
            report(file, line: error.line, error.message)
            return nil
        }
    }

    mutating func read() throws(InputOutputError) -> InputOutputTable {
        let table = readTable()
        let names = table.map { readSectors(codes: $0.codes) } ?? [:]
        let metadata = readMetadata(sectorCount: table?.codes.count)
        guard let table, let metadata, problems.isEmpty else { throw problems.error(folder: folder) }

        let sectors = table.codes.map { InputOutputTable.Sector(code: $0, name: names[$0]) }
        return try InputOutputTable(
            sectors: sectors, flows: table.flows, finalDemand: table.finalDemand, output: table.output,
            labour: table.labour, metadata: metadata, locations: table.locations, folder: folder)
    }

    // MARK: table.csv

    struct TableParts {
        var codes: [String]
        var flows: Matrix
        var finalDemand: [Double]
        var output: [Double]
        var labour: [Double]
        var locations: TableLocations
    }

    private mutating func readTable() -> TableParts? {
        let file = InputOutputTable.tableFile
        guard let (csv, records) = records(of: file) else { return nil }

        // Header: sector,<codes>,final_demand
        let header = records[0]
        let labels = header.fields.map { csv.string($0) }
        guard labels.count >= 3, labels.first == "sector", labels.last == "final_demand" else {
            report(file, line: header.line, "the header must read sector,<code_1>,...,<code_n>,final_demand; found \(quoted(labels.prefix(3).joined(separator: ",") + (labels.count > 3 ? ",..." : "")))")
            return nil
        }
        let codes = Array(labels.dropFirst().dropLast())
        let n = codes.count
        var column: [String: Int] = [:]
        for (j, code) in codes.enumerated() {
            if code.isEmpty {
                report(file, line: header.line, field: "column \(j + 2)", "a sector code must not be empty")
            } else if let first = column[code] {
                report(file, line: header.line, field: "column \(j + 2)", "sector code \(quoted(code)) appears twice in the header (columns \(first + 2) and \(j + 2))")
            } else {
                column[code] = j
            }
        }
        guard problems.isEmpty else { return nil }

        var flows = Matrix(rows: n, columns: n)
        var finalDemand = [Double](repeating: 0, count: n)
        var output = [Double](repeating: 0, count: n)
        var labour = [Double](repeating: 0, count: n)
        var sectorLines = [Int?](repeating: nil, count: n)
        var locations = TableLocations(file: file)

        /// The number in `field`, with its problem reported; `nil` if there is one.
        func value(_ record: CSVReader.Record, _ k: Int, sector: String, column: String, _ entry: InputOutputTable.Entry,
                   into reader: inout TableFolderReader) -> Double? {
            let field = record.fields[k]
            guard let x = csv.number(field) else {
                let text = csv.string(field)
                reader.report(file, line: record.line, sector: sector, field: "column \(column)",
                              text.isEmpty ? "the value is missing; expected a number" : "expected a number, found \(quoted(text))")
                return nil
            }
            if let message = entry.problem(x) {
                reader.report(file, line: record.line, sector: sector, field: "column \(column)", message)
                return nil
            }
            return x
        }

        for record in records.dropFirst() {
            let label = csv.string(record.fields[0])
            if label == "output" || label == "labour" {
                let seenLine = label == "output" ? locations.outputLine : locations.labourLine
                if let seenLine {
                    report(file, line: record.line, sector: label, "a second \(label) row (the first is on line \(seenLine))")
                    continue
                }
                if label == "output" { locations.outputLine = record.line } else { locations.labourLine = record.line }
                let trailingEmpty = record.count == n + 2 && record.fields[n + 1].range.isEmpty
                guard record.count == n + 1 || trailingEmpty else {
                    report(file, line: record.line, sector: label,
                           "expected \(n) values (one per sector) after the label and an empty final_demand field, found \(record.count - 1) fields")
                    continue
                }
                for j in 0..<n {
                    let x = value(record, j + 1, sector: label, column: codes[j], label == "output" ? .output : .labour, into: &self)
                    if label == "output" { output[j] = x ?? .nan } else { labour[j] = x ?? .nan }
                }
                continue
            }
            guard let i = column[label] else {
                report(file, line: record.line, field: "column 1",
                       "unknown row label \(quoted(label)); expected a sector code of the header, output or labour")
                continue
            }
            if let seenLine = sectorLines[i] {
                report(file, line: record.line, sector: label, "a second row for this sector (the first is on line \(seenLine))")
                continue
            }
            sectorLines[i] = record.line
            guard record.count == n + 2 else {
                report(file, line: record.line, sector: label,
                       "expected \(n + 2) fields (the code, \(n) flows, final_demand), found \(record.count)")
                continue
            }
            for j in 0..<n {
                flows.elements[i * n + j] = value(record, j + 1, sector: label, column: codes[j], .flow, into: &self) ?? .nan
            }
            finalDemand[i] = value(record, n + 1, sector: label, column: "final_demand", .finalDemand, into: &self) ?? .nan
        }

        let missing = codes.indices.filter { sectorLines[$0] == nil }
        if !missing.isEmpty {
            report(file, "no row for sector\(missing.count > 1 ? "s" : "") " + missing.prefix(10).map { quoted(codes[$0]) }.joined(separator: ", ")
                   + (missing.count > 10 ? ", ... (\(missing.count) in all)" : "") + "; the table must be square (a row for every column)")
        }
        if locations.outputLine == nil { report(file, sector: "output", "the output row (gross output of each sector) is missing") }
        if locations.labourLine == nil { report(file, sector: "labour", "the labour row (labour used by each sector) is missing") }
        locations.sectorLines = sectorLines.map { $0 ?? 0 }
        return TableParts(codes: codes, flows: flows, finalDemand: finalDemand, output: output, labour: labour,
                          locations: locations)
    }

    // MARK: sectors.csv

    /// Sector names by code.
    private mutating func readSectors(codes: [String]) -> [String: String] {
        let file = InputOutputTable.sectorsFile
        guard let (csv, records) = records(of: file) else { return [:] }
        let header = records[0].fields.map { csv.string($0) }
        guard header == ["code", "name"] else {
            report(file, line: records[0].line, "the header must read code,name; found \(quoted(header.joined(separator: ",")))")
            return [:]
        }
        let known = Set(codes)
        var names: [String: String] = [:]
        var lines: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.count == 2 else {
                report(file, line: record.line, "expected 2 fields (code,name), found \(record.count); quote a name that holds a comma")
                continue
            }
            let code = csv.string(record.fields[0])
            if !known.contains(code) {
                report(file, line: record.line, sector: code, "sector code \(quoted(code)) is not in the header of table.csv")
            } else if let first = lines[code] {
                report(file, line: record.line, sector: code, "a second row for this sector (the first is on line \(first))")
            } else {
                lines[code] = record.line
                names[code] = csv.string(record.fields[1])
            }
        }
        let missing = codes.filter { lines[$0] == nil }
        if !missing.isEmpty {
            report(file, "no row for sector\(missing.count > 1 ? "s" : "") " + missing.prefix(10).map(quoted).joined(separator: ", ")
                   + (missing.count > 10 ? ", ... (\(missing.count) in all)" : ""))
        }
        return names
    }

    // MARK: meta.json

    private mutating func readMetadata(sectorCount: Int?) -> InputOutputTable.Metadata? {
        let file = InputOutputTable.metadataFile
        guard let bytes = bytes(of: file) else { return nil }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            report(file, line: error.line, "malformed JSON at column \(error.column): \(error.message)")
            return nil
        }
        guard case let .object(object) = document else {
            report(file, "expected a JSON object, found \(document.typeName)")
            return nil
        }
        var metadata = InputOutputTable.Metadata()
        func text(_ key: String, required: Bool, into reader: inout TableFolderReader) -> String? {
            guard let value = object[key] else {
                if required { reader.report(file, field: key, "missing; expected a string (the unit of the table's \(key == "money" ? "flows, final demand and output" : "labour row"))") }
                return nil
            }
            guard case let .string(s) = value else {
                reader.report(file, field: key, "expected a string, found \(value.typeName)")
                return nil
            }
            return s
        }
        metadata.name = text("name", required: false, into: &self) ?? ""
        metadata.title = text("title", required: false, into: &self) ?? ""
        metadata.source = text("source", required: false, into: &self) ?? ""
        metadata.license = text("license", required: false, into: &self) ?? ""
        metadata.notes = text("notes", required: false, into: &self) ?? ""
        metadata.money = text("money", required: true, into: &self) ?? ""
        metadata.labour = text("labour", required: true, into: &self) ?? ""
        if let value = object["sectors"] {
            if case let .number(count) = value {
                if let sectorCount, count != Double(sectorCount) {
                    report(file, field: "sectors", "says \(format(count)) sectors, but table.csv has \(sectorCount)")
                }
            } else {
                report(file, field: "sectors", "expected a number, found \(value.typeName)")
            }
        }
        return metadata
    }
}

private func quoted(_ text: String) -> String {
    "\"" + (text.count > 40 ? String(text.prefix(40)) + "..." : text) + "\""
}
