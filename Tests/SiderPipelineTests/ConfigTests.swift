import Foundation
import Testing
import SiderCore
@testable import SiderPipeline

/// Configs as data: the shipped files load and validate, ablations change only what they
/// ablate, `extends` and `--set` overrides compose, and a wrong key or value is a one-line
/// error naming it.
@Suite struct ConfigTests {
    static func temporary(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("configs-\(UUID().uuidString)", isDirectory: true)
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "accepted" } catch { return "\(error)" }
    }

    @Test func shippedConfigsLoadAndValidate() throws {
        let names = try ShippedConfigs.names()
        for required in ["fast", "fast-network", "paper", "paper-intrinsic", "grid", "ablation/no-feature", "ablation/no-normal",
                         "ablation/no-feature-no-normal"] {
            #expect(names.contains(required), "configs/\(required).json missing")
        }
        for name in names {
            let c = try ConfigLoader.shipped(name)
            #expect(c.name == name)
            // f_c is either the prior's distance field or a network trained for some steps (a
            // config extending fast must not inherit the grid with 0 steps for its network).
            #expect((c.coarse.priorGrid != nil) == (c.coarse.steps == 0), "\(name): priorGrid \(c.coarse.priorGrid != nil), \(c.coarse.steps) steps")
            // Encoding and decoding again gives the same config (run.json and checkpoints rely on it).
            #expect(try JSONDecoder().decode(ReconstructionConfig.self, from: JSONEncoder().encode(c)) == c)
        }
    }

    /// Each ablation differs from its base in the shader inputs it cuts, nothing else.
    @Test func ablationsChangeOnlyTheirInputs() throws {
        let base = try ConfigLoader.shipped("fast-network")
        for (name, feature, normal) in [("no-feature", false, true), ("no-normal", true, false), ("no-feature-no-normal", false, false)] {
            var c = try ConfigLoader.shipped("ablation/" + name)
            #expect(c.detail.shader.feature == feature && c.detail.shader.normal == normal)
            c.detail.shader = base.detail.shader
            c.name = base.name; c.about = base.about
            #expect(c == base, "\(name) changes more than g_ω's inputs")
        }
    }

    @Test func extendsAndOverridesCompose() throws {
        let dir = try Self.temporary([
            "base.json": try String(contentsOf: ShippedConfigs.url("fast"), encoding: .utf8),
            "sub/child.json": #"{"extends": "../base.json", "name": "child", "detail": {"iterations": 7}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = try ConfigLoader.load(dir.appendingPathComponent("sub/child.json"),
                                      overrides: ["detail.losses.sdf.weight=2", "seed=9", "detail.shader.feature=false"])
        #expect(c.name == "child" && c.detail.iterations == 7 && c.seed == 9 && !c.detail.shader.feature)
        #expect(c.detail.losses["sdf"] == ["weight": 2, "delta": 0.02])   // merged, not replaced
        #expect(c.detail.losses["smoothness"] == (try ConfigLoader.shipped("fast")).detail.losses["smoothness"])   // untouched
        #expect(c.crop == (try ConfigLoader.shipped("fast")).crop)
    }

    @Test func wrongKeysAndValuesAreOneLineErrorsNamingTheKey() throws {
        let fast = try String(contentsOf: ShippedConfigs.url("fast"), encoding: .utf8)
        let dir = try Self.temporary([
            "fast.json": fast,
            "fast-network.json": try String(contentsOf: ShippedConfigs.url("fast-network"), encoding: .utf8),
            "typo.json": #"{"extends": "fast.json", "detail": {"iteratoins": 5}}"#,
            "range.json": #"{"extends": "fast.json", "crop": {"size": 10}}"#,
            "term.json": #"{"extends": "fast.json", "detail": {"losses": {"smothness": {"weight": 1}}}}"#,
            "type.json": #"{"extends": "fast.json", "seed": "one"}"#,
            "cycle.json": #"{"extends": "cycle.json"}"#,
            "notjson.json": "{ nope",
            "highpass.json": #"{"extends": "fast.json", "detail": {"residualHighPass": {"from": 150, "sigma": 0}}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        func load(_ name: String, _ overrides: [String] = []) -> String {
            Self.message { try ConfigLoader.load(dir.appendingPathComponent(name), overrides: overrides) }
        }
        let cases: [(String, String)] = [
            (load("typo.json"), "unknown key detail.iteratoins"),
            (load("range.json"), "crop.size must be in 64…1024"),
            (load("term.json"), "unknown loss term detail.losses.smothness"),
            (load("type.json"), "seed"),
            (load("cycle.json"), "nests too deep"),
            (load("notjson.json"), "is not a JSON object"),
            (load("highpass.json"), "detail.residualHighPass.sigma must be in (0, 1]"),
            (load("fast.json", ["detail.losses.sdf.delta=0"]), "detail.losses.sdf.delta = 0.0 is out of range"),
            (load("fast.json", ["detail.nothing.x=1"]), "the config has no detail.nothing"),
            (load("fast.json", ["detail.raysPerBatch=-5"]), "detail.raysPerBatch must be in"),
            (load("fast.json", ["detail.losses.smoothness.wieght=1"]), "unknown key detail.losses.smoothness.wieght"),
            (load("fast.json", ["noequals"]), "expected key.path=value"),
            (load("fast.json", ["coarse.steps=10"]), "coarse.steps must be 0 with coarse.priorGrid"),
            (load("fast.json", ["coarse.priorGrid.spacing=0.0001"]), "coarse.priorGrid.spacing must be in 0.0005…0.05"),
            (load("fast.json", ["coarse.priorGrid.bandCells=2"]), "coarse.priorGrid.bandCells must be in 4…16"),
            (load("fast.json", ["detail.shader.feature=true"]), "detail.shader.feature must be false with coarse.priorGrid"),
            (load("fast.json", [#"detail.geometry.height={"spacing": 0.1, "margin": 2}"#, "detail.geometry.delta=null"]),
             "detail.geometry.height.spacing must be in 0.5…64"),
            (load("fast.json", [#"detail.geometry.height={"spacing": 2, "margin": 40}"#, "detail.geometry.delta=null"]),
             "detail.geometry.height.margin must be in 0…16"),
            (load("fast.json", ["detail.geometry.height.coarseSpacing=2"]), "detail.geometry.height.coarseSpacing must be above spacing"),
            (load("fast.json", ["detail.geometry.height=null", "detail.geometry.delta=null"]), "detail.geometry.delta is needed with coarse.priorGrid"),
            (load("fast-network.json", [#"detail.geometry.height={"spacing": 2}"#]), "detail.geometry needs at most one of"),
            (load("fast-network.json", [#"detail.losses.albedoChroma={"weight": 1}"#]), "detail.losses.albedoChroma needs detail.shader.intrinsic"),
            (load("fast.json", ["detail.losses.albedoChroma.weight=-1"]), "detail.losses.albedoChroma.weight = -1.0 is out of range"),
            (load("fast-network.json", [#"detail.losses.albedoLightness={"weight": 1}"#]), "detail.losses.albedoLightness needs detail.shader.intrinsic"),
            (load("fast.json", ["detail.shader.intrinsic.light.grey=2"]), "detail.shader.intrinsic.light.grey"),
            (Self.message { try ConfigLoader.shipped("nonesuch") }, "unknown preset 'nonesuch'"),
        ]
        for (message, expected) in cases {
            #expect(message.contains(expected), "expected “\(expected)” in “\(message)”")
            #expect(!message.contains("\n"), "not one line: \(message)")
        }
    }

    /// A config in memory (the fuzz target's entry) resolves `extends` beside the name it is
    /// given, as the file would; hostile contents are one-line errors, not crashes.
    @Test func inMemoryConfigsAndHostileContents() throws {
        let dir = try ShippedConfigs.directory()
        let here = dir.appendingPathComponent("in-memory.json")
        let c = try ConfigLoader.load(Data(#"{"extends": "fast.json", "seed": 3}"#.utf8), as: here, overrides: ["detail.iterations=9"])
        var expected = try ConfigLoader.shipped("fast")
        expected.seed = 3; expected.detail.iterations = 9
        #expect(c == expected)
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let deepObject = String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000)
        let hostile: [(String, String)] = [
            (#"{"extends": "/dev/zero"}"#, "zero"),
            (#"{"extends": "\#(dir.path)"}"#, "configs"),
            (#"{"extends": 7}"#, "must be a path"),
            (#"{"extends": "fast.json", "detail": {"iterations": 1e300}}"#, "detail.iterations"),
            (#"{"extends": "fast.json", "seed": -1}"#, "seed"),
            (#"{"extends": "fast.json", "detail": {"raysPerBatch": 2.5}}"#, "detail.raysPerBatch is not a number"),
            (#"{"extends": "fast.json", "crop": {"size": 9223372036854775807}}"#, "crop.size"),
            (nested, "not a JSON object"),
            (deepObject, "in-memory.json"),
            ("\u{0}\u{ff}", "not a JSON object"),
        ]
        for (text, fragment) in hostile {
            let message = Self.message { try ConfigLoader.load(Data(text.utf8), as: here) }
            #expect(message.contains(fragment), "expected “\(fragment)” in “\(message.prefix(300))”")
            #expect(!message.contains("\n") && message != "accepted", "\(text.prefix(60)): \(message.prefix(300))")
        }
    }
}
