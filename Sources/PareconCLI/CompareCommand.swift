import ArgumentParser
import FoundationEssentials
import Glibc
import Parecon

/// `parecon compare FILE`: the participatory procedure beside the central planner.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare participatory planning with a central planner on the same economy.",
        discussion: """
            Runs the participatory rounds and the central planner on the economy (and, with \
            --knowledge, a central planner who does not know every technology, whose plan is then \
            carried out by the true councils) and prints one table: status, rounds or iterations, \
            wall time, numbers communicated, welfare and its gap, the distance between the plans, \
            prices against the central planner's shadow prices, and shortages.

            Examples:
              parecon compare plans/five-goods.json
              parecon compare plans/leontief.json --knowledge industry-average
              parecon compare plans/five-goods.json --knowledge noise:0.2 --seed 3
              parecon compare plans/ces-households.json --format json
              parecon compare plans/five-goods.json --board tatonnement --board accelerated --board newton

            Exit status: 0 when every planner converged, 1 otherwise, 2 bad input or usage.
            """
    )

    @Argument(help: "An economy file (parecon-economy/1 JSON).")
    var file: String

    @Option(parsing: .unconditional, help: "The participatory rounds' tolerance.")
    var tolerance: Double = PlanningSettings.Defaults.tolerance

    @Option(parsing: .unconditional, help: "The participatory rounds stop after this many rounds.")
    var maxRounds: Int = PlanningSettings.Defaults.maxRounds

    @Option(parsing: .unconditional, help: "The participatory rounds stop after this many seconds.")
    var timeLimit: Double?

    @Option(parsing: .unconditional, help: "The central planner's tolerance on the optimality conditions.")
    var centralTolerance: Double = CentralSettings.Defaults.tolerance

    @Option(help: ArgumentHelp("Add a planner with this knowledge: industry-average, noise:S or stale:F.", valueName: "knowledge"))
    var knowledge: PlannerKnowledge?

    @Option(help: "Seed for noise:S and stale:F.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The facilitation board of the participatory rounds: tatonnement, accelerated or newton; repeat it for a column per board.", valueName: "board"))
    var board: [BoardKind] = []

    @Option(parsing: .unconditional, help: "With --board accelerated: how many past rounds the board mixes.")
    var andersonMemory: Int = PlanningSettings.Defaults.andersonMemory

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    var participatorySettings: PlanningSettings {
        PlanningSettings(tolerance: tolerance, maxRounds: maxRounds, timeLimit: timeLimit, andersonMemory: andersonMemory)
    }

    var centralSettings: CentralSettings { CentralSettings(tolerance: centralTolerance) }

    func validate() throws {
        var problems = participatorySettings.problems().map(PlanCommand.optionMessage)
        if Set(board).count != board.count { problems.append("--board names a board twice") }
        problems += centralSettings.problems().map { PlanCommand.optionMessage($0).replacing("--tolerance", with: "--central-tolerance") }
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "; ")) }
    }

    func run() throws {
        let economy = try EconomyFileFormat.load(path: file)
        func say(_ text: String) { if !quiet { standardError.write(text + "\n") } }
        var participatory: [Plan] = []
        for board in self.board.isEmpty ? [PlanningSettings.Defaults.board] : self.board {
            say("participatory rounds, \(board) board ...")
            var settings = participatorySettings
            settings.board = board
            let plan = try ParticipatoryPlanner(settings: settings).plan(economy)
            say("  \(plan.status.rawValue) after \(plan.rounds) rounds, \(fixed(plan.seconds, 3)) s")
            participatory.append(plan)
        }
        say("central planner ...")
        let central = try CentralPlanner(settings: centralSettings).plan(economy)
        say("  \(central.plan.status.rawValue) after \(central.plan.rounds) iterations, \(fixed(central.plan.seconds, 3)) s")
        var imperfect: KnowledgeReport? = nil
        if let knowledge, knowledge != .exact {
            say("central planner with knowledge \(knowledge) ...")
            let believed = try knowledge.economy(as: economy, seed: seed)
            let planner = try CentralPlanner(settings: centralSettings).plan(believed)
            say("  \(planner.plan.status.rawValue) after \(planner.plan.rounds) iterations, \(fixed(planner.plan.seconds, 3)) s")
            imperfect = KnowledgeReport(truth: economy, knowledge: knowledge, seed: seed, plannersPlan: planner, optimum: central)
        }
        if participatory.contains(where: { $0.status == .diverged }) || central.plan.status == .diverged || imperfect?.plannersPlan.plan.status == .diverged {
            standardError.write("parecon: \(file): a planner diverged; no comparison is printed\n")
            throw PlanNotConverged()
        }
        let comparison = PlanComparison(economy: economy, participatory: participatory, central: central, imperfect: imperfect,
                                        tolerance: tolerance)
        var out = StandardOutput()
        switch format {
        case .text: comparison.writeReport(to: &out)
        case .json: out.write(comparison.jsonDocument().serialized(pretty: true) + "\n")
        }
        if comparison.columns.contains(where: { !$0.status.isConverged }) { throw PlanNotConverged() }
    }
}
