import FoundationEssentials
import Glibc

/// A folder that records participatory planning as real councils do it, round by round
/// (docs/rounds.md):
///
///     registry.json                      the councils entitled to submit (parecon-registry/1)
///     journal.json                       the board and its settings (parecon-journal/1)
///     rounds/0001/prices.json            indicative prices: publishing them opens the round
///     rounds/0001/board.json             the board's memory entering the round's close
///     rounds/0001/proposals/<id>.json    the councils' proposals (parecon-proposal/1)
///     rounds/0001/report.json            the board's report on the round
///     rounds/0001/simulation/...         `parecon round respond`'s councils only
///     rounds/0002/prices.json            ...
///
/// **The journal's state** is in which files exist: round N is *open* when
/// `rounds/N/prices.json` exists and the round is not closed; it is *closed* when
/// `rounds/N+1/prices.json` exists (the board moved the prices) or when `rounds/N/report.json`
/// says `"converged": true` (the plan is final). A close writes the report first, then the next
/// round's board memory, then — last, as its commit — the next round's prices; so a close that
/// was killed at any point has not closed its round, and running it again recomputes the same
/// files from the same inputs and completes them. Submitted proposals are never written,
/// changed or deleted by the journal.
public final class RoundJournal {
    let files: JournalFileSystem
    public let registry: CouncilRegistry
    /// The board and its settings (journal.json).
    public let settings: PlanningSettings

    static let registryPath = "registry.json"

    /// `rounds/0007`.
    static func roundFolder(_ round: Int) -> String {
        let digits = String(round)
        return "rounds/" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
    static func pricesPath(_ round: Int) -> String { roundFolder(round) + "/prices.json" }
    static func boardPath(_ round: Int) -> String { roundFolder(round) + "/board.json" }
    static func reportPath(_ round: Int) -> String { roundFolder(round) + "/report.json" }
    static func proposalsFolder(_ round: Int) -> String { roundFolder(round) + "/proposals" }
    static func simulationFolder(_ round: Int) -> String { roundFolder(round) + "/simulation" }

    /// The folder the journal is in.
    public var folder: String { files.root }

    /// For tests of interrupted operations only: `hook` is called with a running count after
    /// each step of each file write (1: the temporary file is written; 2: it is renamed into
    /// place; and so on), and may end the process there.
    public func onWriteStep(_ hook: @escaping (Int) -> Void) {
        files.afterStep = { count in hook(count) }
    }

    /// Opens an existing journal.
    public convenience init(folder: String) throws(JournalError) {
        try self.init(files: JournalFileSystem(root: folder))
    }

    init(files: JournalFileSystem) throws(JournalError) {
        guard files.isDirectory("") else {
            throw JournalError(file: files.root, "no such folder; start a journal with `parecon round open REGISTRY --dir \(files.root)`")
        }
        guard files.exists(Self.registryPath), files.exists(JournalSettingsFile.path) else {
            throw JournalError(file: files.root, "not a round journal (no registry.json and journal.json); start one with `parecon round open REGISTRY --dir \(files.root)`")
        }
        self.files = files
        registry = try CouncilRegistry.decode(try files.read(Self.registryPath), file: Self.registryPath)
        settings = try JournalSettingsFile.decode(try files.read(JournalSettingsFile.path)).settings
    }

    // MARK: Opening

    /// What `open` did.
    public enum OpenOutcome: Sendable, Equatable {
        /// The journal was started (or an interrupted start was completed): round 1 is open.
        case opened
        /// The folder already held this very journal; nothing was written.
        case alreadyOpen
    }

    /// Starts a journal in `folder` for the councils of `registry`: writes the registry, the
    /// board's settings, its first memory and the first indicative prices (every good and
    /// resource at `settings.initialPrice`), which opens round 1.
    public static func open(registry: CouncilRegistry, settings: PlanningSettings, folder: String) throws(JournalError) -> (RoundJournal, OpenOutcome) {
        try open(registry: registry, settings: settings, files: JournalFileSystem(root: folder))
    }

    static func open(registry: CouncilRegistry, settings: PlanningSettings, files: JournalFileSystem) throws(JournalError) -> (RoundJournal, OpenOutcome) {
        var problems = registry.problems(file: "registry")
        problems += settings.problems().map { JournalProblem(file: "", field: "", message: "invalid settings: " + $0) }
        if !problems.isEmpty { throw JournalError(problems: problems) }

        let n = registry.goods.count, m = registry.resources.count
        let outputs: [(String, [UInt8])] = [
            (registryPath, journalBytes(registry.jsonDocument())),
            (JournalSettingsFile.path, journalBytes(JournalSettingsFile(settings: settings).jsonDocument())),
            (boardPath(1), journalBytes(BoardFile(round: 1, memory: BoardMemory(board: settings.board, goods: n, resources: m, settings: settings)).jsonDocument(registry))),
            (pricesPath(1), journalBytes(PricesFile(round: 1, prices: Array(repeating: settings.initialPrice, count: n),
                                                    resourcePrices: Array(repeating: settings.initialPrice, count: m)).jsonDocument(registry))),
        ]
        try files.createFolders("")
        return try files.locked { () throws(JournalError) in try openHoldingLock(registry: registry, outputs: outputs, files: files) }
    }

    private static func openHoldingLock(registry: CouncilRegistry, outputs: [(String, [UInt8])], files: JournalFileSystem) throws(JournalError) -> (RoundJournal, OpenOutcome) {
        var differing: [String] = []
        var allPresent = true
        for (path, bytes) in outputs {
            if let present = try files.readIfPresent(path) {
                if present != bytes { differing.append(path) }
            } else {
                allPresent = false
            }
        }
        if !differing.isEmpty {
            throw JournalError(file: files.root, "already holds a round journal with another registry or other settings (\(differing.joined(separator: ", ")) differ); choose another folder")
        }
        if allPresent { return (try RoundJournal(files: files), .alreadyOpen) }
        files.removeStaleTemporaries(in: "")
        files.removeStaleTemporaries(in: roundFolder(1))
        for (path, bytes) in outputs.dropLast() { try files.write(bytes, to: path) }
        try files.createFolders(proposalsFolder(1))
        try files.write(outputs.last!.1, to: outputs.last!.0)
        return (try RoundJournal(files: files), .opened)
    }

    // MARK: State

    /// Where the journal stands.
    public enum State: Sendable, Equatable {
        /// Round `round` is open: its prices are published and councils may submit.
        case open(round: Int)
        /// Round `round` converged: its report holds the plan; no round follows.
        case finished(round: Int)

        public var round: Int {
            switch self {
            case let .open(round), let .finished(round): return round
            }
        }
    }

    /// The journal's state, from which files exist (see the type's documentation).
    public func state() throws(JournalError) -> State {
        let folders = Set(files.list("rounds").compactMap { name -> Int? in
            guard let n = Int(name), n >= 1, Self.roundFolder(n) == "rounds/" + name else { return nil }
            return n
        })
        // The last round whose prices are published (a later folder may hold the files of a
        // close that was interrupted before its commit).
        guard let last = folders.sorted(by: >).first(where: { files.exists(Self.pricesPath($0)) }) else {
            throw JournalError(file: Self.pricesPath(1), "missing: the journal has no open round; run `parecon round open` again")
        }
        if let gap = (1..<last).first(where: { !folders.contains($0) }) {
            throw JournalError(file: Self.pricesPath(gap), "missing, but round \(last)'s prices are published: the journal is damaged")
        }
        if let report = try reportIfPresent(last), report.converged { return .finished(round: last) }
        return .open(round: last)
    }

    /// A round's report, if the file exists.
    func reportIfPresent(_ round: Int) throws(JournalError) -> RoundReport? {
        guard let bytes = try files.readIfPresent(Self.reportPath(round)) else { return nil }
        return try RoundReport.decode(bytes, file: Self.reportPath(round), registry: registry)
    }

    /// The report of a closed round.
    public func report(round: Int) throws(JournalError) -> RoundReport {
        let state = try self.state()
        guard round >= 1, round < state.round || (round == state.round && state != .open(round: round)) else {
            throw JournalError(file: Self.reportPath(round), "round \(round) is not closed")
        }
        guard let report = try reportIfPresent(round) else {
            throw JournalError(file: Self.reportPath(round), "missing, but round \(round) is closed: run `parecon round close --round \(round)` to complete it")
        }
        return report
    }

    /// The reports of every closed round, in order.
    public func history() throws(JournalError) -> [RoundReport] {
        let state = try self.state()
        let closed = state == .finished(round: state.round) ? state.round : state.round - 1
        var reports: [RoundReport] = []
        for round in stride(from: 1, through: closed, by: 1) { reports.append(try report(round: round)) }
        return reports
    }

    /// A round's published prices.
    func prices(round: Int) throws(JournalError) -> PricesFile {
        try PricesFile.decode(try files.read(Self.pricesPath(round)), file: Self.pricesPath(round), registry: registry, round: round)
    }
}
