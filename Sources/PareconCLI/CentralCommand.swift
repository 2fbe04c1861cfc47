import ArgumentParser
import FoundationEssentials
import Glibc
import Parecon

/// `parecon central FILE`: the central planner of DESIGN §3, the classic material balances, and
/// a planner who does not know everything.
struct CentralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "Plan an economy file centrally: a planner with every council's technology and preferences.",
        discussion: """
            Solves the planning programme of the participatory procedure in one computation (a \
            primal–dual interior-point method; its Newton systems are assembled with BLAS dsyrk and \
            solved by LAPACK Cholesky). Prints a progress table of its iterations on stderr and the \
            plan on stdout, in the same format as `parecon plan` with mode "central".

            --material-balances: the classic plan instead. Final-demand targets are fixed (the \
            consumers' councils' demands at unit prices, or at the central planner's shadow prices \
            with --target-prices shadow); gross outputs solve (I − A) x = f by LU (LAPACK dgesv) \
            and by the planners' historic iteration x ← A x + f; labour and resources are then \
            checked.

            --knowledge: the planner plans with averaged, noisy or outdated technologies; its plan \
            is then carried out by the true councils, and the report shows the shortages, the \
            surpluses, the unused capacity and the welfare lost against the true optimum.
              exact             every council's own technology (nothing is lost)
              industry-average  each industry's capacity-weighted average technology
              noise:S           every input coefficient off by a log-normal factor of
                                spread S and mean 1 (seeded by --seed)
              stale:F           last period's coefficients: inputs have fallen since by
                                a rate drawn from [0, 2F] (seeded by --seed)

            Examples:
              parecon central plans/five-goods.json
              parecon central plans/leontief.json --format json > central.json
              parecon central --material-balances plans/leontief.json
              parecon central plans/five-goods.json --knowledge noise:0.1 --seed 7

            Exit status: 0 optimal (or the balances solved), 1 stopped without converging, \
            2 bad input or usage.
            """
    )

    @Argument(help: "An economy file (parecon-economy/1 JSON).")
    var file: String

    @Option(parsing: .unconditional, help: "Optimal when every relative residual of the optimality conditions is at most this.")
    var tolerance: Double = CentralSettings.Defaults.tolerance

    @Option(parsing: .unconditional, help: "Stop after this many interior-point iterations.")
    var maxIterations: Int = CentralSettings.Defaults.maxIterations

    @Option(parsing: .unconditional, help: "Stop after this many seconds.")
    var timeLimit: Double?

    @Flag(help: "The classic material-balances plan: fixed final demand, (I − A) x = f.")
    var materialBalances = false

    @Option(help: "--material-balances: final demand at unit prices (unit) or at the central planner's shadow prices (shadow).")
    var targetPrices: MaterialBalances.TargetPrices = .unit

    @Option(parsing: .unconditional, help: "--material-balances: the historic iteration stops when a step changes x by at most this (relative).")
    var iterationTolerance: Double = MaterialBalances.Defaults.iterationTolerance

    @Option(help: ArgumentHelp("What the planner knows: exact, industry-average, noise:S or stale:F.", valueName: "knowledge"))
    var knowledge: PlannerKnowledge = .exact

    @Option(help: "Seed for noise:S and stale:F.")
    var seed: UInt64 = 1

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "No progress table on stderr.")
    var quiet = false

    var settings: CentralSettings {
        CentralSettings(tolerance: tolerance, maxIterations: maxIterations, timeLimit: timeLimit)
    }

    func validate() throws {
        let problems = settings.problems()
        if !problems.isEmpty { throw ValidationError(problems.map(PlanCommand.optionMessage).joined(separator: "; ")) }
        if !(iterationTolerance.isFinite && iterationTolerance > 0) {
            throw ValidationError("--iteration-tolerance must be a positive finite number, found \(iterationTolerance)")
        }
        if materialBalances && knowledge != .exact {
            throw ValidationError("--material-balances and --knowledge cannot be combined")
        }
    }

    func run() throws {
        let economy = try EconomyFileFormat.load(path: file)
        do {
            if materialBalances {
                try runMaterialBalances(economy)
            } else if knowledge == .exact {
                try runCentral(economy)
            } else {
                try runKnowledge(economy)
            }
        } catch let error as MaterialBalancesError {
            // Bad input for the method (exit status 2).
            throw CLIError(description: "\(file): \(error)")
        } catch let error as EconomyError {
            throw CLIError(description: "\(file): the planner's view of the economy is not valid: \(error)")
        } catch let error as CentralPlanningError {
            // A numerical failure is a run that did not converge (exit status 1).
            standardError.write("parecon: \(file): \(error)\n")
            throw PlanNotConverged()
        }
    }

    private func runCentral(_ economy: Economy) throws {
        let result = try plan(economy, title: nil)
        var out = StandardOutput()
        switch format {
        case .text:
            result.writeReport(for: economy, to: &out)
        case .json:
            out.write(result.jsonDocument(for: economy).serialized(pretty: true) + "\n")
        }
        if !result.plan.status.isConverged { throw PlanNotConverged() }
    }

    /// Runs the central planner with the progress table; a diverged run is reported and exits 1.
    func plan(_ economy: Economy, title: String?) throws -> CentralPlan {
        var table = quiet ? nil : CentralProgressTable()
        if let title, table != nil { standardError.write(title + "\n") }
        table?.writeHeader()
        let result = try CentralPlanner(settings: settings).plan(economy) { table?.row($0) }
        table?.footer(result)
        if result.plan.status == .diverged {
            standardError.write("parecon: \(file): the central planner's iterates stopped being finite at iteration \(result.plan.rounds)\n")
            throw PlanNotConverged()
        }
        return result
    }

    private func runMaterialBalances(_ economy: Economy) throws {
        var prices: [Double]? = nil
        if targetPrices == .shadow {
            let result = try plan(economy, title: "central planner (for the shadow prices)")
            if !result.plan.status.isConverged { throw PlanNotConverged() }
            prices = result.plan.prices
        }
        let balances = try MaterialBalances(
            economy: economy, finalDemand: .consumersAtPrices(prices ?? [Double](repeating: 1, count: economy.goodCount)),
            targetPrices: targetPrices, iterationTolerance: iterationTolerance)
        var out = StandardOutput()
        switch format {
        case .text: balances.writeReport(to: &out)
        case .json: out.write(balances.jsonDocument().serialized(pretty: true) + "\n")
        }
        if !balances.historicIteration.converged { throw PlanNotConverged() }
    }

    private func runKnowledge(_ economy: Economy) throws {
        let believed = try knowledge.economy(as: economy, seed: seed)
        let optimum = try plan(economy, title: "central planner with exact knowledge (the true optimum)")
        let planner = try plan(believed, title: "central planner with knowledge \(knowledge)")
        let report = KnowledgeReport(truth: economy, knowledge: knowledge, seed: seed, plannersPlan: planner, optimum: optimum)
        var out = StandardOutput()
        switch format {
        case .text: report.writeReport(to: &out)
        case .json: out.write(report.jsonDocument().serialized(pretty: true) + "\n")
        }
        if !optimum.plan.status.isConverged || !planner.plan.status.isConverged { throw PlanNotConverged() }
    }
}

extension PlannerKnowledge: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(parsing: argument)
    }
}

extension MaterialBalances.TargetPrices: ExpressibleByArgument {}

/// The central planner's progress table on stderr, in the layout of OSQP's and SCS's.
struct CentralProgressTable {
    func writeHeader() {
        standardError.write("iter   goods res  resour res  council res  compl res   barrier mu  sigma    step  regular.          welfare     time\n")
    }

    mutating func row(_ r: CentralIterationRecord) {
        let regularization = r.regularization.map { $0 == 0 ? "-" : scientific($0) } ?? "LDLt"
        standardError.write(
            pad(String(r.iteration), 4) + "  " + pad(scientific(r.residuals.goods), 10) + "  " + pad(scientific(r.residuals.resources), 10)
            + "  " + pad(scientific(r.residuals.workersCouncils), 11) + "  " + pad(scientific(r.residuals.complementarity), 9)
            + "  " + pad(scientific(r.barrier), 11) + "  " + pad(fixed(r.centering, 3), 5) + "  " + pad(fixed(r.step, 4), 6)
            + "  " + pad(regularization, 8) + "  " + pad(significant(r.welfare), 15) + "  " + pad(fixed(r.seconds, 3) + "s", 7) + "\n")
    }

    func footer(_ result: CentralPlan) {
        let plan = result.plan
        standardError.write("status: \(plan.status.rawValue) after \(plan.rounds) iterations, \(fixed(plan.seconds, 3)) s; "
                            + "residuals of the plan: \(scientific(result.residuals.largest))\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
