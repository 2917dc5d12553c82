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
        let text = "\(error)".replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("error: \(text)\n".utf8))
        throw ExitCode.failure
    }
}

enum ProcessInfoEnvironment {
    /// Log level from `SIDER_LOG` (trace, debug, info, notice, warning, error); default info.
    static var logLevel: Logger.Level {
        if let s = ProcessInfo.processInfo.environment["SIDER_LOG"], let l = Logger.Level(rawValue: s) { return l }
        return .info
    }
}
