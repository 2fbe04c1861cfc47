import PareconLinearAlgebra

/// Gaussian elimination with partial pivoting on plain arrays: the independent reference that
/// tests compare LAPACK and the planners against.
public func naiveSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    let n = b.count
    var m = (0..<n).map { a[$0] + [b[$0]] }
    for k in 0..<n {
        let p = (k..<n).max { abs(m[$0][k]) < abs(m[$1][k]) }!
        m.swapAt(k, p)
        for i in (k + 1)..<n {
            let factor = m[i][k] / m[k][k]
            for j in k...n { m[i][j] -= factor * m[k][j] }
        }
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        var s = m[i][n]
        for j in (i + 1)..<n { s -= m[i][j] * x[j] }
        x[i] = s / m[i][i]
    }
    return x
}

/// `naiveSolve` for a row-major `Matrix`.
public func naiveSolve(_ a: Matrix, _ b: [Double]) -> [Double] {
    naiveSolve((0..<a.rows).map { a.row($0) }, b)
}

/// Whether `a` and `b` agree to `tolerance`, relative to the larger magnitude (or absolute below 1).
public func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}
