import CLAPACKE

/// Thin wrappers over LAPACKE (row-major) that turn LAPACK's `info` into `LinearAlgebraError`.
///
/// Each routine works on copies held by the caller (`inout`), as LAPACK overwrites its inputs.
public enum LAPACK {
    /// Solves `A X = B` by LU with partial pivoting (`dgesv`). On return `b` holds `X`.
    ///
    /// - Throws: `LinearAlgebraError.singular` when a pivot is exactly zero.
    public static func gesv(a: Matrix, b: inout Matrix) throws {
        guard a.rows == a.columns, b.rows == a.rows else {
            throw LinearAlgebraError.dimensionMismatch("gesv: A is \(a.rows) × \(a.columns), B has \(b.rows) rows")
        }
        let n = a.rows
        if n == 0 || b.columns == 0 { return }
        var lu = a.elements
        var pivots = [Int32](repeating: 0, count: n)
        let nrhs = b.columns
        let info = lu.withUnsafeMutableBufferPointer { ap in
            b.elements.withUnsafeMutableBufferPointer { bp in
                pivots.withUnsafeMutableBufferPointer { ip in
                    LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), Int32(nrhs),
                                  ap.baseAddress!, Int32(n), ip.baseAddress!, bp.baseAddress!, Int32(nrhs))
                }
            }
        }
        try check(info, routine: "dgesv") { .singular(routine: "dgesv", pivot: $0) }
    }

    /// Solves `A x = b` for one right-hand side by `dgesv`.
    public static func solve(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        var rhs = Matrix(rows: b.count, columns: 1, elements: b)
        try gesv(a: a, b: &rhs)
        return rhs.elements
    }

    /// Solves `A X = B` for symmetric positive definite `A` by Cholesky (`dposv`, upper
    /// triangle referenced). On return `b` holds `X`.
    ///
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` when a leading minor is not positive.
    public static func posv(a: Matrix, b: inout Matrix) throws {
        guard a.rows == a.columns, b.rows == a.rows else {
            throw LinearAlgebraError.dimensionMismatch("posv: A is \(a.rows) × \(a.columns), B has \(b.rows) rows")
        }
        let n = a.rows
        if n == 0 || b.columns == 0 { return }
        var factor = a.elements
        let nrhs = b.columns
        let info = factor.withUnsafeMutableBufferPointer { ap in
            b.elements.withUnsafeMutableBufferPointer { bp in
                LAPACKE_dposv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), Int32(nrhs),
                              ap.baseAddress!, Int32(n), bp.baseAddress!, Int32(nrhs))
            }
        }
        try check(info, routine: "dposv") { .notPositiveDefinite(routine: "dposv", order: $0) }
    }

    /// Cholesky solve in place: `a` (row-major `n × n`, upper triangle referenced) is overwritten
    /// by its factor and `b` (`n` values) by the solution. Allocates nothing; for hot loops.
    ///
    /// The row-major upper triangle is the column-major lower triangle of the same memory, so the
    /// call goes to LAPACK in column-major form: LAPACKE's row-major path would allocate and
    /// transpose a copy.
    ///
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` when a leading minor is not positive.
    public static func posv(order n: Int, a: UnsafeMutablePointer<Double>, b: UnsafeMutablePointer<Double>) throws(LinearAlgebraError) {
        if n == 0 { return }
        let info = LAPACKE_dposv_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), 1, a, Int32(n), b, Int32(n))
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dposv", argument: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dposv", order: Int(info)) }
    }

    /// Solves `A x = b` in place with the Cholesky factor that ``posv(order:a:b:)`` left in `a`
    /// (`dpotrs`, column-major lower triangle: the same memory as the row-major upper one), for
    /// another right-hand side. Allocates nothing.
    public static func posvSolve(order n: Int, factor: UnsafePointer<Double>, b: UnsafeMutablePointer<Double>) throws(LinearAlgebraError) {
        if n == 0 { return }
        let info = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), 1, factor, Int32(n), b, Int32(n))
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dpotrs", argument: Int(-info)) }
    }

    /// The workspace size `dgels` needs for a column-major `rows × columns` problem with one
    /// right-hand side (LAPACK's workspace query).
    public static func gelsWorkspaceSize(rows: Int, columns: Int) -> Int {
        var query = 0.0
        var a = 0.0, b = 0.0
        _ = LAPACKE_dgels_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(rows), Int32(columns), 1,
                               &a, Int32(max(rows, 1)), &b, Int32(max(rows, 1)), &query, -1)
        return max(Int(query), 1)
    }

    /// Least squares `min ‖A x − b‖` in place for a column-major `rows × columns` matrix
    /// (`rows ≥ columns`, full rank) and one right-hand side: `a` is overwritten by its QR factor
    /// and the first `columns` entries of `b` by the solution. `work` holds at least
    /// ``gelsWorkspaceSize(rows:columns:)`` values. Allocates nothing; for hot loops.
    ///
    /// - Throws: `LinearAlgebraError.rankDeficient` when `A` does not have full rank.
    public static func gels(
        rows: Int, columns: Int, a: UnsafeMutablePointer<Double>, b: UnsafeMutablePointer<Double>,
        work: UnsafeMutableBufferPointer<Double>
    ) throws(LinearAlgebraError) {
        if columns == 0 { return }
        let info = LAPACKE_dgels_work(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(rows), Int32(columns), 1,
                                      a, Int32(rows), b, Int32(rows), work.baseAddress!, Int32(work.count))
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: "dgels", argument: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.rankDeficient(routine: "dgels", index: Int(info)) }
    }

    /// Least squares `min ‖A X − B‖` for a full-rank `m × n` matrix `A` with `m ≥ n`
    /// (`dgels`, QR). Returns the `n × nrhs` solution.
    ///
    /// - Throws: `LinearAlgebraError.rankDeficient` when `A` does not have full rank.
    public static func gels(a: Matrix, b: Matrix) throws -> Matrix {
        guard b.rows == a.rows else {
            throw LinearAlgebraError.dimensionMismatch("gels: A has \(a.rows) rows, B has \(b.rows)")
        }
        guard a.rows >= a.columns else {
            throw LinearAlgebraError.dimensionMismatch("gels: only overdetermined or square systems (m ≥ n) are supported; A is \(a.rows) × \(a.columns)")
        }
        let (m, n, nrhs) = (a.rows, a.columns, b.columns)
        if n == 0 || nrhs == 0 { return Matrix(rows: n, columns: nrhs) }
        var qr = a.elements
        var rhs = b.elements
        let info = qr.withUnsafeMutableBufferPointer { ap in
            rhs.withUnsafeMutableBufferPointer { bp in
                LAPACKE_dgels(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int32(m), Int32(n), Int32(nrhs),
                              ap.baseAddress!, Int32(n), bp.baseAddress!, Int32(nrhs))
            }
        }
        try check(info, routine: "dgels") { .rankDeficient(routine: "dgels", index: $0) }
        return Matrix(rows: n, columns: nrhs, elements: Array(rhs[0..<(n * nrhs)]))
    }

    private static func check(
        _ info: Int32, routine: String, positive: (Int) -> LinearAlgebraError
    ) throws {
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: routine, argument: Int(-info)) }
        if info > 0 { throw positive(Int(info)) }
    }
}
