import ArgumentParser

extension Sider {
    /// Every subcommand, each in its own file. Add new jobs here.
    static let jobs: [any ParsableCommand.Type] = [
        BenchGeometryCommand.self,
        LandmarksCommand.self,
        Bench.self,
        FitCommand.self,
        TFLiteCommand.self,
        ConvertImageCommand.self,
    ]
}
