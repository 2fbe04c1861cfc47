import Foundation
import Testing
@testable import Parecon

/// The library's path arithmetic, which replaced `NSString`'s so that the library needs no
/// Foundation, against `NSString` itself.
@Suite struct PathComponentsTests {
    /// Foundation traps on a one-character relative path (`a`, `.`) and on a relative path ending
    /// in `/` (`a/`, `a//`), and makes `//` empty; those are in `edgeCases` instead.
    static let paths = [
        "", "/", "ab", "/a", "/a/", "a/b", "a/b/", "a//b", "//a", "/a//", "/a/b.json", "//a//b//", "../shared/data/io/bea_summary_2017",
        "proposals/w1.json", "rounds/3/proposals/SECTOR%2Fw1.json", "./a", "..", "a/.", "/tmp/x/.hidden.tmp.12", "é/日本/𝔘.json",
    ]

    @Test(arguments: paths)
    func lastAndDeletingLastAsNSString(_ path: String) {
        #expect(PathComponents.last(path) == (path as NSString).lastPathComponent)
        #expect(PathComponents.deletingLast(path) == (path as NSString).deletingLastPathComponent)
    }

    @Test func edgeCases() {
        #expect(PathComponents.last("a") == "a")
        #expect(PathComponents.deletingLast("a") == "")
        #expect(PathComponents.last(".") == ".")
        #expect(PathComponents.deletingLast("./") == "")
        #expect(PathComponents.last("a/") == "a")
        #expect(PathComponents.deletingLast("a/") == "")
        #expect(PathComponents.last("a//") == "a")
        #expect(PathComponents.last("//") == "/")
        #expect(PathComponents.deletingLast("//") == "/")
        #expect(PathComponents.appending("a//", "b") == "a//b")
    }

    @Test(arguments: paths + ["a", ".", "a/", "a//", "//"])
    func appendingAsNSString(_ path: String) {
        for component in ["table.csv", "", "b/c", "b/", "/b"] {
            #expect(PathComponents.appending(path, component) == (path as NSString).appendingPathComponent(component),
                    "\(path) + \(component)")
        }
    }
}
