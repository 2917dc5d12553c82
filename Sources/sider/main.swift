import ArgumentParser
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
Sider.main(CommandLineWords.joiningNegativeNumbers(Array(CommandLine.arguments.dropFirst())))
