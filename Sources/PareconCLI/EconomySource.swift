import ArgumentParser
import FoundationEssentials
import Glibc
import Parecon

/// Where a command's economy comes from: an economy file (JSON or compact), an economy calibrated
/// from an input–output table (`--from-io DIR`), or a seeded synthetic economy (`--synthetic`).
/// `parecon plan` and `parecon generate` share these options.
struct EconomySource: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "An economy file: parecon-economy/1 JSON, or the compact parecon-economy-binary/1 (.peb).",
        valueName: "file"))
    var file: String?

    // MARK: Calibrated from an input–output table

    @Option(name: .customLong("from-io"), help: ArgumentHelp(
        "Calibrate an economy from the input–output table in this folder (table.csv, sectors.csv, meta.json).",
        valueName: "dir"))
    var fromIO: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --from-io: workers' councils per sector (default \(CalibratedEconomy.Defaults.workersCouncilsPerSector)).",
        valueName: "k"))
    var workersCouncilsPerSector: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --from-io: standard deviation of the log-normal scatter of technologies, sizes, allowances and weights (default \(CalibratedEconomy.Defaults.heterogeneity)).",
        valueName: "s"))
    var heterogeneity: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --from-io: how the table's imports enter the economy: 'resource' (imported inputs are a primary resource 'imports', final demand its domestic part; the default) or 'domestic' (the table's coefficients as they are: all demand is for domestic output).",
        valueName: "resource|domestic"))
    var imports: String?

    // MARK: Synthetic

    @Flag(help: "Generate a seeded synthetic economy (--goods, --workers-councils, --consumers-councils, --density).")
    var synthetic = false

    @Option(parsing: .unconditional, help: "With --synthetic: the number of goods.")
    var goods: Int?

    @Option(parsing: .unconditional, help: "With --synthetic: the number of workers' councils.")
    var workersCouncils: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --synthetic: the probability that a council uses a given good (default \(Self.defaultDensity)).",
        valueName: "d"))
    var density: Double?

    // MARK: Both generators

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --from-io or --synthetic: the number of consumers' councils (default \(CalibratedEconomy.Defaults.consumersCouncils)).",
        valueName: "c"))
    var consumersCouncils: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "With --from-io or --synthetic: the seed; the same seed gives the same economy on every platform (default \(CalibratedEconomy.Defaults.seed)).",
        valueName: "n"))
    var seed: UInt64?

    static let defaultDensity = 0.1

    /// The source, for messages: the file, `--from-io DIR` or `--synthetic`.
    var name: String {
        if let file { return file }
        if let fromIO { return fromIO }
        return "synthetic economy"
    }

    func validate() throws {
        let sources = [file != nil, fromIO != nil, synthetic].filter { $0 }.count
        if sources == 0 {
            throw ValidationError("Missing expected argument '<file>'; or give --from-io DIR (a calibrated economy) or --synthetic (a synthetic one)")
        }
        if sources > 1 {
            throw ValidationError("give only one of an economy file, --from-io DIR and --synthetic")
        }
        func misplaced(_ given: Bool, _ option: String, _ belongs: String) throws {
            if given { throw ValidationError("\(option) is an option of \(belongs)") }
        }
        if fromIO == nil {
            try misplaced(workersCouncilsPerSector != nil, "--workers-councils-per-sector", "--from-io")
            try misplaced(heterogeneity != nil, "--heterogeneity", "--from-io")
            try misplaced(imports != nil, "--imports", "--from-io")
        }
        if !synthetic {
            try misplaced(goods != nil, "--goods", "--synthetic")
            try misplaced(workersCouncils != nil, "--workers-councils", "--synthetic")
            try misplaced(density != nil, "--density", "--synthetic")
        }
        if file != nil {
            try misplaced(consumersCouncils != nil, "--consumers-councils", "--from-io or --synthetic")
            try misplaced(seed != nil, "--seed", "--from-io or --synthetic")
        }
        if let k = workersCouncilsPerSector, k < 1 { throw ValidationError("--workers-councils-per-sector must be at least 1, found \(k)") }
        if let c = consumersCouncils, c < 1 { throw ValidationError("--consumers-councils must be at least 1, found \(c)") }
        if let s = heterogeneity, !(s.isFinite && s >= 0 && s <= 3) {
            throw ValidationError("--heterogeneity must be between 0 and 3 (a log-normal standard deviation), found \(s)")
        }
        if let imports, CalibratedEconomy.Imports(rawValue: imports) == nil {
            throw ValidationError("--imports must be 'resource' or 'domestic', found '\(imports)'")
        }
        if synthetic {
            guard let goods, let workersCouncils else {
                throw ValidationError("--synthetic needs --goods N and --workers-councils W")
            }
            if goods < 1 { throw ValidationError("--goods must be at least 1, found \(goods)") }
            if workersCouncils < 1 { throw ValidationError("--workers-councils must be at least 1, found \(workersCouncils)") }
        }
        if let d = density, !(d.isFinite && d >= 0 && d <= 1) {
            throw ValidationError("--density must be between 0 and 1, found \(d)")
        }
    }

    /// Loads, calibrates or generates the economy. Bad input is thrown as an ``EconomyError`` or a
    /// ``CLIError`` whose message names the file, row and field.
    func load() throws -> Economy {
        if let file { return try EconomyFileFormat.load(path: file) }
        if let fromIO {
            let table: InputOutputTable
            do {
                table = try InputOutputTable.read(folder: fromIO)
            } catch {
                throw CLIError(description: error.description)
            }
            return try CalibratedEconomy(
                table: table,
                workersCouncilsPerSector: workersCouncilsPerSector ?? CalibratedEconomy.Defaults.workersCouncilsPerSector,
                consumersCouncils: consumersCouncils ?? CalibratedEconomy.Defaults.consumersCouncils,
                heterogeneity: heterogeneity ?? CalibratedEconomy.Defaults.heterogeneity,
                seed: seed ?? CalibratedEconomy.Defaults.seed,
                imports: imports.flatMap(CalibratedEconomy.Imports.init(rawValue:)) ?? CalibratedEconomy.Defaults.imports
            ).generate()
        }
        return try SyntheticEconomy(
            goods: goods ?? 1, workersCouncils: workersCouncils ?? 1,
            consumersCouncils: consumersCouncils ?? CalibratedEconomy.Defaults.consumersCouncils,
            density: density ?? Self.defaultDensity, seed: seed ?? CalibratedEconomy.Defaults.seed
        ).generate()
    }
}
