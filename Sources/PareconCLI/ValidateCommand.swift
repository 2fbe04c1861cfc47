import ArgumentParser
import FoundationEssentials
import Glibc
import Parecon

/// `parecon validate FILE`: check an economy file without planning.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an economy file and report every problem in it.",
        discussion: """
            Examples:
              parecon validate plans/two-goods.json

            Exit status: 0 valid, 2 problems found (listed on stderr).
            """
    )

    @Argument(help: "An economy file (parecon-economy/1 JSON).")
    var file: String

    /// The format the file was read as, for the confirmation line.
    static func formatName(_ path: String) -> String {
        // Only the file's first bytes: reading all of a large compact file would double the
        // memory that loading it takes.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "parecon-economy/1" }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: CompactEconomyFile.magic.count)
        var count = 0
        while count < head.count {
            let got = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got <= 0 { break }
            count += got
        }
        return CompactEconomyFile.isCompact(Array(head.prefix(count))) ? "compact (.peb)" : "parecon-economy/1"
    }

    func run() throws {
        let economy = try EconomyFileFormat.load(path: file)
        let constantReturns = economy.workersCouncils.elasticities.filter { $0 == nil }.count
        print("\(file): valid \(Self.formatName(file)) economy\(economy.name.isEmpty ? "" : " \"\(economy.name)\"")")
        print("  \(count(economy.goodCount, "good")), \(count(economy.resourceCount, "primary resource")), "
              + "\(count(economy.workersCouncilCount, "workers' council", plural: "workers' councils")) (\(constantReturns) with constant returns), "
              + "\(count(economy.consumersCouncilCount, "consumers' council", plural: "consumers' councils"))")
    }
}
