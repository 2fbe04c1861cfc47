/// Path arithmetic on `/`-separated strings, as Foundation's `NSString` does it (`lastPathComponent`,
/// `deletingLastPathComponent`, `appendingPathComponent`), so that the library needs no Foundation
/// (whose ICU data and libraries are most of a small plan's resident memory). Runs of `/` count as one;
/// a trailing `/` is ignored; `/` alone is the root. `PathComponentsTests` checks these against `NSString`.
enum PathComponents {
    /// The path with runs of `/` made one and a trailing `/` dropped (the root stays `/`).
    static func normalized(_ path: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for byte in path.utf8 where !(byte == slash && bytes.last == slash) {
            bytes.append(byte)
        }
        if bytes.count > 1 && bytes.last == slash { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The part after the last `/`: `a/b.json` → `b.json`, `a/b/` → `b`, `/` → `/`, `b` → `b`.
    static func last(_ path: String) -> String {
        let fixed = normalized(path)
        guard fixed.utf8.count > 1, let slashIndex = fixed.utf8.lastIndex(of: slash) else { return fixed }
        return String(fixed[fixed.utf8.index(after: slashIndex)...])
    }

    /// The path without its last part: `a/b.json` → `a`, `/a` → `/`, `b` → empty, `/` → `/`.
    static func deletingLast(_ path: String) -> String {
        let fixed = normalized(path)
        if fixed == "/" || fixed.isEmpty { return fixed }
        guard let slashIndex = fixed.utf8.lastIndex(of: slash) else { return "" }
        if slashIndex == fixed.utf8.startIndex { return "/" }
        return String(fixed[..<slashIndex])
    }

    /// `component` appended to `path` with a `/` between them unless `path` ends in one, as given
    /// otherwise (`NSString` does not tidy here): `a` + `b` → `a/b`, `a/` + `b` → `a/b`, empty + `b` → `b`.
    static func appending(_ path: String, _ component: String) -> String {
        if component.isEmpty { return path }
        if path.isEmpty { return component }
        return path.utf8.last == slash ? path + component : path + "/" + component
    }

    private static let slash = UInt8(ascii: "/")
}
