import ArgumentParser
import Foundation
import Logging
import SiderCore

/// The `sider` command line: one subcommand per job (see Jobs.swift), each in its own file.
struct Sider: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sider",
        abstract: "SIDER: detailed 3D face geometry from a single photo.",
        version: SiderCore.version,
        subcommands: Sider.jobs
    )
}

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = ProcessInfoEnvironment.logLevel
    return handler
}
/// Parses and runs; a command-line error (unknown option, missing or malformed value) is one
/// line on stderr, "error: MESSAGE (see 'sider SUBCOMMAND --help')", with ArgumentParser's exit
/// code; help and version requests print in full.
func runCommandLine(_ words: [String]) -> Never {
    let command: ParsableCommand
    do {
        command = try Sider.parseAsRoot(words)
    } catch {
        let code = Sider.exitCode(for: error)
        guard code != .success else { Sider.exit(withError: error) }
        let job = words.first.flatMap { w in Sider.jobs.first { $0.configuration.commandName == w } }
        let help = job.map { "sider \($0.configuration.commandName ?? "") --help" } ?? "sider --help"
        let message = Sider.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid command line"
        FileHandle.standardError.write(Data("error: \(message) (see '\(help)')\n".utf8))
        exit(code.rawValue)
    }
    do {
        var command = command
        try command.run()
        exit(0)
    } catch {
        Sider.exit(withError: error)
    }
}

runCommandLine(CommandLineWords.joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst())))
