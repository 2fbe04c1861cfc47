extension JSONValue {
    /// Serialises the value as JSON text.
    ///
    /// - Parameter pretty: If `true` (the default), arrays and objects are written with one
    ///   element or member per line, indented by two spaces per level, with `": "` after keys;
    ///   empty arrays and objects are written as `[]` and `{}`. If `false`, no whitespace at all
    ///   is written. Neither form ends with a newline.
    ///
    /// Object members are written in their stored order, duplicates included.
    ///
    /// Strings are written as UTF-8, escaping only `"`, `\` and the control characters U+0000 to
    /// U+001F (as `\b`, `\f`, `\n`, `\r`, `\t` or `\u00XX`).
    ///
    /// Numbers: an integral value of magnitude below 2^53 is written without a fractional part
    /// (`3`, not `3.0`; negative zero as `-0`); any other finite value is written with Swift's
    /// shortest round-trip `description` (e.g. `0.1`, `1e-06`, `1e+100`), which is valid JSON.
    /// A non-finite number (NaN or an infinity), which JSON cannot represent, is written as
    /// `null`.
    ///
    /// For every value the parser can produce, `JSONParser.parse(value.serialized(pretty: p)) == value`.
    public func serialized(pretty: Bool = true) -> String {
        var writer = JSONWriter(pretty: pretty)
        writer.write(self, depth: 0)
        return String(decoding: writer.output, as: UTF8.self)
    }

    /// Writes the text that ``serialized(pretty:)`` returns to `out`, in pieces of about 64 KB
    /// (each ending between two elements or members), so that the text of a large document (a
    /// plan's activity by council) is never all in memory.
    public func write<Target: TextOutputStream>(pretty: Bool = true, to out: inout Target) {
        JSONWriter.writing(pretty: pretty, to: &out) { $0.write(self, depth: 0) }
    }
}

/// Writes JSON text into a byte buffer.
struct JSONWriter {
    let pretty: Bool
    var output: [UInt8] = []
    /// Where full pieces of `output` go, when the text is written out as it is made.
    let sink: (([UInt8]) -> Void)?

    init(pretty: Bool, sink: (([UInt8]) -> Void)? = nil) {
        self.pretty = pretty
        self.sink = sink
    }

    /// Runs `body` with a writer whose text goes to `out` in pieces of about 64 KB.
    static func writing<Target: TextOutputStream>(pretty: Bool, to out: inout Target, _ body: (inout JSONWriter) -> Void) {
        withoutActuallyEscaping({ (bytes: [UInt8]) in out.write(String(decoding: bytes, as: UTF8.self)) }) { sink in
            var writer = JSONWriter(pretty: pretty, sink: sink)
            body(&writer)
            writer.flush()
        }
    }

    /// Hands `output` to the sink once it holds 64 KB (between two elements or members).
    @inline(__always)
    mutating func flushIfFull() {
        if output.count >= 1 << 16 { flush() }
    }

    /// Hands whatever `output` holds to the sink, if there is one.
    mutating func flush() {
        guard let sink, !output.isEmpty else { return }
        sink(output)
        output.removeAll(keepingCapacity: true)
    }

    mutating func write(_ value: JSONValue, depth: Int) {
        switch value {
        case .null:
            append("null")
        case .bool(let bool):
            append(bool ? "true" : "false")
        case .number(let number):
            writeNumber(number)
        case .string(let string):
            writeString(string)
        case .array(let elements):
            if elements.isEmpty {
                append("[]")
                return
            }
            output.append(0x5B)  // [
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(0x2C) }  // ,
                newline(depth: depth + 1)
                write(element, depth: depth + 1)
                flushIfFull()
            }
            newline(depth: depth)
            output.append(0x5D)  // ]
        case .object(let object):
            writeObject(count: object.members.count, depth: depth, key: { object.members[$0].key }) { writer, k, depth in
                writer.write(object.members[k].value, depth: depth)
            }
        }
    }

    /// Writes an object of `count` members made on demand, as `.object` is written: `key(k)` is
    /// member `k`'s key, and `value` writes its value (given the writer, `k` and the value's depth).
    mutating func writeObject(count: Int, depth: Int, key: (Int) -> String, value: (inout JSONWriter, Int, Int) -> Void) {
        if count == 0 {
            append("{}")
            return
        }
        output.append(0x7B)  // {
        for k in 0..<count {
            if k > 0 { output.append(0x2C) }  // ,
            newline(depth: depth + 1)
            writeString(key(k))
            output.append(0x3A)  // :
            if pretty { output.append(0x20) }
            value(&self, k, depth + 1)
            flushIfFull()
        }
        newline(depth: depth)
        output.append(0x7D)  // }
    }

    @inline(__always)
    mutating func newline(depth: Int) {
        guard pretty else { return }
        output.append(0x0A)
        output.append(contentsOf: repeatElement(0x20, count: 2 * depth))
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { output.append(contentsOf: $0) }
    }

    mutating func writeNumber(_ number: Double) {
        guard number.isFinite else {
            append("null")
            return
        }
        if number == 0 {
            append(number.sign == .minus ? "-0" : "0")
        } else if number.magnitude < 9_007_199_254_740_992, Double(Int64(number)) == number {
            // Integral (Int64(_:) truncates, and is safe below 2^53): no fractional part.
            output.append(contentsOf: String(Int64(number)).utf8)
        } else {
            output.append(contentsOf: number.description.utf8)
        }
    }

    mutating func writeString(_ string: String) {
        output.append(0x22)  // "
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let byte = bytes[i]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                output.append(0x5C)  // \
                switch byte {
                case 0x22: output.append(0x22)  // \"
                case 0x5C: output.append(0x5C)  // \\
                case 0x08: output.append(0x62)  // \b
                case 0x0C: output.append(0x66)  // \f
                case 0x0A: output.append(0x6E)  // \n
                case 0x0D: output.append(0x72)  // \r
                case 0x09: output.append(0x74)  // \t
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    output.append(contentsOf: [0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])  // u00XX
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        output.append(0x22)  // "
    }
}
