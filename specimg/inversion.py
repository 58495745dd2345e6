"""From a spectrogram image to audio: decode, undo the dB map, rebuild the phase."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .core import portable
from .core.mel import mel_to_magnitude
from .core.spectrum import unit_to_magnitude
from .image.codec import MAX_PIXELS, decode_image
from .image.metadata import ImageMeta
from .phase import DEFAULT_METHOD, reconstruct
from .phase.mel import mel_filter_bank
from .phase.transform import Stft
from .study.metrics import spectral_convergence_db
from .util.errors import InputError

if TYPE_CHECKING:
    from .image.figure import PlotArea

#: The phase method that reads a mel picture's bands rather than magnitudes fitted to them.
MEL_METHOD = "mel_gla"


@dataclass(frozen=True)
class Inversion:
    """The audio made from one image.

    Attributes
    ----------
    y : np.ndarray
        float32 signal.
    meta : ImageMeta
        The image's parameters (read from it, or the fallback given).
    loudness_known : bool
        False when the image carried no peak level: ``y`` was then normalised to
        ``normalise_dbfs``.
    consistency_sc_db : float or None
        With ``score``: the spectral convergence (dB) of ``y``'s STFT magnitude against the
        decoded magnitudes it was rebuilt from, before any normalising. It needs no original:
        the lower, the closer the picture is to one that some signal has (a generated picture
        that no sound could make scores high). None without ``score``.
    method : str
        The phase method that made ``y``.
    """

    y: np.ndarray
    meta: ImageMeta
    loudness_known: bool
    consistency_sc_db: float | None = None
    method: str = DEFAULT_METHOD


def image_to_magnitude(
    data: bytes,
    path: str | os.PathLike = "<image>",
    *,
    fallback: ImageMeta | None = None,
    floor_silence: bool = True,
    max_pixels: int = MAX_PIXELS,
    fit_mel: bool = True,
    plot: PlotArea | None = None,
) -> tuple[np.ndarray, ImageMeta]:
    """Decode a spectrogram image to STFT magnitudes: decode, undo the level map (dB or power
    law, ``meta.level_scale``), undo mel (the bands of ``meta``: scale, norm, power).

    Parameters are those of :func:`invert_image`; with ``fit_mel`` False a mel picture's bands
    ``(n_mels, n_frames)`` (of ``|S|**meta.mel_power``) are returned as they are, for
    :data:`MEL_METHOD` (:func:`bands_to_magnitude` fits them later). Returns the float32
    magnitudes ``(n_bins, n_frames)`` (amplitude, full scale 1.0) and the image's parameters.
    """
    levels, meta = decode_image(data, path, fallback, max_pixels, plot=plot)
    S = unit_to_magnitude(levels, meta.peak_db, meta.top_db, floor_silence,
                          scale=meta.level_scale, exponent=meta.level_exponent)
    if meta.y_axis == "mel":  # S is the mel_power-th root of the bands' output
        S = S**meta.mel_power
        if fit_mel:
            S = bands_to_magnitude(S, meta)
    return S, meta


def bands_to_magnitude(M: np.ndarray, meta: ImageMeta) -> np.ndarray:
    """STFT magnitudes ``(n_bins, n_frames)`` fitted to a mel picture's bands ``M``
    (:func:`specimg.core.mel.mel_to_magnitude` with the picture's mel scale, norm and power)."""
    return mel_to_magnitude(M, meta.stft, fmin=meta.fmin, fmax=meta.fmax or None,
                            htk=meta.mel_htk, norm=meta.mel_norm, power=meta.mel_power)


def default_method(meta: ImageMeta) -> str:
    """The phase method measured best for a picture: :data:`MEL_METHOD` for mel pictures
    (``benchmarks/mel_phase.py``: 4 dB or more past the two-step path), else
    :data:`specimg.phase.DEFAULT_METHOD`."""
    return MEL_METHOD if meta.y_axis == "mel" else DEFAULT_METHOD


def invert_image(
    data: bytes,
    path: str | os.PathLike = "<image>",
    *,
    method: str | None = None,
    fallback: ImageMeta | None = None,
    loudness_known: bool = True,
    normalise_dbfs: float = -1.0,
    floor_silence: bool = True,
    max_pixels: int = MAX_PIXELS,
    true_phase: np.ndarray | None = None,
    score: bool = False,
    plot: PlotArea | None = None,
    **phase_options,
) -> Inversion:
    """Turn one spectrogram image into audio.

    Parameters
    ----------
    data : bytes
        The image file.
    path : str or path-like
        Named in error messages.
    method : str, optional
        Phase reconstruction method (:data:`specimg.phase.METHODS`); None: the one measured
        best for the picture (:func:`default_method`).
    fallback : ImageMeta, optional
        Parameters for an image without specimg metadata.
    loudness_known : bool
        Whether ``fallback.peak_db`` is the true peak level. Images with specimg metadata always
        know theirs. If not, the output is scaled to a peak of ``normalise_dbfs``.
    normalise_dbfs : float
        Sample peak (dB re full scale) of output whose loudness is unknown.
    floor_silence : bool
        Decode pixels at the dB floor as silence rather than ``peak - top_db``: measured on the
        speech clips, PESQ-WB +0.5 to +1.7, STOI and spectral convergence unchanged or better
        (``benchmarks/floor_silence.py``, speech only).
    max_pixels : int
        Decompression-bomb limit (see :func:`specimg.image.codec.decode_image`).
    true_phase : np.ndarray, optional
        For the ``oracle`` method.
    score : bool
        Also measure the result's consistency (:attr:`Inversion.consistency_sc_db`; one more
        STFT).
    plot : PlotArea, optional
        The plot area of a figure with axes (:func:`specimg.image.figure_fit.fit_plot_area`): only
        its cells are read (:func:`specimg.image.codec.decode_image`).
    **phase_options
        ``n_iter``, ``momentum``, ``beta``, ``gamma``, ``pghi_tol_db``, ``random_state``,
        ``workers``: see :func:`specimg.phase.reconstruct`.
    """
    S, meta = image_to_magnitude(data, path, fallback=fallback, floor_silence=floor_silence,
                                 max_pixels=max_pixels, fit_mel=False, plot=plot)
    method = method or default_method(meta)
    if method == MEL_METHOD and meta.y_axis != "mel":
        raise InputError(path, f"is not a mel picture, which the {MEL_METHOD} method needs; "
                         "choose another --method")
    if meta.y_axis == "mel" and method != MEL_METHOD:
        S = bands_to_magnitude(S, meta)
    return magnitude_to_audio(S, meta, method=method,
                              loudness_known=loudness_known or meta is not fallback,
                              normalise_dbfs=normalise_dbfs, true_phase=true_phase,
                              score=score, **phase_options)


def magnitude_to_audio(
    S: np.ndarray,
    meta: ImageMeta,
    *,
    method: str = DEFAULT_METHOD,
    loudness_known: bool = True,
    normalise_dbfs: float = -1.0,
    true_phase: np.ndarray | None = None,
    score: bool = False,
    **phase_options,
) -> Inversion:
    """The second half of :func:`invert_image`: decoded magnitudes to audio.

    ``S`` and ``meta`` are what :func:`image_to_magnitude` returns (with ``fit_mel`` False
    for :data:`MEL_METHOD`); the other parameters are those of :func:`invert_image`
    (``phase_options`` may include a ``callback``).
    """
    filters = mel_filter_bank(meta) if method == MEL_METHOD and meta.y_axis == "mel" else None
    y = reconstruct(S, meta.stft, method, length=meta.length, true_phase=true_phase,
                    filters=filters, mel_power=meta.mel_power, **phase_options)
    consistency = consistency_sc_db(y, S, meta, method) if score else None
    if not loudness_known:
        peak = float(np.max(np.abs(y), initial=0.0))
        if peak > 0:
            y = (y * (10 ** (normalise_dbfs / 20) / peak)).astype(np.float32)
    return Inversion(y, meta, loudness_known, consistency, method)


def consistency_sc_db(y: np.ndarray, S: np.ndarray, meta: ImageMeta, method: str) -> float:
    """How consistent a reconstruction came out: the spectral convergence (dB) of ``y``'s STFT
    magnitudes against the picture it was rebuilt from; no original needed.

    ``S`` is what the phase method was given (:func:`magnitude_to_audio`). For a mel picture
    both sides are compared as mel bands (of ``|S|**meta.mel_power``, taken back to amplitude),
    since the picture fixes only those: the bands of ``y`` against the picture's (``S`` itself
    for :data:`MEL_METHOD`, else the bands of the magnitudes fitted to them).
    """
    if len(y) == 0:  # a picture of no samples: no frame to take
        return spectral_convergence_db(S, np.zeros_like(S))
    # specimg's own transform (ducc0) rather than librosa.stft, whose import (scipy.signal)
    # costs a command about 2 s
    rebuilt = portable.magnitude(Stft(meta.stft, len(y), workers=1).forward(y)).T
    if meta.y_axis != "mel":
        return spectral_convergence_db(S, rebuilt)
    filters, power = mel_filter_bank(meta), meta.mel_power
    bands = S if method == MEL_METHOD else filters @ S**power
    return spectral_convergence_db(bands ** (1 / power), (filters @ rebuilt**power) ** (1 / power))
