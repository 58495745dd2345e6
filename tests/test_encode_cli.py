"""`specimg encode` and what `specimg invert` does with its pictures: the round trip for every
format at 256 x 256 and 512 x 512 (with the pictures' metadata, and stripped with the card),
the folder handling, the card, consistency scores and bad flags."""

from __future__ import annotations

import csv
import io
import json
import struct

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from specimg.cli import main
from specimg.core.spectrum import StftConfig, stft
from specimg.image.card import CARD_NAME
from specimg.image.formats import PRESETS, fit
from specimg.image.metadata import read_meta
from specimg.study.metrics import spectral_convergence_db

SR = 22050
REFERENCE = StftConfig(SR, 2048, 512)
QUICK = ["--n-iter", "8", "-j", "1"]
#: Each format's flags, and the SC (dB, best gain, on the 2048/512 reference STFT) its
#: reconstruction must beat at 8 iterations (measured -24 to -31 linear and -9 to -12 mel;
#: the bound leaves 4-6 dB).
FORMATS = {
    "png16": (["--format", "png16"], -18.0),
    "png8": (["--format", "png8"], -18.0),
    "jpeg90": (["--format", "jpeg90"], -15.0),
    "specshow": (["--format", "specshow"], -12.0),
    "lowest-bins": (["--format", "png8", "--n-fft", "2048"], -15.0),
    "mel": (["--format", "png8", "--y-axis", "mel"], -6.0),
}


def tone(length: int, seed: int = 0) -> np.ndarray:
    """A gliding harmonic tone with an envelope and faint noise, ``length`` samples at 22.05 kHz."""
    t = np.arange(length) / SR
    phase = 2 * np.pi * np.cumsum(300.0 + 80.0 * t / t[-1]) / SR
    y = sum(np.sin(k * phase) / k for k in range(1, 8))
    y *= 0.3 * (0.6 + 0.4 * np.sin(2 * np.pi * 1.3 * t))
    y += 1e-3 * np.random.default_rng(seed).standard_normal(length)
    return y.astype(np.float32)


def strip_metadata(data: bytes) -> bytes:
    """The picture without its specimg metadata, pixels untouched."""
    if data.startswith(b"\x89PNG"):
        image, out = Image.open(io.BytesIO(data)), io.BytesIO()
        image.save(out, format="PNG")  # lossless, no text chunk
        return out.getvalue()
    at, kept = 2, [data[:2]]  # JPEG: drop the COM segment that holds our metadata
    while data[at + 1] != 0xDA:
        (length,) = struct.unpack_from(">H", data, at + 2)
        segment = data[at : at + 2 + length]
        if not (data[at + 1] == 0xFE and segment[4:].startswith(b"specimg:")):
            kept.append(segment)
        at += 2 + length
    return b"".join([*kept, data[at:]])


def best_gain_sc(y: np.ndarray, z: np.ndarray) -> float:
    """SC (dB) of ``z`` against ``y`` on the reference STFT, at the best gain, over their
    common length."""
    n = min(len(y), len(z))
    S, Z = np.abs(stft(y[:n], REFERENCE)), np.abs(stft(z[:n], REFERENCE))
    return spectral_convergence_db(S, Z * np.sum(S * Z) / np.sum(Z * Z))


def one_clip(tmp_path, flags, size=None):
    """Encode one clip's worth of tone; (its audio, the output folder, the picture)."""
    fmt = PRESETS[flags[1]].picture_format() if flags[1] in PRESETS else fit(
        *size, y_axis="mel" if "mel" in flags else "hz",
        n_fft=2048 if "--n-fft" in flags else None)
    y = tone(fmt.clip_length)
    sf.write(tmp_path / "clip.wav", y, SR, subtype="FLOAT")
    out = tmp_path / "pictures"
    size_flags = [] if flags[1] in PRESETS else ["--size", f"{size[0]}x{size[1]}"]
    assert main(["encode", str(tmp_path / "clip.wav"), "-o", str(out), *flags, *size_flags,
                 "-j", "1"]) == 0
    pictures = [p for p in out.iterdir() if p.name != CARD_NAME]
    assert len(pictures) == 1
    return y, out, pictures[0]


@pytest.mark.parametrize("size", [(256, 256), (512, 512)], ids=["256", "512"])
@pytest.mark.parametrize("name", list(FORMATS))
def test_round_trip_with_metadata_and_with_the_card(tmp_path, capsys, name, size):
    flags, bound = FORMATS[name]
    y, out, picture = one_clip(tmp_path, flags, size)
    assert Image.open(picture).size == size
    meta = read_meta(Image.open(picture))
    assert meta.n_frames == size[0] and meta.length == len(y)

    assert main(["invert", str(picture), "-o", str(tmp_path / "own"), *QUICK]) == 0
    z_own, _ = sf.read(tmp_path / "own" / (picture.stem + ".wav"), dtype="float32")
    assert len(z_own) == len(y)
    own = best_gain_sc(y, z_own)
    assert own < bound, (name, size, own)

    bare = tmp_path / "generated" / picture.name
    bare.parent.mkdir()
    bare.write_bytes(strip_metadata(picture.read_bytes()))
    assert read_meta(Image.open(bare)) is None
    assert main(["invert", str(bare), "-o", str(tmp_path / "card"), "--card",
                 str(out / CARD_NAME), *QUICK]) == 0
    assert "carry no loudness" in capsys.readouterr().out
    z_card, _ = sf.read(tmp_path / "card" / (picture.stem + ".wav"), dtype="float32")
    assert len(z_card) == len(y)
    assert best_gain_sc(y, z_card) == pytest.approx(own, abs=1.0)  # NNLS: float32 scale


def test_audio_diffusion_preset_round_trip(tmp_path, capsys):
    y, out, picture = one_clip(tmp_path, ["--format", "audio-diffusion"])
    assert Image.open(picture).size == (256, 256)
    card = json.loads((out / CARD_NAME).read_text())
    assert (card["n_mels"], card["y_axis"], card["low_row"], card["hop_length"]) == (
        256, "mel", "top", 512)
    bare = tmp_path / "bare.png"
    bare.write_bytes(strip_metadata(picture.read_bytes()))
    for flags in (["--card", str(out / CARD_NAME)], ["--preset", "audio-diffusion"]):
        assert main(["invert", str(bare), "-o", str(tmp_path / flags[0][2:]), *QUICK,
                     *flags]) == 0
        z, _ = sf.read(tmp_path / flags[0][2:] / "bare.wav", dtype="float32")
        assert best_gain_sc(y, z) < -6.0


def test_preset_flags_give_way_to_explicit_ones(tmp_path, capsys):
    """An audio-diffusion picture at 8 kHz: --preset sets the rest, --sr overrides it."""
    _, _, picture = one_clip(tmp_path, ["--format", "audio-diffusion"])
    bare = tmp_path / "bare.png"
    bare.write_bytes(strip_metadata(picture.read_bytes()))
    assert main(["invert", str(bare), "-o", str(tmp_path / "o"), *QUICK, "--preset",
                 "audio-diffusion", "--frames", "256", "--sr", "8000"]) == 0
    assert sf.info(tmp_path / "o" / "bare.wav").samplerate == 8000
    assert sf.info(tmp_path / "o" / "bare.wav").frames == 255 * 512


def test_folders_are_mirrored_clashes_named_and_done_work_skipped(tmp_path, capsys):
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    clip = fit(64, 33).clip_length  # n_fft 64, hop 16: 1023 samples a picture
    sf.write(raw / "a.wav", tone(2 * clip + 100), SR)
    sf.write(raw / "a.flac", tone(clip), SR)
    sf.write(raw / "sub" / "b.wav", tone(clip // 2), SR)  # shorter than a clip
    (raw / "notes.txt").write_text("not audio")
    (raw / "sub" / "broken.wav").write_bytes(b"RIFF....WAVEfmt ")
    out = tmp_path / "out"
    command = ["encode", str(raw), str(tmp_path / "missing.wav"), "-o", str(out), "--size",
               "64x33", "-j", "2"]
    assert main([*command, "--tail", "drop"]) == 1
    printed = capsys.readouterr().out
    assert "3 recording(s) done, 3 picture(s) written, 0 skipped" in printed, printed
    assert "1 recording(s) shorter than one clip gave no picture" in printed
    failures = [line for line in printed.splitlines() if line.startswith("  failed: ")]
    assert len(failures) == 2 and "missing.wav: does not exist" in failures[0]
    assert "broken.wav: cannot be read as audio" in failures[1]
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == ["a.flac_000.png", "a.wav_000.png", "a.wav_001.png", CARD_NAME]

    assert main(command) == 1  # last_window: a's tail and b get one each, the rest skipped
    assert "2 picture(s) written, 3 skipped" in capsys.readouterr().out
    assert (out / "a.wav_002.png").exists()
    assert (out / "sub" / "b_000.png").exists()
    assert main([*command, "--format", "png16"]) == 2  # another format in the same folder
    assert "holds pictures of another format" in capsys.readouterr().err


@pytest.mark.parametrize("flags, message", [
    (["--size", "0x512"], "size '0x512' must be WIDTHxHEIGHT"),
    (["--size", "512"], "must be WIDTHxHEIGHT"),
    (["--clip-seconds", "-1"], "--clip-seconds -1 is too small: use a clip length"),
    (["--format", "gif"], "unknown encoding 'gif'"),
    (["--size", "512x512", "--hop-length", "0"], "--hop-length 0 is too small: use a hop of 1"),
    (["--size", "512x512", "--n-fft", "512"], "n_fft=512 gives 257 bins, fewer than"),
    (["--size", "512x512", "--clip-seconds", "3"], "leave out --clip-seconds"),
    (["--format", "audio-diffusion", "--size", "512x512"], "sets every parameter"),
    (["--format", "png8", "--cmap", "magma"], "only apply to --format specshow"),
    (["--format", "specshow", "--cmap", "nosuchmap"], "no matplotlib colormap"),
    (["--top-db", "0"], "--top-db 0 is too small: use a range in dB above 0"),
])
def test_bad_flags_are_one_line_and_exit_2_before_any_work(tmp_path, capsys, flags, message):
    sf.write(tmp_path / "a.wav", tone(4000), SR)
    try:  # argparse's own checks exit, ours return
        status = main(["encode", str(tmp_path / "a.wav"), "-o", str(tmp_path / "out"), *flags])
    except SystemExit as stop:
        status = stop.code
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "out").exists()


def test_invert_card_problems_are_one_line(tmp_path, capsys):
    _, out, picture = one_clip(tmp_path, ["--format", "png8"], (64, 33))
    bare = tmp_path / "bare.png"
    bare.write_bytes(strip_metadata(picture.read_bytes()))
    card = json.loads((out / CARD_NAME).read_text())
    cases = {"not json": "{", "no version": json.dumps({"sr": 8000}),
             "missing": json.dumps({k: v for k, v in card.items() if k != "width"}),
             "bad value": json.dumps({**card, "n_fft": -4}),
             "unknown": json.dumps({**card, "n_fftt": 4})}
    for name, text in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        assert main(["invert", str(bare), "-o", str(tmp_path / "o"), "--card", str(path)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and str(path) in err, (name, err)
    assert main(["invert", str(bare), "-o", str(tmp_path / "o"), "--card",
                 str(out / CARD_NAME), "--sr", "8000"]) == 2
    assert "leave out --sr" in capsys.readouterr().err
    small = tmp_path / "small.png"  # a picture of another size than the card's
    Image.open(bare).crop((0, 0, 60, 33)).save(small)
    assert main(["invert", str(small), str(picture), "-o", str(tmp_path / "o"), "--card",
                 str(out / CARD_NAME), *QUICK]) == 1
    printed = capsys.readouterr().out
    assert "small.png: is 60 x 33 px, but the card" in printed and "1 done" in printed


def test_scores_rank_a_picture_of_sound_above_broken_ones(tmp_path, capsys):
    """Noise and a picture whose rows are shuffled score worse than one of sound; a picture
    flipped upside down does not (lines stay lines: some sound has that spectrogram)."""
    y, out, picture = one_clip(tmp_path, ["--format", "png8"], (256, 256))
    generated = tmp_path / "generated"
    generated.mkdir()
    pixels = np.asarray(Image.open(picture))
    rng = np.random.default_rng(1)
    Image.fromarray(pixels).save(generated / "b_real.png")
    Image.fromarray(np.flipud(pixels)).save(generated / "c_flipped.png")
    Image.fromarray(pixels[rng.permutation(len(pixels))]).save(generated / "d_shuffled.png")
    noise = rng.integers(0, 256, pixels.shape, dtype=np.uint8)
    Image.fromarray(noise).save(generated / "a_noise.png")
    scores = tmp_path / "scores.csv"
    assert main(["invert", str(generated), "-o", str(tmp_path / "o"), "--card",
                 str(out / CARD_NAME), "--scores", str(scores), *QUICK]) == 0
    printed = capsys.readouterr().out
    rows = list(csv.DictReader(scores.open()))
    assert [row["image"].rsplit("/", 1)[1] for row in rows] == [
        "a_noise.png", "b_real.png", "c_flipped.png", "d_shuffled.png"]
    assert all(row["frames"] == "256" and row["frames_from"] == "card" and
               row["method"] == "pghi_raar" and row["n_iter"] == "8" for row in rows)
    score = {row["image"].rsplit("/", 1)[1]: float(row["consistency_sc_db"]) for row in rows}
    assert score["b_real.png"] < score["d_shuffled.png"] - 5, score
    assert score["b_real.png"] < score["a_noise.png"] - 20, score
    assert score["c_flipped.png"] == pytest.approx(score["b_real.png"], abs=2), score
    assert float(rows[1]["seconds"]) == pytest.approx(len(y) / SR, abs=1e-5)
    assert f"worst {score['a_noise.png']:.1f} dB ({rows[0]['image']})" in printed


def test_riffusion_round_trip_with_its_exif_and_with_the_card(tmp_path, capsys):
    """`--format riffusion` writes Riffusion's own picture (EXIF inside); stripped of it, the
    card gives its power-law levels and HTK bands back."""
    fmt = PRESETS["riffusion"].picture_format()
    y = tone(fmt.clip_length)  # at 44.1 kHz: the tone an octave up
    sf.write(tmp_path / "clip.wav", y, fmt.stft.sr, subtype="FLOAT")
    out = tmp_path / "pictures"
    assert main(["encode", str(tmp_path / "clip.wav"), "-o", str(out), "--format", "riffusion",
                 "-j", "1"]) == 0
    (picture,) = [p for p in out.iterdir() if p.name != CARD_NAME]
    assert Image.open(picture).size == (512, 512)
    assert json.loads((out / CARD_NAME).read_text())["level_scale"] == "power"
    bare = tmp_path / "bare.png"
    bare.write_bytes(strip_metadata(picture.read_bytes()))
    assert read_meta(Image.open(bare)) is None
    scores = {}
    for name, source, flags in (("exif", picture, []),
                                ("card", bare, ["--card", str(out / CARD_NAME)])):
        assert main(["invert", str(source), "-o", str(tmp_path / name), *QUICK, *flags]) == 0
        z, sr = sf.read(tmp_path / name / (source.stem + ".wav"), dtype="float32")
        assert sr == fmt.stft.sr and abs(len(z) - len(y)) < fmt.stft.hop_length  # EXIF: frames
        scores[name] = best_gain_sc(y, z)
    assert scores["exif"] < -10, scores
    assert scores["card"] == pytest.approx(scores["exif"], abs=1.0)
