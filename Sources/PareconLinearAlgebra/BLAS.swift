import CBLAS

/// Whether a matrix operand enters an operation as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Thin wrappers over CBLAS for row-major data.
///
/// The pointer-based functions allocate nothing and are what the planning round loop calls;
/// the `Matrix`/array overloads are for set-up code and tests. Dimensions are checked with
/// `precondition` on the array overloads (a mismatch is a programming error, not bad input).
public enum BLAS {
    // MARK: Level 1

    /// `y ← α x + y` over `count` elements.
    @inlinable
    public static func axpy(count: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(blasInt(count), alpha, x, 1, y, 1)
    }

    /// `x · y` over `count` elements.
    @inlinable
    public static func dot(count: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(blasInt(count), x, 1, y, 1)
    }

    /// Euclidean norm of `count` elements.
    @inlinable
    public static func nrm2(count: Int, _ x: UnsafePointer<Double>) -> Double {
        cblas_dnrm2(blasInt(count), x, 1)
    }

    public static func axpy(alpha: Double, x: [Double], y: inout [Double]) {
        precondition(x.count == y.count, "axpy: x has \(x.count) elements, y has \(y.count)")
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let xb = xp.baseAddress, let yb = yp.baseAddress else { return }
                axpy(count: xp.count, alpha: alpha, x: xb, y: yb)
            }
        }
    }

    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: x has \(x.count) elements, y has \(y.count)")
        return x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                guard let xb = xp.baseAddress, let yb = yp.baseAddress else { return 0 }
                return dot(count: xp.count, xb, yb)
            }
        }
    }

    public static func nrm2(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { xp in
            guard let xb = xp.baseAddress else { return 0 }
            return nrm2(count: xp.count, xb)
        }
    }

    // MARK: Level 2

    /// `y ← α op(A) x + β y` for a row-major `rows × columns` matrix `A` with leading
    /// dimension `columns`.
    @inlinable
    public static func gemv(
        _ transpose: Transpose, rows: Int, columns: Int, alpha: Double,
        a: UnsafePointer<Double>, x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(
            CblasRowMajor, transpose == .none ? CblasNoTrans : CblasTrans,
            blasInt(rows), blasInt(columns), alpha, a, blasInt(max(columns, 1)), x, 1, beta, y, 1)
    }

    public static func gemv(
        _ transpose: Transpose = .none, alpha: Double = 1, a: Matrix, x: [Double], beta: Double = 0, y: inout [Double]
    ) {
        let (xCount, yCount) = transpose == .none ? (a.columns, a.rows) : (a.rows, a.columns)
        precondition(x.count == xCount && y.count == yCount, "gemv: shapes do not fit")
        if a.rows == 0 || a.columns == 0 {
            for i in y.indices { y[i] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    gemv(transpose, rows: a.rows, columns: a.columns, alpha: alpha,
                         a: ap.baseAddress!, x: xp.baseAddress!, beta: beta, y: yp.baseAddress!)
                }
            }
        }
    }

    // MARK: Level 3

    /// `C ← α op(A) op(B) + β C`, all row-major.
    public static func gemm(
        _ transposeA: Transpose = .none, _ transposeB: Transpose = .none,
        alpha: Double = 1, a: Matrix, b: Matrix, beta: Double = 0, c: inout Matrix
    ) {
        let (m, k) = transposeA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transposeB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(k == kb && c.rows == m && c.columns == n, "gemm: shapes do not fit")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in c.elements.indices { c.elements[i] *= beta }
            return
        }
        let cColumns = c.columns
        a.elements.withUnsafeBufferPointer { ap in
            b.elements.withUnsafeBufferPointer { bp in
                c.elements.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemm(
                        CblasRowMajor, transposeA.cblas, transposeB.cblas,
                        blasInt(m), blasInt(n), blasInt(k), alpha,
                        ap.baseAddress!, blasInt(a.columns), bp.baseAddress!, blasInt(b.columns),
                        beta, cp.baseAddress!, blasInt(cColumns))
                }
            }
        }
    }

    /// Symmetric rank-k update `C ← α AᵀA + β C` (`transpose: .transposed`) or
    /// `C ← α A Aᵀ + β C` (`.none`). Only the upper triangle is referenced by BLAS; this wrapper
    /// mirrors it into the lower triangle so that `C` is a full symmetric matrix afterwards.
    public static func syrk(
        _ transpose: Transpose = .transposed, alpha: Double = 1, a: Matrix, beta: Double = 0, c: inout Matrix
    ) {
        let (n, k) = transpose == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        precondition(c.rows == n && c.columns == n, "syrk: C must be \(n) × \(n)")
        if n == 0 { return }
        if k == 0 {
            for i in c.elements.indices { c.elements[i] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { ap in
            c.elements.withUnsafeMutableBufferPointer { cp in
                cblas_dsyrk(
                    CblasRowMajor, CblasUpper, transpose.cblas, blasInt(n), blasInt(k), alpha,
                    ap.baseAddress!, blasInt(a.columns), beta, cp.baseAddress!, blasInt(n))
            }
        }
        for i in 0..<n {
            for j in 0..<i { c[i, j] = c[j, i] }
        }
    }

    /// `C ← α AᵀA + β C` for a row-major `rows × columns` matrix `A` (leading dimension
    /// `columns`) into the **upper triangle** of the row-major `columns × columns` matrix `C`.
    /// Allocates nothing; the caller mirrors the triangle if it needs the full matrix.
    @inlinable
    public static func syrkTransposedUpper(
        rows: Int, columns: Int, alpha: Double, a: UnsafePointer<Double>, beta: Double, c: UnsafeMutablePointer<Double>
    ) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, blasInt(columns), blasInt(rows), alpha,
                    a, blasInt(max(columns, 1)), beta, c, blasInt(max(columns, 1)))
    }

    // MARK: Threads

    /// The number of threads OpenBLAS uses.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses (process-wide).
    public static func setThreadCount(_ count: Int) { openblas_set_num_threads(Int32(count)) }
}

@usableFromInline
func blasInt(_ value: Int) -> blasint { blasint(truncatingIfNeeded: value) }
