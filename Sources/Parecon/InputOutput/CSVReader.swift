/// A small reader for comma-separated files (RFC 4180): fields separated by commas, records by
/// LF or CR LF, a field in double quotes may hold commas, line breaks and doubled quotes (`""`).
///
/// Fields are kept as byte ranges into the file, so that a table of millions of numbers is
/// converted straight from its bytes without a `String` per field.
struct CSVReader {
    /// One record: the line it starts on and its fields.
    struct Record {
        /// 1-based line number of the record's first byte.
        var line: Int
        var fields: [Field]
        var count: Int { fields.count }
    }

    /// A field: its bytes (without the surrounding quotes) and whether it was quoted.
    struct Field {
        var range: Range<Int>
        var quoted: Bool
    }

    /// A syntax error: an unterminated quote or text after a closing quote.
    struct SyntaxError: Error {
        var line: Int
        var message: String
    }

    let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Every record of the file. Blank lines are skipped.
    func records() throws(SyntaxError) -> [Record] {
        var records: [Record] = []
        var fields: [Field] = []
        var line = 1
        var recordLine = 1
        var i = 0
        let end = bytes.count
        let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, lineFeed: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D
        func finishRecord() {
            // A line holding nothing at all is blank, not a record with one empty field.
            if !(fields.count == 1 && fields[0].range.isEmpty && !fields[0].quoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }
        while i < end {
            recordLine = line
            // One record: fields until an unquoted line break or the end of the file.
            while true {
                if i < end && bytes[i] == quote {
                    let quoteLine = line
                    i += 1
                    let start = i
                    while true {
                        guard i < end else { throw SyntaxError(line: quoteLine, message: "a quoted field is not closed") }
                        if bytes[i] == quote {
                            if i + 1 < end && bytes[i + 1] == quote {
                                i += 2
                                continue
                            }
                            break
                        }
                        if bytes[i] == lineFeed { line += 1 }
                        i += 1
                    }
                    fields.append(Field(range: start..<i, quoted: true))
                    i += 1  // the closing quote
                    if i < end && bytes[i] != comma && bytes[i] != lineFeed && bytes[i] != carriageReturn {
                        throw SyntaxError(line: line, message: "text after the closing quote of a field")
                    }
                } else {
                    let start = i
                    while i < end && bytes[i] != comma && bytes[i] != lineFeed && bytes[i] != carriageReturn { i += 1 }
                    fields.append(Field(range: start..<i, quoted: false))
                }
                if i < end && bytes[i] == comma {
                    i += 1
                    continue
                }
                // End of the record.
                if i < end && bytes[i] == carriageReturn { i += 1 }
                if i < end && bytes[i] == lineFeed { i += 1 }
                line += 1
                finishRecord()
                break
            }
        }
        return records
    }

    /// The field's text, with doubled quotes undone.
    func string(_ field: Field) -> String {
        let text = String(decoding: bytes[field.range], as: UTF8.self)
        return field.quoted ? text.split(separator: "\"\"", omittingEmptySubsequences: false).joined(separator: "\"") : text
    }

    /// The field as a number, or `nil` if it is not a decimal number (`12`, `-0.5`, `1.5e-3`;
    /// no spaces, no `inf`, `nan` or hexadecimal). Out-of-range literals give an infinity,
    /// which the caller reports as not finite.
    func number(_ field: Field) -> Double? {
        let range = field.range
        guard !range.isEmpty, range.count < 400, Self.isDecimal(bytes, range) else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            Double(Substring(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self))
        }
    }

    /// `[-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?`
    static func isDecimal(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        let end = range.upperBound
        func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
        if bytes[i] == 0x2D || bytes[i] == 0x2B { i += 1 }
        var digits = 0
        while i < end && isDigit(bytes[i]) { i += 1; digits += 1 }
        if i < end && bytes[i] == 0x2E {
            i += 1
            while i < end && isDigit(bytes[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if i < end && (bytes[i] == 0x65 || bytes[i] == 0x45) {
            i += 1
            if i < end && (bytes[i] == 0x2D || bytes[i] == 0x2B) { i += 1 }
            var exponentDigits = 0
            while i < end && isDigit(bytes[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return false }
        }
        return i == end
    }
}
