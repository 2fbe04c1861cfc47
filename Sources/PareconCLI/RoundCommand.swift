import ArgumentParser
import FoundationEssentials
import Glibc
import Parecon

/// `parecon round ...`: serve a facilitation board that collects real councils' proposals round
/// by round in a journal folder (docs/rounds.md).
struct RoundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round",
        abstract: "Facilitate real rounds: publish prices, collect council proposal files, close rounds.",
        discussion: """
            A journal folder records the rounds: the registry of councils, each round's indicative \
            prices, the councils' proposal files and the board's report. See docs/rounds.md.

            Examples:
              parecon round registry plans/two-goods.json > registry.json
              parecon round open registry.json --dir journal
              parecon round respond plans/two-goods.json --dir journal
              parecon round status --dir journal
              parecon round close --dir journal
              parecon round report --dir journal

            Exit status: 0 success (for close: the plan converged), 1 for close: the round closed \
            and the next one is open, 2 bad input or usage.
            """,
        subcommands: [Registry.self, Open.self, Respond.self, Status.self, Close.self, Report.self]
    )
}

/// The journal folder option every round subcommand takes.
struct JournalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The journal folder.", valueName: "folder"))
    var dir: String

    /// Opens the journal, with the test-only crash hook installed.
    func journal() throws -> RoundJournal {
        let journal = try journalCall(in: dir) { () throws(JournalError) in try RoundJournal(folder: dir) }
        installCrashHook(journal)
        return journal
    }
}

/// Turns a journal error into the CLI's error (exit status 2, the message on stderr), with the
/// journal's files named from the current folder.
func journalCall<T>(in folder: String? = nil, _ body: () throws(JournalError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        var error = error
        if let folder {
            for k in error.problems.indices where !error.problems[k].file.isEmpty && !error.problems[k].file.hasPrefix(folder) {
                error.problems[k].file = (folder.hasSuffix("/") ? folder : folder + "/") + error.problems[k].file
            }
        }
        throw CLIError(description: error.description)
    }
}

/// For tests only: `PARECON_JOURNAL_CRASH_AFTER_STEP=k` ends the process abruptly (as a kill
/// would, without cleaning up) after the k-th step of the journal's file writes.
func installCrashHook(_ journal: RoundJournal) {
    guard let text = ProcessInfo.processInfo.environment["PARECON_JOURNAL_CRASH_AFTER_STEP"], let step = Int(text) else { return }
    journal.onWriteStep { count in if count >= step { _exit(86) } }
}

extension RoundCommand {
    struct Registry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the registry of an economy's councils (what the board may know: no technologies or preferences).",
            discussion: """
                Examples:
                  parecon round registry plans/two-goods.json > registry.json
                """
        )

        @Argument(help: "An economy file (parecon-economy/1 JSON).")
        var economy: String

        func run() throws {
            let economy = try EconomyFileFormat.load(path: self.economy)
            var out = StandardOutput()
            out.write(CouncilRegistry(economy: economy).jsonDocument().serialized(pretty: true) + "\n")
        }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a journal: publish the first indicative prices (round 1).",
            discussion: """
                The board (tatonnement, accelerated or newton) and its settings are fixed here for the \
                whole journal (journal.json). With --board newton every proposal must carry its \
                local response.

                Examples:
                  parecon round open plans/rounds-example/registry.json --dir journal
                  parecon round open plans/rounds-example/registry.json --dir journal --board newton
                """
        )

        @Argument(help: "A registry file (parecon-registry/1 JSON).")
        var registry: String

        @OptionGroup var journal: JournalOptions

        @Option(parsing: .unconditional, help: "Converged when every relative imbalance is at most this.")
        var tolerance: Double = PlanningSettings.Defaults.tolerance

        @Option(parsing: .unconditional, help: "The facilitation board's first relative price step.")
        var priceStep: Double = PlanningSettings.Defaults.priceStep

        @Option(parsing: .unconditional, help: "The first indicative price of every good and resource.")
        var initialPrice: Double = PlanningSettings.Defaults.initialPrice

        @Option(help: "The facilitation board: tatonnement, accelerated or newton.")
        var board: BoardKind = .tatonnement

        @Option(parsing: .unconditional, help: "Accelerated board: how many past rounds it mixes.")
        var andersonMemory: Int = PlanningSettings.Defaults.andersonMemory

        var settings: PlanningSettings {
            PlanningSettings(tolerance: tolerance, priceStep: priceStep, initialPrice: initialPrice, board: board, andersonMemory: andersonMemory)
        }

        func validate() throws {
            let problems = settings.problems()
            if !problems.isEmpty { throw ValidationError(problems.map(PlanCommand.optionMessage).joined(separator: "; ")) }
        }

        func run() throws {
            let bytes: [UInt8]
            guard let data = FileManager.default.contents(atPath: registry) else {
                throw CLIError(description: "\(registry): cannot read the file")
            }
            bytes = [UInt8](data)
            let registry = try journalCall { () throws(JournalError) in try CouncilRegistry.decode(bytes, file: self.registry) }
            let (journal, outcome) = try journalCall(in: self.journal.dir) { () throws(JournalError) in
                try RoundJournal.open(registry: registry, settings: settings, folder: self.journal.dir)
            }
            let councils = registry.workersCouncils.count + registry.consumersCouncils.count
            switch outcome {
            case .opened:
                print("\(journal.folder): round 1 is open: \(count(councils, "council")) registered, every indicative price at \(significant(initialPrice))"
                      + (board == .tatonnement ? "" : "; board \(board.rawValue)"))
            case .alreadyOpen:
                print("\(journal.folder): this journal is already open (nothing written)")
            }
        }
    }

    struct Respond: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate the councils: write every council's proposal for the open round from an economy file.",
            discussion: """
                Each council proposes as in `parecon plan` at the open round's prices. Constant-returns \
                councils keep their private memory in rounds/NNNN/simulation/, which the board never reads.

                Examples:
                  parecon round respond plans/two-goods.json --dir journal
                """
        )

        @Argument(help: "The economy file whose councils respond (it must match the journal's registry).")
        var economy: String

        @OptionGroup var journal: JournalOptions

        @Option(parsing: .unconditional, help: "Constant-returns councils' first revision rate (used from round 1).")
        var revisionRate: Double = PlanningSettings.Defaults.revisionRate

        @Flag(help: "Add each council's local response to its proposal (always done when the journal's board is newton).")
        var localResponse = false

        func run() throws {
            let economy = try EconomyFileFormat.load(path: self.economy)
            let journal = try self.journal.journal()
            let simulation = CouncilSimulation(economy: economy, settings: PlanningSettings(revisionRate: revisionRate), localResponse: localResponse)
            let outcome = try journalCall(in: self.journal.dir) { () throws(JournalError) in try simulation.respond(journal: journal) }
            print("round \(outcome.round): \(count(outcome.written.count, "proposal")) written"
                  + (outcome.unchanged.isEmpty ? "" : ", \(outcome.unchanged.count) already there"))
            for path in outcome.kept {
                standardError.write("parecon: \(path): a different proposal is already submitted; left as it is\n")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who has submitted, who has not, what was rejected and why (writes nothing).",
            discussion: """
                For the open round, shows what closing it now would give; for a closed round, its report.

                Examples:
                  parecon round status --dir journal
                  parecon round status --dir journal --round 2 --format json
                """
        )

        @OptionGroup var journal: JournalOptions

        @Option(help: "The round (default: the last one).")
        var round: Int?

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() throws {
            let journal = try self.journal.journal()
            let (state, report, isClosed) = try journalCall(in: self.journal.dir) { () throws(JournalError) in try journal.status(round: round) }
            var out = StandardOutput()
            switch format {
            case .json:
                out.write(report.jsonDocument().serialized(pretty: true) + "\n")
            case .text:
                if case let .finished(last) = state, last == report.round {
                    out.write("\(journal.folder): the plan is final (round \(last) converged)\n")
                }
                if isClosed {
                    report.writeText(registry: journal.registry, to: &out)
                } else {
                    report.writeStatus(registry: journal.registry, to: &out)
                }
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the open round: check and add up the proposals, judge them, publish the next prices.",
            discussion: """
                Run it again after an interruption: it completes the round with the same bytes. On a \
                closed round (--round N) it checks that the round's files match a recomputation.

                Examples:
                  parecon round close --dir journal
                  parecon round close --dir journal --round 3

                Exit status: 0 the plan converged (no further round), 1 the round closed and the next \
                one is open, 2 bad input, nothing to close, or a closed round's files differ.
                """
        )

        @OptionGroup var journal: JournalOptions

        @Option(help: "The round to close or check (default: the open one).")
        var round: Int?

        @Flag(help: "Refuse to close while a registered council has no valid proposal of the round.")
        var requireAll = false

        @Option(help: "Output format: text or json (the round's report).")
        var format: OutputFormat = .text

        @Flag(help: "Print only a one-line summary.")
        var quiet = false

        func run() throws {
            let journal = try self.journal.journal()
            let outcome = try journalCall(in: self.journal.dir) { () throws(JournalError) in try journal.close(round: round, requireAll: requireAll) }
            var out = StandardOutput()
            let report = outcome.report
            switch outcome.action {
            case .closed: break
            case .completed: standardError.write("parecon: round \(report.round) was closed; its missing files are written again: \(outcome.written.joined(separator: ", "))\n")
            case .alreadyClosed: standardError.write("parecon: round \(report.round) is already closed and its files match a recomputation; nothing written\n")
            }
            switch format {
            case .json:
                out.write(report.jsonDocument().serialized(pretty: true) + "\n")
            case .text where quiet:
                out.write("round \(report.round): " + (report.converged ? "converged" : "closed, max relative imbalance \(scientific(report.maxImbalance)); round \(report.round + 1) is open") + "\n")
            case .text:
                report.writeText(registry: journal.registry, to: &out)
            }
            if !report.converged { throw PlanNotConverged() }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The history of all rounds: imbalance, price moves, convergence.",
            discussion: """
                Examples:
                  parecon round report --dir journal
                  parecon round report --dir journal --format json
                """
        )

        @OptionGroup var journal: JournalOptions

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() throws {
            let journal = try self.journal.journal()
            let (state, reports) = try journalCall(in: self.journal.dir) { () throws(JournalError) in (try journal.state(), try journal.history()) }
            var out = StandardOutput()
            switch format {
            case .json: out.write(journal.historyDocument(reports, state: state).serialized(pretty: true) + "\n")
            case .text: journal.writeHistory(reports, state: state, to: &out)
            }
        }
    }
}
