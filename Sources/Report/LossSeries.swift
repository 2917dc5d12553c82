import Foundation

/// One loss term's values over the iterations of a run: what a loss chart plots.
public struct LossSeries: Sendable, Equatable {
    public var name: String
    public var iterations: [Double]
    public var values: [Double]

    /// The series of every numeric term in `records`, in first-seen order (`total` first).
    ///
    /// A record is a JSON object with an iteration number under `iteration` (detail stage) or
    /// `step` (coarse stage) and its terms either as numeric fields beside it
    /// (`{"iteration": 3, "total": 0.4, "photometric": 0.3, …}`) or in a dictionary
    /// `terms: {name: value}` (which wins over a field of the same name), so a term the
    /// pipeline adds later is plotted without a change here. Fields that are not losses
    /// (`learningRate`, `seconds`) are left out; non-finite values are skipped.
    public static func series(from records: [[String: Any]]) -> [LossSeries] {
        var order: [String] = []
        var byName: [String: LossSeries] = [:]
        for (k, record) in records.enumerated() {
            let x = number(record["iteration"]) ?? number(record["step"]) ?? Double(k)
            var terms: [(String, Double)] = []
            let nested = record["terms"] as? [String: Any] ?? [:]
            for (key, value) in record where !excluded.contains(key) && nested[key] == nil {
                if let v = number(value) { terms.append((key, v)) }
            }
            for (key, value) in nested { if let v = number(value) { terms.append((key, v)) } }
            for (name, v) in terms.sorted(by: { rank($0.0) < rank($1.0) }) where v.isFinite {
                if byName[name] == nil { byName[name] = LossSeries(name: name, iterations: [], values: []); order.append(name) }
                byName[name]!.iterations.append(x)
                byName[name]!.values.append(v)
            }
        }
        return order.sorted { rank($0) < rank($1) }.compactMap { byName[$0] }
    }

    static let excluded: Set<String> = ["iteration", "step", "terms", "learningRate", "seconds"]

    /// `total` first, then alphabetical (a stable order whatever the JSON object order).
    static func rank(_ name: String) -> String { name == "total" ? "" : name }

    /// A JSON number (not a Bool) as Double.
    static func number(_ value: Any?) -> Double? {
        // JSON true/false parse as an NSNumber of objCType "c" (char); numbers never do.
        guard let n = value as? NSNumber, String(cString: n.objCType) != "c" else { return nil }
        return n.doubleValue
    }
}
