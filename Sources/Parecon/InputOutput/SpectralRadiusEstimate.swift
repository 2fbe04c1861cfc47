import FoundationEssentials
import Glibc
import PareconLinearAlgebra

/// Bounds on the spectral radius `ρ(A)` of a non-negative square matrix — whether an
/// input–output table is productive (`ρ(A) < 1`).
///
/// By the Collatz–Wielandt inequalities, for any vector `x > 0`
///
///     min_i (A x)_i / x_i  ≤  ρ(A)  ≤  max_i (A x)_i / x_i
///
/// so every iterate gives a certified bracket. The iterate is the power iteration of the shifted
/// matrix `A + c I` (`c` = ``shift``), which has the same Perron vector as `A` but keeps `x`
/// positive when `A` has zero rows and converges when `A` is periodic; the bracket closes as
/// `x` approaches the Perron vector. For a reducible `A` (whose Perron vector may have zeros) the
/// lower bound is also taken, every few iterations, on the iterate's large entries alone
/// (``supportLowerBound(_:_:_:)``). Each iteration is one `gemv`.
///
/// The iteration stops when the bracket is narrower than ``relativeWidth`` (relative), when its
/// lower end reaches 1 (certainly unproductive), or after ``maximumIterations``. If the bracket
/// still contains 1 then, `(I − A) y = 1` is solved by LU (`dgesv`): `ρ(A) < 1` exactly when
/// `I − A` is a non-singular M-matrix, i.e. when that `y` is positive (then `y ≥ 1`).
public struct SpectralRadiusEstimate: Sendable, Equatable {
    /// `ρ(A) ≥ lowerBound` and `ρ(A) ≤ upperBound`.
    public var lowerBound: Double
    public var upperBound: Double
    /// Power iterations run (one `gemv` each).
    public var iterations: Int
    /// Whether `ρ(A) < 1`: by the upper bound, or by the M-matrix test when the bracket contains 1.
    public var isBelowOne: Bool

    /// The middle of the bracket.
    public var estimate: Double { (lowerBound + upperBound) / 2 }

    public static let shift = 0.05
    public static let relativeWidth = 1e-6
    public static let maximumIterations = 5_000
    /// Every this many iterations the lower bound is also taken on the iterate's large entries.
    static let supportEvery = 20

    /// `y = A x`.
    static func multiply(_ a: Matrix, _ x: [Double], into y: inout [Double]) {
        let n = a.rows
        a.elements.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemv(.none, rows: n, columns: n, alpha: 1, a: ap.baseAddress!, x: xp.baseAddress!, beta: 0, y: yp.baseAddress!)
                }
            }
        }
    }

    /// The Collatz–Wielandt lower bound on the iterate's support: for `x_S` = `x` with its entries
    /// below `θ` set to zero (still non-negative and non-zero), `ρ(A) ≥ min_{i: x_i ≥ θ} (A x_S)_i / x_i`,
    /// with `A x_S = A x − A (x − x_S)` (one more `gemv`), for a few `θ`. When `A` is reducible its
    /// Perron vector can have (near-)zero entries, whose ratios keep the plain lower bound low.
    static func supportLowerBound(_ a: Matrix, _ x: [Double], _ ax: [Double]) -> Double {
        let n = a.rows
        var best = 0.0
        var small = [Double](repeating: 0, count: n), correction = [Double](repeating: 0, count: n)
        for threshold in [1e-2, 1e-4, 1e-6, 1e-9] {
            for i in 0..<n { small[i] = x[i] < threshold ? x[i] : 0 }
            multiply(a, small, into: &correction)
            var low = Double.infinity
            for i in 0..<n where x[i] >= threshold { low = min(low, (ax[i] - correction[i]) / x[i]) }
            if low.isFinite { best = max(best, low) }
        }
        return best
    }

    public init(lowerBound: Double, upperBound: Double, iterations: Int, isBelowOne: Bool) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.iterations = iterations
        self.isBelowOne = isBelowOne
    }

    /// Bounds `ρ(a)` for a square matrix with non-negative entries.
    public init(nonNegative a: Matrix) {
        precondition(a.rows == a.columns, "the spectral radius needs a square matrix")
        let n = a.rows
        guard n > 0 else {
            self.init(lowerBound: 0, upperBound: 0, iterations: 0, isBelowOne: true)
            return
        }
        var x = [Double](repeating: 1, count: n)
        var y = [Double](repeating: 0, count: n)
        var lower = 0.0, upper = Double.infinity
        var iterations = 0
        while iterations < Self.maximumIterations {
            iterations += 1
            Self.multiply(a, x, into: &y)
            var low = Double.infinity, high = 0.0
            for i in 0..<n {
                let ratio = y[i] / x[i]
                low = min(low, ratio)
                high = max(high, ratio)
            }
            if iterations % Self.supportEvery == 0 { low = max(low, Self.supportLowerBound(a, x, y)) }
            lower = max(lower, low)
            upper = min(upper, high)
            if lower >= 1 || upper - lower <= Self.relativeWidth * upper { break }
            // Next iterate (A + cI) x, scaled to a largest entry of 1 and kept away from underflow
            // (any positive x gives valid bounds).
            var largest = 0.0
            for i in 0..<n {
                y[i] += Self.shift * x[i]
                largest = max(largest, y[i])
            }
            for i in 0..<n { x[i] = max(y[i] / largest, 1e-150) }
        }
        let below: Bool
        if upper < 1 {
            below = true
        } else if lower >= 1 {
            below = false
        } else {
            below = Self.isNonSingularMMatrix(identityMinus: a)
        }
        self.init(lowerBound: lower, upperBound: upper, iterations: iterations, isBelowOne: below)
    }

    /// Whether `I − A` is a non-singular M-matrix (for `A ≥ 0`): `(I − A) y = 1` has a solution
    /// `y > 0`.
    static func isNonSingularMMatrix(identityMinus a: Matrix) -> Bool {
        let n = a.rows
        var m = Matrix(rows: n, columns: n)
        for k in m.elements.indices { m.elements[k] = -a.elements[k] }
        for i in 0..<n { m[i, i] += 1 }
        guard let y = try? LAPACK.solve(m, [Double](repeating: 1, count: n)) else { return false }
        return y.allSatisfy { $0 > 0 && $0.isFinite }
    }

    /// `≈ 0.4144` when the bracket is tight, `between 0.98 and 1.03` otherwise.
    var summary: String {
        if upperBound - lowerBound <= 1e-4 * upperBound {
            return "≈ " + printed("%.4f", estimate)
        }
        return "between " + printed("%.4g", lowerBound) + " and " + printed("%.4g", upperBound)
    }
}
