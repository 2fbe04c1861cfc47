import Foundation
import Testing
@testable import Parecon

/// The compact economy file (`parecon-economy-binary/1`): the same economy as JSON, its layout
/// as documented in `docs/file-format-compact.md`, and errors that name the entry and field.
@Suite struct CompactEconomyFileTests {
    static let plansFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("plans")

    static func designExample() throws -> Economy {
        try EconomyFile.load(path: plansFolder.appendingPathComponent("design-example.json").path)
    }

    static func jsonText(_ economy: Economy) -> String { EconomyFile.encode(economy).serialized(pretty: true) }

    /// Every example economy, and synthetic ones with CES councils and constant returns, come back
    /// from the compact form as the same economy: equal councils and a byte-identical JSON file.
    @Test(arguments: ["two-goods.json", "five-goods.json", "leontief.json", "ces-households.json", "design-example.json"])
    func examplesRoundTrip(_ name: String) throws {
        let economy = try EconomyFile.load(path: Self.plansFolder.appendingPathComponent(name).path)
        let back = try CompactEconomyFile.decode(CompactEconomyFile.encode(economy))
        #expect(back.name == economy.name && back.goods == economy.goods && back.resources == economy.resources)
        #expect(back.workersCouncils == economy.workersCouncils && back.consumersCouncils == economy.consumersCouncils)
        #expect(Self.jsonText(back) == Self.jsonText(economy))
    }

    @Test func syntheticEconomiesRoundTrip() throws {
        let economy = try SyntheticEconomy(goods: 9, resources: 3, workersCouncils: 40, consumersCouncils: 12, density: 0.4,
                                           constantReturnsShare: 0.5, cesShare: 0.5, seed: 8).generate()
        let back = try CompactEconomyFile.decode(CompactEconomyFile.encode(economy))
        #expect(back.workersCouncils == economy.workersCouncils && back.consumersCouncils == economy.consumersCouncils)
        #expect(back.workersCouncils.contains { $0.elasticity == nil } && back.consumersCouncils.contains {
            if case .ces = $0.preferences { return true } else { return false }
        })
        #expect(Self.jsonText(back) == Self.jsonText(economy))
    }

    /// The layout by hand for the DESIGN example (2 goods, 1 resource, 2 + 2 councils):
    /// header 24 + 64; string offsets (1 + 2·2 + 2·1 + 2 + 2 + 1 = 12) · 8 = 96; strings
    /// "Two goods, one resource" food tools t pieces labour h farm smithy north south = 66 bytes,
    /// padded to 72; unit flags 3 → 8; available 8; capacity and elasticity 2 · 16 = 32;
    /// produces 24 + 8 (2 u32, padded) + 16; uses 24 + 16 (3 u32, padded) + 24; allowance and
    /// sigma 32; weights 24 + 16 (4 u32) + 32. Total 520.
    @Test func theLayoutOfTheDesignExampleIsTheDocumentedOne() throws {
        let bytes = CompactEconomyFile.encode(try Self.designExample())
        #expect(bytes.count == 88 + 96 + 72 + 8 + 8 + 32 + 48 + 64 + 32 + 72)
        #expect(bytes.count == 520)
        #expect(Array(bytes[0..<24]) == Array("parecon-economy-binary/1".utf8))
        func u64(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) } }
        func f64(_ offset: Int) -> Double { Double(bitPattern: u64(offset)) }
        #expect((0..<8).map { u64(24 + 8 * $0) } == [2, 1, 2, 2, 2, 3, 4, 66])
        let strings = 88 + 96
        #expect(String(decoding: bytes[strings..<(strings + 23)], as: UTF8.self) == "Two goods, one resource")
        let available = strings + 72 + 8
        #expect(f64(available) == 50)
        #expect([f64(available + 8), f64(available + 16)] == [500, 200])     // capacity
        #expect([f64(available + 24), f64(available + 32)] == [50, 30])      // elasticity
        let allowance = available + 40 + 48 + 64
        #expect([f64(allowance), f64(allowance + 8)] == [60, 40])
        #expect([f64(allowance + 16), f64(allowance + 24)] == [1, 0.5])      // sigma: Cobb–Douglas, CES 0.5
    }

    @Test func bothFormatsLoadByTheirFirstBytes() throws {
        let economy = try Self.designExample()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parecon-compact-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for format in EconomyFileFormat.allCases {
            let path = folder.appendingPathComponent("economy.\(format == .json ? "json" : "peb")").path
            try format.write(economy, to: path)
            #expect(EconomyFileFormat.forWriting(path: path) == format)
            let back = try EconomyFileFormat.load(path: path)
            #expect(back.workersCouncils == economy.workersCouncils, "\(format)")
        }
        #expect(throws: FileWriteError.self) { try EconomyFileFormat.compact.write(economy, to: folder.path) }
    }

    // MARK: Bad files

    func error(_ bytes: [UInt8]) -> String {
        do {
            _ = try CompactEconomyFile.decode(bytes, file: "e.peb")
            return ""
        } catch {
            return error.description
        }
    }

    @Test func aFileThatIsNotCompactOrIsTruncated() throws {
        #expect(error(Array("{\"format\": \"parecon-economy/1\"}".utf8)) == "e.peb: not a compact economy file: it does not start with \"parecon-economy-binary/1\"")
        let bytes = CompactEconomyFile.encode(try Self.designExample())
        #expect(error(Array(bytes.prefix(40))) == "e.peb: header: the file ends inside its header (40 of 88 bytes); it may be truncated")
        let truncated = error(Array(bytes.dropLast(8)))
        #expect(truncated.hasPrefix("e.peb: header: the file is 512 bytes, but its header (2 goods, 1 resources, 2 workers' councils, 2 consumers' councils, 2 + 3 + 4 entries, 66 string bytes) calls for 520"))
        var huge = bytes
        huge[24 + 7] = 0x7F  // the goods count's top byte
        #expect(error(huge).contains("the header's count of goods"))
    }

    /// Offsets of the design example's sections (see the layout test).
    static let usesIndex = 88 + 96 + 72 + 8 + 8 + 32 + 48 + 24
    static let capacity = 88 + 96 + 72 + 8 + 8

    @Test func anIndexOutOfRangeNamesTheCouncilAndField() throws {
        var bytes = CompactEconomyFile.encode(try Self.designExample())
        bytes[Self.usesIndex + 4] = 99  // farm's second use (labour) → number 99
        #expect(error(bytes) == "e.peb: workersCouncils[0] \"farm\", field uses: entry 1 names good or resource number 99, but the file has 3 goods and resources")
    }

    @Test func theEconomysOwnChecksRunWithTheFileName() throws {
        var bytes = CompactEconomyFile.encode(try Self.designExample())
        let minusOne = (-1.0).bitPattern
        for k in 0..<8 { bytes[Self.capacity + k] = UInt8(truncatingIfNeeded: minusOne >> (8 * UInt64(k))) }
        #expect(error(bytes) == "e.peb: workersCouncils[0] \"farm\", field capacity: must be a positive finite number, found -1")
        var invalid = CompactEconomyFile.encode(try Self.designExample())
        invalid[88 + 96] = 0xFF  // the first byte of the name
        #expect(error(invalid) == "e.peb: strings: string 0 is not valid UTF-8")
    }
}
