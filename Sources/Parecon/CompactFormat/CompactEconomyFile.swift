import FoundationEssentials
import Glibc

/// The compact economy file (`parecon-economy-binary/1`): the same economy as a
/// `parecon-economy/1` JSON file, as little-endian arrays — the councils' technologies and
/// preferences in compressed-row form — so that an economy of 10^5–10^6 councils loads at close to
/// the disk's speed, and numpy can map it with `np.frombuffer`. JSON stays the format for small and
/// hand-written economies. The layout is in `docs/file-format-compact.md`:
///
///     magic "parecon-economy-binary/1" (24 bytes), 8 × u64 counts (n, m, W, C, P, U, Q, S bytes)
///     strings      u64 offsets[1 + 2n + 2m + W + C + 1], UTF-8 blob
///                  (name, good ids, good units, resource ids, resource units, workers' and
///                  consumers' council ids)
///     hasUnit      u8[n + m]
///     available    f64[m]
///     capacity     f64[W], elasticity f64[W] (+∞ = constant returns)
///     produces     u64 start[W + 1], u32 index[P], f64 amount[P]
///     uses         u64 start[W + 1], u32 index[U], f64 amount[U]
///     allowance    f64[C], sigma f64[C] (1 = Cobb–Douglas, otherwise CES with that σ)
///     weights      u64 start[C + 1], u32 index[Q], f64 amount[Q]
///
/// Every section starts at a multiple of 8 bytes (zero padding). An index names a good
/// (`0..<n`) or a resource (`n..<n+m`). Loading checks the layout (sizes, offsets, indices,
/// UTF-8) and then validates the economy exactly as the JSON loader does, with errors that name
/// the file, the entry and the field.
public enum CompactEconomyFile {
    /// The first 24 bytes of every compact economy file.
    public static let magic = Array("parecon-economy-binary/1".utf8)
    /// The usual file name extension.
    public static let fileExtension = "peb"

    /// Whether `bytes` start like a compact economy file.
    public static func isCompact(_ bytes: [UInt8]) -> Bool {
        bytes.count >= magic.count && Array(bytes[0..<magic.count]) == magic
    }

    // MARK: Writing

    /// The economy as the bytes of a compact file.
    public static func encode(_ economy: Economy) -> [UInt8] {
        let n = economy.goodCount, m = economy.resourceCount
        let workers = economy.workersCouncils, consumers = economy.consumersCouncils
        var column: [String: UInt32] = [:]
        column.reserveCapacity(n + m)
        for (i, good) in economy.goods.enumerated() { column[good.id] = UInt32(i) }
        for (r, resource) in economy.resources.enumerated() { column[resource.id] = UInt32(n + r) }

        var strings: [String] = [economy.name]
        strings += economy.goods.map(\.id) + economy.goods.map { $0.unit ?? "" }
        strings += economy.resources.map(\.id) + economy.resources.map { $0.unit ?? "" }
        strings += workers.ids
        strings += consumers.ids
        let stringBytes = strings.reduce(0) { $0 + $1.utf8.count }

        var producesCount = 0, usesCount = 0, weightsCount = 0
        for w in 0..<workers.count {
            producesCount += workers.produces(w).count
            usesCount += workers.usesColumns(w).count
        }
        weightsCount = consumers.weightCount
        let layout = CompactLayout(goods: n, resources: m, workersCouncils: workers.count, consumersCouncils: consumers.count,
                                   produces: producesCount, uses: usesCount, weights: weightsCount, stringBytes: stringBytes)

        var bytes = [UInt8](repeating: 0, count: layout.size)
        bytes.withUnsafeMutableBytes { buffer in
            var writer = ByteWriter(buffer: buffer)
            writer.bytes(magic)
            for count in [n, m, workers.count, consumers.count, producesCount, usesCount, weightsCount, stringBytes] {
                writer.u64(UInt64(count))
            }
            var offset: UInt64 = 0
            writer.u64(0)
            for string in strings {
                offset += UInt64(string.utf8.count)
                writer.u64(offset)
            }
            for string in strings { writer.bytes(string.utf8) }
            writer.align()
            for good in economy.goods { writer.u8(good.unit == nil ? 0 : 1) }
            for resource in economy.resources { writer.u8(resource.unit == nil ? 0 : 1) }
            writer.align()
            for resource in economy.resources { writer.f64(resource.available) }
            for capacity in workers.capacities { writer.f64(capacity) }
            for elasticity in workers.elasticities { writer.f64(elasticity ?? .infinity) }

            // Compressed rows: starts, then indices, then amounts. Ids the economy does not
            // know cannot occur: it was validated.
            func rows(_ count: Int, _ entries: (Int) -> [(column: Int, amount: Double)]) {
                var start: UInt64 = 0
                writer.u64(0)
                let all = (0..<count).map(entries)
                for row in all {
                    start += UInt64(row.count)
                    writer.u64(start)
                }
                for row in all { for entry in row { writer.u32(UInt32(entry.column)) } }
                writer.align()
                for row in all { for entry in row { writer.f64(entry.amount) } }
            }
            rows(workers.count) { w in workers.produces(w).map { (Int(column[$0.id]!), $0.amount) } }
            // The uses, one council at a time (each is rebuilt from V and Bm): starts, then each
            // council's indices and amounts written at their places.
            var usesStart: UInt64 = 0
            writer.u64(0)
            for w in 0..<workers.count {
                usesStart += UInt64(workers.usesColumns(w).count)
                writer.u64(usesStart)
            }
            let indexOffset = writer.offset, amountOffset = (indexOffset + 4 * usesCount + 7) & ~7
            var e = 0
            for w in 0..<workers.count {
                for entry in workers.usesColumns(w) {
                    writer.offset = indexOffset + 4 * e
                    writer.u32(UInt32(entry.column))
                    writer.offset = amountOffset + 8 * e
                    writer.f64(entry.amount)
                    e += 1
                }
            }
            writer.offset = amountOffset + 8 * usesCount
            for allowance in consumers.allowance { writer.f64(allowance) }
            for sigma in consumers.sigma { writer.f64(sigma) }
            rows(consumers.count) { c in
                var weights: [(column: Int, amount: Double)] = []
                consumers.forEachWeight(c) { weights.append(($0, $1)) }
                return weights
            }
            precondition(writer.offset == layout.size, "compact layout: wrote \(writer.offset) of \(layout.size) bytes")
        }
        return bytes
    }

    /// Writes the economy to `path` as a compact file.
    public static func write(_ economy: Economy, to path: String) throws(FileWriteError) {
        try writeFile(encode(economy), to: path)
    }

    // MARK: Reading

    /// Loads and validates the compact economy file at `path`. The file is read a window at a
    /// time (``WindowedFile``), never mapped or held whole, so that none of its bytes are in the
    /// process's memory beside the economy but a few small windows.
    public static func load(path: String) throws(EconomyError) -> Economy {
        try load(path: path, windowSize: 1 << 16, windowCount: 8)
    }

    /// ``load(path:)`` with windows of a given size and number (the tests read through tiny ones).
    static func load(path: String, windowSize: Int, windowCount: Int) throws(EconomyError) -> Economy {
        let file = try WindowedFile(path: path, windowSize: windowSize, windowCount: windowCount)
        let result = Result { () throws(EconomyError) in try decode(file, file: path) }
        // Bytes that could not be read were read as zeros: the I/O error, not what they say.
        if file.failed { throw fileFailure(path, "cannot read the file: I/O error") }
        return try result.get()
    }

    /// Decodes and validates a compact economy from its bytes; `file` names it in errors.
    public static func decode(_ bytes: [UInt8], file: String? = nil) throws(EconomyError) -> Economy {
        let result: Result<Economy, EconomyError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(EconomyError) in try decode(buffer, file: file) }
        }
        return try result.get()
    }

    static func decode<Bytes: CompactBytes>(_ buffer: Bytes, file: String?) throws(EconomyError) -> Economy {
        var reader = CompactEconomyReader(buffer)
        let parts: CompactEconomyReader<Bytes>.Parts
        do {
            parts = try reader.read()
        } catch {
            throw EconomyError(file: file, problems: [EconomyProblem(location: error.location, field: error.field, message: error.message)])
        }
        if !parts.problems.isEmpty { throw EconomyError(file: file, problems: parts.problems) }
        return Economy(name: parts.name, goods: parts.goods, resources: parts.resources,
                       validatedWorkersCouncils: parts.workersCouncils!, consumersCouncils: parts.consumersCouncils!)
    }
}

/// Either economy file format, told apart by the file's first bytes.
public enum EconomyFileFormat: String, Sendable, CaseIterable {
    /// `parecon-economy/1` (JSON, DESIGN §7).
    case json
    /// `parecon-economy-binary/1` (``CompactEconomyFile``).
    case compact

    /// The format of the file at `path` by its extension: `.peb` is compact, anything else JSON.
    public static func forWriting(path: String) -> EconomyFileFormat {
        path.hasSuffix("." + CompactEconomyFile.fileExtension) ? .compact : .json
    }

    /// Loads an economy file of either format (compact files start with
    /// ``CompactEconomyFile/magic``; anything else is read as JSON).
    public static func load(path: String) throws(EconomyError) -> Economy {
        if try WindowedFile.startsWith(CompactEconomyFile.magic, path: path) { return try CompactEconomyFile.load(path: path) }
        return try EconomyFile.decode(readWholeFile(path), file: path)
    }

    /// The economy in this format, as bytes (JSON: pretty-printed with a final newline, as
    /// `parecon generate` writes it).
    public func encode(_ economy: Economy) -> [UInt8] {
        switch self {
        case .json: return Array((EconomyFile.encode(economy).serialized(pretty: true) + "\n").utf8)
        case .compact: return CompactEconomyFile.encode(economy)
        }
    }

    /// Writes the economy to `path` in this format.
    public func write(_ economy: Economy, to path: String) throws(FileWriteError) {
        try writeFile(encode(economy), to: path)
    }
}

/// The bytes of the file at `path`, read straight into one array (no intermediate `Data`, so a
/// file of hundreds of megabytes is held once); a file that cannot be read is an ``EconomyError``
/// naming it.
func readWholeFile(_ path: String) throws(EconomyError) -> [UInt8] {
    let (descriptor, size) = try openForReading(path)
    defer { close(descriptor) }
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        var done = 0
        while done < size {
            let got = read(descriptor, buffer.baseAddress! + done, size - done)
            if got <= 0 { failed = got < 0; break }
            done += got
        }
        count = done
    }
    if failed || bytes.count != size { throw fileFailure(path, "cannot read the file: I/O error") }
    return bytes
}

func fileFailure(_ path: String, _ message: String) -> EconomyError {
    EconomyError(file: path, problems: [EconomyProblem(location: "", field: "", message: message)])
}

/// The file at `path` opened for reading (a descriptor the caller closes), and its size; a file
/// that cannot be read is an ``EconomyError`` naming it.
func openForReading(_ path: String) throws(EconomyError) -> (Int32, Int) {
    var isDirectory = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw fileFailure(path, "cannot read the file: it does not exist")
    }
    if isDirectory { throw fileFailure(path, "cannot read the file: it is a directory") }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw fileFailure(path, "cannot read the file: permission denied") }
    let size = Int(lseek(descriptor, 0, SEEK_END))
    guard size >= 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
        close(descriptor)
        throw fileFailure(path, "cannot read the file: it cannot be sized")
    }
    return (descriptor, size)
}

/// A file that could not be written.
public struct FileWriteError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write the file: \(reason)" }
}

func writeFile(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
    guard FileManager.default.createFile(atPath: path, contents: nil) else {
        var isDirectory = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        throw FileWriteError(path: path, reason: exists && isDirectory ? "it is a directory"
                             : "the folder does not exist or is not writable")
    }
    let descriptor = open(path, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        throw FileWriteError(path: path, reason: "cannot open it for writing")
    }
    let failure: Int32? = bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, min(buffer.count - offset, 64 << 20))
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
    if close(descriptor) != 0, failure == nil {
        throw FileWriteError(path: path, reason: systemMessage(errno))
    }
    if let failure { throw FileWriteError(path: path, reason: systemMessage(failure)) }
}

/// The C library's text for `code` (`strerror`), e.g. "No space left on device".
func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Writes little-endian numbers into a buffer of the file's exact size.
struct ByteWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var offset = 0

    init(buffer: UnsafeMutableRawBufferPointer) {
        self.buffer = buffer
    }

    mutating func bytes<S: Sequence<UInt8>>(_ bytes: S) {
        for byte in bytes {
            buffer[offset] = byte
            offset += 1
        }
    }

    mutating func u8(_ value: UInt8) {
        buffer[offset] = value
        offset += 1
    }

    /// Zero bytes (the buffer starts zeroed) up to the next multiple of 8.
    mutating func align() { offset = (offset + 7) & ~7 }

    mutating func u32(_ value: UInt32) {
        buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
        offset += 4
    }

    mutating func u64(_ value: UInt64) {
        buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
    }

    mutating func f64(_ value: Double) { u64(value.bitPattern) }
}

/// The sizes of a compact file's sections, from its eight counts.
struct CompactLayout {
    var goods: Int, resources: Int, workersCouncils: Int, consumersCouncils: Int
    var produces: Int, uses: Int, weights: Int, stringBytes: Int

    static let headerSize = 24 + 8 * 8

    var stringCount: Int { 1 + 2 * goods + 2 * resources + workersCouncils + consumersCouncils }

    /// The file's size in bytes.
    var size: Int {
        func aligned(_ x: Int) -> Int { (x + 7) & ~7 }
        let (n, m, w, c) = (goods, resources, workersCouncils, consumersCouncils)
        return Self.headerSize + 8 * (stringCount + 1) + aligned(stringBytes) + aligned(n + m) + 8 * (m + 2 * w)
            + 8 * (w + 1) + aligned(4 * produces) + 8 * produces + 8 * (w + 1) + aligned(4 * uses) + 8 * uses
            + 16 * c + 8 * (c + 1) + aligned(4 * weights) + 8 * weights
    }
}
