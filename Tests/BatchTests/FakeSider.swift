import Foundation

/// A stand-in `sider` for batch tests (no real reconstruction): `reconstruct PHOTO --out DIR …`
/// writes a run.json whose numbers depend on the photo's name, appends "NAME ARGS" to
/// $FAKE_SIDER_LOG, fails like a bad photo for names containing "bad", crashes (SIGSEGV) for
/// "crash", stops "interrupted" (exit 130) for "pause" unless --resume is given, and for
/// "sleepy" waits until it gets SIGINT (then exits 130).
enum FakeSider {
    static let script = #"""
    #!/bin/bash
    cmd="$1"; photo="$2"; shift 2
    out=""; resume=0
    while [ $# -gt 0 ]; do
      case "$1" in --out) out="$2"; shift 2;; --resume) resume=1; shift;; *) shift;; esac
    done
    name="$(basename "$photo")"
    echo "$name $cmd resume=$resume" >> "$FAKE_SIDER_LOG"
    echo "progress 1/3" >&2
    case "$name" in
      *bad*) printf 'detail 3/600\r' >&2; echo "error: $photo: not an image (bad signature)" >&2; exit 1;;
      *crash*) kill -SEGV $$;;
      *sleepy*) trap 'kill $sleeper; echo "$name got SIGINT" >> "$FAKE_SIDER_LOG"; exit 130' INT
                sleep 30 & sleeper=$!
                echo "$name waiting" >> "$FAKE_SIDER_LOG"; wait $sleeper; exit 0;;
    esac
    mkdir -p "$out"
    touch "$out/.sider-output"
    n=${#name}
    reason=converged
    code=0
    case "$name" in *pause*) if [ $resume = 0 ]; then reason=interrupted; code=130; fi;; esac
    cat > "$out/run.json" <<JSON
    {"stopReason": "$reason", "iterations": $n, "stages": [{"stage": "landmarks", "seconds": 0.5}, {"stage": "detail", "seconds": $n.25}],
     "coarsePrior": {"kind": "landmark mesh", "landmarkErrorMeanPx": 1.$n, "landmarkErrorMaxPx": 3.5},
     "lossCurve": [{"iteration": 1, "total": 0.9, "photometric": 0.8}, {"iteration": $n, "total": 0.$n, "terms": {"photometric": 0.2, "sdf": 0.01}}]}
    JSON
    echo "<html></html>" > "$out/report.html"
    exit $code
    """#

    /// Writes the script and `count` empty photos (plus `extra` names) into a fresh folder.
    static func setUp(_ tag: String, photos: [String]) throws -> (root: URL, sider: URL, photos: URL, log: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sider-batch-tests-\(tag)-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: root)
        let photoDir = root.appendingPathComponent("photos", isDirectory: true)
        try FileManager.default.createDirectory(at: photoDir, withIntermediateDirectories: true)
        let sider = root.appendingPathComponent("fake-sider")
        try script.write(to: sider, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sider.path)
        for p in photos {
            let url = photoDir.appendingPathComponent(p)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("fake".utf8).write(to: url)
        }
        let log = root.appendingPathComponent("calls.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        setenv("FAKE_SIDER_LOG", log.path, 1)
        return (root, sider, photoDir, log)
    }

    static func calls(_ log: URL) -> [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
