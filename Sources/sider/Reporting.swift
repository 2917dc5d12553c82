import ArgumentParser
import Foundation
import Logging
import SiderCore

/// Runs a command's body and turns any error into one line on stderr and a non-zero exit.
///
/// Every subcommand wraps its work in this, so bad input never ends in a crash dump:
/// `error: <one-line message>` and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as SiderError {
        FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
        throw ExitCode.failure
    } catch let e as ExitCode {
        throw e
    } catch {
        FileHandle.standardError.write(Data("error: \(oneLine(error))\n".utf8))
        throw ExitCode.failure
    }
}

/// A one-line message for an error that is not a `SiderError`: Foundation file errors name their
/// path and a readable reason (`FileErrorText`), anything else its description on one line.
func oneLine(_ error: Error) -> String {
    let ns = error as NSError
    if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        if let path {
            return "cannot access \(path): \(FileErrorText.reason(error, at: URL(fileURLWithPath: path)))"
        }
        return FileErrorText.reason(error, at: URL(fileURLWithPath: "/"))
    }
    return "\(error)".replacingOccurrences(of: "\n", with: " ")
}

/// Command-line words as ArgumentParser should see them: an option followed by a negative
/// number (`--iterations -5`) is joined into `--iterations=-5`, because ArgumentParser would take
/// `-5` for a flag and report "Missing value"; the command then explains what is wrong with the
/// value. (No `sider` command takes a negative number as a positional argument.)
enum CommandLineWords {
    static func joiningNegativeNumbers(_ words: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < words.count {
            let w = words[i]
            if w.hasPrefix("--"), w.count > 2, !w.contains("="), i + 1 < words.count, isNegativeNumber(words[i + 1]) {
                out.append("\(w)=\(words[i + 1])")
                i += 2
            } else {
                out.append(w)
                i += 1
            }
        }
        return out
    }

    static func isNegativeNumber(_ word: String) -> Bool {
        guard word.hasPrefix("-"), word.count > 1 else { return false }
        return Double(word) != nil
    }
}

enum ProcessInfoEnvironment {
    /// Log level from `SIDER_LOG` (trace, debug, info, notice, warning, error); default info.
    static var logLevel: Logger.Level {
        if let s = ProcessInfo.processInfo.environment["SIDER_LOG"], let l = Logger.Level(rawValue: s) { return l }
        return .info
    }
}
