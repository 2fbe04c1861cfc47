import ArgumentParser
import FoundationEssentials
import Glibc
import Parecon

/// The file format `parecon generate` writes.
enum EconomyOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case json
    case compact

    var fileFormat: EconomyFileFormat { self == .json ? .json : .compact }
}

/// `parecon generate`: write an economy file — calibrated from an input–output table, synthetic,
/// or an existing economy file converted between JSON and the compact format.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write an economy file: calibrated from an input–output table, synthetic, or converted.",
        discussion: """
            --from-io DIR calibrates an economy from a real input–output table (DESIGN §6): K \
            workers' councils per sector whose technologies scatter around the industry's, \
            capacities adding up to 5 % more than the observed output, labour available 2 % above \
            what the councils use at the observed output, and C consumers' councils whose weights \
            scatter around the observed final-demand shares. --synthetic draws a random productive \
            economy of any size. Given an economy file, generate converts it. The same options and \
            seed give the same file, byte for byte, on every platform.

            JSON goes to stdout unless --output is given; a file ending in .peb (or --format \
            compact) gets the compact binary format, which loads much faster at 10^5 councils and more.

            Examples:
              parecon generate --from-io ../shared/data/io/wiod16_usa_2014 --workers-councils-per-sector 10 \\
                  --consumers-councils 100 --heterogeneity 0.2 --seed 1 > wiod.json
              parecon generate --from-io ../shared/data/io/bea_detail_2017 --workers-councils-per-sector 249 \\
                  --consumers-councils 1000 --output bea-detail.peb
              parecon generate --synthetic --goods 400 --workers-councils 100000 --consumers-councils 1000 \\
                  --density 0.05 --seed 1 --output synthetic.peb
              parecon generate wiod.json --output wiod.peb

            Exit status: 0 written, 2 bad input or usage.
            """
    )

    @OptionGroup var source: EconomySource

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the economy to this file instead of stdout.", valueName: "file"))
    var output: String?

    @Option(help: "File format: json or compact (default: compact for a file ending in .peb, otherwise json).")
    var format: EconomyOutputFormat?

    var fileFormat: EconomyFileFormat {
        format?.fileFormat ?? output.map { EconomyFileFormat.forWriting(path: $0) } ?? .json
    }

    func validate() throws {
        if fileFormat == .compact && output == nil {
            throw ValidationError("the compact format is binary; give --output FILE.peb")
        }
    }

    func run() throws {
        let economy = try source.load()
        guard let output else {
            fileFormat.encode(economy).withUnsafeBytes { writeAll(STDOUT_FILENO, $0) }
            return
        }
        do {
            try fileFormat.write(economy, to: output)
        } catch {
            throw CLIError(description: error.description)
        }
        var status = stat()
        let size = stat(output, &status) == 0 ? Int(status.st_size) : 0
        standardError.write("\(output): \(economy.goodCount) goods, \(economy.resourceCount) primary resources, "
                            + "\(economy.workersCouncilCount) workers' councils, \(economy.consumersCouncilCount) consumers' councils "
                            + "(\(fileFormat.rawValue), \(size) bytes)\n")
    }
}
