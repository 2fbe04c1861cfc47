import Foundation
import Testing
@testable import Parecon

/// Every kind of malformed economy file is rejected before solving with one `EconomyError` that
/// names the file and, for each problem, the entry (location), the field and what was expected.
@Suite struct EconomyFileValidationTests {
    // MARK: Fixture

    /// A valid economy (DESIGN §7). The tests below break it with textual edits; each edit's
    /// original text must occur in it, so that a test cannot pass because its edit did nothing.
    static let valid = """
        {
          "format": "parecon-economy/1",
          "name": "Two goods, one resource",
          "goods": [{"id": "food", "unit": "t"}, {"id": "tools", "unit": "pieces"}],
          "resources": [{"id": "labour", "unit": "h", "available": 50}],
          "workersCouncils": [
            {"id": "farm", "produces": {"food": 1}, "uses": {"tools": 0.2, "labour": 0.5}, "capacity": 500, "elasticity": 50},
            {"id": "smithy", "produces": {"tools": 1}, "uses": {"labour": 1}, "capacity": 200, "elasticity": 30}
          ],
          "consumersCouncils": [
            {"id": "north", "allowance": 60, "preferences": {"cobbDouglas": {"food": 0.7, "tools": 0.3}}},
            {"id": "south", "allowance": 40, "preferences": {"ces": {"sigma": 0.5, "weights": {"food": 0.5, "tools": 0.5}}}}
          ]
        }
        """

    static let goodsLine = #"  "goods": [{"id": "food", "unit": "t"}, {"id": "tools", "unit": "pieces"}],"#
    static let resourcesLine = #"  "resources": [{"id": "labour", "unit": "h", "available": 50}],"#
    static let farm = #"{"id": "farm", "produces": {"food": 1}, "uses": {"tools": 0.2, "labour": 0.5}, "capacity": 500, "elasticity": 50}"#
    static let smithy = #"{"id": "smithy", "produces": {"tools": 1}, "uses": {"labour": 1}, "capacity": 200, "elasticity": 30}"#
    static let north = #"{"id": "north", "allowance": 60, "preferences": {"cobbDouglas": {"food": 0.7, "tools": 0.3}}}"#
    static let south = #"{"id": "south", "allowance": 40, "preferences": {"ces": {"sigma": 0.5, "weights": {"food": 0.5, "tools": 0.5}}}}"#

    static let smithyLoc = #"workersCouncils[1] "smithy""#
    static let farmLoc = #"workersCouncils[0] "farm""#
    static let northLoc = #"consumersCouncils[0] "north""#
    static let southLoc = #"consumersCouncils[1] "south""#

    /// One textual edit of the valid fixture.
    struct Edit: Sendable {
        var old: String
        var new: String
        init(_ old: String, _ new: String) {
            self.old = old
            self.new = new
        }
    }

    /// The valid fixture with `edits` applied in order; records an issue if an edit does not apply.
    static func edited(_ edits: [Edit], sourceLocation: SourceLocation = #_sourceLocation) -> String {
        var text = valid
        for edit in edits {
            if text.range(of: edit.old) == nil {
                Issue.record("edit does not apply: \(edit.old)", sourceLocation: sourceLocation)
            }
            text = text.replacingOccurrences(of: edit.old, with: edit.new)
        }
        return text
    }

    /// The error decoding `json` as `case.json`, or nil (with an issue recorded) if it was accepted.
    static func decodeError(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> EconomyError? {
        do {
            _ = try EconomyFile.decode(Array(json.utf8), file: "case.json")
            Issue.record("the economy was accepted", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.file == "case.json", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("case.json: "), sourceLocation: sourceLocation)
            #expect(!error.problems.isEmpty, sourceLocation: sourceLocation)
            return error
        }
    }

    /// Whether `error` has a problem at `location` in `field` whose message contains `fragment`,
    /// recording an issue listing every problem if not.
    @discardableResult
    static func expectProblem(
        _ error: EconomyError?, at location: String, field: String, _ fragment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        guard let error else { return false }
        let problem = error.problems.first {
            $0.location == location && $0.field == field && $0.message.contains(fragment)
        }
        #expect(problem != nil, "no problem at \(location.isEmpty ? "<top>" : location), field \(field.isEmpty ? "<none>" : field), containing \"\(fragment)\" in:\n\(error.description)",
                sourceLocation: sourceLocation)
        guard let problem else { return false }
        // The rendering used on stderr has the problem on a line of its own, with all three parts
        // (an empty location or field is simply left out).
        let lines = error.description.split(separator: "\n").map(String.init)
        let line = error.problems.count == 1 ? lines.first : lines.first { $0 == "  " + problem.description }
        #expect(line?.hasSuffix(problem.description) == true, "\(error.description)", sourceLocation: sourceLocation)
        #expect(location.isEmpty || problem.description.hasPrefix(location), "\(problem.description)", sourceLocation: sourceLocation)
        #expect(field.isEmpty || problem.description.contains("field \(field): ") || problem.description.hasPrefix("\(field): "),
                "\(problem.description)", sourceLocation: sourceLocation)
        #expect(problem.description.hasSuffix(problem.message), sourceLocation: sourceLocation)
        return true
    }

    /// One broken file with exactly one problem (or `count` problems).
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var json: String
        var location: String
        var field: String
        var fragment: String
        /// The exact number of problems expected, or nil if follow-on problems are acceptable.
        var count: Int? = 1
        var testDescription: String { name }
    }

    static func c(_ name: String, _ edits: [Edit], _ location: String, _ field: String, _ fragment: String, count: Int? = 1) -> Case {
        Case(name: name, json: edited(edits), location: location, field: field, fragment: fragment, count: count)
    }

    // MARK: Structural problems

    static let structuralCases: [Case] = [
        Case(name: "top level is an array", json: "[1, 2]", location: "", field: "",
             fragment: "the document must be a JSON object, found an array"),
        Case(name: "top level is a string", json: #""parecon""#, location: "", field: "",
             fragment: "the document must be a JSON object, found a string"),
        c("missing format", [Edit("  \"format\": \"parecon-economy/1\",\n", "")],
          "", "format", #"missing; expected "parecon-economy/1""#),
        c("wrong format", [Edit(#""parecon-economy/1""#, #""parecon-plan/1""#)],
          "", "format", #"expected "parecon-economy/1", found "parecon-plan/1""#),
        c("format is a number", [Edit(#""parecon-economy/1""#, "1")],
          "", "format", "expected the string \"parecon-economy/1\", found a number"),
        c("name is a number", [Edit(#""Two goods, one resource""#, "2")],
          "", "name", "expected a string, found a number"),
        c("missing goods", [Edit(goodsLine + "\n", "")],
          "", "goods", "missing; expected an array", count: nil),
        c("goods is an object", [Edit(goodsLine, #"  "goods": {"food": "t"},"#)],
          "", "goods", "expected an array, found an object", count: nil),
        c("missing workersCouncils", [Edit("  \"workersCouncils\": [\n    \(farm),\n    \(smithy)\n  ],\n", "")],
          "", "workersCouncils", "missing; expected an array", count: nil),
        c("missing consumersCouncils", [Edit(",\n  \"consumersCouncils\": [\n    \(north),\n    \(south)\n  ]", "")],
          "", "consumersCouncils", "missing; expected an array"),
        c("a good that is not an object", [Edit(#"{"id": "tools", "unit": "pieces"}"#, #""tools""#)],
          "goods[1]", "", "expected an object, found a string", count: nil),
        c("a good without an id", [Edit(#"{"id": "tools", "unit": "pieces"}"#, #"{"unit": "pieces"}"#)],
          "goods[1]", "id", "missing; expected a string", count: nil),
        c("an id that is a number", [Edit(#"{"id": "tools", "unit": "pieces"}"#, #"{"id": 2, "unit": "pieces"}"#)],
          "goods[1]", "id", "expected a string, found a number", count: nil),
        c("an empty id", [Edit(#"{"id": "tools", "unit": "pieces"}"#, #"{"id": "tools", "unit": "pieces"}, {"id": ""}"#)],
          #"goods[2] """#, "id", "must be a non-empty string"),
        c("unit is a number", [Edit(#""unit": "pieces""#, #""unit": 12"#)],
          #"goods[1] "tools""#, "unit", "expected a string, found a number"),
        c("capacity is a string", [Edit(#""capacity": 200"#, #""capacity": "200""#)],
          smithyLoc, "capacity", "expected a number, found a string"),
        c("capacity is missing", [Edit(#", "capacity": 200"#, "")],
          smithyLoc, "capacity", "missing; expected a number"),
        c("produces is an array", [Edit(#""produces": {"tools": 1}"#, #""produces": ["tools"]"#)],
          smithyLoc, "produces", "expected an object mapping ids to amounts, found an array"),
        c("an amount is a string", [Edit(#""uses": {"labour": 1}"#, #""uses": {"labour": "1 h"}"#)],
          smithyLoc, "uses.labour", "expected a number, found a string"),
        c("elasticity is true", [Edit(#""elasticity": 30"#, #""elasticity": true"#)],
          smithyLoc, "elasticity", "expected a number, found true or false"),
        c("available is missing", [Edit(#", "available": 50"#, "")],
          #"resources[0] "labour""#, "available", "missing; expected a number"),
        c("allowance is null", [Edit(#""allowance": 60"#, #""allowance": null"#)],
          northLoc, "allowance", "expected a number, found null"),
        c("preferences missing", [Edit(#", "preferences": {"cobbDouglas": {"food": 0.7, "tools": 0.3}}"#, "")],
          northLoc, "preferences", "missing; expected"),
        c("preferences of an unknown kind", [Edit(#""cobbDouglas": {"food": 0.7"#, #""leontief": {"food": 0.7"#)],
          northLoc, "preferences", #"expected exactly one of "cobbDouglas" or "ces", found "leontief""#),
        c("preferences of two kinds", [Edit(#""cobbDouglas": {"food": 0.7, "tools": 0.3}"#,
                                            #""cobbDouglas": {"food": 0.7, "tools": 0.3}, "ces": {"sigma": 2, "weights": {"food": 1}}"#)],
          northLoc, "preferences", #"found "cobbDouglas", "ces""#),
        c("ces without sigma", [Edit(#""sigma": 0.5, "#, "")],
          southLoc, "preferences.ces.sigma", "missing; expected a number"),
        c("ces with an unknown field", [Edit(#""sigma": 0.5, "#, #""sigma": 0.5, "rho": 2, "#)],
          southLoc, "preferences.ces.rho", "unknown field; expected one of sigma, weights"),
        c("unknown field (typo)", [Edit(#""capacity": 200"#, #""capacty": 200"#)],
          smithyLoc, "capacty", "unknown field; expected one of id, produces, uses, capacity, elasticity", count: 2),
        c("unknown top-level field", [Edit(#""name": "#, #""councils": [], "name": "#)],
          "", "councils", "unknown field; expected one of format, name, goods"),
        c("duplicate key in a council", [Edit(#""capacity": 200"#, #""capacity": 200, "capacity": 300"#)],
          smithyLoc, "capacity", "the field appears more than once"),
        c("duplicate key in a good", [Edit(#"{"id": "tools", "unit": "pieces"}"#, #"{"id": "tools", "unit": "pieces", "unit": "kg"}"#)],
          #"goods[1] "tools""#, "unit", "the field appears more than once"),
        c("duplicate key at the top level", [Edit(#""name": "Two goods, one resource","#, #""name": "a", "name": "b","#)],
          "", "name", "the field appears more than once"),
        c("duplicate preferences kind", [Edit(#""cobbDouglas": {"food": 0.7, "tools": 0.3}"#,
                                              #""cobbDouglas": {"food": 0.7, "tools": 0.3}, "cobbDouglas": {"food": 1}"#)],
          northLoc, "preferences.cobbDouglas", "the field appears more than once"),
        c("duplicate id in produces", [Edit(#""produces": {"tools": 1}"#, #""produces": {"tools": 1, "tools": 2}"#)],
          smithyLoc, "produces.tools", #""tools" appears more than once"#),
        c("duplicate weight", [Edit(#""tools": 0.3}"#, #""tools": 0.3, "food": 0.1}"#)],
          northLoc, "preferences.cobbDouglas.food", #""food" appears more than once"#),
    ]

    @Test(arguments: structuralCases)
    func structuralProblem(_ c: Case) {
        check(c)
    }

    // MARK: Semantic problems

    static let semanticCases: [Case] = [
        c("duplicate good id", [Edit(#"{"id": "tools", "unit": "pieces"}"#, #"{"id": "tools", "unit": "pieces"}, {"id": "food"}"#)],
          #"goods[2] "food""#, "id", #"id "food" is already used by goods[0] "food"; ids must be unique"#),
        c("a good and a workers' council share an id", [Edit(#"{"id": "smithy""#, #"{"id": "tools""#)],
          #"workersCouncils[1] "tools""#, "id", #"id "tools" is already used by goods[1] "tools""#),
        c("a resource and a good share an id", [Edit(#"{"id": "labour", "unit": "h", "available": 50}"#,
                                                     #"{"id": "labour", "unit": "h", "available": 50}, {"id": "tools", "available": 1}"#)],
          #"resources[1] "tools""#, "id", #"already used by goods[1] "tools""#, count: nil),
        c("two councils share an id", [Edit(#"{"id": "south""#, #"{"id": "farm""#)],
          #"consumersCouncils[1] "farm""#, "id", #"already used by workersCouncils[0] "farm""#),
        c("unknown good in produces", [Edit(#""produces": {"tools": 1}"#, #""produces": {"tools": 1, "nails": 4}"#)],
          smithyLoc, "produces.nails", #"unknown good "nails""#),
        c("unknown good or resource in uses", [Edit(#""uses": {"labour": 1}"#, #""uses": {"labour": 1, "coal": 2}"#)],
          smithyLoc, "uses.coal", #"unknown good or resource "coal""#),
        c("a resource in produces", [Edit(#""produces": {"tools": 1}"#, #""produces": {"tools": 1, "labour": 1}"#)],
          smithyLoc, "produces.labour", #""labour" is a primary resource; only goods can be produced"#),
        c("produces nothing", [Edit(#""produces": {"tools": 1}"#, #""produces": {}"#)],
          smithyLoc, "produces", "must name at least one good", count: nil),
        c("produces only zero amounts", [Edit(#""produces": {"tools": 1}"#, #""produces": {"tools": 0}"#)],
          smithyLoc, "produces", "all amounts are zero", count: nil),
        c("a resource in consumer weights", [Edit(#""tools": 0.3}"#, #""tools": 0.3, "labour": 0.1}"#)],
          northLoc, "preferences.cobbDouglas.labour", #""labour" is a primary resource; consumers' councils can only ask for goods"#),
        c("unknown good in consumer weights", [Edit(#""weights": {"food": 0.5, "tools": 0.5}"#, #""weights": {"food": 0.5, "tolls": 0.5}"#)],
          southLoc, "preferences.ces.weights.tolls", #"unknown good "tolls""#),
        c("negative amount", [Edit(#""tools": 0.2"#, #""tools": -0.2"#)],
          farmLoc, "uses.tools", "must be a non-negative finite number, found -0.2"),
        c("negative available", [Edit(#""available": 50"#, #""available": -50"#)],
          #"resources[0] "labour""#, "available", "must be a positive finite number, found -50"),
        c("zero available", [Edit(#""available": 50"#, #""available": 0"#)],
          #"resources[0] "labour""#, "available", "must be a positive finite number, found 0"),
        c("zero capacity", [Edit(#""capacity": 200"#, #""capacity": 0"#)],
          smithyLoc, "capacity", "must be a positive finite number, found 0"),
        c("negative capacity", [Edit(#""capacity": 200"#, #""capacity": -200"#)],
          smithyLoc, "capacity", "must be a positive finite number, found -200"),
        c("zero elasticity", [Edit(#""elasticity": 30"#, #""elasticity": 0"#)],
          smithyLoc, "elasticity", "must be a positive finite number (leave it out for constant returns), found 0"),
        c("zero allowance", [Edit(#""allowance": 40"#, #""allowance": 0"#)],
          southLoc, "allowance", "must be a positive finite number, found 0"),
        c("all-zero Cobb-Douglas weights", [Edit(#"{"food": 0.7, "tools": 0.3}"#, #"{"food": 0, "tools": 0}"#)],
          northLoc, "preferences.cobbDouglas", "all weights are zero; at least one must be positive"),
        c("all-zero CES weights", [Edit(#"{"food": 0.5, "tools": 0.5}"#, #"{"food": 0, "tools": 0.0}"#)],
          southLoc, "preferences.ces.weights", "all weights are zero; at least one must be positive"),
        c("negative weight", [Edit(#""food": 0.7"#, #""food": -0.7"#)],
          northLoc, "preferences.cobbDouglas.food", "weights must be non-negative finite numbers, found -0.7"),
        c("empty weights", [Edit(#"{"food": 0.7, "tools": 0.3}"#, "{}")],
          northLoc, "preferences.cobbDouglas", "must give a weight to at least one good"),
        c("CES sigma 0", [Edit(#""sigma": 0.5"#, #""sigma": 0"#)],
          southLoc, "preferences.ces.sigma", "must be a positive finite number, found 0"),
        c("CES sigma negative", [Edit(#""sigma": 0.5"#, #""sigma": -0.5"#)],
          southLoc, "preferences.ces.sigma", "must be a positive finite number, found -0.5"),
        c("CES sigma exactly 1", [Edit(#""sigma": 0.5"#, #""sigma": 1.0"#)],
          southLoc, "preferences.ces.sigma", #"must not be 1 (that is Cobb–Douglas: use "cobbDouglas")"#),
        c("a good wanted but never produced", [
            Edit(#"{"id": "tools", "unit": "pieces"}"#, #"{"id": "tools", "unit": "pieces"}, {"id": "wine"}"#),
            Edit(#""tools": 0.3}"#, #""tools": 0.3, "wine": 0.1}"#),
          ],
          northLoc, "preferences.cobbDouglas.wine", #"good "wine" is wanted but no workers' council produces it"#),
        c("no councils at all", [Edit("[\n    \(farm),\n    \(smithy)\n  ]", "[]"), Edit("[\n    \(north),\n    \(south)\n  ]", "[]")],
          "", "workersCouncils", "the economy has no councils at all"),
        c("no workers' councils", [Edit("[\n    \(farm),\n    \(smithy)\n  ]", "[]")],
          "", "workersCouncils", "the economy has no workers' councils", count: nil),
        c("no consumers' councils", [Edit("[\n    \(north),\n    \(south)\n  ]", "[]")],
          "", "consumersCouncils", "the economy has no consumers' councils; at least one is needed"),
    ]

    @Test(arguments: semanticCases)
    func semanticProblem(_ c: Case) {
        check(c)
    }

    func check(_ c: Case, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = Self.decodeError(c.json, sourceLocation: sourceLocation)
        Self.expectProblem(error, at: c.location, field: c.field, c.fragment, sourceLocation: sourceLocation)
        if let count = c.count, let error {
            #expect(error.problems.count == count, "\(error.description)", sourceLocation: sourceLocation)
        }
    }

    @Test func noGoods() {
        let json = """
            {"format": "parecon-economy/1", "goods": [],
             "resources": [{"id": "labour", "available": 10}],
             "workersCouncils": [{"id": "idle", "produces": {}, "uses": {"labour": 1}, "capacity": 1}],
             "consumersCouncils": [{"id": "town", "allowance": 1, "preferences": {"cobbDouglas": {}}}]}
            """
        let error = Self.decodeError(json)
        Self.expectProblem(error, at: "", field: "goods", "the economy has no goods; at least one is needed")
    }

    // MARK: Follow-on problems are not reported

    /// A list whose only entry is malformed is not also "missing": the entry's problem says it all.
    @Test func aMalformedOnlyEntryIsNotReportedAsAnEmptyList() throws {
        let json = Self.edited([
            Edit("[\n    \(Self.farm),\n    \(Self.smithy)\n  ]", "[\(Self.smithy.replacingOccurrences(of: #""capacity": 200"#, with: #""capacity": "lots""#))]"),
        ])
        let error = try #require(Self.decodeError(json))
        Self.expectProblem(error, at: #"workersCouncils[0] "smithy""#, field: "capacity", "expected a number, found a string")
        #expect(error.problems.count == 1, "\(error.description)")
    }

    /// Malformed entries are dropped before the semantic checks; the entries after them are still
    /// named by their position in the file.
    @Test func entriesAfterADroppedOneKeepTheirPositionInTheFile() throws {
        let json = Self.edited([
            Edit(#""goods": [{"id": "food", "unit": "t"}, {"id": "tools", "unit": "pieces"}]"#,
                 #""goods": ["junk", {"id": "food", "unit": "t"}, {"id": "tools", "unit": "pieces"}, {"id": "food"}]"#),
            Edit(#""allowance": 60"#, #""allowance": [60]"#),  // north dropped
            Edit(#""sigma": 0.5"#, #""sigma": 1"#),
        ])
        let error = try #require(Self.decodeError(json))
        Self.expectProblem(error, at: "goods[0]", field: "", "expected an object, found a string")
        Self.expectProblem(error, at: #"goods[3] "food""#, field: "id", #"already used by goods[1] "food""#)
        Self.expectProblem(error, at: Self.northLoc, field: "allowance", "expected a number, found an array")
        Self.expectProblem(error, at: Self.southLoc, field: "preferences.ces.sigma", "must not be 1")
        #expect(error.problems.count == 4, "\(error.description)")
    }

    @Test func aMissingListIsReportedOnce() throws {
        let json = Self.edited([Edit(",\n  \"consumersCouncils\": [\n    \(Self.north),\n    \(Self.south)\n  ]", "")])
        let error = try #require(Self.decodeError(json))
        #expect(error.problems.filter { $0.field == "consumersCouncils" }.count == 1, "\(error.description)")
    }

    @Test func aDocumentThatIsNotAnObjectHasOneProblem() throws {
        let error = try #require(Self.decodeError("null"))
        #expect(error.problems == [EconomyProblem(location: "", field: "", message: "the document must be a JSON object, found null")])
        #expect(error.description == "case.json: the document must be a JSON object, found null")
    }

    @Test func aDuplicatedUnknownFieldIsReportedOncePerKind() throws {
        let json = Self.edited([Edit(#""capacity": 200"#, #""capacity": 200, "colour": 1, "colour": 2"#)])
        let error = try #require(Self.decodeError(json))
        let unknown = error.problems.filter { $0.field == "colour" && $0.message.hasPrefix("unknown field") }
        let duplicate = error.problems.filter { $0.field == "colour" && $0.message.contains("more than once") }
        #expect(unknown.count == 1 && duplicate.count == 1, "\(error.description)")
        #expect(error.problems.count == 2, "\(error.description)")
    }

    /// A duplicated preferences kind is a duplicate field, not "two kinds of preferences".
    @Test func aDuplicatedPreferencesKindIsADuplicateField() throws {
        let json = Self.edited([Edit(#""cobbDouglas": {"food": 0.7, "tools": 0.3}"#,
                                     #""cobbDouglas": {"food": 0.7, "tools": 0.3}, "cobbDouglas": {"food": 1}"#)])
        let error = try #require(Self.decodeError(json))
        #expect(!error.problems.contains { $0.message.contains("exactly one of") }, "\(error.description)")
    }

    // MARK: Malformed JSON

    static func expectSyntaxError(
        _ json: String, line: Int, column: Int, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = decodeError(json, sourceLocation: sourceLocation) else { return }
        #expect(error.problems.count == 1, "\(error.description)", sourceLocation: sourceLocation)
        let message = error.problems.first?.message ?? ""
        #expect(message.hasPrefix("malformed JSON at line \(line), column \(column): "), "\(message)", sourceLocation: sourceLocation)
        #expect(message.contains(fragment), "\(message)", sourceLocation: sourceLocation)
        #expect(error.description == "case.json: \(message)", sourceLocation: sourceLocation)
    }

    /// 1-based line and column (in UTF-8 bytes) of the first occurrence of `needle` in `text`.
    static func position(of needle: String, in text: String) -> (line: Int, column: Int) {
        let prefix = text[..<text.range(of: needle)!.lowerBound]
        let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.count, lines.last!.utf8.count + 1)
    }

    @Test func trailingCommaInAnArray() {
        let json = Self.edited([Edit(#""unit": "pieces"}]"#, #""unit": "pieces"},]"#)])
        // Line 4 is the goods line; the ']' after the comma is at column 76.
        Self.expectSyntaxError(json, line: 4, column: 76, "expected a value after ',' in an array, found ']' (trailing commas are not allowed)")
        #expect(Self.position(of: ",]", in: json) == (4, 75))
    }

    @Test func trailingCommaInAnObject() {
        let json = Self.edited([Edit(#""elasticity": 30}"#, #""elasticity": 30,}"#)])
        let at = Self.position(of: "30,}", in: json)
        #expect(at == (8, 102))
        Self.expectSyntaxError(json, line: 8, column: 105, "found '}' (trailing commas are not allowed)")
    }

    @Test func missingClosingBraceAtEndOfFile() {
        var json = Self.valid
        #expect(json.hasSuffix("\n}"))
        json.removeLast()  // the file now ends with "  ]\n": 13 full lines, then end of file
        Self.expectSyntaxError(json, line: 14, column: 1, "expected ',' or '}' after an object member, found end of file")
    }

    @Test func missingCommaBetweenMembers() {
        let json = Self.edited([Edit(#""capacity": 200, "elasticity": 30"#, #""capacity": 200 "elasticity": 30"#)])
        let at = Self.position(of: #" "elasticity": 30"#, in: json)
        Self.expectSyntaxError(json, line: at.line, column: at.column + 1, "expected ',' or '}' after an object member, found '\"'")
    }

    @Test func aHugeNumberIsOutOfRange() {
        let json = Self.edited([Edit(#""capacity": 200"#, #""capacity": 1e400"#)])
        let at = Self.position(of: "1e400", in: json)
        #expect(at.line == 8)
        Self.expectSyntaxError(json, line: 8, column: at.column, "number 1e400 is out of range (not a finite double)")
    }

    @Test func nanIsNotJSON() {
        let json = Self.edited([Edit(#""capacity": 200"#, #""capacity": NaN"#)])
        let at = Self.position(of: "NaN", in: json)
        Self.expectSyntaxError(json, line: at.line, column: at.column, "NaN and Infinity are not allowed in JSON")
    }

    @Test func anEmptyFile() {
        Self.expectSyntaxError("", line: 1, column: 1, "the file is empty")
        Self.expectSyntaxError("  \n\n", line: 3, column: 1, "the file is empty")
    }

    // MARK: Non-finite numbers built in code

    @Test func nonFiniteNumbersAreRejectedWhenBuildingAnEconomy() {
        do {
            _ = try Economy(
                goods: [Good(id: "food")],
                resources: [PrimaryResource(id: "labour", available: .infinity)],
                workersCouncils: [WorkersCouncil(id: "farm", produces: [Quantity("food", .nan)], uses: [Quantity("labour", 1)],
                                                 capacity: .infinity, elasticity: -.infinity)],
                consumersCouncils: [ConsumersCouncil(id: "town", allowance: .nan,
                                                     preferences: .ces(sigma: .infinity, weights: [Quantity("food", .infinity)]))])
            Issue.record("accepted non-finite numbers")
        } catch {
            #expect(error.file == nil)
            let expected: [(String, String, String)] = [
                (#"resources[0] "labour""#, "available", "found infinity"),
                (#"workersCouncils[0] "farm""#, "produces.food", "found NaN"),
                (#"workersCouncils[0] "farm""#, "capacity", "found infinity"),
                (#"workersCouncils[0] "farm""#, "elasticity", "found -infinity"),
                (#"consumersCouncils[0] "town""#, "allowance", "found NaN"),
                (#"consumersCouncils[0] "town""#, "preferences.ces.sigma", "found infinity"),
                (#"consumersCouncils[0] "town""#, "preferences.ces.weights.food", "found infinity"),
            ]
            for (location, field, fragment) in expected {
                Self.expectProblem(error, at: location, field: field, fragment)
            }
        }
    }

    // MARK: Several problems at once

    @Test func severalProblemsAreReportedTogether() throws {
        let json = Self.edited([
            Edit(#""format": "parecon-economy/1""#, #""format": "parecon-economy/2""#),
            Edit(#"{"id": "tools", "unit": "pieces"}"#, #"{"id": "tools", "unit": "pieces"}, {"id": "food"}"#),
            Edit(#""available": 50"#, #""available": -50"#),
            Edit(#""tools": 0.2"#, #""tools": 0.2, "coal": 1"#),
            Edit(#""capacity": 200"#, #""capacity": 0"#),
            Edit(#""allowance": 60"#, #""allowance": "sixty""#),
            Edit(#""sigma": 0.5"#, #""sigma": 1"#),
        ])
        let error = try #require(Self.decodeError(json))
        Self.expectProblem(error, at: "", field: "format", #"found "parecon-economy/2""#)
        Self.expectProblem(error, at: #"goods[2] "food""#, field: "id", "already used by goods[0]")
        Self.expectProblem(error, at: #"resources[0] "labour""#, field: "available", "found -50")
        Self.expectProblem(error, at: Self.farmLoc, field: "uses.coal", #"unknown good or resource "coal""#)
        Self.expectProblem(error, at: Self.smithyLoc, field: "capacity", "found 0")
        Self.expectProblem(error, at: Self.northLoc, field: "allowance", "expected a number, found a string")
        Self.expectProblem(error, at: Self.southLoc, field: "preferences.ces.sigma", "must not be 1")
        #expect(error.problems.count == 7, "\(error.description)")
        let lines = error.description.split(separator: "\n")
        #expect(lines.first == "case.json: 7 problems:")
        #expect(lines.count == 8)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") })
    }

    @Test func structuralAndSemanticProblemsAreReportedTogether() throws {
        let json = Self.edited([
            Edit(#""produces": {"tools": 1}"#, #""produces": ["tools"]"#),  // smithy dropped
            Edit(#""capacity": 500"#, #""capacity": -1"#),
            Edit(#""food": 0.7"#, #""food": -0.7"#),
            Edit(#""name": "#, #""nmae": "x", "name": "#),
        ])
        let error = try #require(Self.decodeError(json))
        Self.expectProblem(error, at: Self.smithyLoc, field: "produces", "found an array")
        Self.expectProblem(error, at: Self.farmLoc, field: "capacity", "found -1")
        Self.expectProblem(error, at: Self.northLoc, field: "preferences.cobbDouglas.food", "found -0.7")
        Self.expectProblem(error, at: "", field: "nmae", "unknown field")
        #expect(error.problems.count == 4, "\(error.description)")
    }

    // MARK: Valid edge cases

    static func decodes(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> Economy? {
        do {
            return try EconomyFile.decode(Array(json.utf8), file: "case.json")
        } catch {
            Issue.record("rejected: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func theFixtureIsValid() throws {
        let economy = try #require(Self.decodes(Self.valid))
        #expect(economy.name == "Two goods, one resource")
        #expect(economy.goodCount == 2 && economy.resourceCount == 1)
        #expect(economy.workersCouncilCount == 2 && economy.consumersCouncilCount == 2)
    }

    @Test func elasticityOmittedOrNullMeansConstantReturns() throws {
        let omitted = try #require(Self.decodes(Self.edited([Edit(#", "elasticity": 30"#, "")])))
        #expect(omitted.workersCouncils[1].elasticity == nil)
        #expect(omitted.workersCouncils[1].hasConstantReturns)
        let null = try #require(Self.decodes(Self.edited([Edit(#""elasticity": 30"#, #""elasticity": null"#)])))
        #expect(null.workersCouncils[1].hasConstantReturns)
        #expect(null.workersCouncils[0].elasticity == 50)
    }

    @Test func resourcesMayBeOmitted() throws {
        let json = Self.edited([
            Edit(Self.resourcesLine + "\n", ""),
            Edit(#", "labour": 0.5"#, ""),
            Edit(#""uses": {"labour": 1}, "#, ""),
        ])
        let economy = try #require(Self.decodes(json))
        #expect(economy.resources.isEmpty)
        #expect(economy.workersCouncils[1].uses.isEmpty)
    }

    @Test func aGoodMayBeOnlyAnIntermediateInput() throws {
        let json = Self.edited([
            Edit(#"{"id": "tools", "unit": "pieces"}"#, #"{"id": "tools", "unit": "pieces"}, {"id": "ore"}"#),
            Edit("\(Self.smithy)\n", "\(Self.smithy),\n    {\"id\": \"mine\", \"produces\": {\"ore\": 1}, \"uses\": {\"labour\": 0.1}, \"capacity\": 1000}\n"),
            Edit(#""uses": {"labour": 1}"#, #""uses": {"labour": 1, "ore": 2}"#),
        ])
        let economy = try #require(Self.decodes(json))
        #expect(economy.goodIndex["ore"] == 2)
        #expect(!economy.consumersCouncils.contains { $0.preferences.weights.contains { $0.id == "ore" } })
    }

    @Test func zeroWeightsAndAmountsBesidePositiveOnesAreAccepted() throws {
        let json = Self.edited([Edit(#""food": 0.7"#, #""food": 0"#), Edit(#""tools": 0.2"#, #""tools": 0"#)])
        #expect(Self.decodes(json) != nil)
    }

    @Test func aFileNameIsOptional() {
        do {
            _ = try EconomyFile.decode(Array("{}".utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.file == nil)
            #expect(error.description.hasPrefix("\(error.problems.count) problems:"))
        }
    }

    // MARK: Round trip

    @Test func encodingRoundTrips() throws {
        let json = Self.edited([
            Edit(#", "elasticity": 30"#, ""),  // constant returns
            Edit(#"{"id": "food", "unit": "t"}"#, #"{"id": "food"}"#),  // no unit
        ])
        let economy = try #require(Self.decodes(json))
        let text = EconomyFile.encode(economy).serialized()
        let again = try EconomyFile.decode(Array(text.utf8), file: "round-trip.json")
        #expect(again.name == economy.name)
        #expect(again.goods == economy.goods)
        #expect(again.resources == economy.resources)
        #expect(again.workersCouncils == economy.workersCouncils)
        #expect(again.consumersCouncils == economy.consumersCouncils)
        #expect(again.workersCouncils[1].elasticity == nil)
        #expect(again.goods[0].unit == nil)
        // Compact output round-trips too.
        let compact = try EconomyFile.decode(Array(EconomyFile.encode(economy).serialized(pretty: false).utf8))
        #expect(compact.workersCouncils == economy.workersCouncils)
        #expect(compact.consumersCouncils == economy.consumersCouncils)
    }

    // MARK: Loading files

    @Test func loadNamesTheFileForMissingFilesAndDirectories() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parecon-economy-file-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let missing = directory.appendingPathComponent("missing.json").path
        #expect(throws: EconomyError(file: missing, problems: [EconomyProblem(location: "", field: "", message: "cannot read the file: it does not exist")])) {
            try EconomyFile.load(path: missing)
        }
        #expect(throws: EconomyError(file: directory.path, problems: [EconomyProblem(location: "", field: "", message: "cannot read the file: it is a directory")])) {
            try EconomyFile.load(path: directory.path)
        }
        let bad = directory.appendingPathComponent("bad.json")
        try Data(Self.edited([Edit(#""capacity": 200"#, #""capacity": 0"#)]).utf8).write(to: bad)
        do {
            _ = try EconomyFile.load(path: bad.path)
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix(bad.path + ": "))
            Self.expectProblem(error, at: Self.smithyLoc, field: "capacity", "found 0")
        }
    }
}
