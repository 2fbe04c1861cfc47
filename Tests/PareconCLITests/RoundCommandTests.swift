import Foundation
import Testing

/// `parecon round ...` through the built executable: a real cycle of rounds, the exit statuses,
/// the messages, and a close killed part-way (the process ends abruptly) and run again.
@Suite struct RoundCommandTests {
    static let twoGoods = CLIRunner.packageRoot.appendingPathComponent("plans/two-goods.json").path

    /// A new, empty folder (in memory where there is one: journals are many small files).
    static func scratch() -> URL {
        let root = FileManager.default.isWritableFile(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        let url = root.appendingPathComponent("parecon-round-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `parecon` in `folder` with extra environment variables.
    static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> CLIRunner.Result {
        try CLIRunner.run(arguments, in: folder, environment: environment)
    }

    /// Every file under a folder (relative path → bytes), the lock excepted.
    static func tree(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)!
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: folder.path + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue && relative != ".lock" { files[relative] = FileManager.default.contents(atPath: folder.path + "/" + relative) }
        }
        return files
    }

    /// A registry written with `parecon round registry` and a journal opened on it.
    static func openTwoGoods(in folder: URL, tolerance: String? = nil) throws {
        let registry = try run(["round", "registry", twoGoods], in: folder)
        #expect(registry.status == 0)
        try registry.stdout.write(to: folder.appendingPathComponent("registry.json"), atomically: true, encoding: .utf8)
        let open = try run(["round", "open", "registry.json", "--dir", "journal"] + (tolerance.map { ["--tolerance", $0] } ?? []), in: folder)
        #expect(open.status == 0, "\(open.stderr)")
        #expect(open.stdout == "journal: round 1 is open: 3 councils registered, every indicative price at 1\n")
    }

    /// `round respond` then `round close`, while close says another round is open (exit 1), at
    /// most `limit` times: the last close and the number of cycles.
    static func cycleUntilFinal(in folder: URL, limit: Int) throws -> (close: CLIRunner.Result, rounds: Int) {
        var close = CLIRunner.Result(status: 1, stdout: "", stderr: "")
        var rounds = 0
        while close.status == 1 && rounds < limit {
            #expect(try run(["round", "respond", twoGoods, "--dir", "journal"], in: folder).status == 0)
            close = try run(["round", "close", "--dir", "journal", "--quiet"], in: folder)
            rounds += 1
        }
        return (close, rounds)
    }

    @Test func threeRoundsOfOpenRespondClose() throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.openTwoGoods(in: folder)
        let waiting = try Self.run(["round", "status", "--dir", "journal"], in: folder)
        #expect(waiting.status == 0)
        #expect(waiting.stdout.hasPrefix("Round 1 of Bread and cloth: open; 0 of 3 councils have a valid proposal, 0 files rejected\n"))
        #expect(waiting.stdout.contains("Not yet submitted: bakery, weavery, town"))
        for round in 1...3 {
            let respond = try Self.run(["round", "respond", Self.twoGoods, "--dir", "journal"], in: folder)
            #expect(respond.status == 0 && respond.stdout == "round \(round): 3 proposals written\n", "\(respond.stderr)")
            if round == 1 {
                let status = try Self.run(["round", "status", "--dir", "journal"], in: folder)
                #expect(status.stdout.contains("Every council has submitted: the round can be closed."))
            }
            let close = try Self.run(["round", "close", "--dir", "journal"], in: folder)
            #expect(close.status == 1, "closed, not converged: \(close.stderr)")
            #expect(close.stdout.hasPrefix("Round \(round) of Bread and cloth: closed; round \(round + 1) is open\n"))
            #expect(close.stdout.contains("Next indicative prices (round \(round + 1))"))
        }
        let report = try Self.run(["round", "report", "--dir", "journal"], in: folder)
        #expect(report.status == 0)
        #expect(report.stdout.hasPrefix("Round journal of Bread and cloth: 3 rounds closed; round 4 is open\n"))
        let json = try Self.run(["round", "report", "--dir", "journal", "--format", "json"], in: folder)
        let history = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let rounds = history["rounds"] as! [[String: Any]]
        #expect(rounds.count == 3 && history["status"] as? String == "open")
        // Round 1's prices are all 1; the board raised the goods' and lowered labour's.
        #expect((rounds[0]["nextPrices"] as! [String: Double])["bread"]! > 1)
        #expect((rounds[0]["nextResourcePrices"] as! [String: Double])["labour"]! < 1)
    }

    /// With a loose tolerance the cycle converges in a few rounds: close then exits 0, closing
    /// again finds the files unchanged, and there is nothing left to respond to.
    @Test func aConvergedJournalIsFinal() throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.openTwoGoods(in: folder, tolerance: "0.5")
        let (close, rounds) = try Self.cycleUntilFinal(in: folder, limit: 30)
        #expect(close.status == 0 && close.stdout == "round \(rounds): converged\n", "\(close.stderr)")
        let before = Self.tree(folder)
        let again = try Self.run(["round", "close", "--dir", "journal", "--quiet"], in: folder)
        #expect(again.status == 0 && again.stderr.contains("already closed and its files match"))
        let respond = try Self.run(["round", "respond", Self.twoGoods, "--dir", "journal"], in: folder)
        #expect(respond.status == 2 && respond.stderr.contains("the plan is final"))
        #expect(Self.tree(folder) == before)
        let status = try Self.run(["round", "status", "--dir", "journal"], in: folder)
        #expect(status.stdout.hasPrefix("journal: the plan is final (round \(rounds) converged)\n"))
    }

    /// The process is ended abruptly (as by a kill) after the 1st … 6th step of a close's writes;
    /// running close again leaves exactly the files of an uninterrupted close.
    @Test func aKilledCloseRunAgainLeavesTheUninterruptedFiles() throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.openTwoGoods(in: folder)
        #expect(try Self.run(["round", "respond", Self.twoGoods, "--dir", "journal"], in: folder).status == 0)
        #expect(try Self.run(["round", "close", "--dir", "journal"], in: folder).status == 1)
        #expect(try Self.run(["round", "respond", Self.twoGoods, "--dir", "journal"], in: folder).status == 0)
        let base = folder.appendingPathComponent("journal")
        let reference = folder.appendingPathComponent("reference")
        try FileManager.default.copyItem(at: base, to: reference)
        #expect(try Self.run(["round", "close", "--dir", "reference"], in: folder).status == 1)
        let expected = Self.tree(reference)
        for step in [2, 5] {
            let copy = folder.appendingPathComponent("killed-\(step)")
            try FileManager.default.copyItem(at: base, to: copy)
            let killed = try Self.run(["round", "close", "--dir", copy.lastPathComponent], in: folder,
                                      environment: ["PARECON_JOURNAL_CRASH_AFTER_STEP": String(step)])
            #expect(killed.status == 86 && killed.stdout.isEmpty, "step \(step)")
            let status = try Self.run(["round", "status", "--dir", copy.lastPathComponent, "--format", "json"], in: folder)
            #expect(status.stdout.contains("\"round\": 2,"), "after step \(step), round 2 is still open")
            let again = try Self.run(["round", "close", "--dir", copy.lastPathComponent], in: folder)
            #expect(again.status == 1, "step \(step): \(again.stderr)")
            #expect(Self.tree(copy) == expected, "step \(step)")
        }
    }

    /// `round open --board accelerated|newton`: the cycle of respond and close converges in as many
    /// rounds as `parecon plan --board` on the same economy, to the same prices (printed digits), and
    /// the journal's files name the board.
    @Test(arguments: ["accelerated", "newton"])
    func aJournalWithAnotherBoardReachesThePlansRounds(_ board: String) throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = try Self.run(["plan", Self.twoGoods, "--board", board, "--format", "json"], in: folder)
        #expect(plan.status == 0)
        let planned = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as! [String: Any]
        let registry = try Self.run(["round", "registry", Self.twoGoods], in: folder)
        try registry.stdout.write(to: folder.appendingPathComponent("registry.json"), atomically: true, encoding: .utf8)
        let open = try Self.run(["round", "open", "registry.json", "--dir", "journal", "--board", board], in: folder)
        #expect(open.status == 0 && open.stdout.hasSuffix("; board \(board)\n"), "\(open.stderr)")
        let settings = try String(contentsOf: folder.appendingPathComponent("journal/journal.json"), encoding: .utf8)
        #expect(settings.contains("\"board\": \"\(board)\""))
        let memory = try String(contentsOf: folder.appendingPathComponent("journal/rounds/0001/board.json"), encoding: .utf8)
        #expect(memory.contains(board == "newton" ? "\"newton\": {" : "\"anderson\": {"))
        let (close, rounds) = try Self.cycleUntilFinal(in: folder, limit: 100)
        #expect(close.status == 0 && close.stdout == "round \(rounds): converged\n", "\(close.stderr)")
        #expect(rounds == planned["rounds"] as? Int)
        if board == "newton" {
            let proposal = try String(contentsOf: folder.appendingPathComponent("journal/rounds/0001/proposals/bakery.json"), encoding: .utf8)
            #expect(proposal.contains("\"activitySlope\""), "a newton journal's simulated councils send their local response")
        }
    }

    @Test func badInputExitsWithStatusTwoAndNamesTheFile() throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try Self.run(["round", "status", "--dir", "nowhere"], in: folder)
        #expect(missing.status == 2 && missing.stderr.hasPrefix("parecon: nowhere: no such folder"))
        try #"{"format": "parecon-registry/1", "goods": [{"id": "bread"}], "workersCouncils": [{"id": "bakery", "capacity": 3}], "consumersCouncils": []}"#
            .write(to: folder.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let badRegistry = try Self.run(["round", "open", "bad.json", "--dir", "j"], in: folder)
        #expect(badRegistry.status == 2)
        #expect(badRegistry.stderr == "parecon: bad.json, field workersCouncils[0].capacity: a council's technology is private: the registry names the council, never its technology\n")

        try Self.openTwoGoods(in: folder)
        let empty = try Self.run(["round", "close", "--dir", "journal"], in: folder)
        #expect(empty.status == 2 && empty.stderr == "parecon: journal/rounds/0001/proposals: round 1 has no valid proposal yet; nothing to close\n")
        let other = try Self.run(["round", "open", "bad.json", "--dir", "journal"], in: folder)
        #expect(other.status == 2)

        try #"{"format": "parecon-proposal/1", "council": "town", "round": 1, "requests": {"bread": -3}}"#
            .write(to: folder.appendingPathComponent("journal/rounds/0001/proposals/town.json"), atomically: true, encoding: .utf8)
        let status = try Self.run(["round", "status", "--dir", "journal"], in: folder)
        #expect(status.status == 0)
        #expect(status.stdout.contains("  rounds/0001/proposals/town.json\n    field requests.bread: negative quantity -3; quantities must be at least 0\n"))
        let requireAll = try Self.run(["round", "close", "--dir", "journal", "--require-all"], in: folder)
        #expect(requireAll.status == 2 && requireAll.stderr.contains("round 1 has no valid proposal yet"))
        let badOption = try Self.run(["round", "open", "registry.json", "--dir", "x", "--tolerance", "-1"], in: folder)
        #expect(badOption.status == 2 && badOption.stderr.contains("--tolerance must be a positive finite number"))
    }
}
