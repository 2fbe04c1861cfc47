import ArgumentParser
import FoundationEssentials
import Glibc
import Parecon

/// `parecon plan FILE`: run the participatory rounds on an economy file.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Run participatory planning rounds on an economy file.",
        discussion: """
            Prints a progress table on stderr (every few rounds and at the end) and the plan on \
            stdout: status, rounds, time, indicative prices, what each council produces or receives, \
            and the imbalance of every good and resource.

            Examples:
              parecon plan plans/two-goods.json
              parecon plan plans/two-goods.json --format json > plan.json
              parecon plan plans/leontief.json --tolerance 1e-8 --trace rounds.csv
              parecon plan big.json --max-rounds 500 --time-limit 60 --quiet
              parecon plan --from-io ../shared/data/io/wiod16_usa_2014

            Exit status: 0 converged, 1 stopped without converging, 2 bad input or usage.
            """
    )

    @OptionGroup var source: EconomySource

    @Option(parsing: .unconditional, help: "Converged when every relative imbalance is at most this.")
    var tolerance: Double = PlanningSettings.Defaults.tolerance

    @Option(parsing: .unconditional, help: "Stop after this many rounds.")
    var maxRounds: Int = PlanningSettings.Defaults.maxRounds

    @Option(parsing: .unconditional, help: "Stop after this many seconds.")
    var timeLimit: Double?

    @Option(parsing: .unconditional, help: "The facilitation board's first relative price step.")
    var priceStep: Double = PlanningSettings.Defaults.priceStep

    @Option(parsing: .unconditional, help: "Constant-returns councils' first revision rate (fraction of capacity per unit of relative surplus).")
    var revisionRate: Double = PlanningSettings.Defaults.revisionRate

    @Option(help: "The facilitation board: tatonnement, accelerated or newton.")
    var board: BoardKind = PlanningSettings.Defaults.board

    @Option(parsing: .unconditional, help: "With --board accelerated: how many past rounds the board mixes.")
    var andersonMemory: Int = PlanningSettings.Defaults.andersonMemory

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Write one CSV row per round to this file.", valueName: "FILE.csv"))
    var trace: String?

    @Option(parsing: .unconditional, help: "Print a progress row every this many rounds (and the last).")
    var progressEvery: Int = 0

    @Flag(help: "No progress table on stderr.")
    var quiet = false

    var settings: PlanningSettings {
        PlanningSettings(tolerance: tolerance, maxRounds: maxRounds, timeLimit: timeLimit,
                         priceStep: priceStep, revisionRate: revisionRate, board: board,
                         andersonMemory: andersonMemory)
    }

    /// Settings are checked before the file is read, so a bad option is not hidden by a bad file.
    func validate() throws {
        if progressEvery < 0 { throw ValidationError("--progress-every must be non-negative, found \(progressEvery)") }
        let problems = settings.problems()
        if !problems.isEmpty { throw ValidationError(problems.map(Self.optionMessage).joined(separator: "; ")) }
    }

    /// "maxRounds must be ..." → "--max-rounds must be ...".
    static func optionMessage(_ problem: String) -> String {
        guard let name = problem.split(separator: " ").first else { return problem }
        var option = "--"
        for character in name {
            if character.isUppercase { option += "-" + character.lowercased() } else { option.append(character) }
        }
        return option + problem.dropFirst(name.count)
    }

    func run() throws {
        let economy = try source.load()
        let settings = self.settings

        var traceFile: TraceFile?
        if let trace { traceFile = try TraceFile(path: trace) }
        var table = quiet ? nil : ProgressTable(every: progressEvery, economy: economy)
        table?.writeHeader()

        let plan = try ParticipatoryPlanner(settings: settings).plan(economy) { record in
            traceFile?.append(record)
            table?.row(record)
        }
        try traceFile?.close()
        table?.footer(plan)

        if plan.status == .diverged {
            // Numerical failure: a message, no plan presented as a result.
            standardError.write("parecon: \(source.name): planning diverged at \(plan.divergence ?? "round \(plan.rounds)")\n")
            throw PlanNotConverged()
        }
        var out = StandardOutput()
        switch format {
        case .text: plan.writeReport(for: economy, to: &out)
        case .json:
            // Written in pieces as it is made: the whole text of a plan with 10^6 councils would
            // weigh a few tens of MB, and a copy or two of it more.
            plan.writeJSON(for: economy, to: &out)
            out.write("\n")
        }
        if !plan.status.isConverged { throw PlanNotConverged() }
    }
}
