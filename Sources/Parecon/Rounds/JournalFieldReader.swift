/// Reads the fields of one journal file (a registry, a proposal, a report, ...) with the
/// project's strict JSON parser, collecting every problem with its file and field instead of
/// stopping at the first.
struct JournalFieldReader {
    /// The file, relative to the journal's folder, as problems name it.
    let file: String
    private(set) var problems: [JournalProblem] = []

    init(file: String) {
        self.file = file
    }

    mutating func report(_ field: String, _ message: String) {
        problems.append(JournalProblem(file: file, field: field, message: message))
    }

    /// Parses the bytes; the document must be an object. A syntax error names its line and
    /// column and, where the parser stopped inside an object, the field it was reading.
    mutating func document(_ bytes: [UInt8]) -> JSONObject? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            let field = JSONFieldHint.field(in: bytes, line: error.line, column: error.column)
            report(field, "malformed JSON at line \(error.line), column \(error.column): \(error.message)")
            return nil
        }
        guard case let .object(object) = value else {
            report("", "the document must be a JSON object, found \(value.typeName)")
            return nil
        }
        return object
    }

    /// The `format` field must be exactly `expected`.
    mutating func format(_ object: JSONObject, _ expected: String) {
        switch object["format"] {
        case .string(expected)?: break
        case let .string(other)?: report("format", "expected \"\(expected)\", found \"\(other)\"")
        case nil: report("format", "missing; expected \"\(expected)\"")
        case let other?: report("format", "expected the string \"\(expected)\", found \(other.typeName)")
        }
    }

    /// Reports duplicated and unknown keys. `explain` may give a better message for a key that
    /// is known elsewhere (e.g. `requests` in a workers' council's proposal).
    mutating func checkKeys(_ object: JSONObject, _ prefix: String = "", allowed: [String], explain: (String) -> String? = { _ in nil }) {
        for key in object.duplicateKeys { report(prefix + key, "the field appears more than once") }
        var seen = Set<String>()
        for key in object.keys where seen.insert(key).inserted && !allowed.contains(key) {
            report(prefix + key, explain(key) ?? "unknown field; expected one of \(allowed.joined(separator: ", "))")
        }
    }

    mutating func string(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> String? {
        guard let value = object[key], !(value.isNull && !required) else {
            if required { report(prefix + key, "missing; expected a string") }
            return nil
        }
        if case let .string(s) = value { return s }
        report(prefix + key, "expected a string, found \(value.typeName)")
        return nil
    }

    mutating func number(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> Double? {
        guard let value = object[key], !(value.isNull && !required) else {
            if required { report(prefix + key, "missing; expected a number") }
            return nil
        }
        if case let .number(x) = value { return x }
        report(prefix + key, "expected a number, found \(value.typeName)")
        return nil
    }

    /// A number that is at least zero.
    mutating func quantity(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> Double? {
        guard let x = number(object, key, prefix, required: required) else { return nil }
        if x < 0 {
            report(prefix + key, "negative quantity \(numberText(x)); quantities must be at least 0")
            return nil
        }
        return x
    }

    /// A number that is greater than zero.
    mutating func positive(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> Double? {
        guard let x = number(object, key, prefix, required: required) else { return nil }
        if !(x > 0) {
            report(prefix + key, "must be greater than 0, found \(numberText(x))")
            return nil
        }
        return x
    }

    mutating func integer(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> Int? {
        guard let x = number(object, key, prefix, required: required) else { return nil }
        guard x == x.rounded(), abs(x) < 1e15 else {
            report(prefix + key, "expected a whole number, found \(numberText(x))")
            return nil
        }
        return Int(x)
    }

    mutating func bool(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> Bool? {
        guard let value = object[key], !(value.isNull && !required) else {
            if required { report(prefix + key, "missing; expected true or false") }
            return nil
        }
        if case let .bool(b) = value { return b }
        report(prefix + key, "expected true or false, found \(value.typeName)")
        return nil
    }

    mutating func object(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> JSONObject? {
        guard let value = object[key], !(value.isNull && !required) else {
            if required { report(prefix + key, "missing; expected an object") }
            return nil
        }
        if case let .object(o) = value { return o }
        report(prefix + key, "expected an object, found \(value.typeName)")
        return nil
    }

    mutating func array(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> [JSONValue]? {
        guard let value = object[key], !(value.isNull && !required) else {
            if required { report(prefix + key, "missing; expected an array") }
            return nil
        }
        if case let .array(a) = value { return a }
        report(prefix + key, "expected an array, found \(value.typeName)")
        return nil
    }

    /// An object mapping ids to numbers, in file order; duplicated ids are reported.
    mutating func numbers(_ object: JSONObject, _ key: String, _ prefix: String = "", required: Bool = true) -> [Quantity]? {
        guard let map = self.object(object, key, prefix, required: required) else { return nil }
        let before = problems.count
        for id in map.duplicateKeys { report("\(prefix)\(key).\(id)", "\"\(id)\" appears more than once") }
        var result: [Quantity] = []
        var seen = Set<String>()
        for member in map.members where seen.insert(member.key).inserted {
            if case let .number(x) = member.value {
                result.append(Quantity(member.key, x))
            } else {
                report("\(prefix)\(key).\(member.key)", "expected a number, found \(member.value.typeName)")
            }
        }
        return problems.count == before ? result : nil
    }

    /// Numbers by id for exactly the given ids, in that order (a journal file's vector).
    mutating func vector(_ object: JSONObject, _ key: String, ids: [String], _ prefix: String = "") -> [Double]? {
        guard let entries = numbers(object, key, prefix) else { return nil }
        let byID = Dictionary(entries.map { ($0.id, $0.amount) }, uniquingKeysWith: { a, _ in a })
        var result: [Double] = []
        for id in ids {
            guard let x = byID[id] else {
                report("\(prefix)\(key).\(id)", "missing")
                return nil
            }
            result.append(x)
        }
        for entry in entries where !ids.contains(entry.id) {
            report("\(prefix)\(key).\(entry.id)", "unknown id; expected one of \(ids.joined(separator: ", "))")
        }
        return result.count == ids.count ? result : nil
    }
}

/// A JSON object of numbers by id, in the given order.
func jsonNumbers(_ ids: [String], _ values: [Double]) -> JSONValue {
    .object(JSONObject(zip(ids, values).map { .init(key: $0, value: .number($1)) }))
}

func jsonQuantities(_ quantities: [Quantity]) -> JSONValue {
    .object(JSONObject(quantities.map { .init(key: $0.id, value: .number($0.amount)) }))
}

/// A document as a journal file's bytes: pretty JSON and a final newline.
func journalBytes(_ value: JSONValue) -> [UInt8] {
    Array((value.serialized(pretty: true) + "\n").utf8)
}

/// Where in the document a syntax error is: the path of keys (and array positions) that leads to
/// it, found by a tolerant scan of the text before the error. `requests.bread` for
/// `{"requests": {"bread": NaN}}`; empty at the top level.
enum JSONFieldHint {
    static func field(in bytes: [UInt8], line: Int, column: Int) -> String {
        // The error's byte offset from its line and column.
        var offset = 0, currentLine = 1
        while offset < bytes.count && currentLine < line {
            if bytes[offset] == 0x0A { currentLine += 1 }
            offset += 1
        }
        offset = min(bytes.count, offset + column - 1)

        enum Container { case object(key: String?, expectingKey: Bool), array(index: Int) }
        var stack: [Container] = []
        var i = 0
        while i < offset {
            let byte = bytes[i]
            switch byte {
            case 0x22:  // a string: a key, or a value
                var j = i + 1
                var text: [UInt8] = []
                while j < bytes.count && bytes[j] != 0x22 {
                    if bytes[j] == 0x5C { j += 1 }
                    if j < bytes.count { text.append(bytes[j]) }
                    j += 1
                }
                if case .object(_, true)? = stack.last {
                    stack[stack.count - 1] = .object(key: String(decoding: text, as: UTF8.self), expectingKey: false)
                }
                i = j + 1
                continue
            case 0x7B: stack.append(.object(key: nil, expectingKey: true))
            case 0x5B: stack.append(.array(index: 0))
            case 0x7D, 0x5D: if !stack.isEmpty { stack.removeLast() }
            case 0x2C:
                switch stack.last {
                case let .array(index)?: stack[stack.count - 1] = .array(index: index + 1)
                case .object?: stack[stack.count - 1] = .object(key: nil, expectingKey: true)
                case nil: break
                }
            default: break
            }
            i += 1
        }
        var path = ""
        for container in stack {
            switch container {
            case let .object(key?, _): path += path.isEmpty ? key : "." + key
            case let .array(index): path += "[\(index)]"
            case .object(nil, _): break
            }
        }
        return path
    }
}
