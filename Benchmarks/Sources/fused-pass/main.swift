// fused-pass: could a round stream the technology matrix once instead of twice?
//
//   fused-pass [--workers-councils W] [--goods N] [--block B] [--repeats R]
//
// A round needs V p (the councils' unit surpluses), then each council's proposal x_w — which
// depends only on its own row's surplus — then Vᵀ x. Done as two whole-matrix gemv calls, V is
// streamed from memory twice. Done block by block (B rows at a time: y = V_B p, x_B from y,
// s += V_Bᵀ x_B while the block is still in cache) it is streamed once. This times both on a W × n
// matrix, with the two threads splitting the rows in the fused version (each its own partial sum),
// and prints the medians. An experiment for the round loop's owners, not a benchmark of parecon.

import Dispatch
import Foundation
import PareconLinearAlgebra
import ScaleFixture

final class Experiment: @unchecked Sendable {
    let w: Int, n: Int, block: Int
    let v: [Double], p: [Double], capacity: [Double]
    var surplus: [Double], activity: [Double], total: [Double]

    init(w: Int, n: Int, block: Int) {
        self.w = w
        self.n = n
        self.block = block
        var state: UInt64 = 7
        v = (0..<(w * n)).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53 - 0.25
        }
        p = [Double](repeating: 1, count: n)
        capacity = [Double](repeating: 100, count: w)
        surplus = [Double](repeating: 0, count: w)
        activity = [Double](repeating: 0, count: w)
        total = [Double](repeating: 0, count: n)
    }

    /// Two whole passes: surplus = V p, x = clamp(50 surplus, 0, cap), total = Vᵀ x.
    func twoPasses() {
        let (w, n) = (self.w, self.n)
        v.withUnsafeBufferPointer { a in
            BLAS.gemv(.none, rows: w, columns: n, alpha: 1, a: a.baseAddress!, x: p, beta: 0, y: &surplus)
            for k in 0..<w { activity[k] = min(max(50 * surplus[k], 0), capacity[k]) }
            BLAS.gemv(.transposed, rows: w, columns: n, alpha: 1, a: a.baseAddress!, x: activity, beta: 0, y: &total)
        }
    }

    /// One pass, block by block, rows split between `threads` workers each with its own partial sum.
    func fused(threads: Int) {
        let (w, n, block) = (self.w, self.n, self.block)
        nonisolated(unsafe) let partial = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads * n)
        partial.initialize(repeating: 0)
        defer { partial.deallocate() }
        let capacity = self.capacity
        v.withUnsafeBufferPointer { a in
            surplus.withUnsafeMutableBufferPointer { y in
                activity.withUnsafeMutableBufferPointer { x in
                    p.withUnsafeBufferPointer { prices in
                        nonisolated(unsafe) let yBase = y.baseAddress!, xBase = x.baseAddress!, aBase = a.baseAddress!, pBase = prices.baseAddress!
                        DispatchQueue.concurrentPerform(iterations: threads) { t in
                            let first = w * t / threads, last = w * (t + 1) / threads
                            var start = first
                            while start < last {
                                let rows = min(block, last - start)
                                let matrix = aBase + start * n
                                BLAS.gemv(.none, rows: rows, columns: n, alpha: 1, a: matrix, x: pBase, beta: 0, y: yBase + start)
                                for k in start..<(start + rows) { xBase[k] = min(max(50 * yBase[k], 0), capacity[k]) }
                                BLAS.gemv(.transposed, rows: rows, columns: n, alpha: 1, a: matrix, x: xBase + start, beta: 1,
                                          y: partial.baseAddress! + t * n)
                                start += rows
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<n {
            var s = 0.0
            for t in 0..<threads { s += partial[t * n + i] }
            total[i] = s
        }
    }
}

func run(w: Int, n: Int, block: Int, repeats: Int) {
    let experiment = Experiment(w: w, n: n, block: block)
    let bytes = Double(w * n * 8)
    print("\(w) x \(n) (\(Int(bytes / 1e6)) MB), block \(block) rows, OpenBLAS threads \(BLAS.threadCount)")
    var two: [Double] = [], one: [Double] = [], difference = 0.0
    for r in 0..<(repeats + 2) {
        let t2 = seconds { experiment.twoPasses() }
        let reference = experiment.total
        BLAS.setThreadCount(1)
        let t1 = seconds { experiment.fused(threads: 2) }
        BLAS.setThreadCount(2)
        difference = zip(reference, experiment.total).map { abs($0 - $1) / max(abs($0), 1) }.max() ?? 0
        if r >= 2 {
            two.append(t2)
            one.append(t1)
        }
    }
    print("largest relative difference of Vᵀx between the two: \(difference)")
    for (name, times) in [("two passes (OpenBLAS, 2 threads)", two), ("fused, one pass (2 threads × 1)", one)] {
        let t = median(times)
        print("\(name): \(String(format: "%.2f", t * 1e3)) ms, \(String(format: "%.1f", bytes / t / 1e9)) GB/s of V")
    }
}

var w = 100_000, n = 400, block = 128, repeats = 9
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    let value = Int(arguments.popFirst() ?? "") ?? 0
    switch flag {
    case "--workers-councils": w = value
    case "--goods": n = value
    case "--block": block = value
    case "--repeats": repeats = value
    default: print("usage: fused-pass [--workers-councils W] [--goods N] [--block B] [--repeats R]"); exit(2)
    }
}
run(w: w, n: n, block: block, repeats: repeats)
