import Foundation
import Testing
import _TestSupport
@testable import Parecon

/// The compact reader's windowed file (``WindowedFile``) against the flat buffer of the same
/// bytes: every value, at offsets across the windows' edges, strings longer than a window, and
/// whole compact files (good and damaged) read through tiny windows as through the flat buffer.
@Suite struct WindowedFileTests {
    /// A temporary folder with `bytes` written to `name`; the folder is removed by `body`'s end.
    static func withFile<R>(_ bytes: [UInt8], _ body: (String) throws -> R) throws -> R {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-windowed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("f.bin").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return try body(path)
    }

    /// Random reads of every size the reader uses (and byte runs up to several windows long)
    /// give the flat buffer's bytes, for windows of a few sizes and numbers; the reads jump
    /// around (refilling windows) and also run in interleaved sequential streams (as the reader's
    /// sections do).
    @Test(arguments: [(8, 1), (16, 3), (64, 8), (100, 2)])
    func readsAgreeWithTheFlatBuffer(_ windowSize: Int, _ windowCount: Int) throws {
        var random = TestRandom(seed: UInt64(windowSize * 10 + windowCount))
        let bytes = (0..<1000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        try Self.withFile(bytes) { path in
            let file = try WindowedFile(path: path, windowSize: windowSize, windowCount: windowCount)
            #expect(file.count == bytes.count)
            try bytes.withUnsafeBytes { flat in
                for step in 0..<3000 {
                    let position = step < 1500 ? Int(random.next() % UInt64(bytes.count))
                        : (step % 5) * 190 + (step - 1500) / 5 % 190  // five streams, a byte at a time
                    if position + 8 <= bytes.count {
                        #expect(file.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                                == flat.loadUnaligned(fromByteOffset: position, as: UInt64.self), "u64 at \(position)")
                    }
                    if position + 4 <= bytes.count {
                        #expect(file.loadUnaligned(fromByteOffset: position, as: UInt32.self)
                                == flat.loadUnaligned(fromByteOffset: position, as: UInt32.self), "u32 at \(position)")
                    }
                    #expect(file[position] == bytes[position], "byte at \(position)")
                    let length = Int(random.next() % UInt64(3 * windowSize + 1))
                    let end = min(bytes.count, position + length)
                    let run = file.withBytes(position..<end) { Array($0) }
                    #expect(run == Array(bytes[position..<end]), "bytes \(position)..<\(end)")
                    _ = try #require(!file.failed)
                }
                _ = flat
            }
        }
    }

    /// The last bytes of the file, a value ending exactly at its end, an empty run and an empty
    /// file.
    @Test func theFilesEndsAndAnEmptyFile() throws {
        let bytes: [UInt8] = Array(0..<21)
        try Self.withFile(bytes) { path in
            let file = try WindowedFile(path: path, windowSize: 8, windowCount: 2)
            #expect(file.loadUnaligned(fromByteOffset: 13, as: UInt64.self) == UInt64(littleEndian: (0..<8).reduce(0) { $0 | UInt64(13 + $1) << (8 * UInt64($1)) }))
            #expect(file[20] == 20)
            #expect(file.withBytes(21..<21) { $0.count } == 0)
            #expect(file.withBytes(2..<21) { Array($0) } == Array(bytes[2...]))
            #expect(!file.failed)
        }
        try Self.withFile([]) { path in
            let file = try WindowedFile(path: path)
            #expect(file.count == 0 && file.withBytes(0..<0) { $0.count } == 0 && !file.failed)
        }
    }

    /// A compact file loads through windows of 8 to 64 bytes (values across every edge, strings
    /// longer than a window) as the same economy as decoded from its bytes.
    @Test(arguments: [(8, 1), (8, 8), (24, 3), (64, 6)])
    func compactFilesLoadThroughTinyWindows(_ windowSize: Int, _ windowCount: Int) throws {
        let economy = try SyntheticEconomy(goods: 12, resources: 2, workersCouncils: 60, consumersCouncils: 9, density: 0.4,
                                           constantReturnsShare: 0.5, cesShare: 0.5, seed: 5).generate()
        let bytes = CompactEconomyFile.encode(economy)
        let long = try Economy(name: String(repeating: "a long economy name, ", count: 20), goods: economy.goods, resources: economy.resources,
                           workersCouncils: Array(economy.workersCouncils), consumersCouncils: Array(economy.consumersCouncils))
        for encoded in [bytes, CompactEconomyFile.encode(long)] {
            try Self.withFile(encoded) { path in
                let loaded = try CompactEconomyFile.load(path: path, windowSize: windowSize, windowCount: windowCount)
                #expect(CompactEconomyFile.encode(loaded) == encoded)
                #expect(try loaded.workersCouncils == CompactEconomyFile.decode(encoded).workersCouncils)
            }
        }
    }

    /// Damaged compact files give the same error through tiny windows as from their bytes: each
    /// of many single-byte changes (and truncations) of the DESIGN example.
    @Test func damagedFilesGiveTheSameErrors() throws {
        let economy = try CompactEconomyFileTests.designExample()
        let bytes = CompactEconomyFile.encode(economy)
        func message(_ body: () throws -> Economy) -> String {
            do { _ = try body(); return "" } catch { return "\(error)" }
        }
        var variants: [[UInt8]] = [[], Array(bytes.prefix(40)), Array(bytes.dropLast(8))]
        var random = TestRandom(seed: 11)
        for position in stride(from: 24, to: bytes.count, by: 3) {
            var damaged = bytes
            damaged[position] = position % 2 == 0 ? 0xFF : UInt8(truncatingIfNeeded: random.next())
            variants.append(damaged)
        }
        var failures = 0
        for damaged in variants {
            let expected = message { try CompactEconomyFile.decode(damaged, file: "PATH") }
            try Self.withFile(damaged) { path in
                let got = message { try CompactEconomyFile.load(path: path, windowSize: 16, windowCount: 3) }
                #expect(got == expected.replacingOccurrences(of: "PATH", with: path))
                if !expected.isEmpty { failures += 1 }
            }
        }
        #expect(failures > variants.count / 2)  // most of them are errors
    }
}
