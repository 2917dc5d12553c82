#!/usr/bin/env python3
"""Writes the tiny synthetic FLAME fixtures used by Tests/MorphableModelsTests.

The model has FLAME 2020's exact pickle structure — the same keys, the same array layout
(`shapedirs` V×3×K, `posedirs` V×3×36, sparse `J_regressor` 5×V, `kintree_table` 2×5 with the
root's parent stored as 2**32-1), chumpy `Ch` wrappers and a scipy `csc_matrix` — but random
bases on a small face-like template (a curved 14×11 grid), so it is small enough to commit.
chumpy and scipy are not needed: the protocol-2 stream that Python 2's cPickle writes for these
objects is emitted opcode by opcode (see `Py2Pickler`).

It also writes landmark embeddings in the layouts FLAME fitting code distributes (a Python-2
static embedding pickle, DECA's `landmark_embedding.npy` holding a pickled dict, an `.npz`), and
reference outputs computed here with an independent numpy LBS (`reference_forward`).

Run: ~/.cache/sider/venv/bin/python scripts/make_flame_fixture.py [OUT_DIR]
(default OUT_DIR: Tests/MorphableModelsTests/Fixtures). Deterministic (fixed seed).
"""
import json
import os
import pickle
import struct
import sys

import numpy as np

N_SHAPE, N_EXPR = 10, 5
GRID_X, GRID_Y = 14, 11


# ----------------------------------------------------------------------------------------------
# A Python-2 style protocol-2 pickle writer for the object kinds found in FLAME's files.
# ----------------------------------------------------------------------------------------------
class Py2Str(bytes):
    """A Python 2 `str` (written with SHORT_BINSTRING / BINSTRING)."""


class NewObj:
    """A new-style object pickled with NEWOBJ and a BUILD state, as protocol 2 does."""

    def __init__(self, module, name, state):
        self.module, self.name, self.state = module, name, state


class Py2Set:
    def __init__(self, items):
        self.items = items


class Py2Pickler:
    def __init__(self):
        self.out = bytearray(b"\x80\x02")
        self.next_memo = 0
        self.memo = {}

    def put(self, key=None):
        i = self.next_memo
        self.next_memo += 1
        self.out += (b"q" + bytes([i])) if i < 256 else (b"r" + struct.pack("<I", i))
        if key is not None:
            self.memo[key] = i

    def get(self, key):
        i = self.memo[key]
        self.out += (b"h" + bytes([i])) if i < 256 else (b"j" + struct.pack("<I", i))

    def global_(self, module, name):
        key = ("global", module, name)
        if key in self.memo:
            self.get(key)
            return
        self.out += b"c" + module.encode() + b"\n" + name.encode() + b"\n"
        self.put(key)

    def save(self, obj):
        if obj is None:
            self.out += b"N"
        elif obj is True or obj is False:
            self.out += b"\x88" if obj else b"\x89"
        elif isinstance(obj, Py2Str):
            n = len(obj)
            self.out += (b"U" + bytes([n])) if n < 256 else (b"T" + struct.pack("<i", n))
            self.out += obj
            self.put()
        elif isinstance(obj, int):
            if 0 <= obj < 256:
                self.out += b"K" + bytes([obj])
            elif 0 <= obj < 65536:
                self.out += b"M" + struct.pack("<H", obj)
            elif -(2 ** 31) <= obj < 2 ** 31:
                self.out += b"J" + struct.pack("<i", obj)
            else:
                raw = obj.to_bytes((obj.bit_length() + 8) // 8, "little", signed=True)
                self.out += b"\x8a" + bytes([len(raw)]) + raw
        elif isinstance(obj, float):
            self.out += b"G" + struct.pack(">d", obj)
        elif isinstance(obj, tuple):
            self.save_tuple(obj)
        elif isinstance(obj, dict):
            self.out += b"}"
            self.put()
            if obj:
                self.out += b"("
                for k, v in obj.items():
                    self.save(k)
                    self.save(v)
                self.out += b"u"
        elif isinstance(obj, list):
            self.out += b"]"
            self.put()
            if obj:
                self.out += b"("
                for v in obj:
                    self.save(v)
                self.out += b"e"
        elif isinstance(obj, Py2Set):
            self.global_("__builtin__", "set")
            self.save(list(obj.items))
            self.out += b"\x85"
            self.put()
            self.out += b"R"
            self.put()
        elif isinstance(obj, NewObj):
            self.global_(obj.module, obj.name)
            self.out += b")\x81"
            self.put()
            self.save(obj.state)
            self.out += b"b"
        elif isinstance(obj, np.ndarray):
            self.save_ndarray(obj)
        else:
            raise TypeError(type(obj))

    def save_tuple(self, items):
        if len(items) == 0:
            self.out += b")"
            return
        if len(items) <= 3:
            for v in items:
                self.save(v)
            self.out += bytes([0x84 + len(items)])
        else:
            self.out += b"("
            for v in items:
                self.save(v)
            self.out += b"t"
        self.put()

    def save_dtype(self, dt):
        key = ("dtype", dt.str)
        if key in self.memo:
            self.get(key)
            return
        self.global_("numpy", "dtype")
        self.save_tuple((Py2Str(dt.str[1:].encode()), 0, 1))
        self.out += b"R"
        self.put(key)
        order = Py2Str(b"|" if dt.itemsize == 1 else b"<")
        self.save_tuple((3, order, None, None, None, -1, -1, 0))
        self.out += b"b"

    def save_ndarray(self, a, fortran=False):
        """numpy 1.x `ndarray.__reduce__`: _reconstruct(ndarray, (0,), 'b') then BUILD with
        (version, shape, dtype, is_fortran, raw bytes)."""
        self.global_("numpy.core.multiarray", "_reconstruct")
        self.global_("numpy", "ndarray")
        self.save_tuple((0,))
        self.save(Py2Str(b"b"))
        self.out += b"\x87"
        self.put()
        self.out += b"R"
        self.put()
        fortran = bool(getattr(a, "_sider_fortran", False)) or (a.flags.f_contiguous and not a.flags.c_contiguous)
        raw = np.asarray(a).tobytes(order="F" if fortran else "C")
        self.out += b"("
        self.save(1)
        self.save_tuple(tuple(int(s) for s in a.shape))
        self.save_dtype(a.dtype)
        self.save(fortran)
        self.save(Py2Str(raw))
        self.out += b"t"
        self.put()
        self.out += b"b"

    def finish(self):
        return bytes(self.out) + b"."


def chumpy(x):
    """A chumpy `Ch` as pickled by chumpy: its state dict holds the array under 'x'."""
    return NewObj("chumpy.ch", "Ch", {Py2Str(b"x"): x,
                                      Py2Str(b"_cache"): {Py2Str(b"r"): None, Py2Str(b"drs"): {}},
                                      Py2Str(b"_dirty_vars"): Py2Set([])})


def csc(dense):
    """A scipy.sparse csc_matrix (old scipy: module scipy.sparse.csc, '_shape' in its state)."""
    rows, cols = dense.shape
    data, indices, indptr = [], [], [0]
    for c in range(cols):
        for r in range(rows):
            if dense[r, c] != 0:
                data.append(dense[r, c])
                indices.append(r)
        indptr.append(len(data))
    return NewObj("scipy.sparse.csc", "csc_matrix", {
        Py2Str(b"_shape"): (rows, cols),
        Py2Str(b"data"): np.array(data, dtype=np.float64),
        Py2Str(b"indices"): np.array(indices, dtype=np.int32),
        Py2Str(b"indptr"): np.array(indptr, dtype=np.int32),
        Py2Str(b"maxprint"): 50,
        Py2Str(b"format"): Py2Str(b"csc"),
    })


# ----------------------------------------------------------------------------------------------
# The synthetic model.
# ----------------------------------------------------------------------------------------------
def make_model(rng):
    xs = np.linspace(-0.075, 0.075, GRID_X)
    ys = np.linspace(-0.11, 0.09, GRID_Y)
    verts = []
    for y in ys:
        for x in xs:
            z = 0.06 * np.sqrt(max(0.0, 1 - (x / 0.1) ** 2 - (y / 0.14) ** 2))
            z += 0.02 * np.exp(-(x ** 2 + (y + 0.005) ** 2) / (2 * 0.012 ** 2))  # nose
            verts.append((x, y, z))
    v_template = np.array(verts, dtype=np.float64)
    V = len(verts)
    faces = []
    for j in range(GRID_Y - 1):
        for i in range(GRID_X - 1):
            a = j * GRID_X + i
            b, c, d = a + 1, a + GRID_X, a + GRID_X + 1
            faces += [(a, b, d), (a, d, c)]  # counter-clockwise seen from +z
    f = np.array(faces, dtype=np.uint32)

    joints = np.array([[0, -0.13, -0.03], [0, -0.09, -0.02], [0, -0.03, -0.01],
                       [0.032, 0.03, 0.02], [-0.032, 0.03, 0.02]])
    J_regressor = np.zeros((5, V))
    for j in range(5):
        d = np.linalg.norm(v_template[:, :2] - joints[j, :2], axis=1)
        near = np.argsort(d)[:4]
        w = rng.uniform(0.5, 1.0, size=4)
        J_regressor[j, near] = w / w.sum()

    y, x = v_template[:, 1], v_template[:, 0]
    w_neck = 1 / (1 + np.exp((y + 0.09) / 0.01))
    w_jaw = (1 / (1 + np.exp((y + 0.035) / 0.01))) * (1 - w_neck)
    w_eyes = [np.exp(-((x - s * 0.032) ** 2 + (y - 0.03) ** 2) / (2 * 0.006 ** 2)) for s in (1, -1)]
    weights = np.stack([0.05 + 0 * x, w_neck, w_jaw, w_eyes[0], w_eyes[1]], axis=1)
    weights[:, 0] += np.clip(1 - weights[:, 1:].sum(axis=1), 0, None)
    weights /= weights.sum(axis=1, keepdims=True)

    # Random bases of local bumps (a few mm per unit coefficient, 1.5–3 cm wide), like the local
    # changes of real identity/expression components; global polynomial fields would be able to
    # imitate a head rotation and make the pose unidentifiable from landmarks.
    def smooth_field(scale):
        field = np.zeros((V, 3))
        for _ in range(2):
            centre = v_template[rng.integers(V)]
            radius = rng.uniform(0.015, 0.03)
            w = np.exp(-np.sum((v_template - centre) ** 2, axis=1) / (2 * radius ** 2))
            field += w[:, None] * rng.normal(size=3)[None, :] * scale
        return field

    shapedirs = np.stack([smooth_field(0.004) for _ in range(N_SHAPE + N_EXPR)], axis=2)
    posedirs = rng.normal(size=(V, 3, 36)) * 0.002
    kintree = np.array([[4294967295, 0, 1, 1, 1], [0, 1, 2, 3, 4]], dtype=np.int64)
    return dict(v_template=v_template, f=f, shapedirs=shapedirs, posedirs=posedirs,
                J_regressor=J_regressor, kintree_table=kintree, weights=weights,
                J=J_regressor @ v_template)


def make_embedding(rng, n_faces, model):
    # Static 51 points: random faces of the central region; contour: faces near the sides.
    centre = [fi for fi, (a, b, c) in enumerate(model["f"]) if abs(model["v_template"][a, 0]) < 0.05]
    static_idx = rng.choice(centre, size=51, replace=False).astype(np.int64)

    def bary(*shape):
        b = rng.uniform(0.1, 1.0, size=shape + (3,))
        return b / b.sum(axis=-1, keepdims=True)

    # Contour rows vary smoothly with yaw, as in FLAME's table: the same 17 edge triangles
    # (left side, chin, right side), barycentric coordinates drifting with the row.
    edge = [fi for fi, (a, b, c) in enumerate(model["f"])
            if abs(model["v_template"][a, 0]) > 0.06 or model["v_template"][a, 1] < -0.09]
    base = rng.choice(edge, size=17, replace=False).astype(np.int64)
    dynamic_idx = np.tile(base, (79, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(17, 3))
    rows = np.arange(79)[:, None, None]
    dyn_b = 1.0 + 0.5 * np.sin(rows / 12.0 + phase[None])
    dyn_b /= dyn_b.sum(axis=-1, keepdims=True)
    full_idx = rng.integers(0, n_faces, size=(1, 68)).astype(np.int64)
    return dict(static_lmk_faces_idx=static_idx, static_lmk_bary_coords=bary(51),
                dynamic_lmk_faces_idx=dynamic_idx, dynamic_lmk_bary_coords=dyn_b,
                full_lmk_faces_idx=full_idx, full_lmk_bary_coords=bary(1, 68))


# ----------------------------------------------------------------------------------------------
# Independent reference: numpy LBS as in the FLAME paper (not the Swift code's structure).
# ----------------------------------------------------------------------------------------------
def rodrigues(r):
    angle = np.linalg.norm(r + 1e-8)
    k = r / angle
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(angle) * K + (1 - np.cos(angle)) * K @ K


def reference_forward(m, betas, psi, pose):
    K = m["shapedirs"].shape[2]
    coeffs = np.zeros(K)
    coeffs[:len(betas)] = betas
    coeffs[N_SHAPE:N_SHAPE + len(psi)] = psi
    v_shaped = m["v_template"] + np.einsum("vck,k->vc", m["shapedirs"], coeffs)
    J = m["J_regressor"] @ v_shaped
    R = [rodrigues(pose[3 * i:3 * i + 3]) for i in range(5)]
    feat = np.concatenate([(R[i] - np.eye(3)).ravel() for i in range(1, 5)])
    v_posed = v_shaped + np.einsum("vck,k->vc", m["posedirs"], feat)
    parents = [-1, 0, 1, 1, 1]
    G = []
    for i in range(5):
        local = np.eye(4)
        local[:3, :3] = R[i]
        local[:3, 3] = J[i] - (J[parents[i]] if i > 0 else 0)
        G.append(local if i == 0 else G[parents[i]] @ local)
    A = []
    for i in range(5):
        a = G[i].copy()
        a[:3, 3] -= G[i][:3, :3] @ J[i]
        A.append(a)
    T = np.einsum("vj,jab->vab", m["weights"], np.array(A))
    vh = np.concatenate([v_posed, np.ones((len(v_posed), 1))], axis=1)
    verts = np.einsum("vab,vb->va", T, vh)[:, :3]
    return verts, R, G


def reference_landmarks(m, emb, verts, R):
    """68 points: the contour row chosen by head yaw (rotation of neck ∘ global), then static 51."""
    rel = R[0] @ R[1]
    yaw = np.degrees(np.arctan2(-rel[2, 0], np.sqrt(rel[0, 0] ** 2 + rel[1, 0] ** 2)))
    yaw = int(np.round(min(yaw, 39)))
    row = yaw if yaw >= 0 else (78 if yaw < -39 else 39 - yaw)
    idx = np.concatenate([emb["dynamic_lmk_faces_idx"][row], emb["static_lmk_faces_idx"]])
    bc = np.concatenate([emb["dynamic_lmk_bary_coords"][row], emb["static_lmk_bary_coords"]])
    tri = verts[m["f"][idx].astype(np.int64)]
    return np.einsum("lab,la->lb", tri, bc), row


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "Tests", "MorphableModelsTests", "Fixtures")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20201)
    m = make_model(rng)
    emb = make_embedding(rng, len(m["f"]), m)

    # The model pickle, laid out as FLAME 2020's generic_model.pkl (posedirs stored in Fortran
    # order and as float32 to keep the file small and to exercise those paths).
    posedirs32 = np.asfortranarray(m["posedirs"].astype(np.float32))
    m["posedirs"] = posedirs32.astype(np.float64)
    p = Py2Pickler()
    p.save({
        Py2Str(b"f"): m["f"],
        Py2Str(b"J_regressor"): csc(m["J_regressor"]),
        Py2Str(b"kintree_table"): m["kintree_table"],
        Py2Str(b"J"): m["J"],
        Py2Str(b"weights"): m["weights"],
        Py2Str(b"posedirs"): posedirs32,
        Py2Str(b"bs_style"): Py2Str(b"lbs"),
        Py2Str(b"v_template"): chumpy(m["v_template"]),
        Py2Str(b"shapedirs"): chumpy(m["shapedirs"]),
        Py2Str(b"bs_type"): Py2Str(b"lrotmin"),
    })
    with open(os.path.join(out, "flame_tiny.pkl"), "wb") as fh:
        fh.write(p.finish())

    # DECA's landmark_embedding.npy: np.save of a 0-d object array holding the dict.
    np.save(os.path.join(out, "landmark_embedding_tiny.npy"), np.array(emb, dtype=object), allow_pickle=True)
    # FLAME fitting's static embedding: a Python 2 pickle of {lmk_face_idx, lmk_b_coords}.
    p = Py2Pickler()
    p.save({Py2Str(b"lmk_face_idx"): emb["static_lmk_faces_idx"].astype(np.uint32),
            Py2Str(b"lmk_b_coords"): emb["static_lmk_bary_coords"]})
    with open(os.path.join(out, "static_embedding_tiny.pkl"), "wb") as fh:
        fh.write(p.finish())
    # The same static embedding as a compressed .npz and as a protocol-4 pickle (Python 3).
    np.savez_compressed(os.path.join(out, "static_embedding_tiny.npz"),
                        lmk_face_idx=emb["static_lmk_faces_idx"], lmk_b_coords=emb["static_lmk_bary_coords"])
    with open(os.path.join(out, "static_embedding_tiny_p4.pkl"), "wb") as fh:
        pickle.dump({"lmk_face_idx": emb["static_lmk_faces_idx"],
                     "lmk_b_coords": emb["static_lmk_bary_coords"].astype(np.float32)}, fh, protocol=4)

    # Reference outputs of the numpy LBS.
    cases = []
    for c in range(3):
        betas = rng.normal(size=N_SHAPE) * (0 if c == 0 else 1.0)
        psi = rng.normal(size=N_EXPR) * (0 if c == 0 else 1.0)
        pose = np.zeros(15)
        if c == 1:
            pose[:9] = rng.normal(size=9) * 0.2
        if c == 2:
            pose = rng.normal(size=15) * 0.3
            pose[1] = -0.5  # a clear yaw to the other side
        verts, R, G = reference_forward(m, betas, psi, pose)
        lmk, row = reference_landmarks(m, emb, verts, R)
        cases.append(dict(shape=betas.tolist(), expression=psi.tolist(), pose=pose.tolist(),
                          vertices=verts.ravel().tolist(), landmarks=lmk.ravel().tolist(),
                          contour_row=row, joints=[g[:3, 3].tolist() for g in G]))
    with open(os.path.join(out, "flame_tiny_reference.json"), "w") as fh:
        json.dump(dict(shape_components=N_SHAPE, expression_components=N_EXPR, cases=cases), fh)
    print("wrote fixtures to", os.path.abspath(out))


if __name__ == "__main__":
    main()
