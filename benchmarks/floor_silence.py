"""Should pixels at the dB floor decode as silence? PESQ, STOI and SC on the speech clips.

Reads the pipeline's outputs (run `make repro` first): the speech clips of data/clips/ (the
`kind` column of the manifest), their images in data/images/, their true phases in data/spec/.
Each image is inverted twice, with the floor decoded as `peak - top_db` and as silence, by the
true phase and by the default method, and scored against the original clip: PESQ wide-band and
STOI at 16 kHz, and spectral convergence (dB).

    python benchmarks/floor_silence.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from specimg.core.audio import read_audio
from specimg.core.spectrum import stft
from specimg.image.codec import image_suffix
from specimg.inversion import invert_image
from specimg.phase import DEFAULT_METHOD
from specimg.pipeline.common import read_manifest
from specimg.study.metrics import pesq_wb, spectral_convergence_db, stoi

DATA = Path("data")


def main() -> None:
    speech = [c["clip_id"] for c in read_manifest(DATA / "clips") if c["kind"] == "speech"]
    rows = []
    for clip_id in speech:
        original, sr = read_audio(DATA / "clips" / f"{clip_id}.flac")
        S = np.load(DATA / "spec" / f"{clip_id}.mag.npy")
        phase = np.load(DATA / "spec" / f"{clip_id}.phase.npy")
        for encoding in ("png16", "jpeg95", "jpeg75", "specshow"):
            data = (DATA / "images" / encoding / f"{clip_id}{image_suffix(encoding)}").read_bytes()
            for method in ("oracle", DEFAULT_METHOD):
                for floor_silence in (False, True):
                    result = invert_image(data, method=method, floor_silence=floor_silence,
                                          true_phase=phase)
                    rows.append({
                        "clip": clip_id, "encoding": encoding, "method": method,
                        "floor_silence": floor_silence,
                        "pesq_wb": pesq_wb(original, result.y, sr),
                        "stoi": stoi(original, result.y, sr),
                        "sc_db": spectral_convergence_db(
                            S, np.abs(stft(result.y, result.meta.stft))),
                    })
    table = pd.DataFrame(rows).groupby(["encoding", "method", "floor_silence"])[
        ["pesq_wb", "stoi", "sc_db"]].mean()
    print(f"Speech clips: {', '.join(speech)} (means)")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()
