extension RoundRecord {
    /// The header of a round trace (`parecon plan --trace FILE.csv`).
    public static let csvHeader = "round,max_imbalance,max_revision,largest_price_change,welfare,seconds"

    /// One row of a round trace, numbers in full precision.
    public var csvRow: String {
        "\(round),\(maxImbalance),\(maxRevision),\(largestPriceChange),\(welfare),\(seconds)"
    }
}
