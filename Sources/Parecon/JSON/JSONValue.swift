/// A JSON value as read by ``JSONParser`` and written by ``JSONValue/serialized(pretty:)``.
///
/// Numbers are held as `Double`. The parser never produces a non-finite number (a literal that
/// is out of `Double`'s range is a syntax error); the writer writes a non-finite number as `null`.
///
/// Equality is structural; numbers compare with `Double`'s `==`, so `0` equals `-0` and objects
/// are equal only if their members are equal in the same order.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, correctly rounded to the nearest `Double`.
    case number(Double)
    /// A string, with all escapes decoded.
    case string(String)
    /// An array, elements in file order.
    case array([JSONValue])
    /// An object, members in file order, duplicates included.
    case object(JSONObject)
}

/// A JSON object.
///
/// An object keeps its members in file order, duplicates included: the parser does not reject
/// or merge duplicate keys, so that the caller can report them (see ``duplicateKeys``).
public struct JSONObject: Sendable, Equatable {
    /// One `"key": value` pair of an object.
    public struct Member: Sendable, Equatable {
        /// The key, with escapes decoded.
        public var key: String
        /// The value.
        public var value: JSONValue

        /// Creates a member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in file order (or insertion order), duplicates included.
    public var members: [Member]

    /// Creates an object with the given members, kept in the given order.
    public init(_ members: [Member] = []) {
        self.members = members
    }

    /// The value of the first member with the given key, or `nil` if there is none.
    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key {
            return member.value
        }
        return nil
    }

    /// The keys in file order, duplicates included.
    public var keys: [String] {
        members.map(\.key)
    }

    /// The keys that occur more than once, each listed once, in the order of their first repeat.
    ///
    /// For `{"a": 1, "b": 2, "b": 3, "a": 4, "a": 5}` this is `["b", "a"]`.
    public var duplicateKeys: [String] {
        guard members.count > 1 else { return [] }
        var seen = Set<String>()
        var reported = Set<String>()
        var result: [String] = []
        for member in members {
            if !seen.insert(member.key).inserted, reported.insert(member.key).inserted {
                result.append(member.key)
            }
        }
        return result
    }

    /// The number of members, duplicates included.
    public var count: Int { members.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// Appends a member (even if the key is already present).
    public mutating func append(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
    }
}

// MARK: - Convenience accessors

extension JSONValue {
    /// The object, if this value is an object.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The elements, if this value is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The number, if this value is a number.
    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The string, if this value is a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The Boolean, if this value is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// Whether this value is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The kind of value with an article, for error messages: "null", "true or false", "a number",
    /// "a string", "an array" or "an object".
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "true or false"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value of the first member with the given key, if this value is an object that has one.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral {
    /// Creates `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// Creates `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// Creates a number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// Creates a number.
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// Creates a string.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// Creates an array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Creates an object whose members are in the order written (duplicates kept).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Creates an object whose members are in the order written (duplicates kept).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { Member(key: $0.0, value: $0.1) })
    }
}
