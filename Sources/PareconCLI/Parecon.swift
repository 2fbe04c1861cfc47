import ArgumentParser
import FoundationEssentials
import Glibc
import Parecon

/// `parecon`: participatory economic planning from the command line.
///
/// Exit status: 0 when the plan converged, 1 when planning stopped without converging,
/// 2 for bad input or usage.
@main
struct Parecon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parecon",
        abstract: "Participatory economic planning: councils' proposals and indicative prices, round by round.",
        discussion: """
            Workers' councils propose what they will produce, consumers' councils what they want; a \
            facilitation board publishes indicative prices until the plan is feasible.

            Exit status: 0 converged, 1 stopped without converging, 2 bad input or usage.
            """,
        subcommands: [PlanCommand.self, ValidateCommand.self, CentralCommand.self, CompareCommand.self, GenerateCommand.self, RoundCommand.self]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as PlanNotConverged {
            _ = error
            Glibc.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help, --version: a clean exit with text on stdout.
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            switch error {
            case is EconomyError, is PlanningSettingsError, is CLIError:
                standardError.write("parecon: " + message(for: error) + "\n")
            default:
                // argument-parser's message reads "Error: ..." and the usage; keep one prefix.
                var text = fullMessage(for: error)
                if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
                standardError.write("parecon: " + text + "\n")
            }
            Glibc.exit(2)
        }
    }

    /// A user-facing message: our own errors say what is wrong and where; argument-parser's
    /// usage errors keep their usage text.
    static func message(for error: Error) -> String {
        switch error {
        case let error as EconomyError: return error.description
        case let error as PlanningSettingsError: return error.description
        case let error as CLIError: return error.description
        default: return fullMessage(for: error)
        }
    }
}

/// Thrown after the report is written when planning stopped without converging (exit status 1).
struct PlanNotConverged: Error {}

/// A command-line error with a message (exit status 2).
struct CLIError: Error, CustomStringConvertible {
    var description: String
}

/// Writes all of `bytes` to the file `descriptor` (retrying short and interrupted writes), as
/// Foundation's `FileHandle.write` did; stops at the first other error.
func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) {
    var offset = 0
    while offset < bytes.count {
        let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        offset += written
    }
}

/// Writes the UTF-8 of `string` to the file `descriptor`.
func writeAll(_ descriptor: Int32, _ string: String) {
    var string = string
    string.withUTF8 { writeAll(descriptor, UnsafeRawBufferPointer($0)) }
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        writeAll(STDERR_FILENO, string)
    }
}

nonisolated(unsafe) var standardError = StandardError()

/// Standard output as a `TextOutputStream`, buffered.
struct StandardOutput: TextOutputStream {
    mutating func write(_ string: String) {
        writeAll(STDOUT_FILENO, string)
    }
}
