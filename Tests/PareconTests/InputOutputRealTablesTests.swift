import Foundation
import Testing
@testable import Parecon

/// The real input–output tables beside the project (`../shared/data/io`, see its README). Only
/// the small ones are read here, so that `swift test` stays fast; the benchmarks use the large
/// ones. Every test is skipped, saying why, when the folder is absent.
enum SharedTables {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/io").standardizedFileURL

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("wiod16_usa_2014/table.csv").path)
    }

    static let absent: Comment = "skipped: the real input–output tables are not at ../shared/data/io (expected \(folder.path)); they live beside the project, not in it"

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

@Suite(.enabled(if: SharedTables.isAvailable, SharedTables.absent))
struct InputOutputRealTablesTests {
    /// Numbers read off the CSV files by eye (first cells of table.csv, the output and labour
    /// rows), and spectral radii computed independently with numpy (`max |eigvals(Z / x)|`).
    @Test func theWIODAndBEASummaryTablesImportWithTheirCoefficients() throws {
        let wiod = try InputOutputTable.read(folder: SharedTables.path("wiod16_usa_2014"))
        #expect(wiod.sectorCount == 55 && wiod.sectors.first?.code == "A01" && wiod.sectors.last?.code == "T")
        #expect(wiod.metadata.money == "million US dollars")
        #expect(wiod.technicalCoefficients[0, 0] == 69337.08877434033 / 435775.0)
        #expect(wiod.labourPerUnit[0] == 1604.566 / 435775.0)
        #expect(wiod.finalDemand[0] == 110345.22945689887)
        #expect(abs(wiod.spectralRadius.estimate - 0.4143853993388837) <= 1e-6)
        #expect(wiod.spectralRadius.lowerBound <= 0.4143853993388837 + 1e-12 && 0.4143853993388837 <= wiod.spectralRadius.upperBound + 1e-12)

        let bea = try InputOutputTable.read(folder: SharedTables.path("bea_summary_2017"))
        #expect(bea.sectorCount == 71 && bea.sectors[1] == InputOutputTable.Sector(code: "113FF", name: "Forestry, fishing, and related activities"))
        #expect(bea.technicalCoefficients[0, 1] == 896.6370895818374 / 53383.0)
        #expect(bea.labourPerUnit[0] == 30860.000000000004 / 395529.0)
        #expect(bea.spectralRadius.lowerBound <= 0.4888539744407823 + 1e-12 && 0.4888539744407823 <= bea.spectralRadius.upperBound + 1e-12)
        #expect(bea.spectralRadius.isBelowOne)
    }

    /// The 55-sector WIOD table, calibrated, plans to 1e-6 with the tatonnement board, and the
    /// plan meets the optimality conditions of the planning programme; its sector outputs land
    /// near the observed ones (a check, not a target: within 10 % in total).
    @Test func theCalibratedWIODEconomyPlansToConvergence() throws {
        let table = try InputOutputTable.read(folder: SharedTables.path("wiod16_usa_2014"))
        let economy = try CalibratedEconomy(table: table, workersCouncilsPerSector: 3, consumersCouncils: 5,
                                            heterogeneity: 0.2, seed: 1).generate()
        let plan = try ParticipatoryPlanner(settings: PlanningSettings(tolerance: 1e-6, board: .tatonnement)).plan(economy)
        #expect(plan.settings.board == .tatonnement)
        #expect(plan.status == .converged, "\(plan.status) after \(plan.rounds) rounds")
        let check = OptimalityConditions(economy: economy, plan: plan, tolerance: 1e-6)
        #expect(check.violations.isEmpty, "\(check.violations.prefix(5))")
        var planned = [Double](repeating: 0, count: table.sectorCount)
        for w in economy.workersCouncils.indices { planned[w / 3] += plan.activity[w] }
        let ratio = planned.reduce(0, +) / table.output.reduce(0, +)
        #expect(abs(ratio - 1) <= 0.1, "planned / observed output \(ratio)")
    }
}
