// load-speed: how fast economy files load, format by format and stage by stage.
//
//   load-speed FILE [FILE ...] [--repeats R]
//
// For each file (JSON or compact, told apart by the first bytes): the median over R runs of
//   read       the file's bytes into memory
//   parse      JSON only: JSONParser.parse, the syntax tree (MB/s of the file)
//   load       the whole loader: EconomyFile.decode or CompactEconomyFile.decode — parsing or
//              layout checks, building the Economy and its validation (MB/s of the file)
// and the councils per second of the whole load.

import Foundation
import Parecon
import ScaleFixture

var files: [String] = []
var repeats = 3
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--repeats", let value = arguments.popFirst().flatMap({ Int($0) }) { repeats = value } else { files.append(argument) }
}
if files.isEmpty {
    print("usage: load-speed FILE [FILE ...] [--repeats R]")
    exit(2)
}

func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : String(repeating: " ", count: width - s.count) + s }

print([pad("file", 28), pad("format", 8), pad("MB", 8), pad("councils", 9), pad("read s", 7), pad("parse s", 8),
       pad("parse MB/s", 10), pad("load s", 7), pad("load MB/s", 9), pad("councils/s", 10)].joined(separator: " "))
for path in files {
    guard let data = FileManager.default.contents(atPath: path) else {
        print("\(path): cannot read")
        continue
    }
    let megabytes = Double(data.count) / 1e6
    let compact = data.starts(with: CompactEconomyFile.magic)
    var reads: [Double] = [], parses: [Double] = [], loads: [Double] = []
    var councils = 0
    for _ in 0..<repeats {
        var bytes: [UInt8] = []
        reads.append(seconds { bytes = [UInt8](FileManager.default.contents(atPath: path)!) })
        if !compact {
            parses.append(seconds { _ = try? JSONParser.parse(bytes) })
        }
        loads.append(seconds {
            do {
                let economy = compact ? try CompactEconomyFile.decode(bytes) : try EconomyFile.decode(bytes)
                councils = economy.workersCouncilCount + economy.consumersCouncilCount
            } catch {
                print("\(path): \(error)")
                exit(1)
            }
        })
    }
    let parse = compact ? nil : median(parses)
    let load = median(loads)
    print([pad((path as NSString).lastPathComponent, 28), pad(compact ? "compact" : "json", 8), pad(fixed(megabytes, 1), 8),
           pad("\(councils)", 9), pad(fixed(median(reads), 2), 7), pad(parse.map { fixed($0, 2) } ?? "-", 8),
           pad(parse.map { fixed(megabytes / $0, 0) } ?? "-", 10), pad(fixed(load, 2), 7), pad(fixed(megabytes / load, 0), 9),
           pad(fixed(Double(councils) / load, 0), 10)].joined(separator: " "))
}
