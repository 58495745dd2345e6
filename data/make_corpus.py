#!/usr/bin/env python3
"""Build the real-recordings corpus in /tmp/corpus/raw from Debian bookworm packages.

Deterministic: same packages in, same audio out (the Ogg serial numbers that libsndfile
draws at random are rewritten to a fixed value, so the .ogg files are byte-identical too).

Steps
  1. `apt-get download PKG=VERSION` into /tmp/corpus/debs (skipped if the .deb is there),
     `dpkg-deb -x` into /tmp/corpus/unpacked/PKG (skipped if already unpacked).
  2. Cut, join and encode the files listed in JOBS below into /tmp/corpus/raw, write
     /tmp/corpus/raw/SOURCES.csv, and print a table with the silence check.

Run with the project venv: `.venv/bin/python data/make_corpus.py`; then copy /tmp/corpus/raw
into data/raw. Three files are the ones already in data/raw (copied byte for byte, checked by
SHA-256); if that directory is not there they are rebuilt from the package as documented.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

ROOT = Path("/tmp/corpus")
DEBS = ROOT / "debs"
UNPACKED = ROOT / "unpacked"
OUT = ROOT / "raw"
KEEP_FROM = Path(__file__).resolve().parent / "raw"  # read only: files already embedded

PACKAGES = {  # package -> version (Debian 12 bookworm, main)
    "frozen-bubble-data": "2.212-11",
    "wesnoth-1.16-music": "1:1.16.9-1",
    "wesnoth-1.16-data": "1:1.16.9-1",
    "nexuiz-music": "2.5.2-12",
    "asterisk-core-sounds-en-wav": "1.6.1-1",
    "asterisk-core-sounds-fr-wav": "1.6.1-1",
    "asterisk-core-sounds-it-wav": "1.6.1-1",
    "asterisk-core-sounds-ru-wav": "1.6.1-1",
    "openttd-opensfx": "1.0.3-2",
}

FADE_S = 0.02        # fades at the ends of music excerpts and of joined ambiences
EFFECT_FADE_S = 0.005  # fades at the trimmed ends of joined sound effects
GAP_S = 0.10         # digital silence between joined recordings
TRIM_DB = -60.0      # leading/trailing 10 ms frames below this are trimmed from effects
OGG_SERIAL = 0x5EC7A1  # fixed Ogg bitstream serial number


# ----------------------------------------------------------------------------- packages
def pkg_root(pkg: str) -> Path:
    return UNPACKED / pkg


def fetch_and_unpack() -> None:
    DEBS.mkdir(parents=True, exist_ok=True)
    for pkg, ver in PACKAGES.items():
        if not any(DEBS.glob(f"{pkg}_*.deb")):
            subprocess.run(["apt-get", "download", f"{pkg}={ver}"], cwd=DEBS, check=True)
        deb = sorted(DEBS.glob(f"{pkg}_*.deb"))[0]
        dest = pkg_root(pkg)
        if not dest.exists():
            dest.mkdir(parents=True)
            subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)


# ----------------------------------------------------------------------------- readers
def read(path: Path | io.BytesIO, start_s: float | None = None, stop_s: float | None = None):
    info = sf.info(path)
    if isinstance(path, io.BytesIO):
        path.seek(0)
    start = None if start_s is None else round(start_s * info.samplerate)
    stop = None if stop_s is None else round(stop_s * info.samplerate)
    y, sr = sf.read(path, start=start or 0, stop=stop, dtype="float64", always_2d=True)
    return y, sr


def nexuiz_track(name: str) -> io.BytesIO:
    pk3 = pkg_root("nexuiz-music") / "usr/share/games/nexuiz/data/music.pk3"
    with zipfile.ZipFile(pk3) as z:
        return io.BytesIO(z.read(f"sound/cdtracks/{name}"))


def opensfx_sounds() -> dict[int, tuple[str, bytes]]:
    """index -> (description, RIFF WAV bytes) from OpenTTD's opensfx.cat."""
    cat = (pkg_root("openttd-opensfx")
           / "usr/share/games/openttd/baseset/opensfx/opensfx.cat").read_bytes()
    count = (struct.unpack_from("<I", cat, 0)[0] & 0x7FFFFFFF) // 8
    sounds = {}
    for i in range(count):
        off, size = (v & 0x7FFFFFFF for v in struct.unpack_from("<II", cat, 8 * i))
        name_len = cat[off]
        name = cat[off + 1:off + 1 + name_len].rstrip(b"\0").decode("utf-8")
        sounds[i] = (name, cat[off + 1 + name_len:off + size])
    return sounds


# ----------------------------------------------------------------------------- processing
def mono(y: np.ndarray) -> np.ndarray:
    return y.mean(axis=1, keepdims=True)


def resample(y: np.ndarray, sr: int, target: int) -> np.ndarray:
    return y if sr == target else soxr.resample(y, sr, target, quality="HQ")


def fade(y: np.ndarray, sr: int, seconds: float) -> np.ndarray:
    n = min(round(seconds * sr), len(y) // 2)
    if n:
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))[:, None]
        y = y.copy()
        y[:n] *= ramp
        y[-n:] *= ramp[::-1]
    return y


def trim(y: np.ndarray, sr: int, db: float = TRIM_DB) -> tuple[np.ndarray, float, float]:
    """Drop leading/trailing 10 ms frames whose RMS (mono mix) is below ``db`` dBFS."""
    n = round(0.01 * sr)
    m = y.mean(axis=1)
    frames = len(m) // n
    rms = np.sqrt(np.mean(m[:frames * n].reshape(frames, n) ** 2, axis=1))
    loud = np.flatnonzero(20 * np.log10(np.maximum(rms, 1e-12)) >= db)
    a, b = loud[0] * n, min(len(m), (loud[-1] + 1) * n)
    return y[a:b], a / sr, b / sr


def join(parts: list[np.ndarray], sr: int, gap_s: float = GAP_S) -> np.ndarray:
    gap = np.zeros((round(gap_s * sr), parts[0].shape[1]))
    out = []
    for i, p in enumerate(parts):
        out += [gap, p] if i else [p]
    return np.concatenate(out)


# ----------------------------------------------------------------------------- writers
def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
            crc &= 0xFFFFFFFF
    return crc


def _fix_ogg_serial(path: Path) -> None:
    """Rewrite the random Ogg stream serial number to OGG_SERIAL (and the page CRCs)."""
    b = bytearray(path.read_bytes())
    pos = 0
    while pos < len(b):
        assert b[pos:pos + 4] == b"OggS", "not an Ogg page"
        nseg = b[pos + 26]
        length = 27 + nseg + sum(b[pos + 27:pos + 27 + nseg])
        struct.pack_into("<I", b, pos + 14, OGG_SERIAL)
        struct.pack_into("<I", b, pos + 22, 0)
        struct.pack_into("<I", b, pos + 22, _ogg_crc(bytes(b[pos:pos + length])))
        pos += length
    path.write_bytes(bytes(b))


def write_vorbis(path: Path, y: np.ndarray, sr: int, level: float) -> None:
    """Ogg Vorbis, libsndfile compression_level ``level`` (Vorbis quality = 1 - level)."""
    sf.write(path, np.clip(y, -1.0, 1.0), sr, format="OGG", subtype="VORBIS",
             compression_level=level)
    _fix_ogg_serial(path)


def write_flac(path: Path, y: np.ndarray, sr: int) -> None:
    sf.write(path, np.clip(y, -1.0, 1.0), sr, format="FLAC", subtype="PCM_16",
             compression_level=1.0)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- the corpus
FB = "usr/share/games/frozen-bubble/snd"
WES_MUSIC = "usr/share/games/wesnoth/1.16/data/core/music"
WES_AMB = "usr/share/games/wesnoth/1.16/data/core/sounds/ambient"
AST = "usr/share/asterisk/sounds"
OPENSFX_CAT = "/usr/share/games/openttd/baseset/opensfx/opensfx.cat"

GPL_FB = ("GPL-2", "2000-2010 The Frozen-Bubble Team")
GPL_WES = ("GPL-2+", "2003-2022 David White and the Battle for Wesnoth contributors")

KEPT = {  # file -> sha256 of the copy in /work/main/data/raw
    "music_introzik.ogg": "2f320f01749f511706ec5e15708435bf3cc4b8932bfdad4db8ab366a60482b18",
    "music_mainzik.ogg": "a4f3699a2f25880315e1316d6ecd324953e06340ccee284e811b1db5ef1ea65e",
    "speech_vm-options.wav": "52666365481cd8d5d95b5908910c7ef0b27c79c4b54185c2448d881a8060e814",
}

# OpenSFX sounds used: index in opensfx.cat (all real recordings from freesound.org or
# pdsounds.org, edited by OpenTTD contributors; descriptions are stored in the .cat).
OPENSFX_VEHICLES = [59, 9, 61, 8, 24, 25, 28, 27, 7, 6, 5, 10, 71, 14]
OPENSFX_WORK_NATURE = [40, 56, 55, 54, 33, 39, 11, 12, 17, 15, 16, 52, 38, 37, 36, 72, 66, 68, 29]
WES_AMBIENCE = ["campfire", "ship", "night", "birds1", "birds2", "birds3", "morning"]


def keep_or_rebuild_fb(name: str, src: str, a: float, b: float) -> None:
    dest = OUT / name
    kept = KEEP_FROM / name
    if kept.exists() and sha256(kept) == KEPT[name]:
        shutil.copyfile(kept, dest)
        return
    y, sr = read(pkg_root("frozen-bubble-data") / FB / src, a, b)
    write_vorbis(dest, fade(y, sr, FADE_S), sr, 0.6)


def build() -> list[dict]:
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []

    def row(file, kind, package, source_file, excerpt, licence, copyright, speaker=""):
        rows.append(dict(file=file, kind=kind, speaker=speaker, package=package,
                         package_version=PACKAGES[package], source_file=source_file,
                         excerpt=excerpt, licence=licence, copyright=copyright))

    # ---- music -----------------------------------------------------------------------
    keep_or_rebuild_fb("music_introzik.ogg", "introzik.ogg", 20.0, 32.0)
    row("music_introzik.ogg", "music", "frozen-bubble-data", f"/{FB}/introzik.ogg",
        "20.0-32.0 s, 20 ms fades, re-encoded Ogg Vorbis 44.1 kHz stereo (kept from the "
        "current corpus, byte-identical)", *GPL_FB)
    keep_or_rebuild_fb("music_mainzik.ogg", "frozen-mainzik-1p.ogg", 60.0, 70.0)
    row("music_mainzik.ogg", "music", "frozen-bubble-data", f"/{FB}/frozen-mainzik-1p.ogg",
        "60.0-70.0 s, 20 ms fades, re-encoded Ogg Vorbis 44.1 kHz stereo (kept from the "
        "current corpus, byte-identical)", *GPL_FB)

    music = [  # file, package, source, reader, start, stop, level, description
        ("music_wesnoth-symphony.ogg", "wesnoth-1.16-music",
         f"/{WES_MUSIC}/the_dangerous_symphony.ogg", None, 25.0, 55.0, 0.35,
         "orchestral: 'The Dangerous Symphony' by Gianmarco Leone (2008); source Vorbis "
         "44.1 kHz stereo ~192 kbit/s"),
        ("music_wesnoth-minstrels.ogg", "wesnoth-1.16-music",
         f"/{WES_MUSIC}/traveling_minstrels.ogg", None, 75.0, 95.0, 0.45,
         "folk/medieval ensemble: 'Traveling Minstrels' by Mattias Westlund (2008); source "
         "Vorbis 44.1 kHz stereo ~173 kbit/s"),
        ("music_nexuiz-digital-pursuit.ogg", "nexuiz-music",
         "/usr/share/games/nexuiz/data/music.pk3:sound/cdtracks/digital-pursuit.ogg",
         "nexuiz", 55.0, 85.0, 0.55,
         "electronic: 'Digital Pursuit' by Parapraxis (genre tag Electronic); source Vorbis "
         "44.1 kHz stereo ~135 kbit/s"),
    ]
    for name, pkg, src, reader, a, b, level, desc in music:
        path = nexuiz_track(src.rsplit("/", 1)[1]) if reader == "nexuiz" else \
            pkg_root(pkg) / src.lstrip("/")
        y, sr = read(path, a, b)
        write_vorbis(OUT / name, fade(y, sr, FADE_S), sr, level)
        kbps = 8 * (OUT / name).stat().st_size / (b - a) / 1000
        lic = GPL_WES if pkg.startswith("wesnoth") else \
            ("GPL-2+", "2002-2009 Alientrap, Lee Vermeulen; track by Parapraxis")
        row(name, "music", pkg, src,
            f"{a:.1f}-{b:.1f} s, 20 ms fades, re-encoded Ogg Vorbis 44.1 kHz stereo, quality "
            f"{10 * (1 - level):.1f} (libsndfile compression_level {level}), {kbps:.0f} kbit/s; "
            f"{desc}", *lic)

    # ---- speech: whole Asterisk prompts, unchanged (8 kHz mono PCM_16 WAV) ---------------
    shutil.copyfile(KEEP_FROM / "speech_vm-options.wav", OUT / "speech_vm-options.wav") \
        if (KEEP_FROM / "speech_vm-options.wav").exists() else \
        shutil.copyfile(pkg_root("asterisk-core-sounds-en-wav") / AST
                        / "en_US_f_Allison/vm-options.wav", OUT / "speech_vm-options.wav")
    assert sha256(OUT / "speech_vm-options.wav") == KEPT["speech_vm-options.wav"]
    speech = [
        ("speech_vm-options.wav", "asterisk-core-sounds-en-wav", "en_US_f_Allison/vm-options.wav",
         "en_allison_f", "CC-BY-SA-3.0", "2003-2010 Allison Smith (recorded), Digium, Inc.",
         "English (US), Allison Smith, woman; voicemail options menu"),
        ("speech_fr-conf-usermenu.wav", "asterisk-core-sounds-fr-wav",
         "fr_CA_f_June/conf-usermenu-162.wav", "fr_june_f", "CC-BY-SA-3.0",
         "2006-2008 June Wallack (recorded), Digium, Inc.",
         "French (Canada), June Wallack, woman; conference user menu"),
        ("speech_it-demo-echotest.wav", "asterisk-core-sounds-it-wav",
         "it_IT_m_Carlo/demo-echotest.wav", "it_carlo_m", "CC-BY-3.0",
         "2012 Carlo Flora <http://www.segreterietelefoniche.it>",
         "Italian, Carlo Flora, man; echo-test instructions"),
        ("speech_ru-demo-congrats.wav", "asterisk-core-sounds-ru-wav",
         "ru_RU_f_IvrvoiceRU/demo-congrats.wav", "ru_ivrvoiceru_f", "CC-BY-3.0",
         "2010 Maxim Topal, ivrvoice.ru",
         "Russian, voice of ivrvoice.ru (speaker not named; 'f' = woman in the package's "
         "directory name); Asterisk demo congratulations"),
    ]
    for name, pkg, src, spk, lic, cr, desc in speech:
        if name != "speech_vm-options.wav":
            shutil.copyfile(pkg_root(pkg) / AST / src, OUT / name)
        row(name, "speech", pkg, f"/{AST}/{src}",
            f"whole file, unchanged (8 kHz mono PCM_16 WAV); {desc}", lic, cr, speaker=spk)

    # ---- environmental ----------------------------------------------------------------
    sounds = opensfx_sounds()
    for name, ids in [("environmental_opensfx-vehicles.flac", OPENSFX_VEHICLES),
                      ("environmental_opensfx-work-nature.flac", OPENSFX_WORK_NATURE)]:
        parts, notes = [], []
        for i in ids:
            desc, wav = sounds[i]
            y, sr = read(io.BytesIO(wav))
            assert sr == 44100 and y.shape[1] == 1
            t, a, b = trim(y, sr)
            parts.append(fade(t, sr, EFFECT_FADE_S))
            title = desc.split('"')[1]
            notes.append(f"#{i} {title} ({a:.2f}-{b:.2f} s)")
        out = join(parts, sr)
        write_flac(OUT / name, out, sr)
        row(name, "environmental", "openttd-opensfx", f"{OPENSFX_CAT} (sounds " +
            " ".join(f"#{i}" for i in ids) + ")",
            f"{len(ids)} real-recording sound effects (index in opensfx.cat, title, part kept) "
            f"joined in this order: " + "; ".join(notes) +
            f". Each trimmed of leading/trailing 10 ms frames below {TRIM_DB:.0f} dBFS, "
            f"{1000 * EFFECT_FADE_S:.0f} ms fades, joined with {1000 * GAP_S:.0f} ms of digital "
            "silence; 44.1 kHz mono, lossless FLAC 16-bit (source: PCM_16 WAV in the .cat). "
            "Original recordings from freesound.org/pdsounds.org, credited per sound in the "
            ".cat and in /usr/share/doc/openttd-opensfx/readme.txt.gz",
            "CC-BY-SA-3.0",
            "OpenSFX contributors (edits by Wuzzy, Janis Lukss and others) after freesound.org "
            "and pdsounds.org authors (CC0-1.0, CC-BY-3.0, CC-BY-SA-3.0, public domain)")

    parts, notes = [], []
    for n in WES_AMBIENCE:
        y, sr = read(pkg_root("wesnoth-1.16-data") / WES_AMB / f"{n}.ogg")
        y, a, b = trim(resample(mono(y), sr, 44100), 44100)
        parts.append(fade(y, 44100, FADE_S))
        notes.append(f"{n}.ogg ({a:.2f}-{b:.2f} s, source {sr / 1000:g} kHz)")
    name = "environmental_wesnoth-ambience.ogg"
    write_vorbis(OUT / name, join(parts, 44100), 44100, 0.5)
    row(name, "environmental", "wesnoth-1.16-data",
        " ".join(f"/{WES_AMB}/{n}.ogg" for n in WES_AMBIENCE),
        "7 ambience recordings (campfire, ship at sea, night insects, birds x3, morning), "
        "each whole but for leading/trailing 10 ms frames below -60 dBFS, joined in this order "
        "(part kept, in s of the mono 44.1 kHz signal): " + "; ".join(notes) +
        f". Mixed to mono (mean), 48 kHz ones resampled to 44.1 kHz (soxr HQ) before trimming, "
        f"{1000 * FADE_S:.0f} ms fades, joined with {1000 * GAP_S:.0f} ms of digital silence, "
        "re-encoded Ogg Vorbis 44.1 kHz mono, quality 5.0 (libsndfile compression_level 0.5) "
        "(sources Vorbis 66-135 kbit/s)", *GPL_WES)

    fields = ["file", "kind", "speaker", "package", "package_version", "source_file",
              "excerpt", "licence", "copyright"]
    rows.sort(key=lambda r: r["file"])
    with open(OUT / "SOURCES.csv", "w", encoding="utf-8", newline="") as h:
        w = csv.DictWriter(h, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return rows


# ----------------------------------------------------------------------------- check
def low_share(y: np.ndarray, sr: int, win_s=10.0, step_s=0.5, thr=-60.0, frame_s=0.05):
    """Worst share, over 10 s windows (0.5 s step plus the last one), of 50 ms frames
    (mono mix) whose RMS is below ``thr`` dBFS; and the share in the whole file."""
    m = y.mean(axis=1)
    n = round(frame_s * sr)
    k = len(m) // n
    rms = np.sqrt(np.mean(m[:k * n].reshape(k, n) ** 2, axis=1))
    low = (20 * np.log10(np.maximum(rms, 1e-12)) < thr).astype(float)
    w, st = round(win_s / frame_s), round(step_s / frame_s)
    if k <= w:
        return low.mean(), low.mean()
    starts = list(range(0, k - w + 1, st))
    if starts[-1] != k - w:
        starts.append(k - w)
    return max(low[s:s + w].mean() for s in starts), low.mean()


def report(rows: list[dict]) -> None:
    total = {"music": 0.0, "speech": 0.0, "environmental": 0.0}
    size = 0
    print(f"{'file':42s} {'kind':13s} {'dur s':>7s} {'bytes':>9s} {'sr':>6s} ch "
          f"{'worst10s':>8s} {'all':>5s}")
    for r in rows:
        p = OUT / r["file"]
        y, sr = sf.read(p, always_2d=True)
        worst, overall = low_share(y, sr)
        d = len(y) / sr
        total[r["kind"]] += d
        size += p.stat().st_size
        flag = "" if worst <= 0.10 and d >= 10 else "  <-- CHECK"
        print(f"{r['file']:42s} {r['kind']:13s} {d:7.2f} {p.stat().st_size:9d} {sr:6d} "
              f"{y.shape[1]:2d} {100 * worst:7.1f}% {100 * overall:4.1f}%{flag}")
    size += (OUT / "SOURCES.csv").stat().st_size
    print("totals (s):", {k: round(v, 2) for k, v in total.items()},
          "all:", round(sum(total.values()), 2), " audio+csv bytes:", size)


if __name__ == "__main__":
    fetch_and_unpack()
    report(build())
