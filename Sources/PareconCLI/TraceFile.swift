import FoundationEssentials
import Glibc
import Parecon

/// `--trace FILE.csv`: one CSV row per round, written as the rounds run.
struct TraceFile {
    private let descriptor: Int32
    private let path: String
    private var buffer = ""

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CLIError(description: "\(path): cannot create the trace file")
        }
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CLIError(description: "\(path): cannot open the trace file for writing")
        }
        self.descriptor = descriptor
        self.path = path
        buffer = RoundRecord.csvHeader + "\n"
    }

    mutating func append(_ record: RoundRecord) {
        buffer += record.csvRow + "\n"
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    private mutating func flush() {
        writeAll(descriptor, buffer)
        buffer = ""
    }

    mutating func close() throws {
        flush()
        if Glibc.close(descriptor) != 0 {
            throw CLIError(description: "\(path): cannot write the trace file: \(String(cString: strerror(errno)))")
        }
    }
}
