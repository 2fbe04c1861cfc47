import Foundation
import Testing
@testable import Parecon

/// `parecon generate` and `parecon plan --from-io / --synthetic`, run as the built executable.
@Suite struct GenerateCommandTests {
    /// A temporary folder with a hand-made three-sector input–output table in it.
    struct Folder {
        let url: URL
        var path: String { url.path }
        var table: String { url.appendingPathComponent("io").path }

        init(table tableCSV: String = """
            sector,A,B,C,final_demand
            A,10,20,0,70
            B,5,0,30,150
            C,0,10,5,25
            output,100,200,50,
            labour,50,40,10,

            """) throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-generate-\(UUID().uuidString)")
            let io = url.appendingPathComponent("io")
            try FileManager.default.createDirectory(at: io, withIntermediateDirectories: true)
            try tableCSV.write(to: io.appendingPathComponent("table.csv"), atomically: true, encoding: .utf8)
            try "code,name\nA,Agriculture\nB,Building\nC,Care\n".write(to: io.appendingPathComponent("sectors.csv"), atomically: true, encoding: .utf8)
            try #"{"name": "tiny", "money": "thousand pounds", "labour": "thousand hours"}"#
                .write(to: io.appendingPathComponent("meta.json"), atomically: true, encoding: .utf8)
        }

        func file(_ name: String) -> String { url.appendingPathComponent(name).path }
        func remove() { try? FileManager.default.removeItem(at: url) }
    }

    static let calibration = ["--workers-councils-per-sector", "4", "--consumers-councils", "6", "--heterogeneity", "0.2", "--seed", "5"]

    @Test func theSameSeedWritesTheSameFileAndItPlans() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let first = try CLIRunner.run(["generate", "--from-io", folder.table] + Self.calibration)
        let second = try CLIRunner.run(["generate", "--from-io", folder.table] + Self.calibration)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.stdout.isEmpty && first.stdout == second.stdout)
        let other = try CLIRunner.run(["generate", "--from-io", folder.table, "--seed", "6"])
        #expect(other.status == 0 && other.stdout != first.stdout)

        let economy = try EconomyFile.decode(Array(first.stdout.utf8))
        #expect(economy.goods.map(\.id) == ["A", "B", "C"] && economy.workersCouncilCount == 12 && economy.consumersCouncilCount == 6)
        #expect(economy.name.hasPrefix("tiny calibrated: 4 workers' councils per sector, 6 consumers' councils"))

        try first.stdout.write(toFile: folder.file("tiny.json"), atomically: true, encoding: .utf8)
        let plan = try CLIRunner.run(["plan", folder.file("tiny.json"), "--quiet", "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("\"status\": \"converged\""))
        // Planning straight from the table gives the same plan as planning the written file.
        let direct = try CLIRunner.run(["plan", "--from-io", folder.table, "--quiet", "--format", "json"] + Self.calibration)
        #expect(direct.status == 0)
        func withoutTime(_ text: String) -> String {
            text.split(separator: "\n").filter { !$0.contains("\"seconds\"") }.joined(separator: "\n")
        }
        #expect(withoutTime(direct.stdout) == withoutTime(plan.stdout))
    }

    @Test func theCompactFormatRoundTripsThroughConversion() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let json = try CLIRunner.run(["generate", "--from-io", folder.table] + Self.calibration)
        let compact = try CLIRunner.run(["generate", "--from-io", folder.table, "--output", folder.file("tiny.peb")] + Self.calibration)
        #expect(compact.status == 0, "\(compact.stderr)")
        #expect(compact.stdout.isEmpty && compact.stderr.contains("tiny.peb: 3 goods, 1 primary resources, 12 workers' councils, 6 consumers' councils (compact,"))
        let bytes = try #require(FileManager.default.contents(atPath: folder.file("tiny.peb")))
        #expect(bytes.starts(with: Array("parecon-economy-binary/1".utf8)))
        // The confirmation gives the file's size as the file system has it.
        #expect(compact.stderr.contains("(compact, \(bytes.count) bytes)"), "\(compact.stderr)")
        let back = try CLIRunner.run(["generate", folder.file("tiny.peb")])
        #expect(back.status == 0 && back.stdout == json.stdout)
        let plan = try CLIRunner.run(["plan", folder.file("tiny.peb"), "--quiet"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let toStdout = try CLIRunner.run(["generate", "--synthetic", "--goods", "3", "--workers-councils", "4", "--format", "compact"])
        #expect(toStdout.status == 2 && toStdout.stderr.contains("the compact format is binary; give --output FILE.peb"))
    }

    @Test func syntheticEconomiesOfAnySize() throws {
        let arguments = ["generate", "--synthetic", "--goods", "7", "--workers-councils", "30", "--consumers-councils", "5",
                         "--density", "0.3", "--seed", "2"]
        let first = try CLIRunner.run(arguments)
        let second = try CLIRunner.run(arguments)
        #expect(first.status == 0 && first.stdout == second.stdout)
        let economy = try EconomyFile.decode(Array(first.stdout.utf8))
        let expected = try SyntheticEconomy(goods: 7, workersCouncils: 30, consumersCouncils: 5, density: 0.3, seed: 2).generate()
        #expect(economy.workersCouncils == expected.workersCouncils && economy.consumersCouncils == expected.consumersCouncils)
        let plan = try CLIRunner.run(["plan", "--synthetic", "--goods", "7", "--workers-councils", "30", "--consumers-councils", "5",
                                      "--density", "0.3", "--seed", "2", "--quiet"])
        #expect(plan.status == 0, "\(plan.stderr)")
    }

    @Test func badTablesAreReportedWithFileLineAndColumn() throws {
        let folder = try Folder(table: "sector,A,B,final_demand\nA,1,x,1\nB,1,1,1\noutput,10,10,\nlabour,1,1,\n")
        defer { folder.remove() }
        let result = try CLIRunner.run(["generate", "--from-io", folder.table])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(folder.table): 2 problems in the input–output table:"), "\(result.stderr)")
        #expect(result.stderr.contains("table.csv, line 2 (sector A), column B: expected a number, found \"x\""))
        #expect(result.stderr.contains("sectors.csv, line 4 (sector C): sector code \"C\" is not in the header of table.csv"))
        let missing = try CLIRunner.run(["plan", "--from-io", folder.file("nowhere")])
        #expect(missing.status == 2 && missing.stderr == "parecon: \(folder.file("nowhere")): no such folder; expected a folder holding table.csv, sectors.csv and meta.json\n")
    }

    @Test(arguments: [
        (["generate"], "Missing expected argument '<file>'; or give --from-io DIR (a calibrated economy) or --synthetic (a synthetic one)"),
        (["generate", "plans/two-goods.json", "--synthetic", "--goods", "2", "--workers-councils", "2"], "give only one of an economy file, --from-io DIR and --synthetic"),
        (["generate", "plans/two-goods.json", "--goods", "2"], "--goods is an option of --synthetic"),
        (["generate", "plans/two-goods.json", "--seed", "2"], "--seed is an option of --from-io or --synthetic"),
        (["plan", "--synthetic", "--goods", "2"], "--synthetic needs --goods N and --workers-councils W"),
        (["plan", "--synthetic", "--goods", "2", "--workers-councils", "2", "--density", "2"], "--density must be between 0 and 1, found 2.0"),
        (["plan", "--from-io", "x", "--heterogeneity", "-1"], "--heterogeneity must be between 0 and 3"),
        (["plan", "--from-io", "x", "--workers-councils-per-sector", "0"], "--workers-councils-per-sector must be at least 1, found 0"),
        (["generate", "--from-io", "x", "--density", "0.2"], "--density is an option of --synthetic"),
        (["plan", "--from-io", "x", "--imports", "foreign"], "--imports must be 'resource' or 'domestic', found 'foreign'"),
        (["plan", "--synthetic", "--goods", "2", "--workers-councils", "2", "--imports", "domestic"], "--imports is an option of --from-io"),
    ])
    func usageErrorsExitWithStatusTwo(_ arguments: [String], _ message: String) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("parecon: "), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

/// The real WIOD table beside the project (`../shared/data/io`).
enum RealTable {
    static let wiod = CLIRunner.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/io/wiod16_usa_2014").path
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: wiod + "/table.csv") }
}

/// The real 55-sector WIOD table, calibrated and planned by the command line.
@Suite(.enabled(if: RealTable.isAvailable,
                "skipped: the real input–output tables are not at ../shared/data/io (they live beside the project, not in it)"))
struct GenerateCommandRealTableTests {
    static let wiod = RealTable.wiod

    @Test func theWIODTablePlansFromTheCommandLine() throws {
        let result = try CLIRunner.run(["plan", "--from-io", Self.wiod, "--workers-councils-per-sector", "3",
                                        "--consumers-councils", "5", "--board", "tatonnement", "--quiet", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"status\": \"converged\""))
        #expect(result.stdout.contains("\"A01/w1\""))
    }
}
