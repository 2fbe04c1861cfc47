import Foundation
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
/// lower bound is taken over the iterate's entries above a threshold, with a correction that
/// keeps it a bound; it may still close slowly. Each iteration is one `gemv`.
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
    /// Entries of the iterate (whose largest entry is 1) below this count as zero for the lower bound.
    static let supportThreshold = 1e-9

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
        var rowSums = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { rowSums[i] += a.elements[i * n + j] } }
        var lower = 0.0, upper = Double.infinity
        var iterations = 0
        while iterations < Self.maximumIterations {
            iterations += 1
            a.elements.withUnsafeBufferPointer { ap in
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        BLAS.gemv(.none, rows: n, columns: n, alpha: 1, a: ap.baseAddress!, x: xp.baseAddress!,
                                  beta: 0, y: yp.baseAddress!)
                    }
                }
            }
            // The lower bound uses x' = x with its entries below τ set to zero (still ≥ 0, ≠ 0):
            // (A x')_i ≥ (A x)_i − r_i τ, r_i the row sum. For a reducible A whose Perron vector
            // has zeros, this lets the bracket close.
            var low = Double.infinity, high = 0.0, largest = 0.0
            for i in 0..<n {
                let ratio = y[i] / x[i]
                high = max(high, ratio)
                if x[i] >= Self.supportThreshold { low = min(low, (y[i] - rowSums[i] * Self.supportThreshold) / x[i]) }
                y[i] += Self.shift * x[i]
                largest = max(largest, y[i])
            }
            lower = max(lower, low)
            upper = min(upper, high)
            if lower >= 1 || upper - lower <= Self.relativeWidth * upper { break }
            // Next iterate, scaled to a largest entry of 1 and kept away from underflow (any
            // positive x gives valid bounds).
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
            return "≈ " + String(format: "%.4f", estimate)
        }
        return "between " + String(format: "%.4g", lowerBound) + " and " + String(format: "%.4g", upperBound)
    }
}
