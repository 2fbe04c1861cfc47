// round-ratio: time per planning round next to one dgemv pass over the same technology matrix,
// measured in one process run.
//
//   swift run -c release round-ratio [--workers-councils 100000] [--goods 400] [--repeats 20]
//                                    [--blas-threads N] [--split]
//
// `--workers-councils` and `--goods` take comma-separated lists (every combination is measured).
// For each size: build the economy (SyntheticEconomy, 2 resources, 1000 consumers' councils,
// density 0.05, seed 1) and its PlanningRounds, warm up, then run `repeats` blocks, each timing
// one round, one dgemv and one dgemvT in an order that rotates from block to block, and report
// medians. `--split` also times collectProposals() and movePrices() on their own.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation  // String(format:), no longer visible through Parecon, which imports FoundationEssentials
import PareconLinearAlgebra
import RoundFixture

struct Options {
    var workersCouncils = [100_000]
    var goods = [400]
    var repeats = 20
    var warmups = 3
    var blasThreads: Int?
    var split = false
}

func usage() -> Never {
    print("""
    usage: round-ratio [--workers-councils W[,W...]] [--goods N[,N...]] [--repeats R]
                       [--warmups K] [--blas-threads T] [--split]
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
    func list(_ flag: String) -> [Int] {
        let items = value(flag).split(separator: ",").map { Int($0.replacingOccurrences(of: "_", with: "")) }
        guard !items.isEmpty, items.allSatisfy({ ($0 ?? 0) > 0 }) else { print("bad \(flag)"); usage() }
        return items.map { $0! }
    }
    func positive(_ flag: String) -> Int {
        guard let v = Int(value(flag)), v > 0 else { print("bad \(flag)"); usage() }
        return v
    }
    while let flag = rest.popFirst() {
        switch flag {
        case "--workers-councils", "-w": options.workersCouncils = list(flag)
        case "--goods", "-n": options.goods = list(flag)
        case "--repeats", "-r": options.repeats = positive(flag)
        case "--warmups": options.warmups = positive(flag)
        case "--blas-threads": options.blasThreads = positive(flag)
        case "--split": options.split = true
        case "--help", "-h": usage()
        default: print("unknown argument \(flag)"); usage()
        }
    }
    return options
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// Seconds of `body`, by the monotonic clock.
@inline(__always)
func seconds(_ body: () -> Void) -> Double {
    var start = timespec(), end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    body()
    clock_gettime(CLOCK_MONOTONIC, &end)
    return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

func fixed(_ x: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (x * scale).rounded() / scale
    var text = "\(r)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        if digits == 0 { text = String(text[..<dot]) }
    }
    return text
}

struct Row {
    var size: RoundSize
    var round, gemv, gemvT: Double          // median seconds
    var collect, move, resourcePair: Double?  // median seconds, with --split
    var bytes: Int
}

let options = parse(Array(CommandLine.arguments.dropFirst()))
if let threads = options.blasThreads { BLAS.setThreadCount(threads) }
print("OpenBLAS threads: \(BLAS.threadCount); repeats: \(options.repeats) (median), warm-up: \(options.warmups)")

var rows: [Row] = []
for w in options.workersCouncils {
    for n in options.goods {
        let size = RoundSize(workersCouncils: w, goods: n)
        var fixture: RoundFixture!
        let build = seconds {
            do { fixture = try RoundFixture(size) } catch { print("could not build \(size): \(error)"); exit(1) }
        }
        print("\(size): economy and PlanningRounds built in \(fixed(build, 1)) s; "
              + "matrix \(fixed(Double(fixture.matrixBytes) / 1e6, 0)) MB")

        for _ in 0..<options.warmups {
            fixture.round()
            fixture.gemv()
            fixture.gemvT()
        }
        var round: [Double] = [], gemv: [Double] = [], gemvT: [Double] = []
        var collect: [Double] = [], move: [Double] = [], resourcePair: [Double] = []
        round.reserveCapacity(options.repeats)
        gemv.reserveCapacity(options.repeats)
        gemvT.reserveCapacity(options.repeats)
        for r in 0..<options.repeats {
            // Rotate the order so that none of the three always follows the same one.
            for k in 0..<3 {
                switch (r + k) % 3 {
                case 0: round.append(seconds { fixture.round() })
                case 1: gemv.append(seconds { fixture.gemv() })
                default: gemvT.append(seconds { fixture.gemvT() })
                }
            }
            if options.split {
                collect.append(seconds { fixture.rounds.collectProposals() })
                move.append(seconds { fixture.rounds.movePrices() })
                resourcePair.append(seconds { fixture.resourceGemvPair() })
            }
        }
        if fixture.rounds.hasDiverged { print("warning: the rounds diverged (non-finite numbers)") }
        rows.append(Row(size: size, round: median(round), gemv: median(gemv), gemvT: median(gemvT),
                        collect: options.split ? median(collect) : nil,
                        move: options.split ? median(move) : nil,
                        resourcePair: options.split ? median(resourcePair) : nil, bytes: fixture.matrixBytes))
        fixture = nil
    }
}

print("")
let header = ["size", "round ms", "dgemv ms", "dgemvT ms", "round/dgemv", "round/(dgemv+dgemvT)",
              "dgemv GB/s", "dgemvT GB/s"]
let widths = header.map { max($0.count, 10) }
print(zip(header, widths).map { pad($0, $1) }.joined(separator: "  "))
for row in rows {
    let gb = Double(row.bytes) / 1e9
    let cells = [
        row.size.description, fixed(row.round * 1e3, 2), fixed(row.gemv * 1e3, 2), fixed(row.gemvT * 1e3, 2),
        fixed(row.round / row.gemv, 2), fixed(row.round / (row.gemv + row.gemvT), 2),
        fixed(gb / row.gemv, 1), fixed(gb / row.gemvT, 1),
    ]
    print(zip(cells, widths).map { pad($0, $1) }.joined(separator: "  "))
}
if options.split {
    print("")
    for row in rows {
        let rest = row.round - row.gemv - row.gemvT - row.resourcePair!
        print("\(row.size): collectProposals \(fixed(row.collect! * 1e3, 2)) ms, "
              + "movePrices \(fixed(row.move! * 1e3, 3)) ms; the round's two W×m resource gemv calls "
              + "\(fixed(row.resourcePair! * 1e3, 2)) ms; round − all four gemv calls "
              + "\(fixed(rest * 1e3, 2)) ms (medians)")
    }
}
