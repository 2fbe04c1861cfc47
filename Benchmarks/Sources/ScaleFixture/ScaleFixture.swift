// What the scale benchmarks share: the economies they plan (calibrated from an input–output
// table, synthetic, or read from a file), the memory-bandwidth bound of a round measured in the
// same process, peak memory, and a monotonic clock.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Parecon
import PareconLinearAlgebra

/// An economy the scale benchmarks plan.
public enum ScaleEconomy: Sendable, CustomStringConvertible {
    /// `CalibratedEconomy` from the table in `folder`.
    case calibrated(folder: String, workersCouncilsPerSector: Int, consumersCouncils: Int, heterogeneity: Double, seed: UInt64,
                    capacityMargin: Double = CalibratedEconomy.Defaults.capacityMargin,
                    labourMargin: Double = CalibratedEconomy.Defaults.labourMargin,
                    minimumSurplus: Double = CalibratedEconomy.Defaults.minimumSurplus)
    /// `SyntheticEconomy` with one resource (labour).
    case synthetic(goods: Int, workersCouncils: Int, consumersCouncils: Int, density: Double, seed: UInt64)
    /// An economy file, JSON or compact.
    case file(String)

    public var description: String {
        switch self {
        case let .calibrated(folder, k, c, s, seed, _, _, _):
            return "\(folder.split(separator: "/").last.map(String.init) ?? folder) K=\(k) C=\(c) S=\(s) seed=\(seed)"
        case let .synthetic(n, w, c, d, seed):
            return "synthetic \(w)x\(n) C=\(c) density=\(d) seed=\(seed)"
        case let .file(path):
            return path
        }
    }

    /// Builds (generates or loads) the economy.
    public func build() throws -> Economy {
        switch self {
        case let .calibrated(folder, k, c, s, seed, capacityMargin, labourMargin, minimumSurplus):
            let table = try InputOutputTable.read(folder: folder)
            return try CalibratedEconomy(table: table, workersCouncilsPerSector: k, consumersCouncils: c, heterogeneity: s, seed: seed,
                                         capacityMargin: capacityMargin, labourMargin: labourMargin,
                                         minimumSurplus: minimumSurplus).generate()
        case let .synthetic(n, w, c, d, seed):
            return try SyntheticEconomy(goods: n, workersCouncils: w, consumersCouncils: c, density: d, seed: seed).generate()
        case let .file(path):
            return try EconomyFileFormat.load(path: path)
        }
    }
}

/// Seconds by the monotonic clock.
public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Seconds that `body` takes.
@inline(__always)
public func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = monotonicSeconds()
    try body()
    return monotonicSeconds() - start
}

/// The process's peak resident memory (`VmHWM` of `/proc/self/status`), in bytes.
public func peakResidentBytes() -> Int {
    residentField("VmHWM:") ?? {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }()
}

/// The process's resident memory now (`VmRSS`), in bytes.
public func currentResidentBytes() -> Int { residentField("VmRSS:") ?? 0 }

private func residentField(_ name: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix(name) {
        let digits = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
        if let digits, let kilobytes = Int(digits) { return kilobytes * 1024 }
    }
    return nil
}

/// The memory-bandwidth bound of one planning round for a W × n technology matrix: the time of
/// the two passes a round makes over it — one `dgemv` (`V p`) and one transposed `dgemv`
/// (`Vᵀ x`) — measured on a matrix of that shape (medians of `repeats` timings, after a warm-up).
public struct BandwidthBound: Sendable {
    public var rows: Int
    public var columns: Int
    public var dgemvSeconds: Double
    public var dgemvTSeconds: Double

    /// Bytes of the matrix: what one pass streams.
    public var bytes: Int { rows * columns * 8 }
    /// The bound for one round: both passes.
    public var roundSeconds: Double { dgemvSeconds + dgemvTSeconds }
    /// The measured `dgemv` rate: bytes streamed per second over both passes.
    public var bytesPerSecond: Double { 2 * Double(bytes) / roundSeconds }

    public static func measure(rows: Int, columns: Int, repeats: Int = 7) -> BandwidthBound {
        // Values that are neither zero nor subnormal; their size does not matter to gemv.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        let matrix = Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) * 0x1p-53 - 0.25
        })
        let x = [Double](repeating: 1, count: columns), u = [Double](repeating: 0.5, count: rows)
        var y = [Double](repeating: 0, count: rows), z = [Double](repeating: 0, count: columns)
        var forward: [Double] = [], backward: [Double] = []
        for r in 0..<(repeats + 2) {
            let f = seconds { BLAS.gemv(.none, alpha: 1, a: matrix, x: x, beta: 0, y: &y) }
            let b = seconds { BLAS.gemv(.transposed, alpha: 1, a: matrix, x: u, beta: 0, y: &z) }
            if r >= 2 {  // two warm-up pairs
                forward.append(f)
                backward.append(b)
            }
        }
        return BandwidthBound(rows: rows, columns: columns, dgemvSeconds: median(forward), dgemvTSeconds: median(backward))
    }
}

public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// How a calibrated economy's plan compares with the table it was calibrated from, sector by
/// sector: planned output `X_j = Σ_{w ∈ j} x_w` (its councils' activity) against observed `x_j`.
public struct ObservedComparison: Sendable {
    /// `Σ_j |X_j − x_j| / Σ_j x_j`.
    public var weightedAbsoluteDeviation: Double
    /// The median of `|X_j / x_j − 1|` over sectors.
    public var medianRelativeDeviation: Double
    /// `Σ_j X_j / Σ_j x_j`.
    public var totalRatio: Double
    /// The largest `|X_j / x_j − 1|` and its sector.
    public var largestRelativeDeviation: Double
    public var largestSector: String
    /// Labour used by the plan / labour observed.
    public var labourRatio: Double

    /// Groups councils by the sector code before the last `/w` of their id (as
    /// `CalibratedEconomy` names them).
    public init(plan: Plan, economy: Economy, table: InputOutputTable) {
        var planned: [String: Double] = [:]
        for (w, council) in economy.workersCouncils.enumerated() {
            let code = council.id.ranges(of: "/w").last.map { String(council.id[..<$0.lowerBound]) } ?? council.id
            planned[code, default: 0] += plan.activity[w]
        }
        var absolute = 0.0, relative: [Double] = [], largest = 0.0, largestSector = ""
        for (j, sector) in table.sectors.enumerated() {
            let x = planned[sector.code] ?? 0
            absolute += abs(x - table.output[j])
            let r = abs(x / table.output[j] - 1)
            relative.append(r)
            if r > largest { largest = r; largestSector = sector.code }
        }
        let observed = table.output.reduce(0, +)
        weightedAbsoluteDeviation = absolute / observed
        medianRelativeDeviation = median(relative)
        totalRatio = planned.values.reduce(0, +) / observed
        largestRelativeDeviation = largest
        self.largestSector = largestSector
        let labourIndex = economy.resources.firstIndex { $0.id == CalibratedEconomy.labourID }
        labourRatio = labourIndex.map { plan.resourceUse[$0] / table.labour.reduce(0, +) } ?? .nan
    }
}
