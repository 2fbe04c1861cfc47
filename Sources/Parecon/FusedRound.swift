import Dispatch
import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// The workers' councils' half of a round in one pass over the technology matrices.
///
/// A round needs `π = V p − Bm q`, each council's proposal `x_w` (which depends only on its own
/// `π_w`), then the board's sums `Vᵀ x`, `Bmᵀ x` and gross supply. Done as whole-matrix products,
/// `V` is streamed from memory twice. Here the councils go in blocks of rows small enough to stay
/// in cache: for each block `B`
///
///     π_B = V_B p − Bm_B q                     (gemv on the block)
///     x_B = the councils' proposals            (``WorkersCouncilRule``, council by council)
///     s  += V_Bᵀ x_B,   r += Bm_Bᵀ x_B         (gemv on the block, still in cache)
///     g  += Σ_{w ∈ B} x_w produces_w            (``ProducesEntries``, walked in order)
///
/// so each block is read from memory once. With two threads, each owns a contiguous half of the
/// councils and its own partial sums, and the partial sums are added in thread order afterwards:
/// the result depends only on the problem's size, never on timing. OpenBLAS's own threads are
/// switched off during the pass (each call is one small block; the pass's threads split the work).
/// The second thread is the workspace's own (``FusedHelper``), started once, so a round allocates nothing.
enum FusedRound {
    /// Rows per block: about 384 KiB of `V` and `Bm` together, so that a block stays in a core's
    /// L2 cache between its two gemv calls.
    static func blockRows(goods: Int, resources: Int) -> Int {
        min(max(49_152 / max(goods + resources, 1), 16), 4_096)
    }

    /// Threads for the pass: two once the matrices are large enough (≥ 2 MiB) that a thread's
    /// start-up is small next to the pass, and there are at least two blocks; one otherwise.
    static func threads(workersCouncils w: Int, goods: Int, resources: Int, blockRows: Int) -> Int {
        w * (goods + resources) >= 262_144 && w >= 2 * blockRows ? 2 : 1
    }

    /// The most threads the workspace keeps partial sums for.
    static let maxThreads = 2

    static func run(_ problem: PlanningProblem, _ ws: PlanningWorkspace, settings: PlanningSettings) {
        let w = problem.workersCouncilCount, n = problem.goodCount, m = problem.resourceCount
        let stride = 2 * n + m
        let threads = min(max(ws.fusedThreads, 1), maxThreads, max(w, 1))
        for k in 0..<(threads * stride) { ws.partialSums[k] = 0 }
        if w > 0 {
            problem.netOutput.elements.withUnsafeBufferPointer { v in
                problem.resourceUse.elements.withUnsafeBufferPointer { b in
                    problem.outputs.withView { outputs in
                        problem.capacity.withUnsafeBufferPointer { cap in
                            problem.inverseElasticity.elasticity.withUnsafeBufferPointer { k in
                                let rule = WorkersCouncilRule(
                                    prices: UnsafePointer(ws.prices.baseAddress!), outputs: outputs,
                                    capacity: cap.baseAddress!, elasticity: k.baseAddress!,
                                    activity: ws.activity.baseAddress!, previousActivity: UnsafePointer(ws.previousActivity.baseAddress!),
                                    revisionRate: ws.revisionRate.baseAddress!,
                                    lastRelativeSurplus: ws.lastRelativeSurplus.baseAddress!,
                                    response: ws.hasResponses ? ws.response.baseAddress! : nil,
                                    stepShrink: settings.stepShrink, revisionGrowth: settings.revisionGrowth,
                                    maxRevisionRate: settings.maxRevisionRate)
                                let pass = Pass(
                                    rule: rule, v: v.baseAddress, b: b.baseAddress, n: n, m: m, w: w,
                                    resourcePrices: UnsafePointer(ws.resourcePrices.baseAddress!),
                                    surplus: ws.surplus.baseAddress!, partialSums: ws.partialSums.baseAddress!,
                                    stride: stride, blockRows: max(ws.fusedBlockRows, 1), threads: threads)
                                let blasThreads = BLAS.threadCount
                                if blasThreads > 1 { BLAS.setThreadCount(1) }
                                if threads == 1 {
                                    pass.run(part: 0)
                                } else {
                                    ws.fusedHelper.run(pass)
                                }
                                if blasThreads > 1 { BLAS.setThreadCount(blasThreads) }
                            }
                        }
                    }
                }
            }
        }
        // The partial sums, added in thread order.
        for i in 0..<n {
            var net = 0.0, gross = 0.0
            for t in 0..<threads {
                net += ws.partialSums[t * stride + i]
                gross += ws.partialSums[t * stride + n + m + i]
            }
            ws.netSupply[i] = net
            ws.grossSupply[i] = gross
        }
        for r in 0..<m {
            var use = 0.0
            for t in 0..<threads { use += ws.partialSums[t * stride + n + r] }
            ws.resourceUse[r] = use
        }
    }

    /// One thread's share of the pass: the councils `[w·t/T, w·(t+1)/T)`, block by block, into
    /// its own partial sums (`Vᵀx`, then `Bmᵀx`, then gross supply, at `t · stride`).
    struct Pass: @unchecked Sendable {
        let rule: WorkersCouncilRule
        let v: UnsafePointer<Double>?
        let b: UnsafePointer<Double>?
        let n: Int, m: Int, w: Int
        let resourcePrices: UnsafePointer<Double>
        let surplus: UnsafeMutablePointer<Double>
        let partialSums: UnsafeMutablePointer<Double>
        let stride: Int, blockRows: Int, threads: Int

        func run(part t: Int) {
            let first = w * t / threads, last = w * (t + 1) / threads
            let net = partialSums + t * stride, use = net + n, gross = use + m
            var row = first
            while row < last {
                let rows = min(blockRows, last - row)
                let y = surplus + row
                if n > 0, let v {
                    BLAS.gemv(.none, rows: rows, columns: n, alpha: 1, a: v + row * n, x: rule.prices, beta: 0, y: y)
                } else {
                    for k in 0..<rows { y[k] = 0 }
                }
                if m > 0, let b {
                    BLAS.gemv(.none, rows: rows, columns: m, alpha: -1, a: b + row * m, x: resourcePrices, beta: 1, y: y)
                }
                // One loop per form of the outputs, chosen once per block (see ``ProducesEntries``):
                // with one output a council, its value is `0 + amount · price`, as the general sum gives.
                if rule.outputs.isSingle {
                    rule.outputs.forEach(row..<(row + rows)) { council, good, amount in
                        rule.propose(council, surplus: surplus[council]) { 0 + amount * rule.prices[good] }
                    }
                } else {
                    for council in row..<(row + rows) {
                        rule.propose(council, surplus: surplus[council]) { rule.outputs.value(council, prices: rule.prices) }
                    }
                }
                let x = UnsafePointer(rule.activity + row)
                if n > 0, let v {
                    BLAS.gemv(.transposed, rows: rows, columns: n, alpha: 1, a: v + row * n, x: x, beta: 1, y: net)
                }
                if m > 0, let b {
                    BLAS.gemv(.transposed, rows: rows, columns: m, alpha: 1, a: b + row * m, x: x, beta: 1, y: use)
                }
                rule.outputs.forEach(row..<(row + rows)) { council, good, amount in
                    let activity = x[council - row]
                    if activity != 0 { gross[good] += activity * amount }
                }
                row += rows
            }
        }
    }
}

/// The fused round's second thread: started once per workspace, it waits for a pass, runs its
/// second half while the caller runs the first, and signals when done. Semaphores only, so that a
/// round allocates nothing (a `concurrentPerform` cost a few mallocs per round).
final class FusedHelper: @unchecked Sendable {
    private let start = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let job = UnsafeMutablePointer<FusedRound.Pass?>.allocate(capacity: 1)
    /// Written before `start` is signalled, read after it is waited for.
    private var stopping = false

    init() {
        job.initialize(to: nil)
        // A POSIX thread (Foundation's `Thread` is not in FoundationEssentials); it holds the
        // helper until `stop()` ends its loop.
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let helper = Unmanaged<FusedHelper>.fromOpaque(context!).takeRetainedValue()
            helper.loop()
            return nil
        }, Unmanaged.passRetained(self).toOpaque())
        precondition(created == 0, "cannot start the fused round's thread: \(String(cString: strerror(created)))")
        pthread_detach(thread)
    }

    private func loop() {
        while true {
            start.wait()
            if stopping { break }
            job.pointee!.run(part: 1)
            done.signal()
        }
        job.deinitialize(count: 1)
        job.deallocate()
    }

    /// Runs a two-thread pass: part 1 on the helper, part 0 on the caller; returns when both are done.
    func run(_ pass: FusedRound.Pass) {
        job.pointee = pass
        start.signal()
        pass.run(part: 0)
        done.wait()
    }

    /// Lets the thread end (the workspace is going away).
    func stop() {
        stopping = true
        start.signal()
    }
}
