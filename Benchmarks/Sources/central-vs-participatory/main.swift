// central-vs-participatory: the central planner's time next to the participatory procedure's on
// the same economies.
//
//   swift run -c release central-vs-participatory [--sizes 100000x400,1000x50,8000x400,30000x1500]
//        [--participatory-time-limit 600] [--no-participatory] [--blas-threads N] [--block-rows R]
//
// Sizes are workers' councils × goods. `100000x400` is the round benchmarks' economy
// (SyntheticEconomy, 2 resources, 1000 consumers' councils, density 0.05, seed 1: finite
// elasticities, Cobb–Douglas). Every other size is a mixed economy: SyntheticEconomy with
// 2 resources, 500 consumers' councils, density 0.05, a quarter of the councils with constant
// returns, a quarter of the consumers' councils CES, resource tightness 0.6, seed 1.
//
// For each size: build the economy (not timed), run the central planner at its default
// tolerance (1e-9 on the optimality conditions) and at 1e-6, then the participatory rounds at
// their default tolerance (1e-6 on the imbalances) with a time limit, and report iterations,
// rounds, wall time and how far apart the two plans' prices are.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation  // String(format:), no longer visible through Parecon, which imports FoundationEssentials
import Parecon
import PareconLinearAlgebra

struct Options {
    var sizes: [(workers: Int, goods: Int)] = [(100_000, 400), (1_000, 50), (8_000, 400), (30_000, 1_500)]
    var participatoryTimeLimit = 600.0
    var participatory = true
    var blasThreads: Int?
    var blockRows = CentralSettings.Defaults.blockRows
}

func usage() -> Never {
    print("""
    usage: central-vs-participatory [--sizes WxN[,WxN...]] [--participatory-time-limit S]
                                    [--no-participatory] [--blas-threads T] [--block-rows R]
    """)
    exit(2)
}

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var rest = arguments[...]
    func value(_ flag: String) -> String {
        guard let v = rest.popFirst() else { print("\(flag) needs a value"); usage() }
        return v
    }
    while let flag = rest.popFirst() {
        switch flag {
        case "--sizes":
            options.sizes = value(flag).split(separator: ",").map { item in
                let parts = item.split(separator: "x").compactMap { Int($0.filter { $0 != "_" }) }
                guard parts.count == 2, parts.allSatisfy({ $0 > 0 }) else { print("bad size \(item)"); usage() }
                return (parts[0], parts[1])
            }
        case "--participatory-time-limit":
            guard let s = Double(value(flag)), s > 0 else { usage() }
            options.participatoryTimeLimit = s
        case "--no-participatory": options.participatory = false
        case "--blas-threads":
            guard let t = Int(value(flag)), t > 0 else { usage() }
            options.blasThreads = t
        case "--block-rows":
            guard let r = Int(value(flag)), r > 0 else { usage() }
            options.blockRows = r
        case "--help", "-h": usage()
        default: print("unknown argument \(flag)"); usage()
        }
    }
    return options
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

func economy(workers: Int, goods: Int) throws -> Economy {
    if workers == 100_000 && goods == 400 {
        return try SyntheticEconomy(goods: 400, resources: 2, workersCouncils: 100_000, consumersCouncils: 1000,
                                    density: 0.05, seed: 1).generate()
    }
    return try SyntheticEconomy(goods: goods, resources: 2, workersCouncils: workers, consumersCouncils: 500, density: 0.05,
                                constantReturnsShare: 0.25, cesShare: 0.25, resourceTightness: 0.6, seed: 1).generate()
}

let options = parse(Array(CommandLine.arguments.dropFirst()))
if let threads = options.blasThreads { BLAS.setThreadCount(threads) }
print("OpenBLAS threads: \(BLAS.threadCount); normal matrix assembled \(options.blockRows) rows per dsyrk block")

struct Row {
    var size: String
    var iterations = 0, iterationsLoose = 0
    var central = 0.0, centralLoose = 0.0
    var residual = 0.0
    var rounds = 0
    var participatory = Double.nan
    var status = "-"
    var priceGap = Double.nan
}

var rows: [Row] = []
for (w, n) in options.sizes {
    var row = Row(size: "\(w)x\(n)")
    let start = now()
    let e: Economy
    do { e = try economy(workers: w, goods: n) } catch { print("could not build \(row.size): \(error)"); exit(1) }
    print("\(row.size): economy built in \(String(format: "%.1f", now() - start)) s "
          + "(\(e.workersCouncils.filter(\.hasConstantReturns).count) constant-returns councils, "
          + "\(e.consumersCouncils.filter { if case .ces = $0.preferences { true } else { false } }.count) CES consumers' councils)")

    do {
        var t = now()
        let central = try CentralPlanner(settings: CentralSettings(blockRows: options.blockRows)).plan(e)
        row.central = now() - t
        row.iterations = central.plan.rounds
        row.residual = central.residuals.largest
        print("  central 1e-9: \(central.plan.status.rawValue), \(row.iterations) iterations, \(String(format: "%.2f", row.central)) s, "
              + "residual \(String(format: "%.1e", row.residual))")
        t = now()
        let loose = try CentralPlanner(settings: CentralSettings(tolerance: 1e-6, blockRows: options.blockRows)).plan(e)
        row.centralLoose = now() - t
        row.iterationsLoose = loose.plan.rounds
        print("  central 1e-6: \(loose.plan.status.rawValue), \(row.iterationsLoose) iterations, \(String(format: "%.2f", row.centralLoose)) s")

        if options.participatory {
            t = now()
            let plan = try ParticipatoryPlanner(settings: PlanningSettings(timeLimit: options.participatoryTimeLimit)).plan(e)
            row.participatory = now() - t
            row.rounds = plan.rounds
            row.status = plan.status.rawValue
            let level = central.plan.prices.max() ?? 1
            row.priceGap = zip(plan.prices, central.plan.prices).map { abs($0 - $1) }.max()! / level
            print("  participatory 1e-6: \(row.status), \(row.rounds) rounds, \(String(format: "%.2f", row.participatory)) s, "
                  + "prices within \(String(format: "%.1e", row.priceGap)) of the central planner's")
        }
    } catch {
        print("  failed: \(error)")
    }
    rows.append(row)
}

print("")
let header = ["size", "central iter", "central s", "s/iter", "1e-6 iter", "1e-6 s", "participatory rounds", "participatory s", "status", "price gap"]
let widths = header.map { max($0.count, 10) }
print(zip(header, widths).map { pad($0, $1) }.joined(separator: "  "))
for row in rows {
    let cells = [
        row.size, "\(row.iterations)", String(format: "%.2f", row.central),
        String(format: "%.3f", row.central / Double(max(row.iterations, 1))),
        "\(row.iterationsLoose)", String(format: "%.2f", row.centralLoose),
        options.participatory ? "\(row.rounds)" : "-", options.participatory ? String(format: "%.2f", row.participatory) : "-",
        row.status, row.priceGap.isNaN ? "-" : String(format: "%.1e", row.priceGap),
    ]
    print(zip(cells, widths).map { pad($0, $1) }.joined(separator: "  "))
}
