import ArgumentParser

/// How `parecon` writes a result to stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
