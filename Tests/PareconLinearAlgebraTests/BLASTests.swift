import Testing
import PareconLinearAlgebra
import _TestSupport

@Suite struct BLASTests {
    @Test(arguments: [(1, 1), (3, 5), (7, 2), (40, 33)])
    func gemvMatchesNaiveLoops(rows: Int, columns: Int) {
        var random = TestRandom(seed: UInt64(rows * 100 + columns))
        let a = random.matrix(rows, columns)
        let x = random.vector(columns), xt = random.vector(rows)
        var y = random.vector(rows), yt = random.vector(columns)
        let y0 = y, yt0 = yt
        BLAS.gemv(.none, alpha: 2, a: a, x: x, beta: -0.5, y: &y)
        BLAS.gemv(.transposed, alpha: 1, a: a, x: xt, beta: 1, y: &yt)
        for i in 0..<rows {
            var sum = 0.0
            for j in 0..<columns { sum += a[i, j] * x[j] }
            #expect(close(y[i], 2 * sum - 0.5 * y0[i]))
        }
        for j in 0..<columns {
            var sum = 0.0
            for i in 0..<rows { sum += a[i, j] * xt[i] }
            #expect(close(yt[j], sum + yt0[j]))
        }
    }

    @Test func gemmMatchesNaiveLoopsInEveryTransposition() {
        var random = TestRandom(seed: 7)
        let a = random.matrix(4, 6), b = random.matrix(6, 5)
        for (ta, tb) in [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)] {
            // The stored operands are a or aᵀ; op(stored) is always a (and b).
            let opA = a, opB = b
            var c = Matrix(rows: 4, columns: 5, repeating: 1)
            BLAS.gemm(ta, tb, alpha: 1.5, a: ta == .none ? a : a.transposed, b: tb == .none ? b : b.transposed, beta: 2, c: &c)
            for i in 0..<4 {
                for j in 0..<5 {
                    var sum = 0.0
                    for k in 0..<6 { sum += opA[i, k] * opB[k, j] }
                    #expect(close(c[i, j], 1.5 * sum + 2))
                }
            }
        }
    }

    @Test func syrkIsTheFullSymmetricGram() {
        var random = TestRandom(seed: 11)
        let a = random.matrix(9, 4)
        var c = Matrix(rows: 4, columns: 4)
        BLAS.syrk(.transposed, a: a, c: &c)
        var outer = Matrix(rows: 9, columns: 9)
        BLAS.syrk(.none, alpha: 2, a: a, c: &outer)
        for i in 0..<4 {
            for j in 0..<4 {
                var sum = 0.0
                for k in 0..<9 { sum += a[k, i] * a[k, j] }
                #expect(close(c[i, j], sum))
            }
        }
        for i in 0..<9 {
            for j in 0..<9 {
                var sum = 0.0
                for k in 0..<4 { sum += a[i, k] * a[j, k] }
                #expect(close(outer[i, j], 2 * sum))
            }
        }
    }

    @Test func levelOneAgainstLoops() {
        var random = TestRandom(seed: 3)
        let x = random.vector(101)
        var y = random.vector(101)
        let y0 = y
        var dot = 0.0, squares = 0.0
        for i in x.indices {
            dot += x[i] * y0[i]
            squares += x[i] * x[i]
        }
        #expect(close(BLAS.dot(x, y0), dot))
        #expect(close(BLAS.nrm2(x), squares.squareRoot()))
        BLAS.axpy(alpha: -3, x: x, y: &y)
        for i in x.indices { #expect(close(y[i], y0[i] - 3 * x[i])) }
    }
}
