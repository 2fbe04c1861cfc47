import FoundationEssentials
import Glibc

/// A council's proposal for one round (`"format": "parecon-proposal/1"`), as the council submits
/// it in `rounds/NNNN/proposals/<council>.json`.
///
/// A workers' council states the quantities it offers to produce (`outputs`, goods) and the
/// quantities it asks for (`inputs`, goods and primary resources) — the board needs quantities,
/// since it never knows a council's technology — and, optionally, its activity level in its own
/// unit:
///
///     {"format": "parecon-proposal/1", "council": "bakery", "round": 3,
///      "activity": 29.7, "outputs": {"bread": 29.7}, "inputs": {"labour": 29.7}}
///
/// A consumers' council states the quantities it requests:
///
///     {"format": "parecon-proposal/1", "council": "town", "round": 3,
///      "requests": {"bread": 30.2, "cloth": 19.6}}
///
/// Either may add its local response for a second-order board (DESIGN §5): a workers' council
/// `{"activitySlope": ∂x/∂π}` (with its `activity`), a consumers' council
/// `{"demandSlopes": {good: ∂d_i/∂p_i, ...}, "substitutionElasticity": σ}`.
public struct Proposal: Sendable, Equatable {
    public static let format = "parecon-proposal/1"

    public enum Content: Sendable, Equatable {
        case workers(activity: Double?, outputs: [Quantity], inputs: [Quantity])
        case consumers(requests: [Quantity])
    }

    public enum LocalResponse: Sendable, Equatable {
        /// `∂x_w/∂π_w` at the proposal.
        case workers(activitySlope: Double)
        /// `∂d_i/∂p_i` by good, and the elasticity of substitution (1 for Cobb–Douglas).
        case consumers(demandSlopes: [Quantity], substitutionElasticity: Double?)
    }

    public var council: String
    public var round: Int
    public var content: Content
    public var localResponse: LocalResponse?

    public init(council: String, round: Int, content: Content, localResponse: LocalResponse? = nil) {
        self.council = council
        self.round = round
        self.content = content
        self.localResponse = localResponse
    }

    /// The proposal as a `parecon-proposal/1` document.
    public func jsonDocument() -> JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "format", value: .string(Self.format)),
            .init(key: "council", value: .string(council)),
            .init(key: "round", value: .number(Double(round))),
        ]
        switch content {
        case let .workers(activity, outputs, inputs):
            if let activity { members.append(.init(key: "activity", value: .number(activity))) }
            members.append(.init(key: "outputs", value: jsonQuantities(outputs)))
            members.append(.init(key: "inputs", value: jsonQuantities(inputs)))
        case let .consumers(requests):
            members.append(.init(key: "requests", value: jsonQuantities(requests)))
        }
        switch localResponse {
        case let .workers(slope)?:
            members.append(.init(key: "localResponse", value: .object(JSONObject([.init(key: "activitySlope", value: .number(slope))]))))
        case let .consumers(slopes, sigma)?:
            var response: [JSONObject.Member] = [.init(key: "demandSlopes", value: jsonQuantities(slopes))]
            if let sigma { response.append(.init(key: "substitutionElasticity", value: .number(sigma))) }
            members.append(.init(key: "localResponse", value: .object(JSONObject(response))))
        case nil:
            break
        }
        return .object(JSONObject(members))
    }
}

/// One submitted file, checked: the council it speaks for (when that can be told), the proposal
/// (when it is valid) and every problem found.
struct ProposalCheck: Sendable, Equatable {
    /// The file, relative to the journal's folder.
    var file: String
    var checksum: String
    var council: String?
    var proposal: Proposal?
    var problems: [JournalProblem]

    /// Checks one file of `round`'s proposals folder against the registry.
    ///
    /// Rejected, with the file and the field: malformed JSON, a wrong `format`, an unregistered
    /// council, a file named for another council, a proposal for another round, unknown fields
    /// (a consumers' council's `outputs`, ...), unknown goods or resources (and resources as
    /// outputs or requests), negative quantities, non-finite numbers (which JSON cannot hold: they
    /// are syntax errors), and a malformed local response.
    init(bytes: [UInt8], file: String, registry: CouncilRegistry, round: Int) {
        self.file = file
        checksum = fnv1a64(bytes)
        var reader = JournalFieldReader(file: file)
        defer { problems = reader.problems }
        problems = []
        let name = PathComponents.last(file)
        guard name.hasSuffix(".json") else {
            reader.report("", "not a proposal: a proposal file's name ends in .json (e.g. proposals/<council>.json)")
            return
        }
        guard let top = reader.document(bytes) else { return }
        reader.format(top, Proposal.format)

        // Who speaks: a registered council, the one the file is named for.
        let councilID = reader.string(top, "council")
        var kind: CouncilRegistry.CouncilKind?
        if let councilID {
            kind = registry.council(councilID)
            if kind == nil {
                reader.report("council", "council \"\(councilID)\" is not in the registry: only registered councils may submit")
            } else {
                let baseName = CouncilRegistry.councilID(fileName: String(name.dropLast(".json".count)))
                if baseName != councilID, registry.council(baseName) != nil {
                    reader.report("council", "the file is named for council \"\(baseName)\" but the proposal is from \"\(councilID)\"")
                    kind = nil
                } else {
                    council = councilID
                }
            }
        }
        if let proposed = reader.integer(top, "round"), proposed != round {
            reader.report("round", "the proposal is for round \(proposed), but this is round \(round)'s folder")
        }

        let common = ["format", "council", "round", "localResponse"]
        var content: Proposal.Content?
        var localResponse: Proposal.LocalResponse?
        switch kind {
        case let .workers(w)?:
            reader.checkKeys(top, allowed: common + ["activity", "outputs", "inputs"]) { key in
                key == "requests" ? "\"\(registry.workersCouncils[w].id)\" is a workers' council: it proposes outputs and inputs, not requests" : nil
            }
            let activity = reader.quantity(top, "activity", required: false)
            let outputs = Self.quantities(&reader, top, "outputs", required: true, registry: registry, resources: false, what: "an output")
            let inputs = Self.quantities(&reader, top, "inputs", required: false, registry: registry, resources: true, what: "an input")
            if let response = reader.object(top, "localResponse", required: false) {
                reader.checkKeys(response, "localResponse.", allowed: ["activitySlope"])
                if let slope = reader.quantity(response, "activitySlope", "localResponse.") {
                    if top["activity"] == nil {
                        reader.report("localResponse.activitySlope", "a local response needs the proposal's activity")
                    }
                    localResponse = .workers(activitySlope: slope)
                }
            }
            if let outputs { content = .workers(activity: activity, outputs: outputs, inputs: inputs ?? []) }
        case let .consumers(c)?:
            reader.checkKeys(top, allowed: common + ["requests"]) { key in
                ["outputs", "inputs", "activity"].contains(key)
                    ? "\"\(registry.consumersCouncils[c].id)\" is a consumers' council: it proposes requests, not \(key)" : nil
            }
            let requests = Self.quantities(&reader, top, "requests", required: true, registry: registry, resources: false, what: "a request")
            if let response = reader.object(top, "localResponse", required: false) {
                reader.checkKeys(response, "localResponse.", allowed: ["demandSlopes", "substitutionElasticity"])
                let sigma = reader.positive(response, "substitutionElasticity", "localResponse.", required: false)
                if let slopes = reader.numbers(response, "demandSlopes", "localResponse.") {
                    for slope in slopes {
                        let field = "localResponse.demandSlopes.\(slope.id)"
                        if registry.goodIndex[slope.id] == nil {
                            reader.report(field, "unknown good \"\(slope.id)\"")
                        } else if slope.amount > 0 {
                            reader.report(field, "a council's demand cannot rise with its own price; found \(numberText(slope.amount))")
                        }
                    }
                    localResponse = .consumers(demandSlopes: slopes, substitutionElasticity: sigma)
                }
            }
            if let requests { content = .consumers(requests: requests) }
        case nil:
            reader.checkKeys(top, allowed: common + ["activity", "outputs", "inputs", "requests"])
        }
        if reader.problems.isEmpty, let councilID, let content, let proposedRound = top["round"]?.numberValue {
            proposal = Proposal(council: councilID, round: Int(proposedRound), content: content, localResponse: localResponse)
        }
    }

    /// Quantities by good (and by resource, if `resources`): known ids, at least zero.
    private static func quantities(_ reader: inout JournalFieldReader, _ object: JSONObject, _ key: String, required: Bool,
                                   registry: CouncilRegistry, resources: Bool, what: String) -> [Quantity]? {
        guard let entries = reader.numbers(object, key, required: required) else { return nil }
        var result: [Quantity] = []
        for entry in entries {
            let field = "\(key).\(entry.id)"
            if registry.goodIndex[entry.id] == nil && registry.resourceIndex[entry.id] == nil {
                reader.report(field, "unknown good\(resources ? " or resource" : "") \"\(entry.id)\"")
            } else if !resources && registry.resourceIndex[entry.id] != nil {
                reader.report(field, "\"\(entry.id)\" is a primary resource; it cannot be \(what) (resources are not produced or consumed directly)")
            } else if entry.amount < 0 {
                reader.report(field, "negative quantity \(numberText(entry.amount)); quantities must be at least 0")
            } else {
                result.append(entry)
            }
        }
        return result
    }
}
