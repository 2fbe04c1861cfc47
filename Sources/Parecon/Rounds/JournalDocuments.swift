/// The journal's settings (`journal.json`, `"format": "parecon-journal/1"`): the board and the
/// numbers its price rule uses, fixed when the journal is opened so that every close computes
/// with the same ones.
struct JournalSettingsFile {
    static let format = "parecon-journal/1"
    static let path = "journal.json"

    /// The board (`settings.board`) and its settings.
    var settings: PlanningSettings

    /// The settings every board reads (the tatonnement step is also the accelerated board's map
    /// and the second-order board's fallback).
    static let commonKeys = ["tolerance", "initialPrice", "priceStep", "maxPriceStep", "stepGrowth", "stepShrink", "priceFloorFraction"]
    static var commonPaths: [WritableKeyPath<PlanningSettings, Double>] { [\.tolerance, \.initialPrice, \.priceStep, \.maxPriceStep,
                                                                          \.stepGrowth, \.stepShrink, \.priceFloorFraction] }
    /// The second-order board's own settings.
    static let newtonKeys = ["maxTrustRadius", "initialDamping", "minDamping", "maxDamping"]
    static var newtonPaths: [WritableKeyPath<PlanningSettings, Double>] { [\.maxTrustRadius, \.initialDamping, \.minDamping, \.maxDamping] }

    func jsonDocument() -> JSONValue {
        var values = zip(Self.commonKeys, Self.commonPaths).map { JSONObject.Member(key: $0, value: .number(settings[keyPath: $1])) }
        switch settings.board {
        case .tatonnement: break
        case .accelerated: values.append(.init(key: "andersonMemory", value: .number(Double(settings.andersonMemory))))
        case .newton: values += zip(Self.newtonKeys, Self.newtonPaths).map { .init(key: $0, value: .number(settings[keyPath: $1])) }
        }
        return .object(JSONObject([
            .init(key: "format", value: .string(Self.format)),
            .init(key: "board", value: .string(settings.board.rawValue)),
            .init(key: "settings", value: .object(JSONObject(values))),
        ]))
    }

    static func decode(_ bytes: [UInt8], file: String = path) throws(JournalError) -> JournalSettingsFile {
        var reader = JournalFieldReader(file: file)
        guard let top = reader.document(bytes) else { throw JournalError(problems: reader.problems) }
        reader.checkKeys(top, allowed: ["format", "board", "settings"])
        reader.format(top, format)
        var board = BoardKind.tatonnement
        if let name = reader.string(top, "board") {
            if let kind = BoardKind(rawValue: name) {
                board = kind
            } else {
                reader.report("board", "unknown board \"\(name)\"; expected one of \(BoardKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var settings = PlanningSettings(board: board)
        if let values = reader.object(top, "settings") {
            var keys = commonKeys, paths = commonPaths
            if board == .newton {
                keys += newtonKeys
                paths += newtonPaths
            }
            let allowed = keys + (board == .accelerated ? ["andersonMemory"] : [])
            reader.checkKeys(values, "settings.", allowed: allowed) { key in
                key == "andersonMemory" || newtonKeys.contains(key)
                    ? "not a setting of the \(board.rawValue) board; expected one of \(allowed.joined(separator: ", "))" : nil
            }
            for (key, path) in zip(keys, paths) {
                if let x = reader.number(values, key, "settings.") { settings[keyPath: path] = x }
            }
            if board == .accelerated, let memory = reader.integer(values, "andersonMemory", "settings.") { settings.andersonMemory = memory }
        }
        for problem in settings.problems() {
            let key = String(problem.prefix(while: { $0 != " " }))
            reader.report((commonKeys + newtonKeys + ["andersonMemory"]).contains(key) ? "settings.\(key)" : "settings", problem)
        }
        if !reader.problems.isEmpty { throw JournalError(problems: reader.problems) }
        return JournalSettingsFile(settings: settings)
    }
}

/// A round's indicative prices (`rounds/NNNN/prices.json`, `"format": "parecon-prices/1"`): what
/// the board publishes and every council proposes at. Its presence opens the round.
///
/// `parameters` (optional, numbers by name) is room for what a board publishes beside the prices
/// for the councils to use in their proposals; no board publishes any yet, and the field is
/// written only when there is one.
struct PricesFile: Equatable {
    static let format = "parecon-prices/1"

    var round: Int
    var prices: [Double]
    var resourcePrices: [Double]
    var parameters: [Quantity] = []

    func jsonDocument(_ registry: CouncilRegistry) -> JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "format", value: .string(Self.format)),
            .init(key: "round", value: .number(Double(round))),
            .init(key: "prices", value: jsonNumbers(registry.goodIDs, prices)),
            .init(key: "resourcePrices", value: jsonNumbers(registry.resourceIDs, resourcePrices)),
        ]
        if !parameters.isEmpty { members.append(.init(key: "parameters", value: jsonQuantities(parameters))) }
        return .object(JSONObject(members))
    }

    static func decode(_ bytes: [UInt8], file: String, registry: CouncilRegistry, round: Int) throws(JournalError) -> PricesFile {
        var reader = JournalFieldReader(file: file)
        guard let top = reader.document(bytes) else { throw JournalError(problems: reader.problems) }
        reader.checkKeys(top, allowed: ["format", "round", "prices", "resourcePrices", "parameters"])
        reader.format(top, format)
        if let found = reader.integer(top, "round"), found != round { reader.report("round", "expected \(round), found \(found)") }
        let prices = reader.vector(top, "prices", ids: registry.goodIDs)
        let resourcePrices = reader.vector(top, "resourcePrices", ids: registry.resourceIDs)
        let parameters = reader.numbers(top, "parameters", required: false) ?? []
        for (id, p) in zip(registry.goodIDs + registry.resourceIDs, (prices ?? []) + (resourcePrices ?? [])) where p < 0 {
            reader.report(registry.goodIndex[id] != nil ? "prices.\(id)" : "resourcePrices.\(id)", "a price cannot be negative, found \(numberText(p))")
        }
        guard reader.problems.isEmpty, let prices, let resourcePrices else { throw JournalError(problems: reader.problems) }
        return PricesFile(round: round, prices: prices, resourcePrices: resourcePrices, parameters: parameters)
    }
}

/// The board's memory as it enters a round's close (`rounds/NNNN/board.json`,
/// `"format": "parecon-board/1"`): with the round's prices and proposals it determines the close.
/// Every number is written in its shortest round-trip form, so the memory passes through the
/// file bit for bit; an infinite measure ("none yet") is written as `null`.
///
///     format, round, board                          the journal's board
///     steps, lastRelativeExcess                     tatonnement: by good then resource
///     previousNetSupply, previousResourceUse        from round 2 on: the last round's totals
///     anderson: {columns, filled, next, bestMerit, stagnantRounds, restarts, cooldown,
///                cooldownLength, progressMerit, lastCooldown, phaseStartMerit,
///                lastPrices, lastStep, priceDifferences, stepDifferences}
///                                                   accelerated board only
///     newton: {damping, lastMerit, fallbacks, bestMerit, stagnantRounds, lastNorm,
///              predictedNorm, lastChange}           second-order board only (lastChange by good
///                                                   then resource, from the second close on;
///                                                   predictedNorm after a Newton step only)
struct BoardFile: Equatable {
    static let format = "parecon-board/1"

    var round: Int
    var memory: BoardMemory

    func jsonDocument(_ registry: CouncilRegistry) -> JSONValue {
        let ids = registry.goodIDs + registry.resourceIDs
        let tatonnement = memory.tatonnement
        var members: [JSONObject.Member] = [
            .init(key: "format", value: .string(Self.format)),
            .init(key: "round", value: .number(Double(round))),
            .init(key: "board", value: .string(memory.board.rawValue)),
            .init(key: "steps", value: jsonNumbers(ids, tatonnement.steps)),
            .init(key: "lastRelativeExcess", value: jsonNumbers(ids, tatonnement.lastRelativeExcess)),
        ]
        if let net = tatonnement.previousNetSupply, let use = tatonnement.previousResourceUse {
            members.append(.init(key: "previousNetSupply", value: jsonNumbers(registry.goodIDs, net)))
            members.append(.init(key: "previousResourceUse", value: jsonNumbers(registry.resourceIDs, use)))
        }
        func count(_ x: Int) -> JSONValue { .number(Double(x)) }
        if let a = memory.anderson {
            var state: [JSONObject.Member] = [
                .init(key: "columns", value: count(a.columns)),
                .init(key: "filled", value: count(a.filled)),
                .init(key: "next", value: count(a.next)),
                .init(key: "bestMerit", value: .number(a.bestMerit)),
                .init(key: "stagnantRounds", value: count(a.stagnantRounds)),
                .init(key: "restarts", value: count(a.restarts)),
                .init(key: "cooldown", value: count(a.cooldown)),
                .init(key: "cooldownLength", value: count(a.cooldownLength)),
                .init(key: "progressMerit", value: .number(a.progressMerit)),
                .init(key: "lastCooldown", value: count(a.lastCooldown)),
                .init(key: "phaseStartMerit", value: .number(a.phaseStartMerit)),
            ]
            if let last = a.lastPrices, let step = a.lastStep {
                state.append(.init(key: "lastPrices", value: jsonNumbers(ids, last)))
                state.append(.init(key: "lastStep", value: jsonNumbers(ids, step)))
            }
            state.append(.init(key: "priceDifferences", value: .array(a.priceDifferences.map { jsonNumbers(ids, $0) })))
            state.append(.init(key: "stepDifferences", value: .array(a.stepDifferences.map { jsonNumbers(ids, $0) })))
            members.append(.init(key: "anderson", value: .object(JSONObject(state))))
        }
        if let newton = memory.newton {
            var state: [JSONObject.Member] = [
                .init(key: "damping", value: .number(newton.damping)),
                .init(key: "lastMerit", value: .number(newton.lastMerit)),
                .init(key: "fallbacks", value: count(newton.fallbacks)),
                .init(key: "bestMerit", value: .number(newton.bestMerit)),
                .init(key: "stagnantRounds", value: count(newton.stagnantRounds)),
                .init(key: "lastNorm", value: .number(newton.lastNorm)),
            ]
            if let predicted = newton.predictedNorm { state.append(.init(key: "predictedNorm", value: .number(predicted))) }
            if let change = newton.lastChange { state.append(.init(key: "lastChange", value: jsonNumbers(ids, change))) }
            members.append(.init(key: "newton", value: .object(JSONObject(state))))
        }
        return .object(JSONObject(members))
    }

    static func decode(_ bytes: [UInt8], file: String, registry: CouncilRegistry, round: Int, settings: PlanningSettings) throws(JournalError) -> BoardFile {
        var reader = JournalFieldReader(file: file)
        guard let top = reader.document(bytes) else { throw JournalError(problems: reader.problems) }
        let board = settings.board
        let own = board == .accelerated ? ["anderson"] : board == .newton ? ["newton"] : []
        reader.checkKeys(top, allowed: ["format", "round", "board", "steps", "lastRelativeExcess", "previousNetSupply", "previousResourceUse"] + own) { key in
            ["anderson", "newton"].contains(key) ? "the journal's board is \(board.rawValue) (journal.json): this is another board's memory" : nil
        }
        reader.format(top, format)
        if let found = reader.integer(top, "round"), found != round { reader.report("round", "expected \(round), found \(found)") }
        if let name = reader.string(top, "board"), name != board.rawValue {
            reader.report("board", "expected \"\(board.rawValue)\" (the board of journal.json), found \"\(name)\"")
        }
        let n = registry.goods.count, m = registry.resources.count
        let ids = registry.goodIDs + registry.resourceIDs
        var memory = BoardMemory(board: board, goods: n, resources: m, settings: settings)
        if let steps = reader.vector(top, "steps", ids: ids) {
            memory.tatonnement.steps = steps
            for (id, step) in zip(ids, steps) where !(step.isFinite && step > 0) {
                reader.report("steps.\(id)", "a price step must be a positive finite number, found \(numberText(step))")
            }
        }
        if let last = reader.vector(top, "lastRelativeExcess", ids: ids) { memory.tatonnement.lastRelativeExcess = last }
        if top["previousNetSupply"] != nil || top["previousResourceUse"] != nil {
            memory.tatonnement.previousNetSupply = reader.vector(top, "previousNetSupply", ids: registry.goodIDs)
            memory.tatonnement.previousResourceUse = reader.vector(top, "previousResourceUse", ids: registry.resourceIDs)
        }
        if board == .accelerated, let state = reader.object(top, "anderson") {
            memory.anderson = decodeAnderson(&reader, state, ids: ids, expected: memory.anderson!)
        }
        if board == .newton, let state = reader.object(top, "newton") {
            let p = "newton."
            reader.checkKeys(state, p, allowed: ["damping", "lastMerit", "fallbacks", "bestMerit", "stagnantRounds", "lastNorm",
                                                 "predictedNorm", "lastChange"])
            if let damping = reader.positive(state, "damping", p) { memory.newton!.damping = damping }
            if let merit = measure(&reader, state, "lastMerit", p) { memory.newton!.lastMerit = merit }
            if let fallbacks = count(&reader, state, "fallbacks", p) { memory.newton!.fallbacks = fallbacks }
            if state["bestMerit"] != nil, let best = measure(&reader, state, "bestMerit", p) { memory.newton!.bestMerit = best }
            if state["stagnantRounds"] != nil, let stagnant = count(&reader, state, "stagnantRounds", p) { memory.newton!.stagnantRounds = stagnant }
            if state["lastNorm"] != nil, let norm = measure(&reader, state, "lastNorm", p) { memory.newton!.lastNorm = norm }
            if state["predictedNorm"] != nil, let predicted = measure(&reader, state, "predictedNorm", p) {
                memory.newton!.predictedNorm = predicted
            }
            if state["lastChange"] != nil { memory.newton!.lastChange = reader.vector(state, "lastChange", ids: ids, p) }
        }
        if !reader.problems.isEmpty { throw JournalError(problems: reader.problems) }
        return BoardFile(round: round, memory: memory)
    }

    private static func decodeAnderson(_ reader: inout JournalFieldReader, _ state: JSONObject, ids: [String], expected: AndersonMemory) -> AndersonMemory {
        let p = "anderson."
        reader.checkKeys(state, p, allowed: ["columns", "filled", "next", "bestMerit", "stagnantRounds", "restarts", "cooldown",
                                             "cooldownLength", "progressMerit", "lastCooldown", "phaseStartMerit",
                                             "lastPrices", "lastStep", "priceDifferences", "stepDifferences"])
        var a = expected
        if let columns = count(&reader, state, "columns", p), columns != expected.columns {
            reader.report(p + "columns", "expected \(expected.columns) (andersonMemory of journal.json, at most the number of prices), found \(columns)")
        }
        if let filled = count(&reader, state, "filled", p) {
            if filled > a.columns { reader.report(p + "filled", "at most \(a.columns), found \(filled)") } else { a.filled = filled }
        }
        if let next = count(&reader, state, "next", p) {
            if next >= a.columns { reader.report(p + "next", "less than \(a.columns), found \(next)") } else { a.next = next }
        }
        if let merit = measure(&reader, state, "bestMerit", p) { a.bestMerit = merit }
        if let x = count(&reader, state, "stagnantRounds", p) { a.stagnantRounds = x }
        if let x = count(&reader, state, "restarts", p) { a.restarts = x }
        if let x = count(&reader, state, "cooldown", p) { a.cooldown = x }
        if let x = count(&reader, state, "cooldownLength", p) { a.cooldownLength = x }
        // Optional (older journals lack them): the restart rule starts from "none yet".
        if state["progressMerit"] != nil, let merit = measure(&reader, state, "progressMerit", p) { a.progressMerit = merit }
        if state["lastCooldown"] != nil, let x = count(&reader, state, "lastCooldown", p) { a.lastCooldown = x }
        if state["phaseStartMerit"] != nil, let merit = measure(&reader, state, "phaseStartMerit", p) { a.phaseStartMerit = merit }
        if state["lastPrices"] != nil || state["lastStep"] != nil {
            a.lastPrices = reader.vector(state, "lastPrices", ids: ids, p)
            a.lastStep = reader.vector(state, "lastStep", ids: ids, p)
        }
        for key in ["priceDifferences", "stepDifferences"] {
            guard let columns = reader.array(state, key, p) else { continue }
            if columns.count != a.filled {
                reader.report(p + key, "expected \(a.filled) columns (filled), found \(columns.count)")
                continue
            }
            var values: [[Double]] = []
            for (j, column) in columns.enumerated() {
                guard case let .object(object) = column else {
                    reader.report("\(p)\(key)[\(j)]", "expected an object of numbers by id, found \(column.typeName)")
                    continue
                }
                let field = "\(key)[\(j)]"
                if let v = reader.vector(JSONObject([.init(key: field, value: .object(object))]), field, ids: ids, p) { values.append(v) }
            }
            if key == "priceDifferences" { a.priceDifferences = values } else { a.stepDifferences = values }
        }
        return a
    }

    /// A whole number of at least 0.
    private static func count(_ reader: inout JournalFieldReader, _ object: JSONObject, _ key: String, _ prefix: String) -> Int? {
        guard let x = reader.integer(object, key, prefix) else { return nil }
        if x < 0 {
            reader.report(prefix + key, "expected a whole number of at least 0, found \(x)")
            return nil
        }
        return x
    }

    /// A convergence measure: a number of at least 0, or `null` for "none yet" (infinity).
    private static func measure(_ reader: inout JournalFieldReader, _ object: JSONObject, _ key: String, _ prefix: String) -> Double? {
        guard let value = object[key] else {
            reader.report(prefix + key, "missing; expected a number or null")
            return nil
        }
        if value.isNull { return .infinity }
        guard let x = reader.number(object, key, prefix) else { return nil }
        if x < 0 {
            reader.report(prefix + key, "a convergence measure cannot be negative, found \(numberText(x))")
            return nil
        }
        return x
    }
}
