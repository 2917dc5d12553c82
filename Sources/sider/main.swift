import ArgumentParser
import SiderCore

/// The `sider` command line: one subcommand per job.
struct Sider: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sider",
        abstract: "SIDER: detailed 3D face geometry from a single photo.",
        version: SiderCore.version,
        subcommands: Sider.jobs
    )
}

Sider.main()
