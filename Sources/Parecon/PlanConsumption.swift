import PareconLinearAlgebra

/// A plan's consumption: C × n, row `c` is consumers' council `c`'s bundle. A council receives
/// only goods it weighs, so when the councils weigh few goods each the bundles are kept in
/// compressed rows (good index as `Int32` and amount, 12 bytes a good received, in good order);
/// otherwise as a dense matrix (8 bytes a cell), as a calibrated economy's councils, which each
/// weigh every good with final demand, need. Read like a matrix either way; every cell not kept
/// is exactly `+0`.
public struct PlanConsumption: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Compressed rows: row `c`'s cells are `column[start[c]..<start[c+1]]`, increasing, with
    /// `values` alongside. Dense (`start` empty): `values` is rows × columns.
    let start: [Int32]
    let column: [Int32]
    let values: [Double]

    /// A dense consumption matrix.
    public init(_ matrix: Matrix) {
        rows = matrix.rows
        columns = matrix.columns
        start = []
        column = []
        values = matrix.elements
    }

    /// Whether the cells are all kept (a dense matrix).
    var isDense: Bool { start.isEmpty }

    public subscript(row: Int, column: Int) -> Double {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "consumption index out of range")
        if isDense { return values[row * columns + column] }
        // Binary search of the row's kept goods.
        var low = Int(start[row]), high = Int(start[row + 1])
        let target = Int32(column)
        while low < high {
            let mid = (low + high) / 2
            if self.column[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low < Int(start[row + 1]) && self.column[low] == target ? values[low] : 0
    }

    /// The cells, row by row (a dense copy when the rows are compressed).
    public var elements: [Double] {
        if isDense { return values }
        var dense = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for e in Int(start[r])..<Int(start[r + 1]) { dense[r * columns + Int(column[e])] = values[e] }
        }
        return dense
    }

    /// The consumption as a dense matrix.
    public var matrix: Matrix { Matrix(rows: rows, columns: columns, elements: elements) }

    public static func == (a: PlanConsumption, b: PlanConsumption) -> Bool {
        a.rows == b.rows && a.columns == b.columns && a.elements == b.elements
    }

    /// Each council's bundle `row(c)` (n numbers), kept in compressed rows when the economy's
    /// councils weigh few enough goods that they are smaller: a bundle's cells are kept unless
    /// exactly `+0` (as a good the council does not weigh gets).
    init(_ consumers: ConsumersCouncils, row: (Int) -> [Double]) {
        let c = consumers.count, n = consumers.goods.count
        rows = c
        columns = n
        let received = consumers.weightCount
        if consumers.isDense || 4 * (c + 1) + 12 * received >= 8 * c * n {
            var dense = [Double](repeating: 0, count: c * n)
            for k in 0..<c {
                let bundle = row(k)
                for i in 0..<n { dense[k * n + i] = bundle[i] }
            }
            start = []
            column = []
            values = dense
            return
        }
        var start: [Int32] = [0], column: [Int32] = [], values: [Double] = []
        start.reserveCapacity(c + 1)
        column.reserveCapacity(received)
        values.reserveCapacity(received)
        for k in 0..<c {
            let bundle = row(k)
            for i in 0..<n where bundle[i].bitPattern != 0 {
                column.append(Int32(i))
                values.append(bundle[i])
            }
            start.append(Int32(column.count))
        }
        self.start = start
        self.column = column.withExactCapacity()
        self.values = values.withExactCapacity()
    }
}
