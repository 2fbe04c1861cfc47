import Foundation
import Parecon

/// `--trace FILE.csv`: one CSV row per round, written as the rounds run.
struct TraceFile {
    private let handle: FileHandle
    private let path: String
    private var buffer = ""

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CLIError(description: "\(path): cannot create the trace file")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIError(description: "\(path): cannot open the trace file for writing")
        }
        self.handle = handle
        self.path = path
        buffer = RoundRecord.csvHeader + "\n"
    }

    mutating func append(_ record: RoundRecord) {
        buffer += record.csvRow + "\n"
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    private mutating func flush() {
        handle.write(Data(buffer.utf8))
        buffer = ""
    }

    mutating func close() throws {
        flush()
        try handle.close()
    }
}
