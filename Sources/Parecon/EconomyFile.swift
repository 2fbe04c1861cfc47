import FoundationEssentials
import Glibc

/// Reading and writing economy files (`"format": "parecon-economy/1"`, DESIGN §7).
///
/// Loading validates everything before anything is solved, and reports every problem found —
/// malformed JSON with its line and column, wrong types, missing or unknown fields, and the
/// semantic checks of ``Economy`` — in one ``EconomyError`` that names the file.
public enum EconomyFile {
    /// The format tag an economy file must carry.
    public static let format = "parecon-economy/1"

    /// Loads and validates the economy in the file at `path`.
    public static func load(path: String) throws(EconomyError) -> Economy {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            throw EconomyError(file: path, problems: [EconomyProblem(location: "", field: "", message: error.description)])
        }
        return try decode(bytes, file: path)
    }

    /// Decodes and validates an economy from the bytes of a file; `file` names it in errors.
    public static func decode(_ bytes: [UInt8], file: String? = nil) throws(EconomyError) -> Economy {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw EconomyError(file: file, problems: [EconomyProblem(
                location: "", field: "", message: "malformed JSON at line \(error.line), column \(error.column): \(error.message)")])
        }
        var decoder = EconomyDecoder()
        let parts = decoder.decodeEconomy(value)
        do {
            return try Economy(name: parts.name, goods: parts.goods, resources: parts.resources,
                               workersCouncils: parts.workersCouncils, consumersCouncils: parts.consumersCouncils,
                               findings: decoder.findings)
        } catch {
            var error = error
            error.file = file
            throw error
        }
    }

    /// The economy as a `parecon-economy/1` document.
    public static func encode(_ economy: Economy) -> JSONValue {
        func amounts(_ quantities: [Quantity]) -> JSONValue {
            .object(JSONObject(quantities.map { .init(key: $0.id, value: .number($0.amount)) }))
        }
        func withUnit(_ members: [JSONObject.Member], _ unit: String?) -> JSONValue {
            .object(JSONObject(members + (unit.map { [.init(key: "unit", value: .string($0))] } ?? [])))
        }
        let goods = economy.goods.map { withUnit([.init(key: "id", value: .string($0.id))], $0.unit) }
        let resources = economy.resources.map {
            withUnit([.init(key: "id", value: .string($0.id)), .init(key: "available", value: .number($0.available))], $0.unit)
        }
        let workers: [JSONValue] = economy.workersCouncils.map { council in
            var members: [JSONObject.Member] = [
                .init(key: "id", value: .string(council.id)),
                .init(key: "produces", value: amounts(council.produces)),
                .init(key: "uses", value: amounts(council.uses)),
                .init(key: "capacity", value: .number(council.capacity)),
            ]
            if let k = council.elasticity { members.append(.init(key: "elasticity", value: .number(k))) }
            return .object(JSONObject(members))
        }
        let consumers: [JSONValue] = economy.consumersCouncils.map { council in
            let preferences: JSONValue
            switch council.preferences {
            case let .cobbDouglas(weights):
                preferences = .object(JSONObject([.init(key: "cobbDouglas", value: amounts(weights))]))
            case let .ces(sigma, weights):
                preferences = .object(JSONObject([.init(key: "ces", value: .object(JSONObject([
                    .init(key: "sigma", value: .number(sigma)), .init(key: "weights", value: amounts(weights)),
                ])))]))
            }
            return .object(JSONObject([
                .init(key: "id", value: .string(council.id)),
                .init(key: "allowance", value: .number(council.allowance)),
                .init(key: "preferences", value: preferences),
            ]))
        }
        return .object(JSONObject([
            .init(key: "format", value: .string(format)),
            .init(key: "name", value: .string(economy.name)),
            .init(key: "goods", value: .array(goods)),
            .init(key: "resources", value: .array(resources)),
            .init(key: "workersCouncils", value: .array(workers)),
            .init(key: "consumersCouncils", value: .array(consumers)),
        ]))
    }
}

/// An error reading a file, with a message a user can act on.
struct FileReadError: Error, CustomStringConvertible {
    var description: String
}

/// Reads a whole file as bytes.
func readFile(_ path: String) throws(FileReadError) -> [UInt8] {
    var isDirectory = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw FileReadError(description: "cannot read the file: it does not exist")
    }
    if isDirectory { throw FileReadError(description: "cannot read the file: it is a directory") }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw FileReadError(description: "cannot read the file: permission denied or I/O error")
    }
    return [UInt8](data)
}
