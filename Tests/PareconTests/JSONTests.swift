import Testing
import _TestSupport
@testable import Parecon

// MARK: - Helpers

/// The syntax error parsing `bytes` throws, or `nil` if it parses.
private func syntaxError(_ bytes: [UInt8]) -> JSONSyntaxError? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

private func syntaxError(_ text: String) -> JSONSyntaxError? {
    syntaxError(Array(text.utf8))
}

/// One malformed input and where and how it must be reported.
struct JSONErrorCase: Sendable, CustomStringConvertible {
    var input: [UInt8]
    var line: Int
    var column: Int
    /// Text the message must contain.
    var message: String

    init(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        self.init(bytes: Array(text.utf8), line, column, message)
    }

    init(bytes: [UInt8], _ line: Int, _ column: Int, _ message: String) {
        self.input = bytes
        self.line = line
        self.column = column
        self.message = message
    }

    var description: String {
        String(decoding: input, as: UTF8.self).debugDescription
    }
}

private let errorCases: [JSONErrorCase] = [
    // Empty input.
    JSONErrorCase("", 1, 1, "the file is empty"),
    JSONErrorCase("  \n ", 2, 2, "the file is empty"),
    // Trailing commas.
    JSONErrorCase("[\n  1,\n  2,\n]", 4, 1, "expected a value after ',' in an array, found ']' (trailing commas are not allowed)"),
    JSONErrorCase("{\n  \"a\": 1,\n}", 3, 1, "expected a string key after ',' in an object, found '}' (trailing commas are not allowed)"),
    // Mismatched or missing punctuation.
    JSONErrorCase("{\"a\": 1]", 1, 8, "expected ',' or '}' after an object member, found ']'"),
    JSONErrorCase("{\"a\": [1, 2}", 1, 12, "expected ',' or ']' after an array element, found '}'"),
    JSONErrorCase("[1 2]", 1, 4, "expected ',' or ']' after an array element, found '2'"),
    JSONErrorCase("{\"a\" 1}", 1, 6, "expected ':' after the key \"a\", found '1'"),
    JSONErrorCase("{\"a\"", 1, 5, "expected ':' after the key \"a\", found end of file"),
    JSONErrorCase("{\"a\":", 1, 6, "expected a value after ':', found end of file"),
    JSONErrorCase("[1, 2", 1, 6, "expected ',' or ']' after an array element, found end of file"),
    JSONErrorCase("{\"a\": 1", 1, 8, "expected ',' or '}' after an object member, found end of file"),
    JSONErrorCase("[", 1, 2, "expected a value or ']' after '[', found end of file"),
    JSONErrorCase("{", 1, 2, "expected a string key or '}' after '{', found end of file"),
    JSONErrorCase("{a: 1}", 1, 2, "expected a string key or '}' after '{', found 'a' (keys must be in double quotes)"),
    JSONErrorCase("{\"a\": 1,\n key: 2}", 2, 2, "expected a string key after ',' in an object, found 'key' (keys must be in double quotes)"),
    JSONErrorCase("{\"a\\n\" 1}", 1, 8, "expected ':' after the key \"a\\n\", found '1'"),
    JSONErrorCase("]", 1, 1, "expected a value, found ']'"),
    // Comments and single quotes.
    JSONErrorCase("{\n  // comment\n  \"a\": 1\n}", 2, 3, "found '/' (comments are not allowed in JSON)"),
    JSONErrorCase("[1, /* c */ 2]", 1, 5, "found '/' (comments are not allowed in JSON)"),
    JSONErrorCase("['a']", 1, 2, "expected a value or ']' after '[', found \"'\" (strings must be in double quotes)"),
    JSONErrorCase("{'a': 1}", 1, 2, "found \"'\" (keys must be in double quotes)"),
    // Numbers.
    JSONErrorCase("[01]", 1, 3, "expected '.', 'e' or the end of the number after a leading '0', found '1' (leading zeros are not allowed)"),
    JSONErrorCase("-007", 1, 3, "leading zeros are not allowed"),
    JSONErrorCase("+1", 1, 1, "expected a value, found '+' (numbers cannot start with '+')"),
    JSONErrorCase(".5", 1, 1, "expected a value, found '.' (numbers need a digit before '.')"),
    JSONErrorCase("1.", 1, 3, "expected a digit after '.' in a number, found end of file"),
    JSONErrorCase("[1.e5]", 1, 4, "expected a digit after '.' in a number, found 'e'"),
    JSONErrorCase("1e", 1, 3, "expected a digit in the exponent of a number, found end of file"),
    JSONErrorCase("1E+]", 1, 4, "expected a digit in the exponent of a number, found ']'"),
    JSONErrorCase("-", 1, 2, "expected a digit after '-' in a number, found end of file"),
    JSONErrorCase("- 1", 1, 2, "expected a digit after '-' in a number, found ' '"),
    JSONErrorCase("NaN", 1, 1, "expected a value, found 'NaN' (NaN and Infinity are not allowed in JSON)"),
    JSONErrorCase("[1,\n Infinity]", 2, 2, "expected a value after ',' in an array, found 'Infinity' (NaN and Infinity are not allowed in JSON)"),
    JSONErrorCase("-Infinity", 1, 2, "found 'I' (NaN and Infinity are not allowed in JSON)"),
    JSONErrorCase("0x10", 1, 2, "expected end of file after the top-level value, found 'x'"),
    JSONErrorCase("[1e400]", 1, 2, "number 1e400 is out of range (not a finite double)"),
    JSONErrorCase("{\n \"a\": -2.5e308}", 2, 7, "number -2.5e308 is out of range (not a finite double)"),
    // Literals.
    JSONErrorCase("tru", 1, 1, "expected a value, found 'tru'"),
    JSONErrorCase("[True]", 1, 2, "found 'True' (true, false and null are written in lower case)"),
    JSONErrorCase("{\"a\": nulll}", 1, 7, "expected a value after ':', found 'nulll'"),
    JSONErrorCase("undefined", 1, 1, "expected a value, found 'undefined'"),
    // Strings.
    JSONErrorCase("[\"abc", 1, 6, "expected '\"' to end the string, found end of file"),
    JSONErrorCase("[\"a\\\"", 1, 6, "expected '\"' to end the string, found end of file"),
    JSONErrorCase("{\"a\": \"x\ny\"}", 1, 9, "found a line feed (U+000A), which must be escaped"),
    JSONErrorCase("\"a\tb\"", 1, 3, "found a tab (U+0009), which must be escaped"),
    JSONErrorCase("\"a\u{01}\"", 1, 3, "found the control character U+0001, which must be escaped"),
    JSONErrorCase("\"a\\x\"", 1, 4, "expected one of '\"', '\\', '/', 'b', 'f', 'n', 'r', 't' or 'u' after '\\' in a string, found 'x'"),
    JSONErrorCase("\"a\\'\"", 1, 4, "after '\\' in a string, found \"'\""),
    JSONErrorCase("\"\\", 1, 3, "expected an escape character after '\\' in a string, found end of file"),
    JSONErrorCase("\"\\u12G4\"", 1, 6, "expected 4 hex digits after '\\u' in a string, found 'G'"),
    JSONErrorCase("\"\\u12", 1, 6, "expected 4 hex digits after '\\u' in a string, found end of file"),
    // Surrogates.
    JSONErrorCase("\"\\uD800\"", 1, 8, "expected a low surrogate escape '\\uDC00'...'\\uDFFF' after the high surrogate '\\uD800', found '\"'"),
    JSONErrorCase("\"\\uD83Dx\"", 1, 8, "after the high surrogate '\\uD83D', found 'x'"),
    JSONErrorCase("\"\\uD800\\u0041\"", 1, 8, "after the high surrogate '\\uD800', found '\\u0041'"),
    JSONErrorCase("\"\\uD800\\uD800\"", 1, 8, "found '\\uD800'"),
    JSONErrorCase("\"\\uD800\\n\"", 1, 8, "after the high surrogate '\\uD800', found '\\'"),
    JSONErrorCase("[\n\"ok\",\n  \"\\uDC00\"]", 3, 4, "found the low surrogate '\\uDC00' without a preceding high surrogate"),
    // Invalid UTF-8 (columns are in bytes).
    JSONErrorCase(bytes: [0x22, 0x61, 0xFF, 0x22], 1, 3, "found the byte 0xFF, which is not valid UTF-8"),
    JSONErrorCase(bytes: [0x22, 0xC0, 0x80, 0x22], 1, 2, "found the byte 0xC0, which is not valid UTF-8"),
    JSONErrorCase(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], 1, 2, "found the byte 0xED, which is not valid UTF-8"),
    JSONErrorCase(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, 2, "not valid UTF-8"),
    JSONErrorCase(bytes: [0x22, 0xE2, 0x82], 1, 2, "found the byte 0xE2, which is not valid UTF-8"),
    JSONErrorCase(bytes: [0x22, 0xE2, 0x82, 0x22], 1, 2, "not valid UTF-8"),
    JSONErrorCase(bytes: [0x22, 0x5C, 0x6E, 0x80, 0x22], 1, 4, "found the byte 0x80, which is not valid UTF-8"),
    JSONErrorCase(bytes: [0x5B, 0xFF, 0x5D], 1, 2, "expected a value or ']' after '[', found the byte 0xFF, which is not valid UTF-8"),
    JSONErrorCase(bytes: [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], 1, 1, "expected a value, found a byte order mark (U+FEFF)"),
    JSONErrorCase("\"é\" x", 1, 6, "expected end of file after the top-level value, found 'x'"),
    JSONErrorCase("[\"ü\",\n \"日本\", é]", 2, 12, "expected a value after ',' in an array, found 'é' (U+00E9)"),
    // Trailing content and line endings.
    JSONErrorCase("{}\n  x", 2, 3, "expected end of file after the top-level value, found 'x'"),
    JSONErrorCase("[1] [2]", 1, 5, "expected end of file after the top-level value, found '['"),
    JSONErrorCase("[1,\r\n]", 2, 1, "found ']' (trailing commas are not allowed)"),
    JSONErrorCase("[1,\u{0B}2]", 1, 4, "found the control character U+000B"),
    JSONErrorCase("{\"a\":\u{A0}1}", 1, 6, "expected a value after ':', found '\u{A0}' (U+00A0)"),
]

// MARK: - Syntax errors

@Test(arguments: errorCases)
func jsonSyntaxErrorPosition(_ testCase: JSONErrorCase) throws {
    let error = try #require(syntaxError(testCase.input), "parsed but should have failed")
    #expect(error.line == testCase.line)
    #expect(error.column == testCase.column)
    #expect(error.message.contains(testCase.message), "message: \(error.message)")
}

@Test func jsonSyntaxErrorExactMessageAndDescription() throws {
    let error = try #require(syntaxError("{\n  \"a\": 1,\n  \"b\": 2]\n}"))
    #expect(error == JSONSyntaxError(line: 3, column: 9, message: "expected ',' or '}' after an object member, found ']'"))
    #expect(error.description == "line 3, column 9: expected ',' or '}' after an object member, found ']'")
}

@Test func jsonStringAndBytesEntryPointsAgree() throws {
    let text = "{\"a\": [1, \"é\", null, true, false, {\"b\": -2.5e-3}]}"
    #expect(try JSONParser.parse(text) == JSONParser.parse(Array(text.utf8)))
    var error1: JSONSyntaxError?
    var error2: JSONSyntaxError?
    do { _ = try JSONParser.parse("[1,\n 2,]") } catch { error1 = error }
    do { _ = try JSONParser.parse(Array("[1,\n 2,]".utf8)) } catch { error2 = error }
    #expect(error1 != nil)
    #expect(error1 == error2)
    #expect(error1?.line == 2 && error1?.column == 4)
}

// MARK: - Nesting

@Test func jsonNestingUpTo512IsAccepted() throws {
    let depth = JSONParser.maximumDepth
    #expect(depth == 512)
    var value = try JSONParser.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
    var levels = 0
    while case .array(let elements) = value {
        levels += 1
        value = elements.first ?? .null
    }
    #expect(levels == depth)
    let objects = String(repeating: "{\"a\":", count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
    #expect(throws: Never.self) { try JSONParser.parse(objects) }
}

@Test func jsonNestingDeeperThan512IsAnError() throws {
    let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
    let error = try #require(syntaxError(tooDeep))
    #expect(error.line == 1)
    #expect(error.column == 513)
    #expect(error.message.contains("more than 512 levels"))

    let mixed = "{\"a\":\n" + String(repeating: "[{\"b\":", count: 256) + "1"
    let mixedError = try #require(syntaxError(mixed))
    // Level 1 is the outer object and each `[{"b":` adds two levels, so the 256th '[' is level 512
    // and the '{' after it (column 6 * 255 + 2 of line 2) is level 513.
    #expect(mixedError.line == 2)
    #expect(mixedError.column == 6 * 255 + 2)
    #expect(mixedError.message.contains("more than 512 levels"))

    // Very deep input fails cleanly instead of overflowing the stack.
    let huge = String(repeating: "[", count: 1_000_000)
    #expect(syntaxError(huge)?.column == 513)
}

// MARK: - Strings and escapes

@Test func jsonEscapesDecodeToTheRightScalars() throws {
    let text = #""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\uD83D\uDE00\u0000\uFFFF\uDBFF\uDFFF x\ud834\udd1e""#
    let value = try JSONParser.parse(text)
    let string = try #require(value.stringValue)
    let scalars = string.unicodeScalars.map(\.value)
    #expect(scalars == [
        0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09,
        0x41, 0xE9, 0x20AC, 0x1F600, 0x0000, 0xFFFF, 0x10FFFF, 0x20, 0x78, 0x1D11E,
    ])
}

@Test func jsonUnescapedUnicodeIsKept() throws {
    let text = "[\"héllo\", \"日本語\", \"😀 \\n 😀\", \"\u{7F}\", \"\"]"
    let value = try JSONParser.parse(text)
    #expect(value == .array([.string("héllo"), .string("日本語"), .string("😀 \n 😀"), .string("\u{7F}"), .string("")]))
}

@Test func jsonWriterEscapesStrings() throws {
    let original = "a\"b\\c/\n\t\r\u{08}\u{0C}\u{01}\u{1F}é😀\u{7F}"
    let written = JSONValue.string(original).serialized()
    #expect(written == #""a\"b\\c/\n\t\r\b\f\u0001\u001fé😀"# + "\u{7F}\"")
    #expect(try JSONParser.parse(written) == .string(original))
    // Every control character round-trips.
    let controls = String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar(UInt8($0)) }))
    let controlsWritten = JSONValue.string(controls).serialized(pretty: false)
    #expect(controlsWritten.utf8.allSatisfy { $0 >= 0x20 })
    #expect(try JSONParser.parse(controlsWritten) == .string(controls))
}

// MARK: - Numbers

@Test(arguments: [
    "0", "-0", "0.0", "-0.0", "0e0", "0.1", "1e-7", "1E-7", "-12.5E+3", "1E2", "100", "-100",
    "123456789012345678", "-123456789012345678", "999999999999999999", "1234567890123456789",
    "12345678901234567890123", "9007199254740993", "9007199254740992", "0.30000000000000004",
    "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "5e-324", "2.4703282292062328e-324",
    "1e-320", "1.7976931348623157e308", "1e308", "1e-400", "-1e-400", "0.000001",
    "3.141592653589793238462643383279502884197", "1.00000000000000011102230246251565404236316680908203125",
])
func jsonNumbersParseExactlyLikeDouble(_ lexeme: String) throws {
    let expected = try #require(Double(lexeme))
    let value = try JSONParser.parse(lexeme)
    let number = try #require(value.numberValue)
    #expect(number.bitPattern == expected.bitPattern, "\(lexeme): got \(number), expected \(expected)")
    // Also inside a container, followed by other tokens.
    let inArray = try JSONParser.parse("[\(lexeme),\(lexeme)]")
    #expect(inArray.arrayValue?.map { $0.numberValue?.bitPattern } == [expected.bitPattern, expected.bitPattern])
}

@Test func jsonNegativeZeroKeepsItsSign() throws {
    let value = try #require(JSONParser.parse("-0").numberValue)
    #expect(value == 0 && value.sign == .minus)
    let positive = try #require(JSONParser.parse("0").numberValue)
    #expect(positive.sign == .plus)
    #expect(JSONValue.number(-0.0).serialized() == "-0")
    #expect(try JSONParser.parse(JSONValue.number(-0.0).serialized()).numberValue?.sign == .minus)
}

@Test func jsonOutOfRangeNumbersAreRejectedAndUnderflowIsZero() throws {
    let error = try #require(syntaxError("1e400"))
    #expect(error == JSONSyntaxError(line: 1, column: 1, message: "number 1e400 is out of range (not a finite double)"))
    #expect(syntaxError("-1e400")?.message == "number -1e400 is out of range (not a finite double)")
    #expect(syntaxError("1.7976931348623159e308") != nil)
    #expect(syntaxError("123" + String(repeating: "0", count: 400)) != nil)
    #expect(try JSONParser.parse("1e-400") == .number(0))
    #expect(try JSONParser.parse("1e-400").numberValue?.sign == .plus)
    #expect(try JSONParser.parse("1e-320") == .number(Double("1e-320")!))
}

@Test func jsonRandomIntegerLexemesMatchDouble() throws {
    var generator = TestRandom(seed: 42)
    for _ in 0..<5_000 {
        let digits = Int(generator.next() % 22) + 1
        var lexeme = generator.next() % 2 == 0 ? "-" : ""
        lexeme += String(Int(generator.next() % 9) + 1)
        for _ in 1..<digits { lexeme += String(generator.next() % 10) }
        let expected = try #require(Double(lexeme))
        let parsed = try #require(JSONParser.parse(lexeme).numberValue)
        #expect(parsed.bitPattern == expected.bitPattern, "\(lexeme)")
        if parsed.bitPattern != expected.bitPattern { break }
    }
}

@Test func jsonRandomDecimalLexemesMatchDouble() throws {
    // Shapes that exercise the exact fast paths and the boundaries around them: up to 22 digits,
    // a decimal point anywhere, exponents around ±22 and beyond, mantissas around 2^53.
    var generator = TestRandom(seed: 2024)
    var lexemes: [String] = []
    for _ in 0..<20_000 {
        let digits = Int(generator.next() % 22) + 1
        var digitString = String(Int(generator.next() % 9) + 1)
        for _ in 1..<digits { digitString += String(generator.next() % 10) }
        var lexeme = generator.next() % 2 == 0 ? "-" : ""
        let point = Int(generator.next() % UInt64(digits + 1))
        if point == 0 {
            lexeme += "0." + digitString
        } else if point == digits {
            lexeme += digitString
        } else {
            lexeme += digitString.prefix(point) + "." + digitString.dropFirst(point)
        }
        if generator.next() % 3 != 0 {
            let exponent = Int(generator.next() % 61) - 30
            lexeme += (generator.next() % 2 == 0 ? "e" : "E") + String(exponent)
        }
        lexemes.append(lexeme)
    }
    for power in [52, 53, 54] {
        let m = UInt64(1) << power
        for delta: Int64 in [-1, 0, 1] {
            let digits = String(Int64(m) + delta)
            for exponent in [-23, -22, -1, 1, 22, 23] { lexemes.append("\(digits)e\(exponent)") }
        }
    }
    var mismatches = 0
    for lexeme in lexemes {
        let expected = try #require(Double(lexeme))
        let parsed = try #require(JSONParser.parse(lexeme).numberValue)
        if parsed.bitPattern != expected.bitPattern {
            mismatches += 1
            Issue.record("\(lexeme): parsed \(parsed), Double gives \(expected)")
            if mismatches > 10 { break }
        }
    }
    #expect(mismatches == 0)
}

@Test func jsonWriterFormatsNumbers() {
    let cases: [(Double, String)] = [
        (3, "3"), (-3, "-3"), (0, "0"), (-0.0, "-0"), (0.1, "0.1"), (2.5, "2.5"), (1e-6, "1e-06"),
        (1e-7, "1e-07"), (Double("123456789012345678")!, "1.2345678901234568e+17"),
        (9_007_199_254_740_991, "9007199254740991"), (-9_007_199_254_740_991, "-9007199254740991"),
        (9_007_199_254_740_992, (9_007_199_254_740_992.0).description), (1e100, "1e+100"),
        (.leastNonzeroMagnitude, "5e-324"), (.infinity, "null"), (-.infinity, "null"), (.nan, "null"),
    ]
    for (number, expected) in cases {
        #expect(JSONValue.number(number).serialized() == expected, "\(number)")
        #expect(JSONValue.number(number).serialized(pretty: false) == expected, "\(number)")
    }
    #expect(JSONValue.array([.number(.nan)]).serialized(pretty: false) == "[null]")
}

@Test func jsonRandomDoublesRoundTrip() throws {
    var generator = TestRandom(seed: 7)
    var numbers: [JSONValue] = []
    while numbers.count < 5_000 {
        let number = Double(bitPattern: generator.next())
        if number.isFinite { numbers.append(.number(number)) }
    }
    for k in 0..<200 { numbers.append(.number(Double(k) * 0.1 - 10)) }
    let value = JSONValue.array(numbers)
    let parsed = try JSONParser.parse(value.serialized(pretty: false))
    let parsedNumbers = try #require(parsed.arrayValue)
    #expect(parsedNumbers.count == numbers.count)
    let mismatches = zip(numbers, parsedNumbers).filter { $0.numberValue?.bitPattern != $1.numberValue?.bitPattern }
    #expect(mismatches.isEmpty, "first mismatches (written, read): \(mismatches.prefix(5))")
}

// MARK: - Objects

@Test func jsonDuplicateKeysArePreservedAndListed() throws {
    let value = try JSONParser.parse(#"{"a": 1, "b": 2, "b": 3, "a": 4, "c": 5, "a": 6}"#)
    let object = try #require(value.objectValue)
    #expect(object.keys == ["a", "b", "b", "a", "c", "a"])
    #expect(object.duplicateKeys == ["b", "a"])
    #expect(object["a"] == .number(1))
    #expect(object["b"] == .number(2))
    #expect(object["c"] == .number(5))
    #expect(object["d"] == nil)
    #expect(object.members.map(\.value) == [1, 2, 3, 4, 5, 6])
    #expect(try JSONParser.parse(#"{"a": 1, "b": 2}"#).objectValue?.duplicateKeys == [])
    #expect(JSONObject().duplicateKeys == [])
    // Written back in stored order, duplicates included.
    #expect(value.serialized(pretty: false) == #"{"a":1,"b":2,"b":3,"a":4,"c":5,"a":6}"#)
    #expect(try JSONParser.parse(value.serialized()) == value)
}

@Test func jsonEscapedKeysAreDecoded() throws {
    let value = try JSONParser.parse(#"{"a\u0062": 1, "\u00e9": 2, "ab": 3}"#)
    #expect(value.objectValue?.keys == ["ab", "é", "ab"])
    #expect(value.objectValue?.duplicateKeys == ["ab"])
}

@Test func jsonConvenienceAccessors() throws {
    let value = try JSONParser.parse(#"{"n": 1.5, "s": "x", "b": true, "z": null, "a": [], "o": {}}"#)
    #expect(value["n"]?.numberValue == 1.5)
    #expect(value["s"]?.stringValue == "x")
    #expect(value["b"]?.boolValue == true)
    #expect(value["z"]?.isNull == true)
    #expect(value["a"]?.arrayValue == [])
    #expect(value["o"]?.objectValue == JSONObject())
    #expect(value["s"]?.numberValue == nil)
    #expect(value.objectValue?.count == 6)
    let names = ["n", "s", "b", "z", "a", "o"].compactMap { value[$0]?.typeName }
    #expect(names == ["a number", "a string", "true or false", "null", "an array", "an object"])
}

// MARK: - Round trips and layout

private let sample: JSONValue = [
    "id": "w123",
    "produces": ["g1": 1.0],
    "uses": ["g2": 0.25, "labour": 0.5],
    "capacity": 500,
    "elasticity": 50,
    "tags": ["a", "b\n\"c\"", "日本", "😀"],
    "flags": [true, false, nil],
    "empty array": [],
    "empty object": [:],
    "nested": [[[], [[:]], [1, [2, [3, ["deep": [-0.001, 1e-300, 1.5e300]]]]]]],
    "small": 1e-7,
    "big": 123456789012345678,
]

@Test func jsonNestedValuesRoundTrip() throws {
    #expect(try JSONParser.parse(sample.serialized()) == sample)
    #expect(try JSONParser.parse(sample.serialized(pretty: false)) == sample)
    #expect(try JSONParser.parse(Array(sample.serialized().utf8)) == sample)
    // Scalars at the top level.
    for scalar: JSONValue in [nil, true, false, 0, -1.25, "", "x"] {
        #expect(try JSONParser.parse(scalar.serialized()) == scalar)
    }
    // Serialising the parse of a serialisation is stable.
    let once = sample.serialized()
    #expect(try JSONParser.parse(once).serialized() == once)
}

@Test func jsonPrettyAndCompactLayout() {
    let value: JSONValue = [
        "id": "w1",
        "produces": ["g1": 1.0],
        "uses": [],
        "empty": [:],
        "list": [1, 2.5, nil, true],
    ]
    #expect(value.serialized() == """
        {
          "id": "w1",
          "produces": {
            "g1": 1
          },
          "uses": [],
          "empty": {},
          "list": [
            1,
            2.5,
            null,
            true
          ]
        }
        """)
    #expect(value.serialized(pretty: false) == #"{"id":"w1","produces":{"g1":1},"uses":[],"empty":{},"list":[1,2.5,null,true]}"#)
    #expect(JSONValue.array([]).serialized() == "[]")
    #expect(JSONValue.object(JSONObject()).serialized() == "{}")
    #expect(JSONValue.array([]).serialized(pretty: false) == "[]")
    #expect(JSONValue.object(JSONObject()).serialized(pretty: false) == "{}")
}

@Test func jsonWhitespaceIsAllowedBetweenTokens() throws {
    let text = " \t\r\n{ \"a\" \n:\t[ 1 ,\r\n 2 ] , \"b\" : { } }\n\n "
    #expect(try JSONParser.parse(text) == ["a": [1, 2], "b": [:]])
}

// MARK: - Random numbers for tests


/// A document written in pieces as it is made is the text `serialized` returns.
@Suite struct JSONStreamingTests {
    @Test(arguments: [true, false])
    func writingInPiecesGivesTheSerializedText(_ pretty: Bool) {
        // About 300 KB of text: several 64 KB pieces, with nested objects, escapes and non-ASCII.
        let activity = JSONObject((0..<6000).map { JSONObject.Member(key: "council \"\($0)\"\t/é", value: .number(Double($0) / 7)) })
        let document = JSONValue.object(JSONObject([
            .init(key: "format", value: .string("parecon-plan/1")),
            .init(key: "activity", value: .object(activity)),
            .init(key: "list", value: .array((0..<3000).map { .array([.number(Double($0)), .null, .bool($0 % 2 == 0), .string("日本\n")]) })),
            .init(key: "empty", value: .object(JSONObject([]))),
        ]))
        var pieces: [String] = []
        struct Recorder: TextOutputStream {
            var pieces: [String] = []
            mutating func write(_ string: String) { pieces.append(string) }
        }
        var recorder = Recorder()
        document.write(pretty: pretty, to: &recorder)
        pieces = recorder.pieces
        #expect(pieces.count > 3)
        #expect(pieces.dropLast().allSatisfy { $0.utf8.count >= 1 << 16 })
        #expect(pieces.joined() == document.serialized(pretty: pretty))
    }
}
