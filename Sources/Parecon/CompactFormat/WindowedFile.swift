import Glibc

/// The bytes the compact reader reads from: a flat buffer (``CompactEconomyFile/decode(_:file:)``)
/// or a file read through a few small windows (``WindowedFile``). The reader needs fixed-size
/// values at byte offsets, single bytes, and short runs of bytes (the strings).
protocol CompactBytes {
    var count: Int { get }
    func loadUnaligned<T: BitwiseCopyable>(fromByteOffset offset: Int, as type: T.Type) -> T
    subscript(position: Int) -> UInt8 { get }
    /// Calls `body` with the bytes `range` (valid only during the call).
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R
}

extension UnsafeRawBufferPointer: CompactBytes {
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(rebasing: self[range]))
    }
}

/// A file read with `pread(2)` into a few fixed windows of anonymous memory, never mapped: the
/// file's pages stay in the page cache and none of them counts in the process's resident memory
/// (a mapped file's pages do, as many as the page cache keeps mapped at once). An access outside
/// every window refills the least recently used one to start at the access, so a handful of
/// sequential streams each keep a window, and a value across a window's edge is read whole. A run
/// of bytes longer than a window is read into a buffer of its own for the call.
///
/// A read that fails, or a file that has become shorter than its size when opened, gives zero
/// bytes and sets ``failed``: the caller reports the I/O error rather than what the zeros say.
final class WindowedFile: CompactBytes {
    let count: Int
    private let descriptor: Int32
    private let windowSize: Int
    private let windowCount: Int
    /// `windowCount × windowSize` bytes; window `i` starts at `memory + i · windowSize`.
    private let memory: UnsafeMutableRawPointer
    /// Per window: the file offset it holds from, how many bytes it holds (0: none), when it was
    /// last used; then the clock and the window last used (kept in memory this object owns, so
    /// that no access goes through a class property's exclusivity check).
    private let starts: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    private let lastUse: UnsafeMutablePointer<Int>
    private let state: UnsafeMutablePointer<Int>  // [clock, last window, failed]

    /// Opens the file at `path` (a file that cannot be read is an ``EconomyError`` naming it).
    init(path: String, windowSize: Int = 1 << 16, windowCount: Int = 8) throws(EconomyError) {
        precondition(windowSize >= 8 && windowCount >= 1)
        let (descriptor, size) = try openForReading(path)
        self.descriptor = descriptor
        count = size
        self.windowSize = windowSize
        self.windowCount = windowCount
        memory = UnsafeMutableRawPointer.allocate(byteCount: windowSize * windowCount, alignment: 8)
        starts = .allocate(capacity: windowCount)
        starts.initialize(repeating: 0, count: windowCount)
        lengths = .allocate(capacity: windowCount)
        lengths.initialize(repeating: 0, count: windowCount)
        lastUse = .allocate(capacity: windowCount)
        lastUse.initialize(repeating: 0, count: windowCount)
        state = .allocate(capacity: 3)
        state.initialize(repeating: 0, count: 3)
    }

    deinit {
        close(descriptor)
        memory.deallocate()
        starts.deallocate()
        lengths.deallocate()
        lastUse.deallocate()
        state.deallocate()
    }

    /// Whether a read failed or came up short (its bytes were read as zeros).
    var failed: Bool { state[2] != 0 }

    /// Where the `size` bytes at `offset` (within the file) are in memory: in a window, refilled
    /// if need be (`size` at most a window).
    @inline(__always)
    private func address(_ offset: Int, _ size: Int) -> UnsafeRawPointer {
        let last = state[1]
        let inLast = offset &- starts[last]
        if inLast >= 0 && inLast &+ size <= lengths[last] {
            return UnsafeRawPointer(memory + last * windowSize + inLast)
        }
        return slowAddress(offset, size)
    }

    private func slowAddress(_ offset: Int, _ size: Int) -> UnsafeRawPointer {
        state[0] += 1
        var oldest = 0
        for i in 0..<windowCount {
            let inside = offset &- starts[i]
            if inside >= 0 && inside &+ size <= lengths[i] {
                lastUse[i] = state[0]
                state[1] = i
                return UnsafeRawPointer(memory + i * windowSize + inside)
            }
            if lastUse[i] < lastUse[oldest] { oldest = i }
        }
        fill(oldest, from: offset)
        lastUse[oldest] = state[0]
        state[1] = oldest
        return UnsafeRawPointer(memory + oldest * windowSize)
    }

    /// Reads window `i` to hold the file from `offset` (as much of a window as the file has).
    private func fill(_ i: Int, from offset: Int) {
        let length = min(windowSize, count - offset)
        readFile(into: memory + i * windowSize, length, at: offset)
        starts[i] = offset
        lengths[i] = length
    }

    /// `length` bytes of the file from `offset`; what cannot be read is zeros (and ``failed``).
    private func readFile(into destination: UnsafeMutableRawPointer, _ length: Int, at offset: Int) {
        var done = 0
        while done < length {
            let got = pread(descriptor, destination + done, length - done, off_t(offset + done))
            if got < 0 && errno == EINTR { continue }
            if got <= 0 {
                (destination + done).initializeMemory(as: UInt8.self, repeating: 0, count: length - done)
                state[2] = 1
                return
            }
            done += got
        }
    }

    @inline(__always)
    func loadUnaligned<T: BitwiseCopyable>(fromByteOffset offset: Int, as type: T.Type) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "WindowedFile: read past the end of the file")
        return address(offset, MemoryLayout<T>.size).loadUnaligned(as: T.self)
    }

    subscript(position: Int) -> UInt8 {
        loadUnaligned(fromByteOffset: position, as: UInt8.self)
    }

    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "WindowedFile: read past the end of the file")
        if range.isEmpty { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        if range.count <= windowSize {
            return body(UnsafeRawBufferPointer(start: address(range.lowerBound, range.count), count: range.count))
        }
        let own = UnsafeMutableRawPointer.allocate(byteCount: range.count, alignment: 8)
        defer { own.deallocate() }
        readFile(into: own, range.count, at: range.lowerBound)
        return body(UnsafeRawBufferPointer(start: own, count: range.count))
    }

    /// Whether the file at `path` starts with `prefix` (reads only that many bytes).
    static func startsWith(_ prefix: [UInt8], path: String) throws(EconomyError) -> Bool {
        let (descriptor, _) = try openForReading(path)
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: prefix.count)
        var done = 0
        while done < prefix.count {
            let got = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + done, prefix.count - done) }
            if got <= 0 { break }
            done += got
        }
        return done == prefix.count && head == prefix
    }
}
