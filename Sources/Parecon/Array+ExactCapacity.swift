extension Array {
    /// The same elements in an array of no more capacity than they need: the storage types
    /// (workers' and consumers' councils, ids, produces entries, the plan's consumption) grow
    /// their arrays by doubling while they are built, and keep them at their size.
    func withExactCapacity() -> [Element] {
        if capacity == count { return self }
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
        }
    }
}
