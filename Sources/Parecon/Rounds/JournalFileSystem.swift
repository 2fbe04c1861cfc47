import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal's access to its folder. Every file is written atomically:
///
///     write a temporary file `.NAME.tmp.PID` in the same folder → fsync it
///     → rename it over `NAME` → fsync the folder
///
/// so a reader (or a close run again after a kill) sees either the old file or the new one, never
/// half of one. A write whose bytes equal the file's present bytes does nothing. Files whose
/// names begin with `.` (temporary files, the lock) are never read as journal files.
final class JournalFileSystem {
    /// The journal's folder.
    let root: String
    /// Whether writes are flushed to the disk (fsync of the file and its folder). Always on for
    /// the command line; tests of many rounds turn it off (the rename stays atomic).
    var durable: Bool
    /// Test hook: called with a running count after each step of each write (1: temporary file
    /// written and flushed; 2: renamed into place). Throwing stops the operation at that point, as
    /// a kill would; the command line turns `PARECON_JOURNAL_CRASH_AFTER_STEP` into one.
    var afterStep: ((Int) throws -> Void)? {
        didSet { steps = 0 }
    }
    private(set) var steps = 0
    private var lockDescriptor: Int32 = -1

    init(root: String, durable: Bool = true) {
        self.root = root
        self.durable = durable
    }

    func path(_ relative: String) -> String {
        relative.isEmpty ? root : root + "/" + relative
    }

    // MARK: Reading

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    func isDirectory(_ relative: String) -> Bool {
        var isDirectory = false
        return FileManager.default.fileExists(atPath: path(relative), isDirectory: &isDirectory) && isDirectory
    }

    /// The file's bytes, or `nil` if it does not exist.
    func readIfPresent(_ relative: String) throws(JournalError) -> [UInt8]? {
        guard exists(relative) else { return nil }
        return try read(relative)
    }

    func read(_ relative: String) throws(JournalError) -> [UInt8] {
        do {
            return try readFile(path(relative))
        } catch {
            throw JournalError(file: relative, error.description)
        }
    }

    /// The names in a folder, without those beginning with `.`, in Swift's string order (by
    /// Unicode scalars, the same everywhere: it depends neither on the locale nor on the file
    /// system). Empty if the folder does not exist.
    func list(_ relative: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path(relative)) else { return [] }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    // MARK: Writing

    enum WriteOutcome: Equatable {
        /// The file did not exist or had other bytes; it has the new bytes now.
        case written
        /// The file already had exactly these bytes.
        case unchanged
    }

    /// Writes `bytes` to the file atomically (see the type's documentation), creating its folders.
    @discardableResult
    func write(_ bytes: [UInt8], to relative: String) throws(JournalError) -> WriteOutcome {
        if let present = try readIfPresent(relative), present == bytes { return .unchanged }
        let folder = PathComponents.deletingLast(relative)
        let name = PathComponents.last(relative)
        try createFolders(folder)
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).tmp.\(getpid())"
        let descriptor = open(path(temporary), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw systemError(relative, "cannot create a temporary file") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let error = systemError(relative, "cannot write")
                close(descriptor)
                unlink(path(temporary))
                throw error
            }
            offset += written
        }
        if durable && fsync(descriptor) != 0 {
            let error = systemError(relative, "cannot flush to disk")
            close(descriptor)
            unlink(path(temporary))
            throw error
        }
        close(descriptor)
        try step()
        guard rename(path(temporary), path(relative)) == 0 else {
            let error = systemError(relative, "cannot rename the temporary file into place")
            unlink(path(temporary))
            throw error
        }
        try syncFolder(folder)
        try step()
        return .written
    }

    /// Creates a folder and its parents, flushing each new entry to disk.
    func createFolders(_ relative: String) throws(JournalError) {
        if isDirectory(relative) { return }
        if relative.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            } catch {
                throw JournalError(file: root, "cannot create the folder: \(describe(error))")
            }
            return
        }
        let parent = PathComponents.deletingLast(relative)
        try createFolders(parent)
        if mkdir(path(relative), 0o755) != 0 && errno != EEXIST {
            throw systemError(relative, "cannot create the folder")
        }
        try syncFolder(parent)
    }

    /// Removes temporary files that a killed run left in a folder the journal owns (never in a
    /// proposals folder: those files belong to the councils).
    func removeStaleTemporaries(in relative: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path(relative)) else { return }
        for name in names where name.hasPrefix(".") && name.contains(".tmp.") {
            unlink(path((relative.isEmpty ? "" : relative + "/") + name))
        }
    }

    /// Removes a file the journal owns, if it exists (never a submitted proposal).
    func remove(_ relative: String) {
        unlink(path(relative))
    }

    private func step() throws(JournalError) {
        steps += 1
        guard let afterStep else { return }
        do {
            try afterStep(steps)
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError("\(error)")
        }
    }

    private func syncFolder(_ relative: String) throws(JournalError) {
        guard durable else { return }
        let descriptor = open(path(relative), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw systemError(relative, "cannot open the folder") }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 && errno != EINVAL { throw systemError(relative, "cannot flush the folder to disk") }
    }

    /// What Foundation's `localizedDescription` says for the errors `createDirectory` throws
    /// (FoundationEssentials has no `localizedDescription`; the texts are Foundation's).
    private func describe(_ error: any Error) -> String {
        guard let error = error as? CocoaError else { return "\(error)" }
        let reasons: [Int: String] = [
            4: "The file doesn’t exist.", 257: "You don’t have permission.", 513: "You don’t have permission.",
            514: "The file name is invalid.", 516: "A file with the same name already exists.",
            640: "There isn’t enough space.", 642: "The volume is read only.",
        ]
        let code = error.code.rawValue
        return "The operation could not be completed. " + (reasons[code] ?? "(NSCocoaErrorDomain error \(code).)")
    }

    private func systemError(_ relative: String, _ what: String) -> JournalError {
        JournalError(file: relative, "\(what): \(String(cString: strerror(errno)))")
    }

    // MARK: Lock

    /// Runs `body` holding the journal's lock (`.lock`, an advisory `flock`), so that two
    /// `parecon` processes never change one journal at the same time. The system releases the
    /// lock when the process ends, however it ends.
    func locked<T>(_ body: () throws(JournalError) -> T) throws(JournalError) -> T {
        if lockDescriptor >= 0 { return try body() }
        let descriptor = open(path(".lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw systemError(".lock", "cannot open the journal's lock") }
        // Wait a little for a lock held elsewhere: another process finishing, or a child that this
        // process is starting and that holds copies of its files until it runs its program.
        var attempts = 0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            attempts += 1
            if attempts > 300 {
                close(descriptor)
                throw JournalError(file: ".lock", "another parecon process is working on this journal; try again when it has finished")
            }
            usleep(10_000)
        }
        lockDescriptor = descriptor
        defer {
            close(descriptor)
            lockDescriptor = -1
        }
        return try body()
    }
}

/// FNV-1a (64-bit) of a file's bytes, as 16 hex digits: how a round report names exactly which
/// bytes it considered (it detects a changed file; it is not a defence against forgery).
func fnv1a64(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
