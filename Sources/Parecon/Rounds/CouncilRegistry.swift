/// The councils entitled to submit proposals, and what the facilitation board may know of the
/// economy (`"format": "parecon-registry/1"`): the goods, the primary resources and their
/// availabilities, each workers' council's id (and whether it has constant returns, so that the
/// board prices the trend of their revisions), each consumers' council's id and allowance —
/// never a council's technology or preferences.
///
///     {
///       "format": "parecon-registry/1",
///       "name": "Bread and cloth",
///       "goods": [{"id": "bread", "unit": "loaves"}, {"id": "cloth", "unit": "m"}],
///       "resources": [{"id": "labour", "unit": "h", "available": 50}],
///       "workersCouncils": [{"id": "bakery"}, {"id": "weavery"}],
///       "consumersCouncils": [{"id": "town", "allowance": 120}]
///     }
public struct CouncilRegistry: Sendable, Equatable {
    public static let format = "parecon-registry/1"

    public struct WorkersCouncil: Sendable, Equatable {
        public var id: String
        /// The council revises its last proposal gradually (DESIGN §4); the board then prices the
        /// trend of the proposals.
        public var constantReturns: Bool

        public init(id: String, constantReturns: Bool = false) {
            self.id = id
            self.constantReturns = constantReturns
        }
    }

    public struct ConsumersCouncil: Sendable, Equatable {
        public var id: String
        /// `B_c`: what the council may spend at indicative prices.
        public var allowance: Double

        public init(id: String, allowance: Double) {
            self.id = id
            self.allowance = allowance
        }
    }

    public let name: String
    public let goods: [Good]
    public let resources: [PrimaryResource]
    public let workersCouncils: [WorkersCouncil]
    public let consumersCouncils: [ConsumersCouncil]

    let goodIndex: [String: Int]
    let resourceIndex: [String: Int]
    let workersCouncilIndex: [String: Int]
    let consumersCouncilIndex: [String: Int]

    public var goodIDs: [String] { goods.map(\.id) }
    public var resourceIDs: [String] { resources.map(\.id) }
    /// Whether the board extrapolates the proposals' trend (some council has constant returns).
    public var hasConstantReturns: Bool { workersCouncils.contains(where: \.constantReturns) }

    /// A registry; call ``problems()`` to validate it.
    public init(name: String = "", goods: [Good], resources: [PrimaryResource],
                workersCouncils: [WorkersCouncil], consumersCouncils: [ConsumersCouncil]) {
        self.name = name
        self.goods = goods
        self.resources = resources
        self.workersCouncils = workersCouncils
        self.consumersCouncils = consumersCouncils
        func index(_ ids: [String]) -> [String: Int] {
            Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
        goodIndex = index(goods.map(\.id))
        resourceIndex = index(resources.map(\.id))
        workersCouncilIndex = index(workersCouncils.map(\.id))
        consumersCouncilIndex = index(consumersCouncils.map(\.id))
    }

    /// The registry of an economy: everything the board may know, in the economy's order.
    public init(economy: Economy) {
        self.init(name: economy.name, goods: economy.goods, resources: economy.resources,
                  workersCouncils: zip(economy.workersCouncils.ids, economy.workersCouncils.elasticities).map { WorkersCouncil(id: $0, constantReturns: $1 == nil) },
                  consumersCouncils: zip(economy.consumersCouncils.ids, economy.consumersCouncils.allowances).map { ConsumersCouncil(id: $0, allowance: $1) })
    }

    /// The kind of a registered council.
    enum CouncilKind { case workers(Int), consumers(Int) }

    func council(_ id: String) -> CouncilKind? {
        if let w = workersCouncilIndex[id] { return .workers(w) }
        if let c = consumersCouncilIndex[id] { return .consumers(c) }
        return nil
    }

    /// Every council id, workers' councils first, in registry order.
    var councilIDs: [String] { workersCouncils.map(\.id) + consumersCouncils.map(\.id) }

    // MARK: Validation

    /// Every problem with the registry: ids must be unique across goods, resources and
    /// councils, and a council's id must be usable as a file name (`proposals/<id>.json`);
    /// availabilities and allowances must be positive and finite.
    func problems(file: String) -> [JournalProblem] {
        var problems: [JournalProblem] = []
        func report(_ field: String, _ message: String) { problems.append(JournalProblem(file: file, field: field, message: message)) }
        if goods.isEmpty { report("goods", "the registry must list at least one good") }
        if workersCouncils.isEmpty && consumersCouncils.isEmpty { report("", "the registry must list at least one council") }
        var firstSeen: [String: String] = [:]
        func checkID(_ id: String, _ field: String, council: Bool) {
            if id.isEmpty {
                report(field, "must be a non-empty string")
                return
            }
            if let earlier = firstSeen[id] {
                report(field, "id \"\(id)\" is already used by \(earlier); ids must be unique across goods, resources and councils")
            } else {
                firstSeen[id] = field
            }
            if council, let reason = Self.fileNameProblem(id) { report(field, "council id \"\(id)\" \(reason)") }
        }
        for (i, good) in goods.enumerated() { checkID(good.id, "goods[\(i)].id", council: false) }
        for (r, resource) in resources.enumerated() {
            checkID(resource.id, "resources[\(r)].id", council: false)
            if !(resource.available.isFinite && resource.available > 0) {
                report("resources[\(r)].available", "must be a positive finite number, found \(numberText(resource.available))")
            }
        }
        for (w, council) in workersCouncils.enumerated() { checkID(council.id, "workersCouncils[\(w)].id", council: true) }
        for (c, council) in consumersCouncils.enumerated() {
            checkID(council.id, "consumersCouncils[\(c)].id", council: true)
            if !(council.allowance.isFinite && council.allowance > 0) {
                report("consumersCouncils[\(c)].allowance", "must be a positive finite number, found \(numberText(council.allowance))")
            }
        }
        return problems
    }

    /// Why an id cannot name a proposal file, if it cannot.
    static func fileNameProblem(_ id: String) -> String? {
        if id.hasPrefix(".") { return "cannot begin with \".\" (it names the council's proposal file)" }
        if id.contains("\0") { return "cannot contain NUL (it names the council's proposal file)" }
        if proposalFileName(id).utf8.count > 200 { return "is longer than 200 bytes (it names the council's proposal file)" }
        return nil
    }

    /// A council's proposal file name, without `.json`: its id, with `%` written `%25` and `/`
    /// written `%2F` (a file name cannot hold a `/`; calibrated councils are named `SECTOR/wK`).
    public static func proposalFileName(_ id: String) -> String {
        id.replacing("%", with: "%25").replacing("/", with: "%2F")
    }

    /// The council id that a proposal file's name (without `.json`) stands for: the inverse of
    /// ``proposalFileName(_:)``.
    public static func councilID(fileName: String) -> String {
        fileName.replacing("%2F", with: "/").replacing("%25", with: "%")
    }

    // MARK: File

    /// Decodes and validates a registry; every problem is reported at once.
    public static func decode(_ bytes: [UInt8], file: String) throws(JournalError) -> CouncilRegistry {
        var reader = JournalFieldReader(file: file)
        guard let top = reader.document(bytes) else { throw JournalError(problems: reader.problems) }
        reader.checkKeys(top, allowed: ["format", "name", "goods", "resources", "workersCouncils", "consumersCouncils"])
        reader.format(top, format)
        let name = reader.string(top, "name", required: false) ?? ""
        func entries<T>(_ key: String, required: Bool, _ decode: (inout JournalFieldReader, JSONObject, String) -> T?) -> [T] {
            guard let items = reader.array(top, key, required: required) else { return [] }
            var result: [T] = []
            for (index, item) in items.enumerated() {
                let prefix = "\(key)[\(index)]."
                guard case let .object(object) = item else {
                    reader.report("\(key)[\(index)]", "expected an object, found \(item.typeName)")
                    continue
                }
                if let entry = decode(&reader, object, prefix) { result.append(entry) }
            }
            return result
        }
        let goods = entries("goods", required: true) { reader, object, prefix -> Good? in
            reader.checkKeys(object, prefix, allowed: ["id", "unit"])
            guard let id = reader.string(object, "id", prefix) else { return nil }
            return Good(id: id, unit: reader.string(object, "unit", prefix, required: false))
        }
        let resources = entries("resources", required: false) { reader, object, prefix -> PrimaryResource? in
            reader.checkKeys(object, prefix, allowed: ["id", "unit", "available"])
            let id = reader.string(object, "id", prefix)
            let unit = reader.string(object, "unit", prefix, required: false)
            let available = reader.number(object, "available", prefix)
            guard let id, let available else { return nil }
            return PrimaryResource(id: id, unit: unit, available: available)
        }
        let workers = entries("workersCouncils", required: true) { reader, object, prefix -> WorkersCouncil? in
            reader.checkKeys(object, prefix, allowed: ["id", "constantReturns"]) { key in
                ["produces", "uses", "capacity", "elasticity"].contains(key)
                    ? "a council's technology is private: the registry names the council, never its technology" : nil
            }
            let id = reader.string(object, "id", prefix)
            let constantReturns = reader.bool(object, "constantReturns", prefix, required: false) ?? false
            return id.map { WorkersCouncil(id: $0, constantReturns: constantReturns) }
        }
        let consumers = entries("consumersCouncils", required: true) { reader, object, prefix -> ConsumersCouncil? in
            reader.checkKeys(object, prefix, allowed: ["id", "allowance"]) { key in
                key == "preferences" ? "a council's preferences are private: the registry names the council and its allowance" : nil
            }
            let id = reader.string(object, "id", prefix)
            let allowance = reader.number(object, "allowance", prefix)
            guard let id, let allowance else { return nil }
            return ConsumersCouncil(id: id, allowance: allowance)
        }
        var problems = reader.problems
        let registry = CouncilRegistry(name: name, goods: goods, resources: resources, workersCouncils: workers, consumersCouncils: consumers)
        if problems.isEmpty { problems = registry.problems(file: file) }
        if !problems.isEmpty { throw JournalError(problems: problems) }
        return registry
    }

    /// The registry as a `parecon-registry/1` document.
    public func jsonDocument() -> JSONValue {
        func withUnit(_ members: [JSONObject.Member], _ unit: String?) -> JSONValue {
            .object(JSONObject(members + (unit.map { [.init(key: "unit", value: .string($0))] } ?? [])))
        }
        let goods = self.goods.map { withUnit([.init(key: "id", value: .string($0.id))], $0.unit) }
        let resources = self.resources.map {
            withUnit([.init(key: "id", value: .string($0.id))], $0.unit).withMember("available", .number($0.available))
        }
        let workers: [JSONValue] = workersCouncils.map {
            var members: [JSONObject.Member] = [.init(key: "id", value: .string($0.id))]
            if $0.constantReturns { members.append(.init(key: "constantReturns", value: true)) }
            return .object(JSONObject(members))
        }
        let consumers: [JSONValue] = consumersCouncils.map {
            .object(JSONObject([.init(key: "id", value: .string($0.id)), .init(key: "allowance", value: .number($0.allowance))]))
        }
        return .object(JSONObject([
            .init(key: "format", value: .string(Self.format)),
            .init(key: "name", value: .string(name)),
            .init(key: "goods", value: .array(goods)),
            .init(key: "resources", value: .array(resources)),
            .init(key: "workersCouncils", value: .array(workers)),
            .init(key: "consumersCouncils", value: .array(consumers)),
        ]))
    }
}

extension JSONValue {
    /// The object with one more member at the end.
    func withMember(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case var .object(object) = self else { return self }
        object.append(key: key, value: value)
        return .object(object)
    }
}
