import ArgumentParser
import Parecon

/// How `parecon` writes a result to stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

extension BoardKind: ExpressibleByArgument {}
