import Foundation
import Testing
import SiderPipeline
import Geometry

@Suite struct SphereTracerTests {
    let intr = PinholeCamera(fx: 60, fy: 60, cx: 16, cy: 16, width: 32, height: 32)

    func raysAll(depth: Float, margin: Float) -> RaySet {
        let mask = PixelMask(width: 32, height: 32, fill: true)
        return RaySet(camera: intr, mask: mask, depth: [Float](repeating: depth, count: 32 * 32), margin: margin)
    }

    @Test func sphereHitsAreExact() {
        let c = SIMD3<Float>(0.02, -0.01, 1.0), r: Float = 0.15
        let rays = raysAll(depth: 0.85, margin: 0.2)
        let result = SphereTracer().trace(rays, sdf: SphereSDF(center: c, radius: r))
        var checked = 0
        for k in 0..<rays.count {
            let truth = raySphere(rays.directions[k], c, r)
            if let truth, truth <= rays.tFar[k] {
                #expect(result.hit[k])
                // |f| < threshold bounds the error along the ray by threshold / |v·n|.
                let x = rays.directions[k] * truth, nrm = (x - c) / r
                let cosine = abs((nrm * rays.directions[k]).sum())
                #expect(abs(result.t[k] - truth) < 1e-5 + 6e-5 / cosine, "ray \(k): \(result.t[k]) vs \(truth)")
                checked += 1
            } else {
                #expect(!result.hit[k])
            }
        }
        #expect(checked > 100)
    }

    /// Warm starts from the previous hit: the same intersections as a cold trace with fewer
    /// evaluations, whether the surface moved back (start outside) or forward past the window
    /// (start inside: the ray is traced again from tNear); misses stay misses.
    @Test func warmStartsFindTheSameHitsWithFewerEvaluations() {
        let c = SIMD3<Float>(0.02, -0.01, 1.0)
        let all = raysAll(depth: 0.85, margin: 0.2)
        let first = SphereTracer().trace(all, sdf: SphereSDF(center: c, radius: 0.15))
        let rays = all.subset((0..<all.count).filter { first.hit[$0] })   // a face crop's rays all hit
        var settings = SphereTraceSettings()
        settings.warmStart = 0.02
        let warmTracer = SphereTracer(settings: settings)
        let before = SphereTracer().trace(rays, sdf: SphereSDF(center: c, radius: 0.15))
        let hints = before.t
        for radius: Float in [0.15, 0.1497, 0.17] {   // unchanged, moved back 0.3 mm, forward 2 cm
            let sdf = SphereSDF(center: c, radius: radius)
            let cold = SphereTracer().trace(rays, sdf: sdf)
            let warm = warmTracer.trace(rays, sdf: sdf, hints: hints)
            #expect(warm.hit == cold.hit, "radius \(radius)")
            for k in 0..<rays.count where cold.hit[k] {
                guard let truth = raySphere(rays.directions[k], c, radius) else { continue }
                let x = rays.directions[k] * truth, cosine = abs((((x - c) / radius) * rays.directions[k]).sum())
                #expect(abs(warm.t[k] - truth) < 1e-5 + 6e-5 / cosine, "radius \(radius), ray \(k): \(warm.t[k]) vs \(truth)")
            }
            if radius <= 0.15 {
                #expect(warm.evaluations * 3 < cold.evaluations * 2, "radius \(radius): \(warm.evaluations) vs \(cold.evaluations) evaluations")
            }
        }
        // Without hints, or with warmStart 0, the trace is the cold one exactly.
        let plain = warmTracer.trace(rays, sdf: SphereSDF(center: c, radius: 0.15))
        #expect(plain.t == before.t && plain.evaluations == before.evaluations)
        let off = SphereTracer().trace(rays, sdf: SphereSDF(center: c, radius: 0.15), hints: hints)
        #expect(off.t == before.t)
    }

    /// A hit the look-behind search found (the surface in front of tNear) is a warm start too:
    /// the same hit, without the two 64-sample searches.
    @Test func warmStartsInFrontOfTheInterval() {
        let c = SIMD3<Float>(0.02, -0.01, 1.0), sdf = SphereSDF(center: c, radius: 0.15)
        let all = raysAll(depth: 0.95, margin: 0.05)   // tNear 0.9: inside the sphere (front at ≈ 0.85)
        let first = SphereTracer().trace(all, sdf: sdf)
        let rays = all.subset((0..<all.count).filter { first.hit[$0] && first.t[$0] < all.tNear[$0] })
        #expect(rays.count > 50)
        var settings = SphereTraceSettings()
        settings.warmStart = 0.02
        let cold = SphereTracer().trace(rays, sdf: sdf)
        let warm = SphereTracer(settings: settings).trace(rays, sdf: sdf, hints: cold.t)
        #expect(warm.hit == cold.hit && cold.sampledRays == rays.count && warm.sampledRays == 0)
        #expect(warm.evaluations * 4 < cold.evaluations, "\(warm.evaluations) vs \(cold.evaluations) evaluations")
        for k in 0..<rays.count { #expect(abs(warm.t[k] - cold.t[k]) < 5e-4) }
    }

    @Test func tiltedPlaneHitsAreExact() {
        var n = SIMD3<Float>(0.2, -0.1, -1); n /= (n * n).sum().squareRoot()
        let plane = PlaneSDF(normal: n, offset: -0.9)   // n·p = −0.9, about z = 0.9
        let rays = raysAll(depth: 0.9, margin: 0.3)
        let result = SphereTracer().trace(rays, sdf: plane)
        #expect(result.hitCount == rays.count)
        for k in 0..<rays.count {
            let truth = -0.9 / (n * rays.directions[k]).sum()
            #expect(abs(result.t[k] - truth) < 2e-4)
        }
    }

    @Test func overestimatingSDFIsRefinedBySecant() {
        let c = SIMD3<Float>(0, 0, 1), r: Float = 0.2
        let rays = raysAll(depth: 0.8, margin: 0.25)
        var s = SphereTraceSettings(); s.stepScale = 1
        let result = SphereTracer(settings: s).trace(rays, sdf: ScaledSDF(base: SphereSDF(center: c, radius: r), factor: 2.5))
        for k in 0..<rays.count {
            if let truth = raySphere(rays.directions[k], c, r) {
                #expect(result.hit[k])
                #expect(abs(result.t[k] - truth) < 5e-4)
            }
        }
    }

    @Test func missRules() {
        // The front surface is at t = 0.8. Interval in free space: miss.
        let sphere = SphereSDF(center: [0, 0, 1], radius: 0.2)
        let free = RaySet(directions: [[0, 0, 1]], pixels: [0], tNear: [0.1], tFar: [0.5], width: 1, height: 1)
        #expect(!SphereTracer().trace(free, sdf: sphere).hit[0])
        // Interval starting inside (the surface moved in front of it): the look-behind interval
        // [tNear − (tFar − tNear), tNear] finds the front surface; without it, a miss.
        var strict = SphereTraceSettings()
        strict.lookBehind = 0
        let inside = RaySet(directions: [[0, 0, 1]], pixels: [0], tNear: [0.9], tFar: [1.1], width: 1, height: 1)
        let found = SphereTracer().trace(inside, sdf: sphere)
        #expect(found.hit[0] && abs(found.t[0] - 0.8) < 1e-4, "t = \(found.t[0])")
        #expect(!SphereTracer(settings: strict).trace(inside, sdf: sphere).hit[0])
        // Interval starting inside and holding the back surface's exit: the front hit (behind it),
        // never the exit; with no look-behind, a miss.
        let straddle = RaySet(directions: [[0, 0, 1]], pixels: [0], tNear: [0.9], tFar: [1.5], width: 1, height: 1)
        let front = SphereTracer().trace(straddle, sdf: sphere)
        #expect(front.hit[0] && abs(front.t[0] - 0.8) < 1e-4, "t = \(front.t[0])")
        #expect(!SphereTracer(settings: strict).trace(straddle, sdf: sphere).hit[0])
        // Deep inside: the look-behind interval is inside too, a miss.
        let deep = RaySet(directions: [[0, 0, 1]], pixels: [0], tNear: [1.0], tFar: [1.05], width: 1, height: 1)
        #expect(!SphereTracer().trace(deep, sdf: sphere).hit[0])
    }
}

@Suite struct CropAndRaysTests {
    @Test func cropMapsRoundTripAndIntrinsics() throws {
        let crop = try FaceCrop(box: (100, 50, 200, 170), margin: 0.25, size: 256)
        #expect(abs(crop.side - 180) < 1e-4)
        #expect(abs(crop.originX - 60) < 1e-4 && abs(crop.originY - 20) < 1e-4)
        let p = SIMD2<Float>(133.3, 77.7)
        #expect(maxAbsDiff(crop.toPhoto(crop.toCrop(p)), p) < 1e-3)
        // Projection in the crop equals the crop of the projection in the photo.
        let photo = PinholeCamera(fx: 500, fy: 500, cx: 160, cy: 120, width: 320, height: 240)
        let inCrop = crop.cameraInCrop(photo)
        let x = SIMD3<Float>(0.03, -0.02, 0.6)
        #expect(maxAbsDiff(inCrop.project(x), crop.toCrop(photo.project(x))) < 1e-3)
        #expect(throws: (any Error).self) { try FaceCrop(box: (0, 0, 0, 10), margin: 0.1, size: 256) }
    }

    @Test func rayDirectionsProjectToTheirPixels() {
        let intr = PinholeCamera(fx: 80, fy: 90, cx: 20, cy: 15, width: 40, height: 30)
        let d = intr.ray(x: 7, y: 22).direction
        #expect(abs((d * d).sum() - 1) < 1e-5)
        #expect(maxAbsDiff(intr.project(d * 3), SIMD2(7.5, 22.5)) < 1e-3)
    }

    @Test func erosionAndPolygonRemoval() {
        var mask = PixelMask(width: 10, height: 10)
        for y in 2..<8 { for x in 2..<8 { mask[x, y] = true } }
        let e = mask.eroded(radius: 1)
        #expect(e.count == 16)
        #expect(e[3, 3] && !e[2, 2] && !e[7, 5])
        let cut = mask.removingPolygon([[2, 2], [5, 2], [5, 5], [2, 5]])
        #expect(cut.count == 36 - 9)
        let kept = mask.keepingPolygon([[2, 2], [5, 2], [5, 5], [2, 5]])
        #expect(kept.count == 9 && kept[3, 3] && !kept[6, 6])
        // Hull of a square's corners plus interior points: the four corners, in order.
        let hull = PixelMask.convexHull([[0, 0], [4, 0], [2, 1], [4, 4], [1, 3], [0, 4], [2, 2]])
        #expect(hull == [[0, 0], [4, 0], [4, 4], [0, 4]])
        let rays = RaySet(camera: PinholeCamera(fx: 10, fy: 10, cx: 5, cy: 5, width: 10, height: 10),
                          mask: e, depth: [Float](repeating: 2, count: 100), margin: 0.5)
        #expect(rays.count == 16)
        #expect(rays.pixels[0] == 33)
        #expect(abs(rays.tNear[0] - (2 / rays.directions[0].z - 0.5)) < 1e-5)
    }
}
