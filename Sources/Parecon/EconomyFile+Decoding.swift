/// Walks a parsed economy document, collecting structural problems (wrong types, missing and
/// unknown fields) with their location. A malformed entry is dropped from what is passed on to
/// the semantic checks, and its id is remembered so that references to it are not reported twice.
/// The kept entries' positions in the file go along, so that the semantic checks name them
/// by where they are in the file.
struct EconomyDecoder {
    /// Everything found so far, handed to the semantic checks.
    var findings = LoaderFindings()
    var problems: [EconomyProblem] { findings.problems }

    struct Parts {
        var name = ""
        var goods: [Good] = []
        var resources: [PrimaryResource] = []
        var workersCouncils: [WorkersCouncil] = []
        var consumersCouncils: [ConsumersCouncil] = []
    }

    private mutating func report(_ location: String, _ field: String, _ message: String) {
        findings.problems.append(EconomyProblem(location: location, field: field, message: message))
    }

    mutating func decodeEconomy(_ value: JSONValue) -> Parts {
        var parts = Parts()
        guard case let .object(top) = value else {
            report("", "", "the document must be a JSON object, found \(value.typeName)")
            findings.reportedLists = ["goods", "resources", "workersCouncils", "consumersCouncils"]
            return parts
        }
        checkKeys(top, "", allowed: ["format", "name", "goods", "resources", "workersCouncils", "consumersCouncils"])
        switch top["format"] {
        case .string(EconomyFile.format)?: break
        case let .string(other)?: report("", "format", "expected \"\(EconomyFile.format)\", found \"\(other)\"")
        case nil: report("", "format", "missing; expected \"\(EconomyFile.format)\"")
        case let other?: report("", "format", "expected the string \"\(EconomyFile.format)\", found \(other.typeName)")
        }
        if let name = top["name"] {
            if case let .string(s) = name { parts.name = s } else { report("", "name", "expected a string, found \(name.typeName)") }
        }
        parts.goods = list(top, "goods", required: true) { d, item, location in d.decodeGood(item, location) }
        parts.resources = list(top, "resources", required: false) { d, item, location in d.decodeResource(item, location) }
        parts.workersCouncils = list(top, "workersCouncils", required: true) { d, item, location in d.decodeWorkersCouncil(item, location) }
        parts.consumersCouncils = list(top, "consumersCouncils", required: true) { d, item, location in d.decodeConsumersCouncil(item, location) }
        return parts
    }

    // MARK: Entries

    private mutating func list<T>(
        _ top: JSONObject, _ key: String, required: Bool,
        _ decode: (inout EconomyDecoder, JSONObject, String) -> T?
    ) -> [T] {
        let problemsBefore = problems.count
        defer { if problems.count > problemsBefore { findings.reportedLists.insert(key) } }
        guard let value = top[key] else {
            if required { report("", key, "missing; expected an array") }
            return []
        }
        guard case let .array(items) = value else {
            report("", key, "expected an array, found \(value.typeName)")
            return []
        }
        var result: [T] = []
        var positions: [Int] = []
        result.reserveCapacity(items.count)
        positions.reserveCapacity(items.count)
        defer { findings.positions[key] = positions }
        for (index, item) in items.enumerated() {
            guard case let .object(object) = item else {
                report("\(key)[\(index)]", "", "expected an object, found \(item.typeName)")
                if key == "workersCouncils" { findings.droppedWorkersCouncil = true }
                continue
            }
            let id: String
            if case let .string(s)? = object["id"] { id = s } else { id = "" }
            let location = id.isEmpty ? "\(key)[\(index)]" : EconomyValidator.location(key, index, id)
            let before = problems.count
            if object["id"] == nil {
                report(location, "id", "missing; expected a string")
            } else if case .string = object["id"]! {} else {
                report(location, "id", "expected a string, found \(object["id"]!.typeName)")
            }
            let decoded = decode(&self, object, location)
            if let decoded, problems.count == before {
                result.append(decoded)
                positions.append(index)
            } else {
                if !id.isEmpty { findings.droppedIDs.insert(id) }
                if key == "workersCouncils" { findings.droppedWorkersCouncil = true }
            }
        }
        return result
    }

    private mutating func decodeGood(_ object: JSONObject, _ location: String) -> Good? {
        checkKeys(object, location, allowed: ["id", "unit"])
        return Good(id: string(object, "id") ?? "", unit: optionalString(object, "unit", location))
    }

    private mutating func decodeResource(_ object: JSONObject, _ location: String) -> PrimaryResource? {
        checkKeys(object, location, allowed: ["id", "unit", "available"])
        let available = number(object, "available", location, required: true)
        return PrimaryResource(id: string(object, "id") ?? "", unit: optionalString(object, "unit", location),
                               available: available ?? .nan)
    }

    private mutating func decodeWorkersCouncil(_ object: JSONObject, _ location: String) -> WorkersCouncil? {
        checkKeys(object, location, allowed: ["id", "produces", "uses", "capacity", "elasticity"])
        let produces = amounts(object, "produces", location, required: true)
        let uses = amounts(object, "uses", location, required: false)
        let capacity = number(object, "capacity", location, required: true)
        var elasticity: Double?
        if let value = object["elasticity"], value != .null {
            elasticity = number(object, "elasticity", location, required: true)
        }
        return WorkersCouncil(id: string(object, "id") ?? "", produces: produces, uses: uses,
                              capacity: capacity ?? .nan, elasticity: elasticity)
    }

    private mutating func decodeConsumersCouncil(_ object: JSONObject, _ location: String) -> ConsumersCouncil? {
        checkKeys(object, location, allowed: ["id", "allowance", "preferences"])
        let allowance = number(object, "allowance", location, required: true)
        guard let value = object["preferences"] else {
            report(location, "preferences", "missing; expected {\"cobbDouglas\": {...}} or {\"ces\": {\"sigma\": ..., \"weights\": {...}}}")
            return nil
        }
        guard case let .object(preferences) = value else {
            report(location, "preferences", "expected an object, found \(value.typeName)")
            return nil
        }
        for key in preferences.duplicateKeys {
            report(location, "preferences.\(key)", "the field appears more than once")
        }
        let kinds = uniqueKeys(preferences)
        guard kinds.count == 1, let kind = kinds.first, kind == "cobbDouglas" || kind == "ces" else {
            report(location, "preferences", "expected exactly one of \"cobbDouglas\" or \"ces\", found \(kinds.isEmpty ? "none" : kinds.map { "\"\($0)\"" }.joined(separator: ", "))")
            return nil
        }
        let id = string(object, "id") ?? ""
        if kind == "cobbDouglas" {
            let weights = amounts(preferences, "cobbDouglas", location + "", required: true, fieldPrefix: "preferences.")
            return ConsumersCouncil(id: id, allowance: allowance ?? .nan, preferences: .cobbDouglas(weights: weights))
        }
        guard case let .object(ces) = preferences["ces"]! else {
            report(location, "preferences.ces", "expected an object with \"sigma\" and \"weights\", found \(preferences["ces"]!.typeName)")
            return nil
        }
        checkKeys(ces, location, allowed: ["sigma", "weights"], fieldPrefix: "preferences.ces.")
        let sigma = number(ces, "sigma", location, required: true, fieldPrefix: "preferences.ces.")
        let weights = amounts(ces, "weights", location, required: true, fieldPrefix: "preferences.ces.")
        return ConsumersCouncil(id: id, allowance: allowance ?? .nan, preferences: .ces(sigma: sigma ?? .nan, weights: weights))
    }

    // MARK: Fields

    private mutating func checkKeys(_ object: JSONObject, _ location: String, allowed: [String], fieldPrefix: String = "") {
        for key in object.duplicateKeys {
            report(location, fieldPrefix + key, "the field appears more than once")
        }
        for key in uniqueKeys(object) where !allowed.contains(key) {
            report(location, fieldPrefix + key, "unknown field; expected one of \(allowed.joined(separator: ", "))")
        }
    }

    /// The object's keys in file order, each once (duplicates are reported separately).
    private func uniqueKeys(_ object: JSONObject) -> [String] {
        var seen = Set<String>()
        return object.keys.filter { seen.insert($0).inserted }
    }

    private func string(_ object: JSONObject, _ key: String) -> String? {
        if case let .string(s)? = object[key] { return s }
        return nil
    }

    private mutating func optionalString(_ object: JSONObject, _ key: String, _ location: String) -> String? {
        guard let value = object[key], value != .null else { return nil }
        if case let .string(s) = value { return s }
        report(location, key, "expected a string, found \(value.typeName)")
        return nil
    }

    private mutating func number(
        _ object: JSONObject, _ key: String, _ location: String, required: Bool, fieldPrefix: String = ""
    ) -> Double? {
        guard let value = object[key] else {
            if required { report(location, fieldPrefix + key, "missing; expected a number") }
            return nil
        }
        if case let .number(x) = value { return x }
        report(location, fieldPrefix + key, "expected a number, found \(value.typeName)")
        return nil
    }

    /// An object mapping ids to numbers, in file order.
    private mutating func amounts(
        _ object: JSONObject, _ key: String, _ location: String, required: Bool, fieldPrefix: String = ""
    ) -> [Quantity] {
        guard let value = object[key] else {
            if required { report(location, fieldPrefix + key, "missing; expected an object mapping ids to amounts") }
            return []
        }
        guard case let .object(map) = value else {
            report(location, fieldPrefix + key, "expected an object mapping ids to amounts, found \(value.typeName)")
            return []
        }
        var result: [Quantity] = []
        result.reserveCapacity(map.members.count)
        for member in map.members {
            if case let .number(x) = member.value {
                result.append(Quantity(member.key, x))
            } else {
                report(location, "\(fieldPrefix)\(key).\(member.key)", "expected a number, found \(member.value.typeName)")
            }
        }
        return result
    }
}
