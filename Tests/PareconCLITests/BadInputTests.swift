import Foundation
import Testing
@testable import Parecon

/// Bad input through the built `parecon` executable: a clear message on stderr naming the file
/// and the place, nothing on stdout, and exit status 2 — never a crash.
@Suite struct BadInputTests {
    // MARK: Fixtures

    static let valid = """
        {
          "format": "parecon-economy/1",
          "name": "Bread and cloth",
          "goods": [{"id": "bread"}, {"id": "cloth"}],
          "resources": [{"id": "labour", "available": 50}],
          "workersCouncils": [
            {"id": "bakery", "produces": {"bread": 1}, "uses": {"labour": 1}, "capacity": 1000, "elasticity": 30},
            {"id": "weavery", "produces": {"cloth": 1}, "uses": {"labour": 1}, "capacity": 1000, "elasticity": 10}
          ],
          "consumersCouncils": [
            {"id": "town", "allowance": 120, "preferences": {"ces": {"sigma": 0.5, "weights": {"bread": 0.5, "cloth": 0.5}}}}
          ]
        }
        """

    static func edited(_ edits: [(String, String)]) -> String {
        var text = valid
        for (old, new) in edits {
            precondition(text.contains(old), "edit does not apply: \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    /// A bad input: the file's contents (nil: no file is written, the path does not exist; or a
    /// directory is made at the path) and what stderr must mention besides the path.
    struct Case: Sendable, CustomTestStringConvertible {
        enum Kind: Sendable { case file(String), missing, directory }
        var name: String
        var kind: Kind
        var mentions: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", kind: .file(edited([(#"{"id": "cloth"}]"#, #"{"id": "cloth"},]"#)])),
             mentions: ["malformed JSON at line 4, column 46", "trailing commas are not allowed"]),
        Case(name: "several problems", kind: .file(edited([
                (#""capacity": 1000, "elasticity": 10"#, #""capacity": 0, "elasticity": 10"#),
                (#""sigma": 0.5"#, #""sigma": 1"#),
                (#""available": 50"#, #""available": "50""#),
                (#""uses": {"labour": 1}, "capacity": 1000, "elasticity": 30"#, #""uses": {"coal": 1}, "capacity": 1000, "elasticity": 30"#),
             ])),
             mentions: ["4 problems:",
                        #"workersCouncils[1] "weavery", field capacity: must be a positive finite number, found 0"#,
                        #"consumersCouncils[0] "town", field preferences.ces.sigma: must not be 1"#,
                        #"resources[0] "labour", field available: expected a number, found a string"#,
                        #"workersCouncils[0] "bakery", field uses.coal: unknown good or resource "coal""#]),
        Case(name: "zero capacity", kind: .file(edited([(#""capacity": 1000, "elasticity": 10"#, #""capacity": 0, "elasticity": 10"#)])),
             mentions: [#"workersCouncils[1] "weavery", field capacity: must be a positive finite number, found 0"#]),
        Case(name: "sigma == 1", kind: .file(edited([(#""sigma": 0.5"#, #""sigma": 1"#)])),
             mentions: [#"consumersCouncils[0] "town", field preferences.ces.sigma: must not be 1"#]),
        Case(name: "unknown good", kind: .file(edited([(#""produces": {"cloth": 1}"#, #""produces": {"cloth": 1, "silk": 1}"#)])),
             mentions: [#"workersCouncils[1] "weavery", field produces.silk: unknown good "silk""#]),
        Case(name: "wanted but never produced", kind: .file(edited([
                (#"{"id": "cloth"}"#, #"{"id": "cloth"}, {"id": "wine"}"#),
                (#""cloth": 0.5}"#, #""cloth": 0.5, "wine": 1}"#),
             ])),
             mentions: [#"field preferences.ces.weights.wine: good "wine" is wanted but no workers' council produces it"#]),
        Case(name: "not an economy", kind: .file("[]"), mentions: ["the document must be a JSON object, found an array"]),
        Case(name: "empty file", kind: .file(""), mentions: ["malformed JSON at line 1, column 1: the file is empty"]),
        Case(name: "missing file", kind: .missing, mentions: ["cannot read the file: it does not exist"]),
        Case(name: "a directory", kind: .directory, mentions: ["cannot read the file: it is a directory"]),
    ]

    /// Runs `body` with a fresh temporary directory that is removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parecon-bad-input-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// The path for `c` inside `directory`, after writing its file or making its directory.
    static func prepare(_ c: Case, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent("economy.json")
        switch c.kind {
        case let .file(contents): try Data(contents.utf8).write(to: url)
        case .missing: break
        case .directory: try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        }
        return url.path
    }

    // MARK: Bad economy files

    @Test(arguments: cases, ["validate", "plan"])
    func badEconomyFile(_ c: Case, command: String) throws {
        try Self.withTemporaryDirectory { directory in
            let path = try Self.prepare(c, in: directory)
            let result = try CLIRunner.run([command, path])
            #expect(result.status == 2, "stderr: \(result.stderr)")
            #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
            #expect(result.stderr.hasPrefix("parecon: \(path): "), "stderr: \(result.stderr)")
            for fragment in c.mentions {
                #expect(result.stderr.contains(fragment), "missing \"\(fragment)\" in stderr: \(result.stderr)")
            }
            #expect(!result.stderr.contains("Fatal error"))
            #expect(result.stderr.hasSuffix("\n"))
        }
    }

    /// Every problem of a file with several is on its own line of stderr.
    @Test func severalProblemsAreListedOnePerLine() throws {
        try Self.withTemporaryDirectory { directory in
            let path = try Self.prepare(Self.cases[1], in: directory)
            let result = try CLIRunner.run(["validate", path])
            #expect(result.status == 2)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.first == "parecon: \(path): 4 problems:", "stderr: \(result.stderr)")
            #expect(lines.count == 5, "stderr: \(result.stderr)")
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") && $0.contains(", field ") })
        }
    }

    /// A relative path is reported as given.
    @Test func aRelativePathIsReportedAsGiven() throws {
        try Self.withTemporaryDirectory { directory in
            try Data(Self.edited([(#""sigma": 0.5"#, #""sigma": 1"#)]).utf8).write(to: directory.appendingPathComponent("sigma.json"))
            let result = try CLIRunner.run(["plan", "sigma.json", "--quiet"], in: directory)
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("parecon: sigma.json: consumersCouncils[0] \"town\", field preferences.ces.sigma: "),
                    "stderr: \(result.stderr)")
        }
    }

    // MARK: Usage errors

    struct UsageCase: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var mentions: String
        var testDescription: String { name }
    }

    static let usageCases: [UsageCase] = [
        UsageCase(name: "unknown option", arguments: ["plan", "plans/two-goods.json", "--bogus"], mentions: "Unknown option '--bogus'"),
        UsageCase(name: "unknown subcommand", arguments: ["frobnicate"], mentions: "frobnicate"),
        UsageCase(name: "no subcommand argument", arguments: ["validate"], mentions: "Missing expected argument '<file>'"),
        UsageCase(name: "missing argument", arguments: ["plan"], mentions: "Missing expected argument '<file>'"),
        UsageCase(name: "missing option value", arguments: ["plan", "plans/two-goods.json", "--max-rounds"], mentions: "--max-rounds"),
        // ArgumentParser takes "-1" for an option, so the value is reported missing.
        UsageCase(name: "--tolerance -1", arguments: ["plan", "plans/two-goods.json", "--tolerance", "-1"], mentions: "--tolerance"),
        UsageCase(name: "--tolerance=-1", arguments: ["plan", "plans/two-goods.json", "--tolerance=-1"],
                  mentions: "--tolerance must be a positive finite number, found -1"),
        UsageCase(name: "--tolerance 0", arguments: ["plan", "plans/two-goods.json", "--tolerance", "0"],
                  mentions: "--tolerance must be a positive finite number, found 0"),
        UsageCase(name: "--tolerance abc", arguments: ["plan", "plans/two-goods.json", "--tolerance", "abc"],
                  mentions: "The value 'abc' is invalid for '--tolerance <tolerance>'"),
        UsageCase(name: "--max-rounds 0", arguments: ["plan", "plans/two-goods.json", "--max-rounds", "0"],
                  mentions: "--max-rounds must be at least 1, found 0"),
        UsageCase(name: "--max-rounds 1.5", arguments: ["plan", "plans/two-goods.json", "--max-rounds", "1.5"],
                  mentions: "'1.5' is invalid for '--max-rounds"),
        UsageCase(name: "--format xml", arguments: ["plan", "plans/two-goods.json", "--format", "xml"],
                  mentions: "The value 'xml' is invalid for '--format <format>'"),
        UsageCase(name: "two files", arguments: ["validate", "plans/two-goods.json", "plans/two-goods.json"], mentions: "Unexpected argument"),
    ]

    @Test(arguments: usageCases)
    func usageError(_ c: UsageCase) throws {
        let result = try CLIRunner.run(c.arguments)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
        #expect(result.stderr.hasPrefix("parecon: "), "stderr: \(result.stderr)")
        #expect(result.stderr.contains(c.mentions), "stderr: \(result.stderr)")
    }

    // MARK: Help and good input

    @Test func helpGoesToStdoutWithStatus0() throws {
        let root = try CLIRunner.run(["--help"])
        #expect(root.status == 0, "stderr: \(root.stderr)")
        #expect(root.stderr.isEmpty)
        #expect(root.stdout.contains("USAGE: parecon <subcommand>"))
        #expect(root.stdout.contains("plan") && root.stdout.contains("validate"))
        #expect(root.stdout.contains("Exit status: 0 converged, 1 stopped without converging, 2 bad input or usage."))

        let plan = try CLIRunner.run(["plan", "--help"])
        #expect(plan.status == 0, "stderr: \(plan.stderr)")
        #expect(plan.stderr.isEmpty)
        #expect(plan.stdout.contains("USAGE: parecon plan [<options>] [<file>]"))
        #expect(plan.stdout.contains("Examples:"))
        #expect(plan.stdout.contains("--max-rounds") && plan.stdout.contains("--tolerance"))

        let validate = try CLIRunner.run(["validate", "--help"])
        #expect(validate.status == 0)
        #expect(validate.stdout.contains("USAGE: parecon validate <file>"))
    }

    @Test func aValidFileValidates() throws {
        let result = try CLIRunner.run(["validate", "plans/two-goods.json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("plans/two-goods.json: valid parecon-economy/1 economy \"Bread and cloth\"\n"))
        #expect(result.stdout.contains("2 goods, 1 primary resource, 2 workers' councils (0 with constant returns), 1 consumers' council"))
    }

    @Test func stoppingAtMaxRoundsExits1WithTheReport() throws {
        let text = try CLIRunner.run(["plan", "plans/two-goods.json", "--max-rounds", "3", "--quiet"])
        #expect(text.status == 1, "stderr: \(text.stderr)")
        #expect(text.stdout.contains("status: maxRounds (participatory, newton board) after 3 rounds"), "stdout: \(text.stdout)")
        #expect(text.stdout.contains("Indicative prices"))

        let json = try CLIRunner.run(["plan", "plans/two-goods.json", "--max-rounds", "3", "--quiet", "--format", "json"])
        #expect(json.status == 1, "stderr: \(json.stderr)")
        let document = try JSONParser.parse(json.stdout)
        #expect(document["status"] == .string("maxRounds"))
        #expect(document["rounds"] == .number(3))
    }
}
