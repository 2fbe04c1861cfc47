/// Failures of the LAPACK routines, decoded from LAPACK's `info`, and dimension mismatches.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `info < 0`: argument number `argument` of `routine` had an illegal value.
    case illegalArgument(routine: String, argument: Int)
    /// `dgesv`: `U(pivot, pivot)` is exactly zero, so the matrix is singular (1-based pivot).
    case singular(routine: String, pivot: Int)
    /// `dposv`: the leading minor of order `order` is not positive definite.
    case notPositiveDefinite(routine: String, order: Int)
    /// `dgels`: diagonal element `index` of the triangular factor is zero: the matrix does not
    /// have full rank, and the least-squares solution cannot be computed.
    case rankDeficient(routine: String, index: Int)
    /// The operands' shapes do not fit together.
    case dimensionMismatch(String)

    public var description: String {
        switch self {
        case let .illegalArgument(routine, argument):
            return "\(routine): argument \(argument) had an illegal value"
        case let .singular(routine, pivot):
            return "\(routine): the matrix is singular (pivot \(pivot) is zero)"
        case let .notPositiveDefinite(routine, order):
            return "\(routine): the matrix is not positive definite (leading minor of order \(order))"
        case let .rankDeficient(routine, index):
            return "\(routine): the matrix does not have full rank (diagonal element \(index) of the factor is zero)"
        case let .dimensionMismatch(message):
            return "dimension mismatch: \(message)"
        }
    }
}
