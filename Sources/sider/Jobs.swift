import ArgumentParser

extension Sider {
    /// Every subcommand, each in its own file. Add new jobs here.
    static let jobs: [any ParsableCommand.Type] = [
        LandmarksCommand.self,
        Bench.self,
        SDFCommand.self,
        BenchGeometryCommand.self,
        ConvertImageCommand.self,
        FitCommand.self,
        ReconstructCommand.self,
    ]
}
