/// The kinematic chain of linear blend skinning, generic over `ADScalar` so the fitter can
/// differentiate it. With local rotations Rⱼ (Rodrigues of θⱼ) and rest joints Jⱼ:
///   Gⱼ = G_parent(j) · [Rⱼ | Jⱼ − J_parent(j)]   (G_root = [R₀ | J₀]),
///   Aⱼ = [Gⱼ.R | Gⱼ.t − Gⱼ.R · Jⱼ]   — the transform applied to rest-pose points of joint j.
/// Gⱼ.t is the posed joint position.
struct Kinematics<S: ADScalar> {
    typealias Vec = (S, S, S)
    /// Skinning transforms Aⱼ.
    var rotation: [Mat3<S>]
    var translation: [Vec]
    /// Posed joint positions Gⱼ.t.
    var posedJoints: [Vec]
    /// The pose feature of the pose-corrective blendshapes: (Rⱼ − I) flattened row-major, j ≥ 1.
    var poseFeature: [S]

    init(joints: [Vec], pose: [S], parents: [Int]) {
        let J = joints.count
        let local = (0..<J).map { j in Mat3<S>.rodrigues(pose[3 * j], pose[3 * j + 1], pose[3 * j + 2]) }
        var gR = [Mat3<S>](), gT = [Vec]()
        for j in 0..<J {
            let p = parents[j]
            if p < 0 {
                gR.append(local[j])
                gT.append(joints[j])
            } else {
                let rel = (joints[j].0 - joints[p].0, joints[j].1 - joints[p].1, joints[j].2 - joints[p].2)
                let moved = gR[p].apply(rel)
                gR.append(gR[p] * local[j])
                gT.append((gT[p].0 + moved.0, gT[p].1 + moved.1, gT[p].2 + moved.2))
            }
        }
        rotation = gR
        posedJoints = gT
        translation = (0..<J).map { j in
            let rj = gR[j].apply(joints[j])
            return (gT[j].0 - rj.0, gT[j].1 - rj.1, gT[j].2 - rj.2)
        }
        var feature = [S]()
        feature.reserveCapacity(9 * max(J - 1, 0))
        for j in 1..<max(J, 1) {
            for r in 0..<3 { for c in 0..<3 { feature.append(local[j][r, c] - S(r == c ? 1 : 0)) } }
        }
        poseFeature = feature
        localRotations = local
    }

    /// The local rotations Rⱼ.
    var localRotations: [Mat3<S>]
}
