"""Seed inputs for the pickle, npy and npz fuzz targets, made with numpy and pickle (small,
synthetic, deterministic): every dtype and wrapper SIDER's readers accept. Usage:
    make_numpy_seeds.py SEED_ROOT
writes SEED_ROOT/{pickle,npy,npz}/*."""
import io
import os
import pickle
import sys
import zipfile

import numpy as np


def main(root):
    for sub in ("pickle", "npy", "npz"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    rng = np.random.default_rng(0)
    arrays = {
        "v_template": rng.standard_normal((5, 3)),
        "f": np.array([[0, 1, 2], [1, 2, 3], [2, 3, 4]], dtype=np.uint32),
        "kintree_table": np.array([[4294967295, 0], [0, 1]], dtype=np.int64),
        "shapedirs": rng.standard_normal((5, 3, 2)).astype(np.float32),
        "posedirs": rng.standard_normal((5, 3, 9)),
        "J_regressor": np.full((2, 5), 0.2),
        "weights": np.full((5, 2), 0.5),
        "flags": np.array([True, False]),
        "fortran": np.asfortranarray(rng.standard_normal((3, 4))),
        "big_endian": np.arange(6, dtype=">i2").reshape(2, 3),
        "half": np.arange(4, dtype=np.float16),
        "scalar": np.float64(3.5),
    }
    for name, a in arrays.items():
        np.save(os.path.join(root, "npy", name + ".npy"), a)
    np.save(os.path.join(root, "npy", "object_dict.npy"), {"lmk_face_idx": np.arange(3), "lmk_b_coords": np.ones((3, 3))},
            allow_pickle=True)
    np.savez(os.path.join(root, "npz", "flame.npz"), **{k: v for k, v in arrays.items() if k != "scalar"})
    np.savez_compressed(os.path.join(root, "npz", "flame_compressed.npz"), **{k: v for k, v in arrays.items() if k != "scalar"})
    with zipfile.ZipFile(os.path.join(root, "npz", "stored_one.npz"), "w", zipfile.ZIP_STORED) as z:
        buf = io.BytesIO()
        np.save(buf, arrays["f"])
        z.writestr("f.npy", buf.getvalue())
    nested = {"a": [1, 2.5, (3, None, True)], "b": {"c": b"bytes", "d": "text"}, "e": arrays["f"],
              "f": [arrays["v_template"], arrays["v_template"]], "g": {1, 2}, "h": 2 ** 70}
    for protocol in range(0, 6):
        with open(os.path.join(root, "pickle", f"nested_p{protocol}.pkl"), "wb") as fh:
            pickle.dump(nested, fh, protocol=protocol)
        with open(os.path.join(root, "pickle", f"flame_p{protocol}.pkl"), "wb") as fh:
            pickle.dump({k: v for k, v in arrays.items()}, fh, protocol=protocol)
    shared = [1, 2]
    with open(os.path.join(root, "pickle", "memo_shared.pkl"), "wb") as fh:
        pickle.dump({"x": shared, "y": shared, "z": [shared, [shared]]}, fh, protocol=2)


if __name__ == "__main__":
    main(sys.argv[1])
