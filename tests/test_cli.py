"""The `specimg` command on our own images, foreign pictures and bad files."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from specimg.cli import main
from specimg.core.spectrum import magnitude_to_unit, peak_db, stft
from specimg.image import ImageMeta, encode_levels, render_specshow
from specimg.study.metrics import spectral_convergence_db


@pytest.fixture
def images(tmp_path, harmonic_signal, small_config):
    """A png16 and a specshow image with metadata, and a specshow picture without."""
    S = np.abs(stft(harmonic_signal, small_config))
    peak = peak_db(S)
    levels = magnitude_to_unit(S, peak, 80.0)
    meta = ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                     peak_db=peak, top_db=80.0, encoding="png16")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "own.png").write_bytes(encode_levels(levels, meta))
    shown = replace(meta, encoding="specshow")
    picture = render_specshow(peak - 80 + 80 * levels, shown, (4, 4), 100, 95)
    (folder / "shown.jpg").write_bytes(picture)
    bare = io.BytesIO()
    pixels = np.asarray(Image.open(io.BytesIO(picture)))
    Image.fromarray(pixels).save(bare, format="JPEG", quality=95)  # pixels only, no metadata
    (tmp_path / "foreign.jpg").write_bytes(bare.getvalue())
    return {"dir": folder, "foreign": tmp_path / "foreign.jpg", "S": S, "config": small_config}


def sc(path, images):
    y, _ = sf.read(path, dtype="float32")
    return spectral_convergence_db(images["S"], np.abs(stft(y, images["config"])))


def test_invert_a_folder_of_our_images_with_no_flags(images, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["invert", str(images["dir"]), "-o", str(out), "-j", "2"]) == 0
    assert "2 done, 0 skipped" in capsys.readouterr().out
    assert sc(out / "own.wav", images) < -20
    assert sc(out / "shown.wav", images) < -15
    assert sf.info(out / "own.wav").samplerate == 8000

    assert main(["invert", str(images["dir"]), "-o", str(out)]) == 0
    assert "0 done, 2 skipped" in capsys.readouterr().out
    assert main(["invert", str(images["dir"]), "-o", str(out), "--overwrite",
                 "--format", "flac", "--method", "fgla", "--n-iter", "5"]) == 0
    assert (out / "own.flac").exists() and "2 done" in capsys.readouterr().out


def test_foreign_picture_needs_its_length_and_is_normalised(images, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["invert", str(images["foreign"]), "-o", str(out)]) == 1
    assert "--duration" in capsys.readouterr().out
    flags = ["--sr", "8000", "--n-fft", "256", "--hop-length", "64", "--duration", "2"]
    assert main(["invert", str(images["foreign"]), "-o", str(out), *flags]) == 0
    printed = capsys.readouterr().out
    assert "normalised to a peak of -1 dBFS" in printed
    y, _ = sf.read(out / "foreign.wav", dtype="float32")
    assert np.max(np.abs(y)) == pytest.approx(10 ** (-1 / 20), abs=1e-3)
    assert len(y) == 16000


def huge_png() -> bytes:
    """A valid 1 x 1 PNG whose header declares 100000 x 100000 pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def test_bad_files_get_one_line_each_and_a_failing_status(images, tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    own = (images["dir"] / "own.png").read_bytes()
    (bad / "truncated.png").write_bytes(own[: len(own) // 2])
    (bad / "page.png").write_text("<html>not an image</html>")
    (bad / "bomb.png").write_bytes(huge_png())
    tiny = io.BytesIO()
    Image.new("L", (1, 1)).save(tiny, format="PNG")
    (bad / "tiny.png").write_bytes(tiny.getvalue())
    (bad / "good.png").write_bytes(own)
    out = tmp_path / "out"
    status = main(["invert", str(bad), str(tmp_path / "missing.png"), "-o", str(out)])
    printed = capsys.readouterr().out
    assert status == 1
    failures = [line for line in printed.splitlines() if line.startswith("  failed: ")]
    assert len(failures) == 5, printed
    for name, reason in [("truncated.png", "not a readable image"),
                         ("page.png", "not an image file"), ("bomb.png", "--max-pixels"),
                         ("tiny.png", "no specimg metadata"), ("missing.png", "does not exist")]:
        assert any(name in line and reason in line for line in failures), (name, printed)
    assert (out / "good.wav").exists()
    assert "Traceback" not in printed
    assert sorted(p.name for p in out.iterdir()) == ["good.wav"]  # no partial files


def test_outputs_that_would_collide_are_not_overwritten(images, tmp_path, capsys):
    other = tmp_path / "other"
    other.mkdir()
    (other / "own.png").write_bytes((images["dir"] / "own.png").read_bytes())
    out = tmp_path / "out"
    status = main(["invert", str(images["dir"] / "own.png"), str(other / "own.png"),
                   str(images["dir"] / "shown.jpg"), "-o", str(out)])
    printed = capsys.readouterr().out
    assert status == 1 and "2 done" in printed and "would overwrite" in printed
    assert sorted(p.name for p in out.iterdir()) == ["own.png.wav", "shown.wav"]


def test_info(images, capsys):
    assert main(["info", str(images["dir"] / "own.png"), str(images["foreign"])]) == 0
    printed = capsys.readouterr().out
    assert "129 bins x 251 frames, 2.00 s at 8000 Hz" in printed
    assert "no specimg metadata" in printed
    assert "phase iterations without --n-iter: 1000" in printed


def test_audio_diffusion_mel_picture_inverts_with_flags(harmonic_signal, small_config, tmp_path,
                                                        capsys):
    import librosa

    M = librosa.feature.melspectrogram(y=harmonic_signal, sr=8000, n_fft=256, hop_length=64,
                                       n_mels=64)
    db = librosa.power_to_db(M, ref=np.max, top_db=80)
    pixels = (((db + 80) * 255 / 80).clip(0, 255) + 0.5).astype(np.uint8)
    Image.fromarray(pixels).save(tmp_path / "ad.png")
    flags = ["--sr", "8000", "--n-fft", "256", "--hop-length", "64", "--frames",
             str(db.shape[1]), "--y-axis", "mel", "--n-mels", "64", "--layout", "grid",
             "--low-row", "top"]
    assert main(["invert", str(tmp_path / "ad.png"), "-o", str(tmp_path / "out"), *flags]) == 0
    z, _ = sf.read(tmp_path / "out" / "ad.wav", dtype="float32")
    Mz = librosa.feature.melspectrogram(y=z, sr=8000, n_fft=256, hop_length=64, n_mels=64)
    gain = np.sum(M * Mz) / np.sum(Mz * Mz)  # the picture has no loudness
    assert spectral_convergence_db(M, gain * Mz) < -10


def test_foreign_specshow_picture_without_duration_has_its_frames_counted(
        images, harmonic_signal, tmp_path, capsys):
    S = images["S"]
    meta = ImageMeta(images["config"], n_frames=S.shape[1],
                     length=len(harmonic_signal), peak_db=peak_db(S), top_db=80.0)
    db = meta.peak_db - 80 + 80 * magnitude_to_unit(S, meta.peak_db, 80.0)
    picture = render_specshow(db, meta, (10.04, 4), 100, 95)  # 4 px per frame
    pixels = np.asarray(Image.open(io.BytesIO(picture)))
    Image.fromarray(pixels).save(tmp_path / "wide.jpg", quality=95)
    flags = ["--sr", "8000", "--n-fft", "256", "--hop-length", "64"]
    assert main(["invert", str(tmp_path / "wide.jpg"), "-o", str(tmp_path / "out"), *flags]) == 0
    assert "frames were counted" in capsys.readouterr().out
    y, _ = sf.read(tmp_path / "out" / "wide.wav", dtype="float32")
    assert len(y) == (S.shape[1] - 1) * 64


def test_n_iter_auto_and_a_bad_count(images, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["invert", str(images["dir"] / "own.png"), "-o", str(out), "--n-iter",
                 "auto"]) == 0
    assert sc(out / "own.wav", images) < -20
    with pytest.raises(SystemExit) as stop:
        main(["invert", str(images["dir"]), "-o", str(out), "--n-iter", "lots"])
    assert stop.value.code == 2
    assert "--n-iter lots is not a whole number: use a positive integer or 'auto'" in (
        capsys.readouterr().err)


def bare_specshow(images, harmonic_signal, cmap, path, figsize=(10.04, 4)):
    """A specshow picture of the fixture's clip in ``cmap``, pixels only (4 px per frame)."""
    S = images["S"]
    meta = ImageMeta(images["config"], n_frames=S.shape[1], length=len(harmonic_signal),
                     peak_db=peak_db(S), top_db=80.0, cmap=cmap)
    db = meta.peak_db - 80 + 80 * magnitude_to_unit(S, meta.peak_db, 80.0)
    picture = render_specshow(db, meta, figsize, 100, 95)
    Image.fromarray(np.asarray(Image.open(io.BytesIO(picture)))).save(path, quality=95)
    return path


SMALL_FLAGS = ["--sr", "8000", "--n-fft", "256", "--hop-length", "64"]


def sc_after_gain(path, images):
    """SC of an output without loudness, after the gain that fits it best."""
    y, _ = sf.read(path, dtype="float32")
    S, estimate = images["S"], np.abs(stft(y, images["config"]))[:, : images["S"].shape[1]]
    return spectral_convergence_db(S, np.sum(S * estimate) / np.sum(estimate**2) * estimate)


def test_a_colour_map_is_found_and_named_and_cmap_overrides(images, harmonic_signal, tmp_path,
                                                            capsys):
    picture = bare_specshow(images, harmonic_signal, "viridis", tmp_path / "v.jpg")
    out = tmp_path / "out"
    assert main(["invert", str(picture), "-o", str(out), *SMALL_FLAGS]) == 0
    printed = capsys.readouterr().out
    assert "colour map found from their pixels: viridis (1)" in printed
    found = sc_after_gain(out / "v.wav", images)
    assert found < -10
    assert main(["invert", str(picture), "-o", str(out), "--overwrite", "--cmap", "gray",
                 *SMALL_FLAGS]) == 0
    assert "colour map found" not in capsys.readouterr().out
    assert sc_after_gain(out / "v.wav", images) > found + 3  # read as grey: worse


def test_colours_on_no_map_are_refused_naming_cmap(tmp_path, capsys):
    rng = np.random.default_rng(0)
    pixels = np.repeat(rng.integers(0, 256, size=(100, 60, 3)), 5, axis=1).astype(np.uint8)
    Image.fromarray(pixels).save(tmp_path / "noise.png")
    assert main(["invert", str(tmp_path / "noise.png"), "-o", str(tmp_path / "out"),
                 *SMALL_FLAGS]) == 1
    printed = capsys.readouterr().out
    assert "lie on no matplotlib colour map" in printed and "--cmap" in printed
    # told the map, it is inverted, but noise is no sound: the consistency warning, status 3
    scores = tmp_path / "scores.csv"
    assert main(["invert", str(tmp_path / "noise.png"), "-o", str(tmp_path / "out"),
                 "--cmap", "jet", "--frames", "60", "--scores", str(scores), *SMALL_FLAGS]) == 3
    assert "warning: " in capsys.readouterr().out and (tmp_path / "out" / "noise.wav").exists()
    assert "check --y-axis, --low-row" in scores.read_text()


def test_a_duration_a_frame_or_two_off_is_snapped_to_the_edges(images, harmonic_signal,
                                                               tmp_path, capsys):
    picture = bare_specshow(images, harmonic_signal, "gray", tmp_path / "g.jpg")
    n_frames = images["S"].shape[1]
    off = str((n_frames + 1) * 64 / 8000)  # two frames more than the picture shows
    out = tmp_path / "out"
    assert main(["invert", str(picture), "-o", str(out), "--duration", off, *SMALL_FLAGS]) == 0
    assert "the frames counted from the edges were used" in capsys.readouterr().out
    y, _ = sf.read(out / "g.wav", dtype="float32")
    assert len(y) == (n_frames - 1) * 64
    far = str((n_frames + 20) * 64 / 8000)  # far off: the duration given stands
    assert main(["invert", str(picture), "-o", str(out), "--overwrite", "--duration", far,
                 *SMALL_FLAGS]) == 0
    assert "counted from the edges were used" not in capsys.readouterr().out


def test_info_shows_the_geometry_invert_would_use(images, harmonic_signal, tmp_path, capsys):
    picture = bare_specshow(images, harmonic_signal, "magma", tmp_path / "m.jpg")
    assert main(["info", str(picture), *SMALL_FLAGS]) == 0
    printed = capsys.readouterr().out
    assert f"129 bins x {images['S'].shape[1]} frames" in printed
    assert "frames counted from the picture's column edges" in printed
    assert "colour map magma (found from its pixels)" in printed
    assert main(["info", str(picture), "--frames", "100", "--cmap", "gray", *SMALL_FLAGS]) == 0
    printed = capsys.readouterr().out
    assert "129 bins x 100 frames" in printed and "colour map gray (given)" in printed
