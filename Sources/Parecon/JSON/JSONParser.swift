/// A JSON syntax error, with the position of the problem.
///
/// The position is that of the offending character, or of the end of the input if the input
/// ended too early.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line, 1-based. Lines are separated by line feeds (so CR LF counts once).
    public var line: Int
    /// The column, 1-based, counted in bytes of UTF-8 from the start of the line.
    public var column: Int
    /// What was expected and what was found, e.g.
    /// `expected ',' or '}' after an object member, found ']'`.
    public var message: String

    /// Creates an error.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line L, column C: message`.
    public var description: String {
        "line \(line), column \(column): \(message)"
    }
}

/// A strict RFC 8259 JSON parser working on UTF-8 bytes.
///
/// Rejected, among others: trailing commas, comments, single-quoted strings, leading zeros
/// (`01`), `+1`, `.5`, `1.`, `NaN` and `Infinity`, unescaped control characters in strings,
/// unknown escapes, lone or mis-paired UTF-16 surrogates in `\u` escapes, invalid UTF-8
/// (including a byte order mark), anything but whitespace after the top-level value, empty
/// input, numbers out of `Double`'s range (e.g. `1e400`; underflow to zero or to a subnormal is
/// accepted) and nesting deeper than ``maximumDepth`` arrays and objects.
///
/// Numbers are correctly rounded: they are converted by the standard library's `Double(_:)`
/// from the exact lexeme, except in two cases where an exact shortcut gives the same result
/// (integers of up to 19 digits, and Clinger's fast path: at most 2^53 times or divided by an
/// exactly representable power of ten up to 10^22).
///
/// Object members are kept in file order with duplicates (see ``JSONObject``).
///
/// The parser is iterative (it keeps an explicit stack), so deep nesting cannot overflow the
/// call stack.
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted; one more level is a syntax error.
    public static let maximumDepth = 512

    /// Parses a complete JSON document from UTF-8 bytes.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            parseResult(buffer)
        }
        return try result.get()
    }

    /// Parses a complete JSON document from a string.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONSyntaxError> = text.withUTF8 { buffer in
            parseResult(buffer)
        }
        return try result.get()
    }

    /// Parses a complete JSON document from a buffer of UTF-8 bytes.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        try parseResult(buffer).get()
    }

    private static func parseResult(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONSyntaxError> {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return .failure(JSONSyntaxError(line: 1, column: 1, message: "the file is empty"))
        }
        var parser = _JSONParser(base: base, count: buffer.count)
        do {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - Byte constants

private enum Byte {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22          // "
    static let apostrophe: UInt8 = 0x27     // '
    static let plus: UInt8 = 0x2B           // +
    static let comma: UInt8 = 0x2C          // ,
    static let minus: UInt8 = 0x2D          // -
    static let period: UInt8 = 0x2E         // .
    static let slash: UInt8 = 0x2F          // /
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A          // :
    static let upperE: UInt8 = 0x45         // E
    static let openBracket: UInt8 = 0x5B    // [
    static let backslash: UInt8 = 0x5C      // \
    static let closeBracket: UInt8 = 0x5D   // ]
    static let lowerE: UInt8 = 0x65         // e
    static let openBrace: UInt8 = 0x7B      // {
    static let closeBrace: UInt8 = 0x7D     // }
}

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool {
    byte &- Byte.zero < 10
}

@inline(__always)
private func isWordByte(_ byte: UInt8) -> Bool {
    (byte | 0x20) &- 0x61 < 26 || isDigit(byte) || byte == 0x5F  // letter, digit or '_'
}

// MARK: - The parser

/// The parser state: the input, the current offset and a scratch buffer for escaped strings.
private struct _JSONParser {
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    /// An open array or object: its kind and where its elements or members start on the
    /// shared `elements` or `members` stack.
    struct Frame {
        var isObject: Bool
        var start: Int
    }

    /// Where a value is expected, for error messages.
    enum ValueContext {
        case topLevel, firstElement, elementAfterComma, memberValue
    }

    // MARK: Document

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        if index == count {
            throw error(at: index, "the file is empty (it contains only whitespace)")
        }
        // Open containers, and the elements and members parsed so far of all open containers.
        // A container's contents are moved into an exactly sized array when it closes.
        var frames: [Frame] = []
        var elements: [JSONValue] = []
        var members: [JSONObject.Member] = []
        frames.reserveCapacity(16)
        elements.reserveCapacity(64)
        members.reserveCapacity(64)
        var context = ValueContext.topLevel

        parseValue: while true {
            // A value is expected at `index` (whitespace already skipped).
            guard index < count else { throw expectedValue(context) }
            var value: JSONValue
            switch base[index] {
            case Byte.quote:
                value = .string(try parseString())
            case Byte.minus, Byte.zero...Byte.nine:
                value = .number(try parseNumber())
            case Byte.openBrace:
                if frames.count >= JSONParser.maximumDepth { throw tooDeep() }
                index += 1
                skipWhitespace()
                if index < count, base[index] == Byte.closeBrace {
                    index += 1
                    value = .object(JSONObject())
                } else {
                    frames.append(Frame(isObject: true, start: members.count))
                    // The member's value is filled in when it has been parsed.
                    members.append(JSONObject.Member(key: try parseKeyAndColon(afterComma: false), value: .null))
                    context = .memberValue
                    continue parseValue
                }
            case Byte.openBracket:
                if frames.count >= JSONParser.maximumDepth { throw tooDeep() }
                index += 1
                skipWhitespace()
                if index < count, base[index] == Byte.closeBracket {
                    index += 1
                    value = .array([])
                } else {
                    frames.append(Frame(isObject: false, start: elements.count))
                    context = .firstElement
                    continue parseValue
                }
            default:
                value = try parseLiteral(context)
            }

            // A value is complete: add it to the innermost open container, closing containers
            // for as long as their closing bracket follows.
            while true {
                guard let frame = frames.last else {
                    skipWhitespace()
                    if index < count {
                        throw error(at: index, "expected end of file after the top-level value, found \(found(at: index))")
                    }
                    return value
                }
                skipWhitespace()
                if frame.isObject {
                    members[members.count - 1].value = value
                    guard index < count else {
                        throw error(at: index, "expected ',' or '}' after an object member, found end of file")
                    }
                    switch base[index] {
                    case Byte.comma:
                        index += 1
                        skipWhitespace()
                        members.append(JSONObject.Member(key: try parseKeyAndColon(afterComma: true), value: .null))
                        context = .memberValue
                        continue parseValue
                    case Byte.closeBrace:
                        index += 1
                        frames.removeLast()
                        value = .object(JSONObject(popTail(&members, from: frame.start, placeholder: JSONObject.Member(key: "", value: .null))))
                    default:
                        throw error(at: index, "expected ',' or '}' after an object member, found \(found(at: index))")
                    }
                } else {
                    elements.append(value)
                    guard index < count else {
                        throw error(at: index, "expected ',' or ']' after an array element, found end of file")
                    }
                    switch base[index] {
                    case Byte.comma:
                        index += 1
                        skipWhitespace()
                        context = .elementAfterComma
                        continue parseValue
                    case Byte.closeBracket:
                        index += 1
                        frames.removeLast()
                        value = .array(popTail(&elements, from: frame.start, placeholder: .null))
                    default:
                        throw error(at: index, "expected ',' or ']' after an array element, found \(found(at: index))")
                    }
                }
            }
        }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < count {
            let byte = base[index]
            if byte == Byte.space || byte == Byte.lineFeed || byte == Byte.carriageReturn || byte == Byte.tab {
                index += 1
            } else {
                return
            }
        }
    }

    /// Parses `"key"` `:` at `index` (whitespace already skipped) and skips whitespace after the colon.
    mutating func parseKeyAndColon(afterComma: Bool) throws(JSONSyntaxError) -> String {
        guard index < count, base[index] == Byte.quote else {
            let what = found(at: index, wholeWord: true)
            var message = afterComma
                ? "expected a string key after ',' in an object, found \(what)"
                : "expected a string key or '}' after '{', found \(what)"
            if index < count {
                switch base[index] {
                case Byte.closeBrace where afterComma: message += " (trailing commas are not allowed)"
                case Byte.apostrophe: message += " (keys must be in double quotes)"
                case Byte.slash: message += " (comments are not allowed in JSON)"
                case let byte where isWordByte(byte): message += " (keys must be in double quotes)"
                default: break
                }
            }
            throw error(at: index, message)
        }
        let key = try parseString()
        skipWhitespace()
        guard index < count, base[index] == Byte.colon else {
            throw error(at: index, "expected ':' after the key \(JSONValue.string(key).serialized()), found \(found(at: index))")
        }
        index += 1
        skipWhitespace()
        return key
    }

    // MARK: Literals

    /// Parses `true`, `false` or `null` at `index`, or throws an "expected a value" error.
    mutating func parseLiteral(_ context: ValueContext) throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var end = start
        while end < count, isWordByte(base[end]) { end += 1 }
        let length = end - start
        if length == 4 {
            let b0 = base[start], b1 = base[start + 1], b2 = base[start + 2], b3 = base[start + 3]
            if b0 == 0x74, b1 == 0x72, b2 == 0x75, b3 == 0x65 {  // true
                index = end
                return .bool(true)
            }
            if b0 == 0x6E, b1 == 0x75, b2 == 0x6C, b3 == 0x6C {  // null
                index = end
                return .null
            }
        } else if length == 5 {
            if base[start] == 0x66, base[start + 1] == 0x61, base[start + 2] == 0x6C,
               base[start + 3] == 0x73, base[start + 4] == 0x65 {  // false
                index = end
                return .bool(false)
            }
        }
        throw expectedValue(context)
    }

    // MARK: Numbers

    /// Parses a number at `index`, which holds '-' or a digit.
    ///
    /// The conversion is correctly rounded. Two exact fast paths avoid the general conversion:
    /// - no fraction and no exponent, at most 19 digits: the digits fit in a `UInt64`, and
    ///   `Double(UInt64)` rounds correctly;
    /// - at most 19 significant digits forming an integer `m <= 2^53`, times `10^e` with
    ///   `|e| <= 22` (Clinger's fast path): `m` and `10^|e|` are both exactly representable, so a
    ///   single IEEE multiplication or division gives the correctly rounded result.
    /// Every other number goes through `Double(String)` on its exact lexeme.
    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = index
        var i = index
        let negative = base[i] == Byte.minus
        if negative {
            i += 1
            guard i < count, isDigit(base[i]) else {
                var message = "expected a digit after '-' in a number, found \(found(at: i))"
                if i < count, base[i] == 0x49 || base[i] == 0x4E { message += " (NaN and Infinity are not allowed in JSON)" }
                throw error(at: i, message)
            }
        }
        // The digits of the integer and fraction parts, as an integer, while there are at most 19.
        var mantissa: UInt64 = 0
        var digitCount = 0
        if base[i] == Byte.zero {
            i += 1
            if i < count, isDigit(base[i]) {
                throw error(at: i, "expected '.', 'e' or the end of the number after a leading '0', found \(found(at: i)) (leading zeros are not allowed)")
            }
            digitCount = 1
        } else {
            while i < count, isDigit(base[i]) {
                mantissa = mantissa &* 10 &+ UInt64(base[i] &- Byte.zero)
                digitCount += 1
                i += 1
            }
        }
        var fractionDigits = 0
        if i < count, base[i] == Byte.period {
            i += 1
            guard i < count, isDigit(base[i]) else {
                throw error(at: i, "expected a digit after '.' in a number, found \(found(at: i))")
            }
            let fractionStart = i
            while i < count, isDigit(base[i]) {
                mantissa = mantissa &* 10 &+ UInt64(base[i] &- Byte.zero)
                i += 1
            }
            fractionDigits = i - fractionStart
            digitCount += fractionDigits
        }
        var exponent = 0
        if i < count, base[i] | 0x20 == Byte.lowerE {
            i += 1
            var exponentNegative = false
            if i < count, base[i] == Byte.plus || base[i] == Byte.minus {
                exponentNegative = base[i] == Byte.minus
                i += 1
            }
            guard i < count, isDigit(base[i]) else {
                throw error(at: i, "expected a digit in the exponent of a number, found \(found(at: i))")
            }
            while i < count, isDigit(base[i]) {
                // Saturate: anything beyond a few digits takes the general path anyway.
                if exponent < 100_000 { exponent = exponent * 10 + Int(base[i] &- Byte.zero) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        index = i

        if digitCount <= 19 {  // `mantissa` holds all the digits exactly (10^19 - 1 < 2^64).
            let decimalExponent = exponent - fractionDigits
            var value: Double?
            if decimalExponent == 0 {
                value = Double(mantissa)
            } else if mantissa <= 1 << 53, decimalExponent >= -22, decimalExponent <= 22 {
                value = decimalExponent > 0
                    ? Double(mantissa) * exactPowersOfTen[decimalExponent]
                    : Double(mantissa) / exactPowersOfTen[-decimalExponent]
            }
            if let value { return negative ? -value : value }
        }

        // The lexeme is valid JSON, which is also valid input for Double(_:) (correctly rounded).
        let lexeme = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
        guard let value = Double(lexeme), value.isFinite else {
            throw error(at: start, "number \(lexeme) is out of range (not a finite double)")
        }
        return value
    }

    // MARK: Strings

    /// Parses a string at `index`, which holds '"'.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index + 1
        var i = start
        // Fast path: no escapes. Validate UTF-8 as we go and build the String from the slice.
        while i < count {
            let byte = base[i]
            if byte == Byte.quote {
                index = i + 1
                return String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
            }
            if byte == Byte.backslash {
                return try parseEscapedString(contentStart: start, firstEscape: i)
            }
            if byte < 0x20 {
                throw controlCharacterInString(at: i)
            }
            if byte < 0x80 {
                i += 1
            } else {
                i = try validateUTF8Sequence(at: i)
            }
        }
        throw error(at: i, "expected '\"' to end the string, found end of file")
    }

    /// Continues a string that has an escape at `firstEscape`, decoding into `scratch`.
    mutating func parseEscapedString(contentStart: Int, firstEscape: Int) throws(JSONSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + contentStart, count: firstEscape - contentStart))
        var i = firstEscape
        while i < count {
            let byte = base[i]
            if byte == Byte.quote {
                index = i + 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte == Byte.backslash {
                i = try decodeEscape(at: i)
                continue
            }
            if byte < 0x20 {
                throw controlCharacterInString(at: i)
            }
            // Copy a run of ordinary bytes.
            let runStart = i
            if byte < 0x80 {
                i += 1
            } else {
                i = try validateUTF8Sequence(at: i)
            }
            while i < count {
                let next = base[i]
                if next == Byte.quote || next == Byte.backslash || next < 0x20 { break }
                if next < 0x80 {
                    i += 1
                } else {
                    i = try validateUTF8Sequence(at: i)
                }
            }
            scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
        }
        throw error(at: i, "expected '\"' to end the string, found end of file")
    }

    /// Decodes the escape whose backslash is at `backslash` into `scratch`; returns the offset after it.
    mutating func decodeEscape(at backslash: Int) throws(JSONSyntaxError) -> Int {
        let i = backslash + 1
        guard i < count else {
            throw error(at: i, "expected an escape character after '\\' in a string, found end of file")
        }
        let decoded: UInt8
        switch base[i] {
        case Byte.quote: decoded = Byte.quote
        case Byte.backslash: decoded = Byte.backslash
        case Byte.slash: decoded = Byte.slash
        case 0x62: decoded = 0x08  // b
        case 0x66: decoded = 0x0C  // f
        case 0x6E: decoded = 0x0A  // n
        case 0x72: decoded = 0x0D  // r
        case 0x74: decoded = 0x09  // t
        case 0x75:  // u
            return try decodeUnicodeEscape(at: backslash)
        default:
            throw error(at: i, "expected one of '\"', '\\', '/', 'b', 'f', 'n', 'r', 't' or 'u' after '\\' in a string, found \(found(at: i))")
        }
        scratch.append(decoded)
        return i + 1
    }

    /// Reads the four hex digits of `\uXXXX` whose backslash is at `backslash`.
    func readHex4(backslash: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for k in (backslash + 2)..<(backslash + 6) {
            guard k < count else {
                throw error(at: k, "expected 4 hex digits after '\\u' in a string, found end of file")
            }
            let byte = base[k]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default:
                throw error(at: k, "expected 4 hex digits after '\\u' in a string, found \(found(at: k))")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Decodes `\uXXXX` (and a following low surrogate escape if XXXX is a high surrogate).
    mutating func decodeUnicodeEscape(at backslash: Int) throws(JSONSyntaxError) -> Int {
        let unit = try readHex4(backslash: backslash)
        var next = backslash + 6
        let scalarValue: UInt32
        switch unit {
        case 0xD800...0xDBFF:
            let high = hex4(unit)
            guard next + 1 < count, base[next] == Byte.backslash, base[next + 1] == 0x75 else {
                throw error(at: next, "expected a low surrogate escape '\\uDC00'...'\\uDFFF' after the high surrogate '\\u\(high)', found \(found(at: next))")
            }
            let low = try readHex4(backslash: next)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw error(at: next, "expected a low surrogate escape '\\uDC00'...'\\uDFFF' after the high surrogate '\\u\(high)', found '\\u\(hex4(low))'")
            }
            scalarValue = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            next += 6
        case 0xDC00...0xDFFF:
            throw error(at: backslash, "found the low surrogate '\\u\(hex4(unit))' without a preceding high surrogate escape '\\uD800'...'\\uDBFF'")
        default:
            scalarValue = unit
        }
        appendUTF8(scalarValue)
        return next
    }

    @inline(__always)
    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            scratch.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Validates the multi-byte UTF-8 sequence starting at `i` (whose first byte is >= 0x80);
    /// returns the offset after it.
    func validateUTF8Sequence(at i: Int) throws(JSONSyntaxError) -> Int {
        if let length = utf8SequenceLength(at: i) { return i + length }
        throw error(at: i, "found \(found(at: i)) in a string")
    }

    /// The length of the well-formed UTF-8 sequence starting at `i`, or `nil` if it is ill-formed
    /// (overlong, surrogate, above U+10FFFF, truncated or a stray continuation byte).
    func utf8SequenceLength(at i: Int) -> Int? {
        let b0 = base[i]
        @inline(__always) func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            k < count && range.contains(base[k])
        }
        switch b0 {
        case 0x00...0x7F:
            return 1
        case 0xC2...0xDF:
            return continuation(i + 1) ? 2 : nil
        case 0xE0:
            return continuation(i + 1, 0xA0...0xBF) && continuation(i + 2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(i + 1) && continuation(i + 2) ? 3 : nil
        case 0xED:
            return continuation(i + 1, 0x80...0x9F) && continuation(i + 2) ? 3 : nil
        case 0xF0:
            return continuation(i + 1, 0x90...0xBF) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        case 0xF1...0xF3:
            return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        case 0xF4:
            return continuation(i + 1, 0x80...0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        default:
            return nil
        }
    }

    // MARK: Errors

    /// An error at byte offset `offset`, with its line and column computed from the input.
    func error(at offset: Int, _ message: String) -> JSONSyntaxError {
        let offset = min(offset, count)
        var line = 1
        var lineStart = 0
        for k in 0..<offset where base[k] == Byte.lineFeed {
            line += 1
            lineStart = k + 1
        }
        return JSONSyntaxError(line: line, column: offset - lineStart + 1, message: message)
    }

    func tooDeep() -> JSONSyntaxError {
        error(at: index, "arrays and objects are nested more than \(JSONParser.maximumDepth) levels deep")
    }

    func controlCharacterInString(at i: Int) -> JSONSyntaxError {
        let hint: String
        switch base[i] {
        case Byte.lineFeed: hint = "; write it as \\n (strings cannot span lines)"
        case Byte.carriageReturn: hint = "; write it as \\r (strings cannot span lines)"
        case Byte.tab: hint = "; write it as \\t"
        default: hint = "; write it as \\u\(hex4(UInt32(base[i])))"
        }
        return error(at: i, "expected a character or '\"' in a string, found \(found(at: i)), which must be escaped\(hint)")
    }

    /// The "expected a value" error at `index`, worded for where the value was expected.
    func expectedValue(_ context: ValueContext) -> JSONSyntaxError {
        let what = found(at: index, wholeWord: true)
        var message: String
        switch context {
        case .topLevel: message = "expected a value, found \(what)"
        case .firstElement: message = "expected a value or ']' after '[', found \(what)"
        case .elementAfterComma: message = "expected a value after ',' in an array, found \(what)"
        case .memberValue: message = "expected a value after ':', found \(what)"
        }
        if index < count {
            switch base[index] {
            case Byte.closeBracket where context == .elementAfterComma:
                message += " (trailing commas are not allowed)"
            case Byte.slash: message += " (comments are not allowed in JSON)"
            case Byte.apostrophe: message += " (strings must be in double quotes)"
            case Byte.plus: message += " (numbers cannot start with '+')"
            case Byte.period: message += " (numbers need a digit before '.')"
            default:
                let word = wordAt(index)
                if word == "NaN" || word == "Infinity" {
                    message += " (NaN and Infinity are not allowed in JSON)"
                } else if ["true", "false", "null"].contains(word.lowercased()) {
                    message += " (true, false and null are written in lower case)"
                }
            }
        }
        return error(at: index, message)
    }

    /// The letters, digits and underscores starting at `i`, at most 32.
    func wordAt(_ i: Int) -> String {
        var end = i
        while end < count, end - i < 32, isWordByte(base[end]) { end += 1 }
        return String(decoding: UnsafeBufferPointer(start: base + i, count: end - i), as: UTF8.self)
    }

    /// Describes what is at offset `i`: a quoted character (or word), "end of file", a named
    /// control character or an invalid UTF-8 byte.
    func found(at i: Int, wholeWord: Bool = false) -> String {
        guard i < count else { return "end of file" }
        let byte = base[i]
        switch byte {
        case Byte.lineFeed: return "a line feed (U+000A)"
        case Byte.carriageReturn: return "a carriage return (U+000D)"
        case Byte.tab: return "a tab (U+0009)"
        case 0x00..<0x20, 0x7F: return "the control character U+\(hex4(UInt32(byte)))"
        case Byte.apostrophe: return "\"'\""
        case 0x20..<0x7F:
            if wholeWord, isWordByte(byte) { return "'\(wordAt(i))'" }
            return "'\(Character(Unicode.Scalar(byte)))'"
        default:
            guard let length = utf8SequenceLength(at: i) else {
                return "the byte 0x\(hex2(byte)), which is not valid UTF-8"
            }
            let text = String(decoding: UnsafeBufferPointer(start: base + i, count: length), as: UTF8.self)
            if text == "\u{FEFF}" { return "a byte order mark (U+FEFF)" }
            let scalar = text.unicodeScalars.first!
            return "'\(text)' (U+\(hex4(scalar.value)))"
        }
    }
}

/// Moves `stack[start...]` into a new, exactly sized array and removes it from `stack`,
/// without retaining and releasing each element: the elements are moved out and their slots
/// refilled with `placeholder` (which must hold no references) before the slots are removed.
@inline(__always)
private func popTail<Element>(_ stack: inout [Element], from start: Int, placeholder: Element) -> [Element] {
    let length = stack.count - start
    let result = stack.withUnsafeMutableBufferPointer { stackBuffer in
        let source = stackBuffer.baseAddress! + start
        return [Element](unsafeUninitializedCapacity: length) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: source, count: length)
            source.initialize(repeating: placeholder, count: length)
            initialized = length
        }
    }
    stack.removeSubrange(start...)
    return result
}

/// 10^0 through 10^22, all exactly representable as `Double`.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

private let hexDigits: [Character] = Array("0123456789ABCDEF")

private func hex2(_ byte: UInt8) -> String {
    String([hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
}

/// At least four upper-case hex digits.
private func hex4(_ value: UInt32) -> String {
    var digits = String(value, radix: 16, uppercase: true)
    while digits.count < 4 { digits.insert("0", at: digits.startIndex) }
    return digits
}
