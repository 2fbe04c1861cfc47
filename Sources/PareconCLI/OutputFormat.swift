import ArgumentParser
import Parecon

/// How `parecon` writes a result to stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

extension BoardKind: ExpressibleByArgument {}

/// "1 round", "3 rounds".
func count(_ value: Int, _ singular: String, plural: String? = nil) -> String {
    "\(value) " + (value == 1 ? singular : plural ?? singular + "s")
}
