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

Run: ~/.cache/sider/venv/bin/python scripts/make_flame_fixture.py [OUT_DIR] [--full-size]
(default OUT_DIR: Tests/MorphableModelsTests/Fixtures). Deterministic (fixed seed).
`--full-size` writes a model of FLAME's real size instead (71×71 = 5041 vertices, 300 shape +
100 expression components, ~50 MB; not committed) for timing `sider fit` and the loader.
`--from-mesh COARSE_OBJ` writes a FLAME-format model (`model.pkl`, 50 shape + 20 expression
bump components, jaw-skinned lower face) and a DECA-layout `landmark_embedding.npy` built from
the landmark-mesh prior of a photo (`sider fit PHOTO` without FLAME writes it): an end-to-end
check of the FLAME path on real photos without the licensed model, e.g.
  sider fit einstein.jpg --out /tmp/e && make_flame_fixture.py /tmp/m --from-mesh /tmp/e/coarse.obj
  sider fit obama2.jpg --flame /tmp/m/model.pkl --shape-components 50
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import types

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
# DECA's landmark_embedding.npy stores its dynamic contour as torch tensors. torch is not needed:
# stand-ins with torch's module/class names reduce exactly as torch does in an ordinary pickle —
# _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks), the storage as
# torch.storage._load_from_bytes(<legacy torch.save stream of the storage>).
# ----------------------------------------------------------------------------------------------
def _install_torch_standins():
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")
    storage = types.ModuleType("torch.storage")
    for name in ("LongStorage", "FloatStorage"):
        cls = type(name, (), {})
        cls.__module__, cls.__qualname__ = "torch", name
        setattr(torch, name, cls)

    def _rebuild_tensor_v2(*args):
        raise RuntimeError("stand-in")

    def _load_from_bytes(b):
        raise RuntimeError("stand-in")

    _rebuild_tensor_v2.__module__, _load_from_bytes.__module__ = "torch._utils", "torch.storage"
    _rebuild_tensor_v2.__qualname__, _load_from_bytes.__qualname__ = "_rebuild_tensor_v2", "_load_from_bytes"
    utils._rebuild_tensor_v2, storage._load_from_bytes = _rebuild_tensor_v2, _load_from_bytes
    torch._utils, torch.storage = utils, storage
    sys.modules.update({"torch": torch, "torch._utils": utils, "torch.storage": storage})
    return torch


class _StorageMarker:
    pass


def legacy_torch_save(flat, storage_cls):
    """torch.save(storage, _use_new_zipfile_serialization=False) of a 1-D array."""
    out = io.BytesIO()
    pickle.dump(0x1950A86A20F9469CFC6C, out, protocol=2)
    pickle.dump(1001, out, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True,
                 "type_sizes": {"short": 2, "int": 4, "long": 4}}, out, protocol=2)
    key = "94110934560000"

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _StorageMarker):
                return ("storage", storage_cls, key, "cpu", len(flat), None)
            return None

    P(out, protocol=2).dump(_StorageMarker())
    pickle.dump([key], out, protocol=2)
    out.write(struct.pack("<q", len(flat)))
    out.write(flat.tobytes())
    return out.getvalue()


def zip_torch_save(flat, storage_cls):
    """torch.save(storage) in the zip format (torch ≥ 1.6): archive/data.pkl + archive/data/<key>."""
    import zipfile
    key = "0"

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _StorageMarker):
                return ("storage", storage_cls, key, "cpu", len(flat))
            return None

    pkl = io.BytesIO()
    P(pkl, protocol=2).dump(_StorageMarker())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr(zipfile.ZipInfo("archive/data.pkl", (2020, 1, 1, 0, 0, 0)), pkl.getvalue())
        z.writestr(zipfile.ZipInfo("archive/data/" + key, (2020, 1, 1, 0, 0, 0)), flat.tobytes())
    return out.getvalue()


class FakeStorage:
    def __init__(self, flat, storage_cls, zipped=False):
        self.flat, self.storage_cls, self.zipped = flat, storage_cls, zipped

    def __reduce__(self):
        save = zip_torch_save if self.zipped else legacy_torch_save
        return (sys.modules["torch.storage"]._load_from_bytes, (save(self.flat, self.storage_cls),))


class FakeTensor:
    """A tensor whose storage holds the array transposed (non-trivial strides)."""

    def __init__(self, array, storage_cls, zipped=False):
        self.array, self.storage_cls, self.zipped = array, storage_cls, zipped

    def __reduce__(self):
        a = self.array
        flat = np.ascontiguousarray(a.transpose()).ravel()
        strides = tuple(int(s // a.itemsize) for s in np.asfortranarray(a).strides)
        return (sys.modules["torch._utils"]._rebuild_tensor_v2,
                (FakeStorage(flat, self.storage_cls, self.zipped), 0, tuple(a.shape), strides, False, collections.OrderedDict()))


# ----------------------------------------------------------------------------------------------
# The synthetic model.
# ----------------------------------------------------------------------------------------------
def grid_faces(nx, ny):
    """Two triangles per cell of an nx × ny vertex grid (row-major), counter-clockwise seen from
    the side the grid faces: (a, b, d) and (a, d, c) with a = (i, j), b = (i+1, j), c = (i, j+1)."""
    faces = []
    for j in range(ny - 1):
        for i in range(nx - 1):
            a = j * nx + i
            b, c, d = a + 1, a + nx, a + nx + 1
            faces += [(a, b, d), (a, d, c)]
    return np.array(faces, dtype=np.uint32)


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
    f = grid_faces(GRID_X, GRID_Y)

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


def model_from_mesh(obj_path, out):
    """A FLAME-format model on a lifted MediaPipe mesh (first 468 vertices = MediaPipe's); the
    iBUG landmarks sit on the dominant vertex of each entry of Landmarks' IBUG68 table."""
    import re
    verts, faces = [], []
    for line in open(obj_path):
        p = line.split()
        if p and p[0] == "v":
            verts.append([float(x) for x in p[1:4]])
        if p and p[0] == "f":
            faces.append([int(x.split("/")[0]) - 1 for x in p[1:4]])
    V = np.array(verts) * np.array([1, -1, -1])  # OpenCV camera → FLAME axes (y up, z to viewer)
    V -= V[:468].mean(axis=0)
    F = np.array(faces, dtype=np.uint32)
    table = open(os.path.join(os.path.dirname(__file__), "..", "Sources", "Landmarks", "IBUG68.swift")).read()
    rows = re.findall(r"^\s*\[(\(.*?\))\],\s*//\s*\d+", table, re.M)
    main_vertex = [max(((int(a), float(b)) for a, b in re.findall(r"\((\d+), ([-\d.]+)\)", r)), key=lambda t: t[1])[0]
                   for r in rows]
    assert len(main_vertex) == 68, len(main_vertex)
    tri, bary = [], []
    for v in main_vertex:
        fi = int(np.where((F == v).any(axis=1))[0][0])
        b = np.zeros(3)
        b[list(F[fi]).index(v)] = 1
        tri.append(fi)
        bary.append(b)
    tri, bary = np.array(tri, dtype=np.int64), np.array(bary)
    rng = np.random.default_rng(1)
    n = len(V)

    def bump(scale):
        f = np.zeros((n, 3))
        for _ in range(2):
            c, r = V[rng.integers(n)], rng.uniform(0.015, 0.03)
            f += np.exp(-np.sum((V - c) ** 2, axis=1) / (2 * r * r))[:, None] * rng.normal(size=3)[None] * scale
        return f

    mouth_y, eye_y = V[main_vertex[48], 1], V[main_vertex[37], 1]
    joints = np.array([[0, V[:, 1].min() - 0.04, -0.06], [0, V[:, 1].min() - 0.02, -0.05], [0, mouth_y + 0.01, -0.06],
                       [0.03, eye_y, -0.02], [-0.03, eye_y, -0.02]])
    J_regressor = np.zeros((5, n))
    for j in range(5):
        J_regressor[j, np.argsort(np.linalg.norm(V - joints[j], axis=1))[:4]] = 0.25
    w_jaw = 1 / (1 + np.exp((V[:, 1] - (mouth_y - 0.005)) / 0.006))
    zero = 0 * w_jaw
    p = Py2Pickler()
    p.save({Py2Str(b"f"): F, Py2Str(b"J_regressor"): csc(J_regressor),
            Py2Str(b"kintree_table"): np.array([[4294967295, 0, 1, 1, 1], [0, 1, 2, 3, 4]], dtype=np.int64),
            Py2Str(b"J"): J_regressor @ V, Py2Str(b"weights"): np.stack([1 - w_jaw, zero, w_jaw, zero, zero], 1),
            Py2Str(b"posedirs"): rng.normal(size=(n, 3, 36)) * 1e-4, Py2Str(b"bs_style"): Py2Str(b"lbs"),
            Py2Str(b"v_template"): chumpy(V), Py2Str(b"shapedirs"): chumpy(np.stack([bump(0.004) for _ in range(70)], 2)),
            Py2Str(b"bs_type"): Py2Str(b"lrotmin")})
    with open(os.path.join(out, "model.pkl"), "wb") as fh:
        fh.write(p.finish())
    emb = dict(static_lmk_faces_idx=tri[17:], static_lmk_bary_coords=bary[17:],
               dynamic_lmk_faces_idx=np.tile(tri[:17], (79, 1)), dynamic_lmk_bary_coords=np.tile(bary[:17], (79, 1, 1)),
               full_lmk_faces_idx=tri[None], full_lmk_bary_coords=bary[None])
    np.save(os.path.join(out, "landmark_embedding.npy"), np.array(emb, dtype=object), allow_pickle=True)
    print(f"wrote {out}/model.pkl ({n} vertices) and landmark_embedding.npy")


# ----------------------------------------------------------------------------------------------
# A synthetic head with known truth for the fitting test: its own template (a face wrapping
# round to the ears), landmark components, and DECA's dynamic contour with distinct rows.
# ----------------------------------------------------------------------------------------------
HEAD_PHI, HEAD_Y = 29, 23            # template grid: azimuth × height
HEAD_PHI_MAX = np.radians(100.0)     # the face wraps to 100° either side of the front
HEAD_A, HEAD_B = 0.075, 0.085        # half-width (x) and depth (z) of the head's cross-section
HEAD_Y_RANGE = (-0.125, 0.085)


def head_surface(phi, y):
    """Point of the template at azimuth φ (0 = front, +x = the subject's left) and height y."""
    taper = 1 - 0.35 * np.clip((-y - 0.03) / 0.095, 0, 1) ** 2      # the jaw narrows to the chin
    x = HEAD_A * taper * np.sin(phi)
    z = HEAD_B * taper * np.cos(phi) - HEAD_B
    z = z + 0.022 * np.exp(-(phi ** 2) / (2 * 0.16 ** 2) - (y + 0.01) ** 2 / (2 * 0.02 ** 2))   # nose
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


def head_grid():
    phis = np.linspace(-HEAD_PHI_MAX, HEAD_PHI_MAX, HEAD_PHI)
    ys = np.linspace(HEAD_Y_RANGE[0], HEAD_Y_RANGE[1], HEAD_Y)
    return phis, ys


def head_face_at(phi, y):
    """(face index, barycentric coordinates) of the template point at (φ, y): the grid's
    triangles are triangles in the (φ, y) parameter plane too, so barycentrics are found there."""
    phis, ys = head_grid()
    i = int(np.clip(np.searchsorted(phis, phi) - 1, 0, HEAD_PHI - 2))
    j = int(np.clip(np.searchsorted(ys, y) - 1, 0, HEAD_Y - 2))
    u = (phi - phis[i]) / (phis[i + 1] - phis[i])
    v = (y - ys[j]) / (ys[j + 1] - ys[j])
    f = 2 * (j * (HEAD_PHI - 1) + i)
    # faces (a, b, d) and (a, d, c) with a = (i, j), b = (i+1, j), c = (i, j+1), d = (i+1, j+1)
    if u >= v:
        return f, np.array([1 - u, u - v, v])
    return f + 1, np.array([1 - v, u, v - u])


def head_landmark_sites():
    """(φ, y) of iBUG 17…67 on the template: brows, nose, eyes, mouth."""
    deg = np.radians
    sites = [(deg(a), 0.045 + 0.006 * np.cos(np.radians(a * 3))) for a in (-42, -35, -27, -19, -11)]   # right brow 17–21
    sites += [(deg(a), 0.045 + 0.006 * np.cos(np.radians(a * 3))) for a in (11, 19, 27, 35, 42)]       # left brow 22–26
    sites += [(0.0, y) for y in (0.028, 0.016, 0.004, -0.008)]                                          # nose bridge 27–30
    sites += [(deg(a), -0.024 + 0.002 * abs(a) / 12) for a in (-12, -6, 0, 6, 12)]                     # nostrils 31–35
    for c in (-21, 21):                                                                                 # eyes 36–47
        for t in (180, 120, 60, 0, -60, -120):
            t = np.radians(t if c < 0 else 180 - t)
            sites.append((deg(c) + deg(8) * np.cos(t), 0.025 + 0.005 * np.sin(t)))
    outer = [180, 150, 120, 90, 60, 30, 0, -30, -60, -90, -120, -150]                                   # mouth 48–59
    sites += [(deg(20) * np.cos(np.radians(t)), -0.055 + 0.011 * np.sin(np.radians(t))) for t in outer]
    inner = [180, 135, 90, 45, 0, -45, -90, -135]                                                       # 60–67
    sites += [(deg(14) * np.cos(np.radians(t)), -0.055 + 0.004 * np.sin(np.radians(t))) for t in inner]
    assert len(sites) == 51
    return sites


def head_contour_row(yaw_deg):
    """The 17 jaw-line points (iBUG 0…16, image left to right) seen with the head turned by
    yaw: each side ends at the silhouette, where the surface turns away from the camera (the
    side turned away shows its contour nearer the front), and the points run along the jaw
    between the two. Rows differ degree by degree, as in FLAME's table."""
    t = np.radians(yaw_deg)
    # The head's x after the yaw, x' = x·cos t + z·sin t, is extreme where tan φ = (a/b)·cot t.
    limb = np.arctan2(HEAD_A * np.cos(t), HEAD_B * np.sin(t))           # the +x side's silhouette
    right = min(limb, HEAD_PHI_MAX * 0.97)
    left = max(limb - np.pi, -HEAD_PHI_MAX * 0.97)                      # the −x side's
    out = []
    for k in range(17):
        s = k / 16
        phi = left + (right - left) * s
        # height along the jaw: ear level at the ends, the chin in the middle
        y = -0.115 + 0.11 * (2 * s - 1) ** 2
        out.append(head_face_at(phi, y))
    return out


def make_head_model(rng, n_shape, n_expr):
    phis, ys = head_grid()
    P, Y = np.meshgrid(phis, ys)
    v_template = head_surface(P, Y).reshape(-1, 3)
    V = len(v_template)
    f = grid_faces(HEAD_PHI, HEAD_Y)
    y = v_template[:, 1]
    joints = np.array([[0, -0.14, -0.09], [0, -0.11, -0.09], [0, -0.035, -0.075], [0.03, 0.025, -0.03],
                       [-0.03, 0.025, -0.03]])
    # Root, neck and jaw inside the head, on the mid-plane: the mean of the two edge columns'
    # vertices (φ = ±100°) and the front one at the joint's height, weighted to reach its depth;
    # the eyes on the nearest vertices.
    J_regressor = np.zeros((5, V))
    for j in range(5):
        if j < 3:
            row = int(np.argmin(np.abs(ys - joints[j, 1])))
            edge, front = [row * HEAD_PHI, row * HEAD_PHI + HEAD_PHI - 1], row * HEAD_PHI + HEAD_PHI // 2
            ze, zf = v_template[edge[0], 2], v_template[front, 2]
            we = (joints[j, 2] - zf) / (ze - zf)
            J_regressor[j, edge] = we / 2
            J_regressor[j, front] = 1 - we
        else:
            near = np.argsort(np.linalg.norm(v_template - joints[j], axis=1))[:4]
            J_regressor[j, near] = 0.25
    # Skinning: the head on the root, the lower face on the jaw (blended over ~1 cm below the
    # mouth); neck and eyes carry nothing (the fit keeps them at rest).
    w_jaw = 1 / (1 + np.exp((y + 0.062) / 0.006))
    weights = np.zeros((V, 5))
    weights[:, 0], weights[:, 2] = 1 - w_jaw, w_jaw
    # Components: Gaussian bumps (3–6 mm per unit coefficient, 1.5–2.5 cm wide) each centred on a
    # different landmark site, so that every one of them moves some landmarks and no two alike.
    sites = [head_surface(p, q) for p, q in head_landmark_sites() + [(0.0, -0.11), (-1.0, -0.085), (1.0, -0.085)]]
    order = rng.permutation(len(sites))
    dirs = []
    for k in range(n_shape + n_expr):
        c = sites[order[k % len(sites)]]
        r = rng.uniform(0.015, 0.025)
        w = np.exp(-np.sum((v_template - c) ** 2, axis=1) / (2 * r * r))
        d = rng.normal(size=3)
        d[2] *= 0.5                                   # mostly in the face plane
        d *= rng.uniform(0.003, 0.006) / np.linalg.norm(d)
        dirs.append(w[:, None] * d[None, :])
    shapedirs = np.stack(dirs, axis=2)
    posedirs = rng.normal(size=(V, 3, 36)) * 0.001
    kintree = np.array([[4294967295, 0, 1, 1, 1], [0, 1, 2, 3, 4]], dtype=np.int64)
    return dict(v_template=v_template, f=f, shapedirs=shapedirs, posedirs=posedirs,
                J_regressor=J_regressor, kintree_table=kintree, weights=weights, J=J_regressor @ v_template)


def make_head_embedding():
    static = [head_face_at(p, q) for p, q in head_landmark_sites()]
    rows = [head_contour_row(r if r <= 39 else 39 - r) for r in range(79)]   # DECA: row r ↔ yaw r or 39 − r
    return dict(static_lmk_faces_idx=np.array([f for f, _ in static], dtype=np.int64),
                static_lmk_bary_coords=np.array([b for _, b in static]),
                dynamic_lmk_faces_idx=np.array([[f for f, _ in row] for row in rows], dtype=np.int64),
                dynamic_lmk_bary_coords=np.array([[b for _, b in row] for row in rows]))


def write_head_fixture(out):
    """flame_head.pkl, landmark_embedding_head.npy (DECA layout) and flame_head_truth.json:
    known shape, expression and pose and the 68 landmarks of the numpy forward pass."""
    global N_SHAPE, N_EXPR
    saved = N_SHAPE, N_EXPR
    N_SHAPE, N_EXPR = 10, 5
    rng = np.random.default_rng(68)
    m = make_head_model(rng, N_SHAPE, N_EXPR)
    emb = make_head_embedding()
    p = Py2Pickler()
    p.save({Py2Str(b"f"): m["f"], Py2Str(b"J_regressor"): csc(m["J_regressor"]),
            Py2Str(b"kintree_table"): m["kintree_table"], Py2Str(b"J"): m["J"], Py2Str(b"weights"): m["weights"],
            Py2Str(b"posedirs"): m["posedirs"], Py2Str(b"bs_style"): Py2Str(b"lbs"),
            Py2Str(b"v_template"): chumpy(m["v_template"]), Py2Str(b"shapedirs"): chumpy(m["shapedirs"]),
            Py2Str(b"bs_type"): Py2Str(b"lrotmin")})
    with open(os.path.join(out, "flame_head.pkl"), "wb") as fh:
        fh.write(p.finish())
    np.save(os.path.join(out, "landmark_embedding_head.npy"), np.array(emb, dtype=object), allow_pickle=True)
    cases = []
    # yaw (deg), pitch, roll; a turned head each way (contour rows 25 and 69) and a frontal one.
    for c, (yaw, pitch, roll) in enumerate([(25.0, 8.0, -4.0), (-30.0, -6.0, 3.0), (2.0, 3.0, 1.0)]):
        betas = rng.normal(size=N_SHAPE)
        psi = rng.normal(size=N_EXPR)
        pose = np.zeros(15)
        # global rotation R_z(roll)·R_y(yaw)·R_x(pitch) (its yaw, as the contour choice reads it,
        # is exactly `yaw`) as an axis-angle vector
        R = rodrigues(np.array([0, 0, np.radians(roll)])) @ rodrigues(np.array([0, np.radians(yaw), 0])) \
            @ rodrigues(np.array([np.radians(pitch), 0, 0]))
        angle = np.arccos(np.clip((np.trace(R) - 1) / 2, -1, 1))
        axis = np.array([R[2, 1] - R[1, 2], R[0, 2] - R[2, 0], R[1, 0] - R[0, 1]]) / (2 * np.sin(angle))
        pose[:3] = axis * angle
        pose[6:9] = [0.12 + 0.05 * c, 0.0, 0.0]                       # jaw open
        verts, Rs, _ = reference_forward(m, betas, psi, pose)
        lmk, row = reference_landmarks(m, emb, verts, Rs)
        frontal = np.concatenate([np.array([verts[m["f"][f]].T @ b for f, b in zip(emb["dynamic_lmk_faces_idx"][0],
                                                                                    emb["dynamic_lmk_bary_coords"][0])]),
                                  lmk[17:]])
        cases.append(dict(shape=betas.tolist(), expression=psi.tolist(), pose=pose.tolist(),
                          landmarks=lmk.ravel().tolist(), contour_row=row, frontal_row_landmarks=frontal.ravel().tolist()))
    with open(os.path.join(out, "flame_head_truth.json"), "w") as fh:
        json.dump(dict(shape_components=N_SHAPE, expression_components=N_EXPR, cases=cases), fh)
    N_SHAPE, N_EXPR = saved


def main():
    global N_SHAPE, N_EXPR, GRID_X, GRID_Y
    if "--from-mesh" in sys.argv:
        i = sys.argv.index("--from-mesh")
        out = sys.argv[1] if i != 1 else sys.argv[3]
        os.makedirs(out, exist_ok=True)
        model_from_mesh(sys.argv[i + 1], out)
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--full-size" in sys.argv:
        N_SHAPE, N_EXPR, GRID_X, GRID_Y = 300, 100, 71, 71
    out = args[0] if args else os.path.join(
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
    # The same with the dynamic contour as (stand-in) torch tensors, as in DECA's released file
    # (faces in a legacy torch.save storage, barycentrics in a zip-format one).
    torch = _install_torch_standins()
    deca = dict(emb)
    deca["dynamic_lmk_faces_idx"] = FakeTensor(emb["dynamic_lmk_faces_idx"].astype(np.int64), torch.LongStorage)
    deca["dynamic_lmk_bary_coords"] = FakeTensor(emb["dynamic_lmk_bary_coords"].astype(np.float32), torch.FloatStorage,
                                                 zipped=True)
    np.save(os.path.join(out, "landmark_embedding_torch_tiny.npy"), np.array(deca, dtype=object), allow_pickle=True)
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
    write_head_fixture(out)
    print("wrote fixtures to", os.path.abspath(out))


if __name__ == "__main__":
    main()
