extension RoundJournal {
    /// What `close` did.
    public struct CloseOutcome: Sendable {
        public enum Action: Sendable, Equatable {
            /// The round was open and is now closed (a close interrupted before is completed).
            case closed
            /// The round was closed but some of its files were missing; they are written again.
            case completed
            /// The round was closed and a recomputation gives exactly its files; nothing was written.
            case alreadyClosed
        }

        public var action: Action
        public var report: RoundReport
        /// Journal files written, relative to the journal's folder.
        public var written: [String]
    }

    /// Closes the open round (or checks a closed one): checks every proposal, sums the standing
    /// proposals, judges them, and publishes the next indicative prices — or declares the plan
    /// final when it converged (see ``RoundClosing``).
    ///
    /// Writes, each atomically: `rounds/N/report.json`, then (unless converged)
    /// `rounds/N+1/board.json` and, last, `rounds/N+1/prices.json`, which closes the round. An
    /// output that already has the computed bytes is left alone, so running the close again —
    /// after it was killed part-way, or after it finished — writes nothing it need not.
    ///
    /// - Parameters:
    ///   - round: The round to close; by default the open one. A closed round is recomputed and
    ///     compared with its files: missing ones are written, differing ones are an error.
    ///   - requireAll: Refuse to close while a registered council has no valid proposal of the round.
    /// - Throws: ``JournalError`` when the journal's files are damaged, the round has no valid
    ///   proposal at all, `requireAll` is not met, or a closed round's files differ from a recomputation.
    public func close(round requested: Int? = nil, requireAll: Bool = false) throws(JournalError) -> CloseOutcome {
        try files.locked { () throws(JournalError) in try closeHoldingLock(round: requested, requireAll: requireAll) }
    }

    private func closeHoldingLock(round requested: Int?, requireAll: Bool) throws(JournalError) -> CloseOutcome {
        let state = try self.state()
        let round = requested ?? state.round
        guard round >= 1 && round <= state.round else {
            throw JournalError(file: Self.pricesPath(round), "round \(round) is not open: round \(state.round) is the last one published")
        }
        let isClosed = round < state.round || state == .finished(round: round)
        let result = try closing(round: round).close()
        var outputs = [(Self.reportPath(round), journalBytes(result.report.jsonDocument()))]
        if let board = result.nextBoard, let prices = result.nextPrices {
            outputs.append((Self.boardPath(round + 1), journalBytes(board.jsonDocument(registry))))
            outputs.append((Self.pricesPath(round + 1), journalBytes(prices.jsonDocument(registry))))
        }

        if isClosed {
            var differing: [String] = [], missing: [(String, [UInt8])] = []
            for (path, bytes) in outputs {
                if let present = try files.readIfPresent(path) {
                    if present != bytes { differing.append(path) }
                } else {
                    missing.append((path, bytes))
                }
            }
            if result.nextPrices == nil && files.exists(Self.pricesPath(round + 1)) { differing.append(Self.pricesPath(round + 1)) }
            if !differing.isEmpty {
                var why = "the round's proposals or the journal's files changed after the round was closed"
                if let closedReport = try? reportIfPresent(round) {
                    let then = Dictionary(closedReport.submissions.map { ($0.file, $0.checksum) }, uniquingKeysWith: { a, _ in a })
                    let now = Dictionary(result.report.submissions.map { ($0.file, $0.checksum) }, uniquingKeysWith: { a, _ in a })
                    var changes: [String] = []
                    let added = now.keys.filter { then[$0] == nil }.sorted(), removed = then.keys.filter { now[$0] == nil }.sorted()
                    let changed = now.keys.filter { then[$0] != nil && then[$0] != now[$0] }.sorted()
                    if !added.isEmpty { changes.append("added after the close: " + added.joined(separator: ", ")) }
                    if !removed.isEmpty { changes.append("removed: " + removed.joined(separator: ", ")) }
                    if !changed.isEmpty { changes.append("changed: " + changed.joined(separator: ", ")) }
                    if !changes.isEmpty { why = "proposal files " + changes.joined(separator: "; ") }
                }
                throw JournalError(problems: differing.map {
                    JournalProblem(file: $0, message: "differs from a recomputation of round \(round)'s close (\(why)); the round stays as it was closed")
                })
            }
            if missing.isEmpty { return CloseOutcome(action: .alreadyClosed, report: result.report, written: []) }
            files.removeStaleTemporaries(in: Self.roundFolder(round))
            files.removeStaleTemporaries(in: Self.roundFolder(round + 1))
            for (path, bytes) in missing { try files.write(bytes, to: path) }
            return CloseOutcome(action: .completed, report: result.report, written: missing.map(\.0))
        }

        let absent = result.report.workersCouncils.filter { !$0.source.isSubmitted }.map(\.id)
            + result.report.consumersCouncils.filter { !$0.source.isSubmitted }.map(\.id)
        if result.report.submittedCount == 0 {
            let rejected = result.report.rejectedCount
            throw JournalError(file: Self.proposalsFolder(round), "round \(round) has no valid proposal yet\(rejected > 0 ? " (\(rejected) rejected: see `parecon round status`)" : ""); nothing to close")
        }
        if requireAll && !absent.isEmpty {
            throw JournalError(file: Self.proposalsFolder(round), "not every council has a valid proposal of round \(round) (required): \(absent.joined(separator: ", "))")
        }
        files.removeStaleTemporaries(in: Self.roundFolder(round))
        files.removeStaleTemporaries(in: Self.roundFolder(round + 1))
        var written: [String] = []
        for (path, bytes) in outputs {
            // The next round's proposals folder is ready before its prices are published.
            if path == Self.pricesPath(round + 1) { try files.createFolders(Self.proposalsFolder(round + 1)) }
            if try files.write(bytes, to: path) == .written { written.append(path) }
        }
        if result.nextPrices == nil {
            // An earlier, interrupted close of this round that did not converge may have left the
            // next round's board memory behind, uncommitted: the plan is final, so it goes.
            files.remove(Self.boardPath(round + 1))
        }
        return CloseOutcome(action: .closed, report: result.report, written: written)
    }

    /// The close of `round` as a pure computation on the journal's files.
    func closing(round: Int) throws(JournalError) -> RoundClosing {
        let prices = try self.prices(round: round)
        let board = try BoardFile.decode(try files.read(Self.boardPath(round)), file: Self.boardPath(round),
                                         registry: registry, round: round, settings: settings)
        var previous: RoundReport?
        if round > 1 {
            guard let report = try reportIfPresent(round - 1) else {
                throw JournalError(file: Self.reportPath(round - 1), "missing, but round \(round - 1) is closed: run `parecon round close --round \(round - 1)` to complete it")
            }
            previous = report
        }
        let folder = Self.proposalsFolder(round)
        let submitted = files.list(folder).map { name -> RoundClosing.SubmittedFile in
            let path = folder + "/" + name
            if files.isDirectory(path) { return .init(file: path, bytes: nil, problem: "a folder, not a proposal file") }
            do throws(JournalError) {
                return .init(file: path, bytes: try files.read(path), problem: nil)
            } catch {
                return .init(file: path, bytes: nil, problem: error.problems.first?.message)
            }
        }
        return RoundClosing(registry: registry, settings: settings, round: round, prices: prices, board: board,
                            previous: previous, submitted: submitted)
    }

    /// Where a round stands: its report if it is closed, otherwise what closing it now would
    /// report (who has submitted, who has not, what is rejected and why). Writes nothing.
    public func status(round requested: Int? = nil) throws(JournalError) -> (state: State, report: RoundReport, isClosed: Bool) {
        let state = try self.state()
        let round = requested ?? state.round
        guard round >= 1 && round <= state.round else {
            throw JournalError(file: Self.pricesPath(round), "round \(round) is not open: round \(state.round) is the last one published")
        }
        if round < state.round || state == .finished(round: round) {
            return (state, try report(round: round), true)
        }
        return (state, try closing(round: round).close().report, false)
    }
}
