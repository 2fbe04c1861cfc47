import FoundationEssentials
import Glibc

/// A file mapped read-only into memory (a file that cannot be mapped, such as an empty one, is
/// read instead). The compact reader hands the mapped pages back as it goes
/// (`madvise(MADV_DONTNEED)`), so that a large file is never all resident beside the economy
/// built from it.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    /// Whether `bytes` is the mapping (otherwise a copy this object owns).
    let isMapped: Bool

    init(path: String) throws(EconomyError) {
        let (descriptor, size) = try openForReading(path)
        defer { close(descriptor) }
        if size > 0, let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED {
            bytes = UnsafeRawBufferPointer(start: address, count: size)
            isMapped = true
        } else {
            let copy = try readWholeFile(path)
            let owned = UnsafeMutableRawBufferPointer.allocate(byteCount: max(copy.count, 1), alignment: 8)
            copy.withUnsafeBytes { owned.copyMemory(from: $0) }
            bytes = UnsafeRawBufferPointer(start: owned.baseAddress, count: copy.count)
            isMapped = false
        }
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate()
        }
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
