import Logging

/// Logger factory: one label per stage, e.g. `SiderLog.make("landmarks")`.
public enum SiderLog {
    public static func make(_ stage: String) -> Logger { Logger(label: "sider.\(stage)") }
}
