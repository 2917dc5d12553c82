#!/usr/bin/env python3
"""Reference fixtures for the Landmarks tests, made by the official `mediapipe` package.

Run once, in a throwaway virtual environment (nothing from it is committed):

    python3 -m venv /tmp/mpvenv && /tmp/mpvenv/bin/pip install mediapipe==0.10.14
    /tmp/mpvenv/bin/python scripts/make_mediapipe_fixtures.py

For each sample photo under $SIDER_DATA/samples (default ~/.cache/sider/samples) it runs
`mp.solutions.face_detection` (model_selection 0 = short range, 1 = full range) and
`mp.solutions.face_mesh` (static_image_mode=True, refine_landmarks=False, one face) on the
EXIF-rotated RGB image and writes `Tests/LandmarksTests/Fixtures/mediapipe_<name>.json`:

    {"image": name, "width": W, "height": H,
     "short_range": [detection...], "full_range": [detection...],
     "mesh": {"points": [[x, y, z] * 468]} or null}

where a detection is {"score", "box": [xmin, ymin, width, height], "keypoints": [[x, y] * 6]}
and every coordinate is in pixels of the image (MediaPipe's normalised values times W or H;
z times W, as MediaPipe scales z like x). Photos its pipeline misses get empty lists / null.
"""
import json
import os
import sys

import numpy as np
from PIL import Image, ImageOps
import mediapipe as mp

NAMES = ["obama2.jpg", "biden.jpg", "breakingbad.jpg", "takeo.ppm", "einstein.jpg"]


def load_rgb(path):
    img = Image.open(path)
    img = ImageOps.exif_transpose(img)
    return np.ascontiguousarray(np.asarray(img.convert("RGB")))


def detections(image, model_selection):
    h, w = image.shape[:2]
    out = []
    with mp.solutions.face_detection.FaceDetection(model_selection=model_selection,
                                                    min_detection_confidence=0.5) as fd:
        res = fd.process(image)
        for d in res.detections or []:
            bb = d.location_data.relative_bounding_box
            kps = [[round(k.x * w, 3), round(k.y * h, 3)] for k in d.location_data.relative_keypoints]
            out.append({"score": round(float(d.score[0]), 5),
                        "box": [round(bb.xmin * w, 3), round(bb.ymin * h, 3),
                                round(bb.width * w, 3), round(bb.height * h, 3)],
                        "keypoints": kps})
    return out


def mesh(image):
    h, w = image.shape[:2]
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1,
                                         refine_landmarks=False,
                                         min_detection_confidence=0.5) as fm:
        res = fm.process(image)
        if not res.multi_face_landmarks:
            return None
        lm = res.multi_face_landmarks[0].landmark
        return {"points": [[round(p.x * w, 3), round(p.y * h, 3), round(p.z * w, 3)] for p in lm]}


def main():
    root = os.environ.get("SIDER_DATA") or os.path.expanduser("~/.cache/sider")
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.join(here, "..", "Tests", "LandmarksTests", "Fixtures")
    os.makedirs(out_dir, exist_ok=True)
    for name in NAMES:
        path = os.path.join(root, "samples", name)
        if not os.path.exists(path):
            print(f"skip {name}: not found", file=sys.stderr)
            continue
        image = load_rgb(path)
        h, w = image.shape[:2]
        record = {"image": name, "width": w, "height": h,
                  "short_range": detections(image, 0),
                  "full_range": detections(image, 1),
                  "mesh": mesh(image)}
        stem = os.path.splitext(name)[0]
        with open(os.path.join(out_dir, f"mediapipe_{stem}.json"), "w") as f:
            json.dump(record, f, separators=(",", ":"))
        print(f"{name}: {w}x{h} short={len(record['short_range'])} "
              f"full={len(record['full_range'])} mesh={'yes' if record['mesh'] else 'no'}")


if __name__ == "__main__":
    main()
