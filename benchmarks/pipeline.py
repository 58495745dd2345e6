"""Throughput of the whole pipeline, segmentation memory, and the no-op `dvc repro`.

    python benchmarks/pipeline.py            # a generated one-hour corpus (about 15 minutes)
    python benchmarks/pipeline.py --minutes 10
    python benchmarks/pipeline.py --json benchmarks/pipeline.json

1. Throughput: a generated corpus (six files of --minutes/6 min, 44.1 kHz stereo FLAC, seeded
   synthetic music: harmonic notes, chords, noise hits) through `dvc repro` in a copy of the
   project, once with parallel.n_jobs 1 and once with every core (`dvc repro -f`). Study
   parameters are lighter than the default study (two encodings, one method, 32 iterations;
   printed below): the default 42 variants x 100 iterations would take hours per run.
   Reported: seconds of audio per second of wall time, and the ratio all/one, beside the bare
   FFT floor of the study's iterations in the same run (`study.py`'s: n_iter rfft + irfft passes
   over every clip's frames, once per iterative variant, on every core).
2. Segmentation memory: peak RSS of the segment stage alone on one 10-minute and one 60-minute
   file (one job), and their ratio.
3. The no-op `dvc repro` of this repository (run `make repro` first), timed three times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from study import study_fft_floor  # noqa: E402
from tinyproject import TINY, dvc, make_project  # noqa: E402  (the tests' project copier)

from specimg.util.parallel import available_cores  # noqa: E402

RATE = 44100
BLOCK_SECONDS = 10

STUDY = {
    **TINY,
    "segment": {"sr": 22050, "clip_seconds": 10.0, "step_seconds": 10.0,
                "tail": "last_window", "mixdown": "mean"},
    "stft": {"n_fft": 2048, "hop_length": 512, "window": "hann", "center": True,
             "top_db": 80.0},
    "encode": {**TINY["encode"], "encodings": ["png16", "jpeg75"]},
    "invert": {**TINY["invert"], "methods": ["pghi_fgla"], "n_iter": 32, "record_every": 8},
    "evaluate": {"lsd_top_db": 80.0, "convergence_encoding": "png16"},
    "report": {"encoding": "jpeg75", "method": "pghi_fgla"},
}


def synthetic_music(path: Path, seconds: float, seed: int) -> None:
    """Seeded synthetic music, written block by block (memory stays small)."""
    rng = np.random.default_rng(seed)
    with sf.SoundFile(path, "w", RATE, 2, subtype="PCM_16", format="FLAC") as out:
        for _ in range(int(seconds // BLOCK_SECONDS)):
            n = RATE * BLOCK_SECONDS
            t = np.arange(n) / RATE
            block = np.zeros(n)
            for start in rng.uniform(0, BLOCK_SECONDS, 12):
                f0 = 110 * 2 ** (rng.integers(0, 36) / 12)
                envelope = np.exp(-np.clip(t - start, 0, None) * rng.uniform(1, 6)) * (t >= start)
                block += sum(np.sin(2 * np.pi * k * f0 * t) / k**1.5 for k in range(1, 7)) \
                    * envelope * 0.05
            hits = rng.uniform(0, BLOCK_SECONDS, 8)
            for start in hits:
                i = int(start * RATE)
                burst = rng.standard_normal(min(2000, n - i)) * np.exp(-np.arange(
                    min(2000, n - i)) / 300)
                block[i:i + len(burst)] += 0.1 * burst
            pan = rng.uniform(0.3, 0.7)
            out.write(np.clip(np.stack([block * pan, block * (1 - pan)], axis=1), -1, 1))


def timed_repro(project: Path, n_jobs: int, force: bool) -> float:
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["parallel"]["n_jobs"] = n_jobs
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    start = time.perf_counter()
    dvc(project, "repro", *(["-f"] if force else []))
    return time.perf_counter() - start


def segment_peak_rss_mb(raw: Path, work: Path) -> float:
    """Peak RSS (MB) of the segment stage on the recordings in ``raw``, in a fresh process."""
    (work / "params.yaml").write_text(yaml.safe_dump(
        {**STUDY, "parallel": {"n_jobs": 1, "executor": "local"}}, sort_keys=False))
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "stages.segment", str(raw),
         str(work / "clips"), str(work / "skipped.json")],
        cwd=work, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
        check=True)
    return int(done.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="corpus length")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    cores = available_cores()
    with tempfile.TemporaryDirectory(prefix="specimg-bench-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        corpus.mkdir()
        for index in range(6):
            synthetic_music(corpus / f"piece_{index}.flac", args.minutes * 60 / 6, index)
        seconds = sum(sf.info(p).duration for p in corpus.iterdir())
        project = make_project(tmp / "project", STUDY, corpus, files=None)
        print(f"corpus: {seconds / 60:.1f} min in 6 files; study: encodings "
              f"{STUDY['encode']['encodings']}, methods {STUDY['invert']['methods']}, "
              f"n_iter {STUDY['invert']['n_iter']}; {cores} cores")
        one = timed_repro(project, 1, force=False)
        every = timed_repro(project, cores, force=True)
        print(f"dvc repro, n_jobs 1:  {one:7.1f} s, {seconds / one:6.1f} s of audio per s")
        print(f"dvc repro, n_jobs {cores}:  {every:7.1f} s, "
              f"{seconds / every:6.1f} s of audio per s")
        print(f"throughput ratio all/one: {one / every:.2f}x")
        floor = study_fft_floor(project, STUDY)["seconds"]
        print(f"bare FFT floor of the study's iterations ({STUDY['invert']['n_iter']} it., "
              f"every core): {floor:.1f} s")

        rss = {}
        for minutes in (10, 60):
            raw, work = tmp / f"long{minutes}", tmp / f"work{minutes}"
            raw.mkdir()
            work.mkdir()
            synthetic_music(raw / "long.flac", minutes * 60, 99)
            rss[minutes] = segment_peak_rss_mb(raw, work)
            print(f"segment stage, one {minutes}-minute file: peak RSS {rss[minutes]:.0f} MB")
        print(f"peak memory ratio 60/10 min: {rss[60] / rss[10]:.2f}x")

    noop = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "dvc"), "repro"], cwd=REPO,
                       check=True, capture_output=True)
        noop.append(time.perf_counter() - start)
    print(f"no-op dvc repro on the default data: {', '.join(f'{t:.2f}' for t in noop)} s")
    if args.json:
        args.json.write_text(json.dumps({
            "audio_seconds": round(seconds, 1), "cores": cores, "study": {
                "encodings": STUDY["encode"]["encodings"], "methods": STUDY["invert"]["methods"],
                "n_iter": STUDY["invert"]["n_iter"]},
            "repro_seconds": {"n_jobs_1": round(one, 1), f"n_jobs_{cores}": round(every, 1)},
            "audio_seconds_per_second": {"n_jobs_1": round(seconds / one, 1),
                                         f"n_jobs_{cores}": round(seconds / every, 1)},
            "ratio_all_one": round(one / every, 2),
            "fft_floor_seconds": round(floor, 1),
            "segment_peak_rss_mb": {f"{m}_min": round(v) for m, v in rss.items()},
            "noop_seconds": [round(t, 2) for t in noop]}, indent=1) + "\n")


if __name__ == "__main__":
    main()
