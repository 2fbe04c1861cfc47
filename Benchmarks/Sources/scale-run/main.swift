// scale-run: plan one economy at scale in this process and print one JSON line of measurements.
//
//   scale-run --from-io DIR [--workers-councils-per-sector K] [--consumers-councils C]
//             [--heterogeneity S] [--seed N]                                    # calibrated
//   scale-run --synthetic --goods N --workers-councils W [--consumers-councils C]
//             [--density D] [--seed S]                                          # synthetic
//   scale-run --file ECONOMY.{json,peb}                                         # an economy file
//
//   [--write FILE.{json,peb}] [--no-plan] [--board B] [--tolerance T] [--max-rounds N]
//   [--time-limit S] [--rounds N] [--prices-out FILE] [--bound-repeats R] [--no-bound]
//   [--check DIR] [--list-boards]
//
// One economy per process, so that the peak memory (VmHWM) is this economy's. Order: build or
// load the economy (timed), write it if asked (timed), plan it (rounds, time per round from the
// planner's own round records), read the peak memory (before `--check`'s comparison with the
// observed table, which is not planning), release everything, then measure the
// memory-bandwidth bound — one dgemv plus one transposed dgemv over a matrix of the technology
// matrix's shape — so that the bound's matrix does not count in the peak.
//
// `--rounds N` runs exactly N rounds (no convergence test: the numpy peer's comparison) and
// `--prices-out FILE` writes the last round's prices as JSON. `--check DIR` compares a plan of
// an economy calibrated from the table in DIR with the table's observed sector outputs.

#if canImport(Glibc)
import Glibc
#endif
import Parecon
import PareconLinearAlgebra
import ScaleFixture

struct Options {
    var source: ScaleEconomy?
    var folder: String?
    var perSector = CalibratedEconomy.Defaults.workersCouncilsPerSector
    var consumers = CalibratedEconomy.Defaults.consumersCouncils
    var heterogeneity = CalibratedEconomy.Defaults.heterogeneity
    var seed: UInt64 = 1
    var synthetic = false
    var goods = 0, workers = 0, density = 0.05
    var file: String?
    var write: String?
    var plan = true
    var board = "tatonnement"
    var tolerance = 1e-6
    var maxRounds = PlanningSettings.Defaults.maxRounds
    var timeLimit: Double?
    var rounds: Int?
    var pricesOut: String?
    var boundRepeats = 7
    var bound = true
    var check: String?
    var capacityMargin = CalibratedEconomy.Defaults.capacityMargin
    var labourMargin = CalibratedEconomy.Defaults.labourMargin
    var minimumSurplus = CalibratedEconomy.Defaults.minimumSurplus
}

func standardError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    standardError("scale-run: \(message)\n")
    exit(2)
}

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var rest = arguments[...]
    func value(_ flag: String) -> String {
        guard let v = rest.popFirst() else { fail("\(flag) needs a value") }
        return v
    }
    func int(_ flag: String) -> Int {
        guard let v = Int(value(flag).replacing("_", with: "")), v >= 0 else { fail("bad \(flag)") }
        return v
    }
    func double(_ flag: String) -> Double {
        guard let v = Double(value(flag)) else { fail("bad \(flag)") }
        return v
    }
    while let flag = rest.popFirst() {
        switch flag {
        case "--from-io": options.folder = value(flag)
        case "--workers-councils-per-sector", "-K": options.perSector = int(flag)
        case "--consumers-councils", "-C": options.consumers = int(flag)
        case "--heterogeneity": options.heterogeneity = double(flag)
        case "--seed": options.seed = UInt64(int(flag))
        case "--synthetic": options.synthetic = true
        case "--goods": options.goods = int(flag)
        case "--workers-councils": options.workers = int(flag)
        case "--density": options.density = double(flag)
        case "--file": options.file = value(flag)
        case "--write": options.write = value(flag)
        case "--no-plan": options.plan = false
        case "--board": options.board = value(flag)
        case "--tolerance": options.tolerance = double(flag)
        case "--max-rounds": options.maxRounds = int(flag)
        case "--time-limit": options.timeLimit = double(flag)
        case "--rounds": options.rounds = int(flag)
        case "--prices-out": options.pricesOut = value(flag)
        case "--bound-repeats": options.boundRepeats = int(flag)
        case "--no-bound": options.bound = false
        case "--check": options.check = value(flag)
        case "--capacity-margin": options.capacityMargin = double(flag)
        case "--labour-margin": options.labourMargin = double(flag)
        case "--minimum-surplus": options.minimumSurplus = double(flag)
        case "--list-boards":
            print(BoardKind.allCases.map(\.rawValue).joined(separator: " "))
            exit(0)
        default: fail("unknown argument \(flag)")
        }
    }
    if let folder = options.folder {
        options.source = .calibrated(folder: folder, workersCouncilsPerSector: options.perSector, consumersCouncils: options.consumers,
                                     heterogeneity: options.heterogeneity, seed: options.seed, capacityMargin: options.capacityMargin,
                                     labourMargin: options.labourMargin, minimumSurplus: options.minimumSurplus)
    } else if options.synthetic {
        options.source = .synthetic(goods: options.goods, workersCouncils: options.workers, consumersCouncils: options.consumers,
                                    density: options.density, seed: options.seed)
    } else if let file = options.file {
        options.source = .file(file)
    } else {
        fail("give --from-io DIR, --synthetic ... or --file FILE")
    }
    return options
}

func note(_ text: String) { standardError("scale-run: \(text)\n") }

let options = parse(Array(CommandLine.arguments.dropFirst()))
guard let board = BoardKind(rawValue: options.board) else {
    fail("unknown board \(options.board); this build has \(BoardKind.allCases.map(\.rawValue).joined(separator: ", "))")
}
var report: [JSONObject.Member] = [
    .init(key: "economy", value: .string(options.source!.description)),
    .init(key: "blasThreads", value: .number(Double(BLAS.threadCount))),
]
@MainActor func record(_ key: String, _ value: Double) { report.append(.init(key: key, value: .number(value))) }
@MainActor func record(_ key: String, _ value: String) { report.append(.init(key: key, value: .string(value))) }

var economy: Economy?
let rssBefore = currentResidentBytes()
let buildSeconds = seconds {
    do { economy = try options.source!.build() } catch { fail("\(error)") }
}
let (n, w) = (economy!.goodCount, economy!.workersCouncilCount)
note("\(options.source!): \(n) goods, \(w) workers' councils, \(economy!.consumersCouncilCount) consumers' councils; built in \(fixed(buildSeconds, 2)) s")
record("goods", Double(n))
record("workersCouncils", Double(w))
record("consumersCouncils", Double(economy!.consumersCouncilCount))
record("matrixBytes", Double(n * w * 8))
record("buildSeconds", buildSeconds)
record("economyBytes", Double(currentResidentBytes() - rssBefore))

if let path = options.write {
    let format = EconomyFileFormat.forWriting(path: path)
    let writeSeconds = seconds {
        do { try format.write(economy!, to: path) } catch { fail("\(error)") }
    }
    var status = stat()
    let size = stat(path, &status) == 0 ? Int(status.st_size) : 0
    note("wrote \(path) (\(format.rawValue), \(size) bytes) in \(fixed(writeSeconds, 2)) s")
    record("writeSeconds", writeSeconds)
    record("fileBytes", Double(size))
}

if options.plan {
    var settings = PlanningSettings(tolerance: options.rounds == nil ? options.tolerance : 1e-300,
                                    maxRounds: options.rounds ?? options.maxRounds, timeLimit: options.timeLimit)
    settings.board = board
    var plan: Plan!
    do { plan = try ParticipatoryPlanner(settings: settings).plan(economy!) } catch { fail("\(error)") }
    let history = plan.history
    let perRound = history.count > 1 ? (history.last!.seconds - history.first!.seconds) / Double(history.count - 1) : plan.seconds
    note("\(board.rawValue): \(plan.status.rawValue) after \(plan.rounds) rounds in \(fixed(plan.seconds, 2)) s, "
         + "\(fixed(perRound * 1e3, 3)) ms per round, max imbalance \(plan.maxRelativeImbalance)")
    record("board", board.rawValue)
    record("status", plan.status.rawValue)
    record("rounds", Double(plan.rounds))
    record("planSeconds", plan.seconds)
    record("secondsPerRound", perRound)
    record("setupSeconds", max(0, (history.first?.seconds ?? 0) - perRound))
    record("maxRelativeImbalance", plan.maxRelativeImbalance)
    // The planning's peak, read before the prices are written and the plan is checked against the
    // observed table (`--check` reads the table and works out its spectral radius: benchmark
    // tooling, not planning, 6–7 MB on WIOD-US at 10^5 councils).
    record("peakBytes", Double(peakResidentBytes()))
    if let path = options.pricesOut {
        let document = JSONValue.object(JSONObject([
            .init(key: "rounds", value: .number(Double(plan.rounds))),
            .init(key: "prices", value: .array(plan.prices.map { .number($0) })),
            .init(key: "resourcePrices", value: .array(plan.resourcePrices.map { .number($0) })),
        ]))
        guard let file = fopen(path, "w") else { fail("\(path): cannot write: \(String(cString: strerror(errno)))") }
        fputs(document.serialized(pretty: false), file)
        fclose(file)
    }
    if let folder = options.check {
        do {
            let table = try InputOutputTable.read(folder: folder)
            let comparison = ObservedComparison(plan: plan, economy: economy!, table: table)
            record("observedWeightedDeviation", comparison.weightedAbsoluteDeviation)
            record("observedMedianDeviation", comparison.medianRelativeDeviation)
            record("observedTotalRatio", comparison.totalRatio)
            record("observedLargestDeviation", comparison.largestRelativeDeviation)
            record("observedLargestSector", comparison.largestSector)
            record("observedLabourRatio", comparison.labourRatio)
            record("spectralRadius", table.spectralRadius.estimate)
        } catch { fail("\(error)") }
    }
    plan = nil
} else {
    record("peakBytes", Double(peakResidentBytes()))
}
economy = nil

if options.bound {
    let bound = BandwidthBound.measure(rows: w, columns: n, repeats: options.boundRepeats)
    record("dgemvSeconds", bound.dgemvSeconds)
    record("dgemvTSeconds", bound.dgemvTSeconds)
    record("boundSeconds", bound.roundSeconds)
    record("dgemvBytesPerSecond", bound.bytesPerSecond)
}
// The machine's 1-minute load average at the end: on a shared machine, how much else was running.
if let file = fopen("/proc/loadavg", "r") {
    var line = [CChar](repeating: 0, count: 256)
    let text = fgets(&line, Int32(line.count), file) != nil ? String(cString: line) : ""
    fclose(file)
    if let first = text.split(separator: " ").first, let load = Double(first) { record("loadAverage", load) }
}
print(JSONValue.object(JSONObject(report)).serialized(pretty: false))
