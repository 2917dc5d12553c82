import SiderCore
import NeuralFields

/// Range checks of a decoded config, each failure a one-line error naming the key.
extension ReconstructionConfig {
    public func validate() throws {
        func check(_ ok: Bool, _ key: String, _ what: String) throws {
            if !ok { throw SiderError(.badInput, "config: \(key) \(what)") }
        }
        func positive(_ v: Float, _ key: String) throws { try check(v.isFinite && v > 0, key, "must be a positive number (is \(v))") }
        func nonNegative(_ v: Float, _ key: String) throws { try check(v.isFinite && v >= 0, key, "must be ≥ 0 (is \(v))") }
        try check((64...1024).contains(crop.size), "crop.size", "must be in 64…1024 (is \(crop.size))")
        try check(crop.margin.isFinite && (0...2).contains(crop.margin), "crop.margin", "must be in 0…2 (is \(crop.margin))")
        try check((0...32).contains(crop.erosion), "crop.erosion", "must be in 0…32 (is \(crop.erosion))")
        try positive(crop.rayMargin, "crop.rayMargin")

        try coarse.network.validate("coarse.network")
        try check((0...1_000_000).contains(coarse.steps), "coarse.steps", "must be in 0…1000000 (is \(coarse.steps))")
        try check((1...1_000_000).contains(coarse.batchSize), "coarse.batchSize", "must be in 1…1000000 (is \(coarse.batchSize))")
        try check(coarse.poolSize >= coarse.batchSize && coarse.poolSize <= 50_000_000, "coarse.poolSize",
                  "must be in coarse.batchSize…50000000 (is \(coarse.poolSize))")
        try check((0...1).contains(coarse.nearFraction) && (0...1).contains(coarse.farFraction)
                  && coarse.nearFraction + coarse.farFraction <= 1, "coarse.nearFraction + coarse.farFraction", "must be fractions summing to at most 1")
        try positive(coarse.sigmaNear, "coarse.sigmaNear")
        try positive(coarse.sigmaFar, "coarse.sigmaFar")
        try nonNegative(coarse.eikonalWeight, "coarse.eikonalWeight")
        try nonNegative(coarse.normalWeight, "coarse.normalWeight")
        try coarse.learningRate.validate("coarse.learningRate")
        try check(coarse.shellThickness.isFinite && coarse.shellThickness > 0 && coarse.shellThickness < 0.5, "coarse.shellThickness",
                  "must be in (0, 0.5) (is \(coarse.shellThickness))")
        try check((16...1024).contains(coarse.meshResolution), "coarse.meshResolution", "must be in 16…1024")
        try positive(coarse.isoCells, "coarse.isoCells")
        try check(coarse.logEvery >= 1, "coarse.logEvery", "must be ≥ 1")
        if let grid = coarse.priorGrid {
            try check(grid.spacing.isFinite && grid.spacing >= 0.0005 && grid.spacing <= 0.05, "coarse.priorGrid.spacing",
                      "must be in 0.0005…0.05 of the prior's diagonal (is \(grid.spacing))")
            try check((0...3).contains(grid.subdivisions), "coarse.priorGrid.subdivisions", "must be in 0…3")
            try check((4...16).contains(grid.bandCells), "coarse.priorGrid.bandCells", "must be in 4…16")
            try check(coarse.steps == 0, "coarse.steps", "must be 0 with coarse.priorGrid (f_c is the prior's distance field; no network is trained)")
            try check(detail.geometry.hasDetailField, "detail.geometry.delta", "is needed with coarse.priorGrid (f_c has no parameters; δ, a network or a height field, carries the detail)")
            try check(!detail.shader.feature, "detail.shader.feature", "must be false with coarse.priorGrid (the prior's distance field has no feature γ)")
        }

        try check((0...1_000_000).contains(detail.iterations), "detail.iterations", "must be in 0…1000000 (is \(detail.iterations))")
        try check((1...1_000_000).contains(detail.raysPerBatch), "detail.raysPerBatch", "must be in 1…1000000")
        try check((1...1_000_000).contains(detail.pointsPerBatch), "detail.pointsPerBatch", "must be in 1…1000000")
        if let height = detail.geometry.height {
            try check(detail.geometry.delta == nil, "detail.geometry", "needs at most one of \"delta\" (a network) and \"height\" (a height field)")
            try check(height.spacing.isFinite && height.spacing >= 0.5 && height.spacing <= 64, "detail.geometry.height.spacing",
                      "must be in 0.5…64 crop pixels (is \(height.spacing))")
            try check((0...16).contains(height.margin), "detail.geometry.height.margin", "must be in 0…16")
            try check((1...8).contains(height.levels), "detail.geometry.height.levels", "must be in 1…8")
            if let coarse = height.coarseSpacing {
                try check(coarse.isFinite && coarse > height.spacing && coarse <= 256, "detail.geometry.height.coarseSpacing",
                          "must be above spacing and at most 256 crop pixels (is \(coarse))")
            }
        }
        if let delta = detail.geometry.delta {
            try delta.validate("detail.geometry.delta")
            try check(delta.featureSize == 0, "detail.geometry.delta.featureSize", "must be 0 (γ comes from f_c)")
        }
        try check((detail.shader.network == nil) != (detail.shader.intrinsic == nil), "detail.shader",
                  "needs exactly one of \"network\" (g_ω) and \"intrinsic\" (albedo × lighting)")
        if let shader = detail.shader.network {
            try check(!shader.hidden.isEmpty && shader.hidden.allSatisfy { (1...4096).contains($0) }, "detail.shader.network.hidden",
                      "must be 1 to 4096 wide layers")
            try check((0...16).contains(shader.pointFrequencies), "detail.shader.network.pointFrequencies", "must be in 0…16")
            try check((0...16).contains(shader.viewFrequencies), "detail.shader.network.viewFrequencies", "must be in 0…16")
            try check(shader.featureSize == coarse.network.featureSize, "detail.shader.network.featureSize",
                      "must equal coarse.network.featureSize (\(coarse.network.featureSize))")
        }
        if let intrinsic = detail.shader.intrinsic {
            try check(detail.shader.normal, "detail.shader.normal",
                      "must be true with the intrinsic shader, which shades n (the ablations cut g_ω's inputs: use --preset fast-network)")
            for (key, field) in [("albedo", intrinsic.albedo), ("albedoDetail", intrinsic.albedoDetail)] {
                guard let field else { continue }
                try check(!field.hidden.isEmpty && field.hidden.allSatisfy { (1...4096).contains($0) },
                          "detail.shader.intrinsic.\(key).hidden", "must be 1 to 4096 wide layers")
                try check((0...16).contains(field.frequencies), "detail.shader.intrinsic.\(key).frequencies", "must be in 0…16")
            }
            if let skin = intrinsic.skin {
                try check(skin.chroma.count == 2 && skin.chroma[0] >= 0 && skin.chroma[0] < skin.chroma[1],
                          "detail.shader.intrinsic.skin.chroma", "must be [d0, d1] with 0 ≤ d0 < d1")
                try positive(skin.blur, "detail.shader.intrinsic.skin.blur")
                try check(skin.darkness.count == 2 && skin.darkness[0] >= 0 && skin.darkness[0] < skin.darkness[1],
                          "detail.shader.intrinsic.skin.darkness", "must be [q0, q1] with 0 ≤ q0 < q1")
            }
            if let lobe = intrinsic.specular {
                try positive(lobe.strength, "detail.shader.intrinsic.specular.strength")
                try check(lobe.shininess.isFinite && (1...1000).contains(lobe.shininess), "detail.shader.intrinsic.specular.shininess",
                          "must be in 1…1000 (is \(lobe.shininess))")
            }
            try check(intrinsic.light.ambient.isFinite && intrinsic.light.frontal.isFinite, "detail.shader.intrinsic.light",
                      "must be finite")
        }
        let terms = try LossTerms.make(detail.losses)
        if let prior = terms.albedo.first {
            try check(detail.shader.intrinsic != nil, "detail.losses.\(prior.name)", "needs detail.shader.intrinsic (it is a prior on its albedo)")
        }
        if let highPass = detail.residualHighPass {
            try check(highPass.from >= 0, "detail.residualHighPass.from", "must be ≥ 0")
            try check(highPass.sigma.isFinite && highPass.sigma > 0 && highPass.sigma <= 1, "detail.residualHighPass.sigma",
                      "must be in (0, 1] (a fraction of the crop's side)")
        }
        try detail.optimizer.learningRate.validate("detail.optimizer.learningRate")
        for (name, g) in detail.optimizer.groups {
            try check(g.startIteration >= 0, "detail.optimizer.groups.\(name).startIteration", "must be ≥ 0")
            if let factors = g.rateFactors {
                let key = "detail.optimizer.groups.\(name).rateFactors"
                try check(zip(factors, factors.dropFirst()).allSatisfy { $0.from < $1.from } && (factors.first?.from ?? 0) >= 0,
                          key, "must be in increasing order of \"from\" (≥ 0)")
                try check(factors.allSatisfy { $0.factor.isFinite && (0...1000).contains($0.factor) }, key, "factors must be in 0…1000")
            }
        }
        try check(detail.stopping.patience >= 1, "detail.stopping.patience", "must be ≥ 1")
        try check((0..<1).contains(detail.stopping.minRelativeGain), "detail.stopping.minRelativeGain", "must be in [0, 1)")
        let t = detail.tracer
        try check((1...1000).contains(t.maxSteps), "detail.tracer.maxSteps", "must be in 1…1000")
        try positive(t.threshold, "detail.tracer.threshold")
        try check(t.stepScale > 0 && t.stepScale <= 1, "detail.tracer.stepScale", "must be in (0, 1]")
        try check((2...4096).contains(t.samples), "detail.tracer.samples", "must be in 2…4096")
        try check((0...100).contains(t.secantSteps), "detail.tracer.secantSteps", "must be in 0…100")
        try nonNegative(t.lookBehind, "detail.tracer.lookBehind")
        try check(t.warmStart >= 0 && t.warmStart < 1, "detail.tracer.warmStart", "must be in [0, 1)")

        for (key, v) in [("checkpoints.every", checkpoints.every), ("checkpoints.coarseEvery", checkpoints.coarseEvery),
                         ("checkpoints.snapshotEvery", checkpoints.snapshotEvery)] {
            try check(v >= 0, key, "must be ≥ 0 (is \(v))")
        }
        try check(checkpoints.goodStateEvery >= 1, "checkpoints.goodStateEvery", "must be ≥ 1")
        try check((0...5).contains(output.meshSubdivisions), "output.meshSubdivisions", "must be in 0…5")
    }
}

extension SDFNetworkConfig {
    func validate(_ key: String) throws {
        func check(_ ok: Bool, _ sub: String, _ what: String) throws {
            if !ok { throw SiderError(.badInput, "config: \(key).\(sub) \(what)") }
        }
        try check(!hidden.isEmpty && hidden.allSatisfy { (1...4096).contains($0) }, "hidden", "must be 1 to 4096 wide layers")
        try check(skips.allSatisfy { (1..<hidden.count).contains($0) }, "skips", "must name hidden layers 1…\(hidden.count - 1)")
        // A skip layer sees [a, φ(x)]/√2: the layer before it is narrower by φ's width.
        let d = encoding.outputDimension
        try check(skips.allSatisfy { hidden[$0 - 1] > d }, "hidden", "must be wider than φ(x) (\(d)) before a skip layer")
        try check((0...4096).contains(featureSize), "featureSize", "must be in 0…4096")
        try check(beta.isFinite && beta > 0, "beta", "must be positive")
        try check(initialRadius.isFinite && initialRadius >= 0, "initialRadius", "must be ≥ 0")
        if case .positional(let f) = encoding { try check((0...16).contains(f), "encoding.positional.frequencies", "must be in 0…16") }
        if case .fourier(let f) = encoding {
            try check(f.isPlausible, "encoding.fourier", "needs 1…1024 features and 0 < minFrequency ≤ maxFrequency ≤ 10000")
        }
        if case .grid(let g) = encoding {
            try check((1...24).contains(g.levels) && (1...8).contains(g.featuresPerLevel) && (2...4096).contains(g.baseResolution)
                      && g.growth >= 1 && g.growth <= 4 && (4...24).contains(g.log2TableSize), "encoding.grid", "is out of range")
        }
    }
}

extension LearningRateSchedule {
    func validate(_ key: String) throws {
        let ok: Bool
        switch self {
        case .constant(let r): ok = r.isFinite && r > 0
        case .multiStep(let r, let ms, let f): ok = r.isFinite && r > 0 && f.isFinite && f > 0 && ms.allSatisfy { $0 >= 0 }
        case .exponential(let r, let e): ok = r.isFinite && r > 0 && e.isFinite && e > 0
        case .warmupCosine(let r, let e, let w): ok = r.isFinite && r > 0 && e.isFinite && e >= 0 && w >= 0
        }
        if !ok { throw SiderError(.badInput, "config: \(key) has an out-of-range rate, factor or step") }
    }
}
