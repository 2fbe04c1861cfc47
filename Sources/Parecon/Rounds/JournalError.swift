/// One problem in a round journal: the file (relative to the journal's folder), the field within
/// it, and what is wrong.
public struct JournalProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file, relative to the journal's folder (`rounds/0002/proposals/bakery.json`); empty
    /// for a problem with the journal as a whole.
    public var file: String
    /// The field within the file, e.g. `outputs.bread`; empty for the file as a whole.
    public var field: String
    /// What is wrong and what was expected.
    public var message: String

    public init(file: String, field: String = "", message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    /// `file, field f: message`, the same words the economy loader uses.
    public var description: String {
        switch (file.isEmpty, field.isEmpty) {
        case (true, true): return message
        case (true, false): return "field \(field): \(message)"
        case (false, true): return "\(file): \(message)"
        case (false, false): return "\(file), field \(field): \(message)"
        }
    }

    /// The problem without its file name, as a round report lists it under the file.
    public var withoutFile: String {
        field.isEmpty ? message : "field \(field): \(message)"
    }
}

/// A journal operation that cannot go on: the journal's own files are unreadable or
/// inconsistent, or the operation does not fit the journal's state (no open round, a round that
/// is already closed with different files, ...). A bad proposal is not an error: it is rejected
/// in the round's report and the round goes on.
public struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [JournalProblem]

    public init(problems: [JournalProblem]) {
        self.problems = problems
    }

    public init(file: String = "", field: String = "", _ message: String) {
        problems = [JournalProblem(file: file, field: field, message: message)]
    }

    public var description: String {
        if problems.count == 1 { return problems[0].description }
        return (["\(problems.count) problems:"] + problems.map { "  " + $0.description }).joined(separator: "\n")
    }
}

/// A number for a message (the economy loader's formatting).
func numberText(_ value: Double) -> String {
    format(value)
}
