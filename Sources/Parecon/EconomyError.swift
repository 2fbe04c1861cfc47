/// One problem in an economy: where it is, which field, and what was expected.
public struct EconomyProblem: Sendable, Equatable, CustomStringConvertible {
    /// The entry, e.g. `workersCouncils[2] "smithy"` or `goods[0] "food"`; empty for the top level.
    public var location: String
    /// The field within the entry, e.g. `capacity`, `uses.labour`, `preferences.ces.sigma`.
    public var field: String
    /// What is wrong and what was expected.
    public var message: String

    public init(location: String, field: String, message: String) {
        self.location = location
        self.field = field
        self.message = message
    }

    public var description: String {
        switch (location.isEmpty, field.isEmpty) {
        case (true, true): return message
        case (true, false): return "\(field): \(message)"
        case (false, true): return "\(location): \(message)"
        case (false, false): return "\(location), field \(field): \(message)"
        }
    }
}

/// An economy that cannot be planned, with every problem found.
public struct EconomyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the economy came from, if any.
    public var file: String?
    public var problems: [EconomyProblem]

    public init(file: String?, problems: [EconomyProblem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        let prefix = file.map { "\($0): " } ?? ""
        if problems.count == 1 { return prefix + problems[0].description }
        let header = prefix + "\(problems.count) problems:"
        return ([header] + problems.map { "  " + $0.description }).joined(separator: "\n")
    }
}
