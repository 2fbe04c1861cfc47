import Testing
import PareconLinearAlgebra
import _TestSupport

@Suite struct LAPACKTests {
    @Test func gesvMatchesGaussianElimination() throws {
        var random = TestRandom(seed: 21)
        let a = random.matrix(12, 12), b = random.vector(12)
        let x = try LAPACK.solve(a, b)
        let reference = naiveSolve(a, b)
        for i in 0..<12 { #expect(close(x[i], reference[i], 1e-9)) }
    }

    @Test func gesvReportsASingularMatrix() {
        let a = Matrix([[1, 2, 3], [2, 4, 6], [1, 0, 1]])
        #expect(throws: LinearAlgebraError.self) { try LAPACK.solve(a, [1, 2, 3]) }
        do {
            _ = try LAPACK.solve(a, [1, 2, 3])
        } catch let error as LinearAlgebraError {
            guard case .singular(routine: "dgesv", _) = error else {
                Issue.record("expected a singular-matrix error, got \(error)")
                return
            }
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test func posvSolvesAGramSystemAndRejectsAnIndefiniteOne() throws {
        var random = TestRandom(seed: 5)
        let g = random.matrix(10, 6)
        var a = Matrix(rows: 6, columns: 6)
        BLAS.syrk(.transposed, a: g, c: &a)
        let b = random.vector(6)
        var rhs = Matrix(rows: 6, columns: 1, elements: b)
        try LAPACK.posv(a: a, b: &rhs)
        let reference = naiveSolve(a, b)
        for i in 0..<6 { #expect(close(rhs.elements[i], reference[i], 1e-8)) }

        var indefinite = Matrix(rows: 2, columns: 1, elements: [1, 1])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dposv", order: 2)) {
            try LAPACK.posv(a: Matrix([[1, 2], [2, 1]]), b: &indefinite)
        }
    }

    @Test func gelsMatchesTheNormalEquations() throws {
        var random = TestRandom(seed: 8)
        let a = random.matrix(15, 4), b = random.vector(15)
        let x = try LAPACK.gels(a: a, b: Matrix(rows: 15, columns: 1, elements: b)).elements
        // Normal equations AᵀA x = Aᵀb, solved by naive elimination.
        var ata = Matrix(rows: 4, columns: 4)
        BLAS.syrk(.transposed, a: a, c: &ata)
        var atb = [Double](repeating: 0, count: 4)
        for j in 0..<4 { for i in 0..<15 { atb[j] += a[i, j] * b[i] } }
        let reference = naiveSolve(ata, atb)
        for j in 0..<4 { #expect(close(x[j], reference[j], 1e-9)) }

        let rankDeficient = Matrix([[1, 0], [2, 0], [3, 0]])  // R(2,2) is exactly zero
        #expect(throws: LinearAlgebraError.self) {
            try LAPACK.gels(a: rankDeficient, b: Matrix(rows: 3, columns: 1, elements: [1, 2, 3]))
        }
    }
}

extension LAPACKTests {
    /// The allocation-free pointer forms give what the Matrix forms give.
    @Test func pointerFormsMatchTheMatrixForms() throws {
        var random = TestRandom(seed: 13)
        let g = random.matrix(9, 5)
        var spd = Matrix(rows: 5, columns: 5)
        BLAS.syrk(.transposed, a: g, c: &spd)
        let b = random.vector(5)
        var expected = Matrix(rows: 5, columns: 1, elements: b)
        try LAPACK.posv(a: spd, b: &expected)
        var upper = spd.elements
        for i in 0..<5 { for j in 0..<i { upper[i * 5 + j] = .nan } }  // only the upper triangle may be read
        var solution = b
        try upper.withUnsafeMutableBufferPointer { a in
            try solution.withUnsafeMutableBufferPointer { x in try LAPACK.posv(order: 5, a: a.baseAddress!, b: x.baseAddress!) }
        }
        for i in 0..<5 { #expect(close(solution[i], expected.elements[i], 1e-10)) }

        let a = random.matrix(8, 3), rhs = random.vector(8)
        let reference = try LAPACK.gels(a: a, b: Matrix(rows: 8, columns: 1, elements: rhs)).elements
        var columnMajor = a.transposed.elements
        var right = rhs
        let work = UnsafeMutableBufferPointer<Double>.allocate(capacity: LAPACK.gelsWorkspaceSize(rows: 8, columns: 3))
        defer { work.deallocate() }
        try columnMajor.withUnsafeMutableBufferPointer { ap in
            try right.withUnsafeMutableBufferPointer { bp in
                try LAPACK.gels(rows: 8, columns: 3, a: ap.baseAddress!, b: bp.baseAddress!, work: work)
            }
        }
        for j in 0..<3 { #expect(close(right[j], reference[j], 1e-10)) }
    }
}
