"""Iterations for a dense picture: SC and seconds of the default method against its iteration
count, on the user's 60 s picture at full density, beside the naive recipe and the true-phase
floor, all in this one run.

The picture is benchmarks/user_pictures.py's: the embedded recordings joined and repeated to fill
60 s, drawn as the user drew theirs (specshow of amplitude_to_db, gray, 20 x 20 in at dpi 1000:
20000 x 20000 px, matplotlib's default JPEG quality), no specimg metadata. Decoded once as
`specimg invert` decodes it; then `reconstruct(S, ..., DEFAULT_METHOD, n_iter=N)` on every core
for each N, timed (the phase step only; the decode's seconds are reported once). SC: against the
clip's true STFT magnitude after the best single gain (dB, lower is better). Last, the picture
end to end as `specimg invert user.jpg --duration 60 --cmap gray` inverts it (``specimg.invert``:
reading, decoding and the default iteration count), timed whole.

    python benchmarks/dense_iterations.py [--iterations 100 300 500 800 1000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import librosa
import numpy as np
from user_pictures import (
    CONFIG,
    HOP,
    N_FFT,
    draw_like_the_user,
    magnitude_of,
    naive_magnitude,
    picture_meta,
    sc_after_gain,
    sixty_seconds,
    true_phase_sc,
)

import specimg
from specimg.inversion import image_to_magnitude
from specimg.phase import DEFAULT_METHOD, reconstruct
from specimg.phase.budget import default_n_iter
from specimg.util.parallel import available_cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/specimg-user-pictures"))
    parser.add_argument("--iterations", type=int, nargs="+",
                        default=[100, 300, 500, 800, 1000])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    y = sixty_seconds(args.raw)
    D = librosa.stft(y, n_fft=N_FFT, hop_length=HOP)
    S = np.abs(D)
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / "dense_gray_dpi1000.jpg"
    if not path.exists():
        draw_like_the_user(y, path, 1000, "gray")
    start = time.perf_counter()
    S_ours, _ = image_to_magnitude(path.read_bytes(), path,
                                   fallback=picture_meta(S.shape[1], len(y), "gray"))
    result = {"picture": str(path), "decode_seconds": time.perf_counter() - start,
              "decoded_sc_db": sc_after_gain(S, S_ours),
              "true_phase_sc_db": true_phase_sc(S, S_ours, D, len(y)),
              "cores": available_cores(), "method": DEFAULT_METHOD}
    start = time.perf_counter()
    S_naive = naive_magnitude(path, S.shape[1], "gray")
    z = librosa.griffinlim(S_naive, n_iter=100, hop_length=HOP, n_fft=N_FFT, random_state=0,
                           length=len(y))
    result.update(naive_gla100_seconds=time.perf_counter() - start,
                  naive_gla100_sc_db=sc_after_gain(S, magnitude_of(z)))
    print(f"{path.name}: decoded {result['decoded_sc_db']:.2f} dB in "
          f"{result['decode_seconds']:.1f} s, true phase {result['true_phase_sc_db']:.2f} dB, "
          f"naive (BOX + librosa.griffinlim 100) {result['naive_gla100_sc_db']:.2f} dB in "
          f"{result['naive_gla100_seconds']:.1f} s")
    reconstruct(S_ours[:, :50], CONFIG, DEFAULT_METHOD, length=49 * HOP, n_iter=2)  # compile
    result["runs"] = []
    for n_iter in [*args.iterations, "auto"]:
        start = time.perf_counter()
        z = reconstruct(S_ours, CONFIG, DEFAULT_METHOD, length=len(y), n_iter=n_iter,
                        random_state=0, workers=available_cores())
        run = {"n_iter": n_iter, "seconds": time.perf_counter() - start,
               "sc_db": sc_after_gain(S, magnitude_of(z))}
        result["runs"].append(run)
        print(f"  {DEFAULT_METHOD} {n_iter!s:>5} it.: {run['sc_db']:.2f} dB in "
              f"{run['seconds']:.1f} s on {available_cores()} cores", flush=True)
    start = time.perf_counter()
    z, _ = specimg.invert(path, duration=len(y) / CONFIG.sr, cmap="gray",
                          workers=available_cores())
    result["command"] = {"n_iter": default_n_iter(CONFIG, S.shape[1]),
                         "seconds": time.perf_counter() - start,
                         "sc_db": sc_after_gain(S, magnitude_of(z[: len(y)]))}
    print(f"  specimg invert (default: {result['command']['n_iter']} it.): "
          f"{result['command']['sc_db']:.2f} dB in {result['command']['seconds']:.1f} s, "
          "reading and decoding included", flush=True)
    if args.json:
        rounded = json.loads(json.dumps(result), parse_float=lambda x: round(float(x), 2))
        args.json.write_text(json.dumps(rounded, indent=2) + "\n")


if __name__ == "__main__":
    main()
