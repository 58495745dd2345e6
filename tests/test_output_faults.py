"""Outputs that cannot be written are named as outputs (never as an input that "cannot be
read"); an input folder with nothing to do fails; a library's warning is one line naming the
picture; without the pipeline extra, its modules say what to install."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from PIL import Image

from specimg.cli import main
from specimg.cli.jobs import Job, run_jobs, warning_line
from specimg.core.spectrum import magnitude_to_unit, peak_db, stft
from specimg.image import ImageMeta, encode_levels
from specimg.util.errors import OutputError
from specimg.util.fileio import output_problem, write_atomic


@pytest.fixture
def picture(tmp_path, harmonic_signal, small_config):
    """A folder holding one png16 spectrogram with metadata, ``own.png``."""
    S = np.abs(stft(harmonic_signal, small_config))
    meta = ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                     peak_db=peak_db(S), top_db=80.0, encoding="png16")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "own.png").write_bytes(encode_levels(magnitude_to_unit(S, peak_db(S), 80.0), meta))
    return folder


def invert(args, capsys) -> tuple[int, str, str]:
    status = main(["invert", *map(str, args), "-j", "1", "--n-iter", "2"])
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    return status, printed.out, printed.err


def test_a_directory_in_the_outputs_place_is_named(picture, tmp_path, capsys):
    (tmp_path / "out" / "own.wav").mkdir(parents=True)
    status, out, _ = invert([picture, "-o", tmp_path / "out", "--overwrite"], capsys)
    assert status == 1
    assert (f"  failed: {picture / 'own.png'}: its output {tmp_path / 'out' / 'own.wav'} cannot "
            "be written: a directory is in its place") in out.splitlines()
    assert "cannot be read" not in out


def test_a_file_in_place_of_an_output_folder_is_named(picture, tmp_path, capsys):
    (picture / "sub").mkdir()
    (picture / "own.png").rename(picture / "sub" / "own.png")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sub").write_text("a file")
    status, out, _ = invert([picture, "-o", tmp_path / "out"], capsys)
    assert status == 1
    assert f"{tmp_path / 'out' / 'sub'} is a file, not a folder" in out
    assert "cannot be read" not in out


def test_an_output_folder_that_is_a_file_is_a_usage_error(picture, tmp_path, capsys):
    (tmp_path / "out").write_text("a file")
    status, _, err = invert([picture, "-o", tmp_path / "out"], capsys)
    assert status == 2
    assert err == f"specimg invert: error: -o {tmp_path / 'out'} is a file: give a folder for " \
                  "the outputs\n"


def test_scores_that_cannot_be_written_are_one_line(picture, tmp_path, capsys):
    (tmp_path / "scores.csv").mkdir()
    status, _, err = invert([picture, "-o", tmp_path / "out", "--scores",
                             tmp_path / "scores.csv"], capsys)
    assert status == 1
    assert err.splitlines()[-1] == (f"specimg invert: error: {tmp_path / 'scores.csv'} cannot be "
                                    "written: a directory is in its place")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_named(picture, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out").chmod(0o500)
    try:
        status, out, _ = invert([picture, "-o", tmp_path / "out"], capsys)
    finally:
        (tmp_path / "out").chmod(0o700)
    assert status == 1
    assert f"its folder {tmp_path / 'out'} is read-only (permission denied)" in out


def test_a_refused_write_names_the_output_and_its_folder(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("specimg.util.fileio.open", refuse, raising=False)
    with pytest.raises(OutputError) as refused:
        write_atomic(tmp_path / "a.wav", b"data")
    assert str(refused.value) == (f"{tmp_path / 'a.wav'} cannot be written: its folder "
                                  f"{tmp_path} is read-only (permission denied)")
    assert isinstance(refused.value, OSError) and not list(tmp_path.iterdir())
    full = output_problem(tmp_path / "a.wav", OSError(errno.ENOSPC, "No space left on device"))
    assert full == "the disk is full"


def test_an_empty_folder_fails_saying_there_is_nothing_to_do(tmp_path, capsys):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "notes.txt").write_text("no pictures here")
    status, out, _ = invert([tmp_path / "empty", "-o", tmp_path / "out"], capsys)
    assert status == 1
    assert "0 done" in out and "1 failed" in out
    assert (f"  failed: {tmp_path / 'empty'}: nothing to invert in it (no .png/.jpg/.jpeg/.tif/"
            ".tiff/.bmp/.webp file, in its subfolders neither)") in out.splitlines()
    status = main(["encode", str(tmp_path / "empty"), "-o", str(tmp_path / "pictures")])
    assert status == 1
    assert "nothing to encode in it (no .wav/.flac/" in capsys.readouterr().out


def test_a_library_warning_is_one_line_naming_the_picture(tmp_path, capsys):
    """Too many mel bands for the FFT size: librosa warns of empty filters; the command says
    which picture and what it means, without the warning's source path."""
    rows = np.random.default_rng(0).integers(0, 255, (40, 30), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rows).save(buffer, format="PNG")
    (tmp_path / "mel.png").write_bytes(buffer.getvalue())
    status = main(["invert", str(tmp_path / "mel.png"), "-o", str(tmp_path / "out"), "-j", "1",
                   "--n-iter", "2", "--y-axis", "mel", "--n-mels", "40", "--sr", "8000",
                   "--n-fft", "32", "--hop-length", "8", "--layout", "grid", "--frames", "30"])
    printed = capsys.readouterr()
    assert status == 3, printed  # random pixels: no sound has them, the consistency warning
    assert f"  warning: {tmp_path / 'mel.png'}: some mel bands hold no STFT bin" in printed.err
    assert "UserWarning" not in printed.err and "site-packages" not in printed.err


def test_an_unknown_warning_keeps_its_first_line_and_category():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("overflow encountered in exp\nmore", RuntimeWarning, stacklevel=1)
        warnings.warn("something else", UserWarning, stacklevel=1)
    assert warning_line(caught[0]) == ("numerical trouble (overflow encountered in exp): the "
                                       "output may hold silence or noise where it happened")
    assert warning_line(caught[1]) == "UserWarning: something else"


@pytest.mark.parametrize("module", ["specimg.study.plots", "specimg.study.summary"])
def test_without_the_pipeline_extra_a_module_says_what_to_install(module):
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.modules['pandas'] = None; "
                           f"import {module}"], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (f"ImportError: {module} needs pandas, which the "
                                            "pipeline extra installs: pip install "
                                            "'specimg[pipeline]'")
    assert "During handling" not in done.stderr


def warns_twice(job):
    warnings.warn("old name, use the new one", DeprecationWarning, stacklevel=1)
    warnings.warn("Empty filters detected in mel frequency basis", UserWarning, stacklevel=1)
    return job.source.name


def test_a_library_deprecation_is_not_the_users_concern(tmp_path, capsys):
    """A library's DeprecationWarning (pyparsing's, under an older matplotlib) says nothing about
    the output: left out; a warning about the work is still one line."""
    job = Job(tmp_path / "a.png", tmp_path / "a.wav")
    done, failed = run_jobs(warns_twice, [job], 1, "image")
    assert [outcome for _, outcome in done] == ["a.png"] and not failed
    err = capsys.readouterr().err
    assert "some mel bands hold no STFT bin" in err and "old name" not in err
