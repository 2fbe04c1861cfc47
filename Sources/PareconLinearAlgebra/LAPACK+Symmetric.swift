import CBLAS
import CLAPACKE

/// Symmetric kernels for the central planner's interior-point method: a pointer-level rank-k
/// update into the upper triangle (BLAS level 3, for assembling a normal matrix block of rows at
/// a time), Cholesky factorisation and solves (`dpotrf`/`dpotrs`), and Bunch–Kaufman `LDLᵀ`
/// (`dsysv`) for symmetric matrices that are not positive definite.
///
/// The pointer-based functions allocate nothing. Matrices are row-major with leading dimension
/// equal to their number of columns, like everything in this module.
extension BLAS {
    /// `C ← α AᵀA + β C` into the **upper triangle** of the row-major `columns × columns` matrix
    /// `C`, for a row-major `rows × columns` block `A` (leading dimension `columns`). Called block
    /// after block with `β = 1`, it accumulates `Σ_blocks AᵀA`. The lower triangle is not touched;
    /// see ``mirrorUpperTriangle(order:c:)``.
    @inlinable
    public static func symmetricRankUpdateUpper(
        rows: Int, columns: Int, alpha: Double, a: UnsafePointer<Double>, beta: Double, c: UnsafeMutablePointer<Double>
    ) {
        if rows == 0 || columns == 0 { return }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, blasInt(columns), blasInt(rows), alpha,
                    a, blasInt(columns), beta, c, blasInt(columns))
    }

    /// Copies the upper triangle of the row-major `order × order` matrix `c` into its lower one.
    public static func mirrorUpperTriangle(order n: Int, c: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            for j in 0..<i { c[i * n + j] = c[j * n + i] }
        }
    }

    /// `y ← α A x + β y` for a symmetric row-major `order × order` matrix of which the upper
    /// triangle is referenced (`dsymv`).
    @inlinable
    public static func symmetricMatrixVector(
        order n: Int, alpha: Double, a: UnsafePointer<Double>, x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        if n == 0 { return }
        cblas_dsymv(CblasRowMajor, CblasUpper, blasInt(n), alpha, a, blasInt(n), x, 1, beta, y, 1)
    }

    /// The same with the **lower** triangle referenced (the diagonal too).
    @inlinable
    public static func symmetricMatrixVectorLower(
        order n: Int, alpha: Double, a: UnsafePointer<Double>, x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        if n == 0 { return }
        cblas_dsymv(CblasRowMajor, CblasLower, blasInt(n), alpha, a, blasInt(n), x, 1, beta, y, 1)
    }
}

extension LAPACK {
    /// Cholesky factorisation `A = UᵀU` in place (`dpotrf`, upper triangle): on return the upper
    /// triangle of `a` holds `U`; the strict lower triangle is left as it was.
    ///
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` when the leading minor of that order is
    ///   not positive (the factorisation could not be completed).
    public static func choleskyFactorUpper(order n: Int, a: UnsafeMutablePointer<Double>) throws(LinearAlgebraError) {
        if n == 0 { return }
        let info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), a, Int32(n))
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dpotrf", argument: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: Int(info)) }
    }

    /// Solves `A x = b` in place with the Cholesky factor from ``choleskyFactorUpper(order:a:)``
    /// (`dpotrs`): on return `b` holds `x`.
    public static func choleskySolveUpper(order n: Int, factor: UnsafePointer<Double>, b: UnsafeMutablePointer<Double>) throws(LinearAlgebraError) {
        if n == 0 { return }
        let info = LAPACKE_dpotrs(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), 1, factor, Int32(n), b, 1)
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dpotrs", argument: Int(-info)) }
    }

    /// Solves `A x = b` for a symmetric (possibly indefinite) `A` by Bunch–Kaufman `LDLᵀ` with
    /// symmetric pivoting (`dsysv`, upper triangle referenced). `a` is overwritten by the factor
    /// and `b` by the solution.
    ///
    /// - Throws: `LinearAlgebraError.singular` when a diagonal block of `D` is exactly singular.
    public static func symmetricIndefiniteSolve(order n: Int, a: UnsafeMutablePointer<Double>, b: UnsafeMutablePointer<Double>) throws(LinearAlgebraError) {
        if n == 0 { return }
        var pivots = [Int32](repeating: 0, count: n)
        let info = pivots.withUnsafeMutableBufferPointer { ip in
            LAPACKE_dsysv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), 1, a, Int32(n), ip.baseAddress!, b, 1)
        }
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dsysv", argument: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.singular(routine: "dsysv", pivot: Int(info)) }
    }

    /// `dsysv` on a `Matrix`, for set-up code and tests: solves `A X = B` for symmetric `A`.
    public static func symmetricIndefiniteSolve(a: Matrix, b: inout Matrix) throws(LinearAlgebraError) {
        guard a.rows == a.columns, b.rows == a.rows else {
            throw LinearAlgebraError.dimensionMismatch("symmetricIndefiniteSolve: A is \(a.rows) × \(a.columns), B has \(b.rows) rows")
        }
        let n = a.rows
        if n == 0 || b.columns == 0 { return }
        var factor = a.elements
        var pivots = [Int32](repeating: 0, count: n)
        let nrhs = b.columns
        let info = factor.withUnsafeMutableBufferPointer { ap in
            b.elements.withUnsafeMutableBufferPointer { bp in
                pivots.withUnsafeMutableBufferPointer { ip in
                    LAPACKE_dsysv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), Int32(nrhs),
                                  ap.baseAddress!, Int32(n), ip.baseAddress!, bp.baseAddress!, Int32(nrhs))
                }
            }
        }
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dsysv", argument: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.singular(routine: "dsysv", pivot: Int(info)) }
    }
}
