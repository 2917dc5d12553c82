import ArgumentParser

extension Sider {
    /// Every subcommand, each in its own file. Add new jobs here.
    static let jobs: [any ParsableCommand.Type] = [
        ConvertImageCommand.self,
        EvalCommand.self,
        RenderScanCommand.self,
        TFLiteCommand.self,
        LandmarksCommand.self,
        Bench.self,
        FitCommand.self,
        SDFCommand.self,
        ReconstructCommand.self,
        ReportCommand.self,
        BatchCommand.self,
    ]
}
