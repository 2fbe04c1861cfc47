/// The journal's settings (`journal.json`, `"format": "parecon-journal/1"`): the board and the
/// numbers its price rule uses, fixed when the journal is opened so that every close computes
/// with the same ones.
struct JournalSettingsFile {
    static let format = "parecon-journal/1"
    static let path = "journal.json"

    /// The board's settings (`board` is always tatonnement: see docs/rounds.md).
    var settings: PlanningSettings

    func jsonDocument() -> JSONValue {
        .object(JSONObject([
            .init(key: "format", value: .string(Self.format)),
            .init(key: "board", value: .string(BoardKind.tatonnement.rawValue)),
            .init(key: "settings", value: .object(JSONObject([
                .init(key: "tolerance", value: .number(settings.tolerance)),
                .init(key: "initialPrice", value: .number(settings.initialPrice)),
                .init(key: "priceStep", value: .number(settings.priceStep)),
                .init(key: "maxPriceStep", value: .number(settings.maxPriceStep)),
                .init(key: "stepGrowth", value: .number(settings.stepGrowth)),
                .init(key: "stepShrink", value: .number(settings.stepShrink)),
                .init(key: "priceFloorFraction", value: .number(settings.priceFloorFraction)),
            ]))),
        ]))
    }

    static func decode(_ bytes: [UInt8], file: String = path) throws(JournalError) -> JournalSettingsFile {
        var reader = JournalFieldReader(file: file)
        guard let top = reader.document(bytes) else { throw JournalError(problems: reader.problems) }
        reader.checkKeys(top, allowed: ["format", "board", "settings"])
        reader.format(top, format)
        if let board = reader.string(top, "board"), board != BoardKind.tatonnement.rawValue {
            reader.report("board", "the journal's board is \"tatonnement\" (the second-order and accelerated boards are not yet available from a journal), found \"\(board)\"")
        }
        var settings = PlanningSettings(board: .tatonnement)
        if let values = reader.object(top, "settings") {
            let keys = ["tolerance", "initialPrice", "priceStep", "maxPriceStep", "stepGrowth", "stepShrink", "priceFloorFraction"]
            reader.checkKeys(values, "settings.", allowed: keys)
            let paths: [WritableKeyPath<PlanningSettings, Double>] = [\.tolerance, \.initialPrice, \.priceStep, \.maxPriceStep,
                                                                      \.stepGrowth, \.stepShrink, \.priceFloorFraction]
            for (key, path) in zip(keys, paths) {
                if let x = reader.number(values, key, "settings.") { settings[keyPath: path] = x }
            }
        }
        for problem in settings.problems() { reader.report("settings", problem) }
        if !reader.problems.isEmpty { throw JournalError(problems: reader.problems) }
        return JournalSettingsFile(settings: settings)
    }
}

/// A round's indicative prices (`rounds/NNNN/prices.json`, `"format": "parecon-prices/1"`): what
/// the board publishes and every council proposes at. Its presence opens the round.
struct PricesFile: Equatable {
    static let format = "parecon-prices/1"

    var round: Int
    var prices: [Double]
    var resourcePrices: [Double]

    func jsonDocument(_ registry: CouncilRegistry) -> JSONValue {
        .object(JSONObject([
            .init(key: "format", value: .string(Self.format)),
            .init(key: "round", value: .number(Double(round))),
            .init(key: "prices", value: jsonNumbers(registry.goodIDs, prices)),
            .init(key: "resourcePrices", value: jsonNumbers(registry.resourceIDs, resourcePrices)),
        ]))
    }

    static func decode(_ bytes: [UInt8], file: String, registry: CouncilRegistry, round: Int) throws(JournalError) -> PricesFile {
        var reader = JournalFieldReader(file: file)
        guard let top = reader.document(bytes) else { throw JournalError(problems: reader.problems) }
        reader.checkKeys(top, allowed: ["format", "round", "prices", "resourcePrices"])
        reader.format(top, format)
        if let found = reader.integer(top, "round"), found != round { reader.report("round", "expected \(round), found \(found)") }
        let prices = reader.vector(top, "prices", ids: registry.goodIDs)
        let resourcePrices = reader.vector(top, "resourcePrices", ids: registry.resourceIDs)
        for (id, p) in zip(registry.goodIDs + registry.resourceIDs, (prices ?? []) + (resourcePrices ?? [])) where p < 0 {
            reader.report(registry.goodIndex[id] != nil ? "prices.\(id)" : "resourcePrices.\(id)", "a price cannot be negative, found \(numberText(p))")
        }
        guard reader.problems.isEmpty, let prices, let resourcePrices else { throw JournalError(problems: reader.problems) }
        return PricesFile(round: round, prices: prices, resourcePrices: resourcePrices)
    }
}

/// The tatonnement board's memory as it enters a round's close (`rounds/NNNN/board.json`,
/// `"format": "parecon-board/1"`): with the round's prices and proposals it determines the close.
struct BoardFile: Equatable {
    static let format = "parecon-board/1"

    var round: Int
    var memory: TatonnementMemory

    func jsonDocument(_ registry: CouncilRegistry) -> JSONValue {
        let ids = registry.goodIDs + registry.resourceIDs
        var members: [JSONObject.Member] = [
            .init(key: "format", value: .string(Self.format)),
            .init(key: "round", value: .number(Double(round))),
            .init(key: "board", value: .string(BoardKind.tatonnement.rawValue)),
            .init(key: "steps", value: jsonNumbers(ids, memory.steps)),
            .init(key: "lastRelativeExcess", value: jsonNumbers(ids, memory.lastRelativeExcess)),
        ]
        if let net = memory.previousNetSupply, let use = memory.previousResourceUse {
            members.append(.init(key: "previousNetSupply", value: jsonNumbers(registry.goodIDs, net)))
            members.append(.init(key: "previousResourceUse", value: jsonNumbers(registry.resourceIDs, use)))
        }
        return .object(JSONObject(members))
    }

    static func decode(_ bytes: [UInt8], file: String, registry: CouncilRegistry, round: Int, settings: PlanningSettings) throws(JournalError) -> BoardFile {
        var reader = JournalFieldReader(file: file)
        guard let top = reader.document(bytes) else { throw JournalError(problems: reader.problems) }
        reader.checkKeys(top, allowed: ["format", "round", "board", "steps", "lastRelativeExcess", "previousNetSupply", "previousResourceUse"])
        reader.format(top, format)
        if let found = reader.integer(top, "round"), found != round { reader.report("round", "expected \(round), found \(found)") }
        if let board = reader.string(top, "board"), board != BoardKind.tatonnement.rawValue {
            reader.report("board", "expected \"tatonnement\", found \"\(board)\"")
        }
        let ids = registry.goodIDs + registry.resourceIDs
        var memory = TatonnementMemory(goods: registry.goods.count, resources: registry.resources.count, settings: settings)
        if let steps = reader.vector(top, "steps", ids: ids) { memory.steps = steps }
        if let last = reader.vector(top, "lastRelativeExcess", ids: ids) { memory.lastRelativeExcess = last }
        if top["previousNetSupply"] != nil || top["previousResourceUse"] != nil {
            memory.previousNetSupply = reader.vector(top, "previousNetSupply", ids: registry.goodIDs)
            memory.previousResourceUse = reader.vector(top, "previousResourceUse", ids: registry.resourceIDs)
        }
        if !reader.problems.isEmpty { throw JournalError(problems: reader.problems) }
        return BoardFile(round: round, memory: memory)
    }
}
