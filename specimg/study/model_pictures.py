"""Which picture of an image model's size keeps the most sound: one clip, one variant, scored.

A variant is a square size (``W = H`` px), a representation that fills it and a codec:

- ``linear``: linear STFT bins filling the height (:func:`.formats.fit`: ``n_fft = 2 (H - 1)``,
  hop ``n_fft / 4``);
- ``linear_n2048``: ``n_fft`` 2048, hop 512, its lowest ``H`` bins;
- ``mel``: ``H`` Slaney mel bands of a 2048/512 STFT (specimg's dB map, peak kept);
- ``audio_diffusion``: audio-diffusion's picture (:func:`.preset_pictures.audio_diffusion_picture`,
  ``H`` bands; no loudness kept);
- ``riffusion``: Riffusion's picture (:func:`.preset_pictures.riffusion_picture`, 44.1 kHz,
  ``H`` HTK bands of ``|STFT|``, power-law levels).

The codec (``png8``, ``png16``, ``jpegNN``) applies to the first three; the formats' own pictures
are what their code writes (8-bit PNG). Each picture is inverted three ways (:data:`METHODS`):
``true_phase`` (its decoded magnitudes with the original's phase: the floor), ``best``
(``pghi_raar`` for linear pictures, ``mel_gla`` for mel ones) and ``naive`` (``librosa_fgla``
for linear pictures, ``mel_to_audio`` for specimg's and audio-diffusion's mel pictures,
Riffusion's own least squares + Griffin-Lim for its own). Every output is scored on ONE
reference STFT (:data:`REFERENCE_N_FFT` / :data:`REFERENCE_HOP` at the clip's rate, bins up to
the representation's top frequency), so that SC compares across representations, beside its
SC on the representation's own STFT; a picture that keeps no loudness is scored after the best
single gain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import librosa
import numpy as np

from ..core import portable
from ..core.spectrum import StftConfig, stft
from ..encoding import audio_to_image
from ..image.formats import PictureFormat, fit
from ..image.metadata import ImageMeta
from ..image.preset_pictures import (
    audio_diffusion_own_inverse,
    audio_diffusion_picture,
    mel_power_own_inverse,
    riffusion_own_inverse,
    riffusion_picture,
)
from ..image.presets import AUDIO_DIFFUSION, RIFFUSION, preset_meta
from ..inversion import MEL_METHOD, image_to_magnitude, magnitude_to_audio
from .metrics import pesq_wb, spectral_convergence_db, stoi

__all__ = ["CODECS", "METHODS", "REFERENCE_HOP", "REFERENCE_N_FFT", "REPRESENTATIONS",
           "Picture", "Variant", "make_picture", "reconstruct_picture", "sc_after_gain",
           "score_variant"]

#: Representations that fill a picture, in table order.
REPRESENTATIONS = ("linear", "linear_n2048", "mel", "audio_diffusion", "riffusion")
#: Codecs of specimg's own pictures.
CODECS = ("png8", "png16", "jpeg95")
#: How each picture is inverted: the floor, specimg's best method, the naive or own inverse.
METHODS = ("true_phase", "best", "naive")
#: The one STFT every output is scored on (samples at the clip's rate).
REFERENCE_N_FFT, REFERENCE_HOP = 2048, 512
#: Shortest clip PESQ scores (s); shorter ones get NaN.
PESQ_MIN_SECONDS = 0.25
#: ``n_fft`` of the ``linear_n2048`` and ``mel`` representations.
N_FFT_2048 = 2048


@dataclass(frozen=True)
class Variant:
    """One picture of one clip: ``size x size`` px, a representation, a codec."""

    size: int
    representation: str
    codec: str = "png8"

    def problems(self) -> list[str]:
        """What makes the variant impossible (empty if nothing)."""
        found = []
        if self.representation not in REPRESENTATIONS:
            found.append(f"representation={self.representation!r} must be one of "
                         f"{', '.join(REPRESENTATIONS)}")
        elif self.representation in ("audio_diffusion", "riffusion") and self.codec != "png8":
            found.append(f"codec={self.codec!r}: {self.representation} pictures are the format's "
                         "own 8-bit PNG (use png8)")
        if not isinstance(self.size, int) or self.size < 8:
            found.append(f"size={self.size!r} must be an integer of at least 8 px")
        return found

    def clip_length(self, sr: int) -> int:
        """Samples at ``sr`` (Hz) of the audio one picture holds: exactly ``size`` columns."""
        if self.representation == "riffusion":  # 1 + length // hop columns at 44.1 kHz
            return round((self.size - 0.5) * RIFFUSION.stft.hop_length * sr / RIFFUSION.sample_rate)
        return self.picture_format(sr).clip_length

    def picture_format(self, sr: int) -> PictureFormat:
        """specimg's format of the picture (linear and mel representations)."""
        size, kind = self.size, self.representation
        if kind == "linear":
            fmt = fit(size, size, sr=sr)
        elif kind == "linear_n2048":
            fmt = fit(size, size, sr=sr, n_fft=N_FFT_2048)
        else:  # mel, and audio-diffusion's numbers (2048 / 512, Slaney bands)
            fmt = fit(size, size, sr=sr, y_axis="mel", n_fft=N_FFT_2048,
                      hop_length=AUDIO_DIFFUSION.hop_length)
        return replace(fmt, encoding=self.codec)


@dataclass(frozen=True)
class Picture:
    """A variant's picture of a clip, decoded.

    Attributes
    ----------
    data : bytes
        The picture file.
    meta : ImageMeta
        Its parameters (read from it, or the format's for a picture that carries none).
    y : np.ndarray
        The clip at the representation's rate (``meta.sr``), the picture's source.
    top_hz : float
        Highest frequency the picture keeps (Hz).
    loudness_known : bool
        Whether the picture keeps the clip's level (else outputs are scored after a gain).
    """

    data: bytes
    meta: ImageMeta
    y: np.ndarray
    top_hz: float
    loudness_known: bool


def make_picture(y: np.ndarray, sr: int, variant: Variant) -> Picture:
    """The picture of ``variant`` of the clip ``y`` (``variant.clip_length(sr)`` samples at
    ``sr`` Hz); ``ValueError`` naming the problem for an impossible variant."""
    found = variant.problems()
    if found:
        raise ValueError("; ".join(found))
    size, kind = variant.size, variant.representation
    if kind == "riffusion":
        picture_format = replace(RIFFUSION, n_mels=size)
        data = riffusion_picture(y, sr, picture_format=picture_format)
        meta = image_to_magnitude(data, fit_mel=False)[1]
        clip = librosa.resample(np.asarray(y, np.float32), orig_sr=sr, target_sr=meta.sr)
        return Picture(data, meta, clip.astype(np.float32), float(RIFFUSION.fmax), False)
    if kind == "audio_diffusion":
        data = audio_diffusion_picture(y, sr, picture_format=replace(
            AUDIO_DIFFUSION, sample_rate=sr, n_mels=size))
        meta = replace(preset_meta("audio-diffusion", size, size), stft=StftConfig(
            sr, AUDIO_DIFFUSION.n_fft, AUDIO_DIFFUSION.hop_length))
        return Picture(data, meta, y, sr / 2, False)
    fmt = variant.picture_format(sr)
    data = audio_to_image(y, fmt)
    meta = image_to_magnitude(data, fit_mel=False)[1]
    top = sr / 2 if not fmt.n_rows_kept else (fmt.n_rows_kept - 1) * sr / fmt.stft.n_fft
    return Picture(data, meta, y, top, True)


def reconstruct_picture(picture: Picture, method: str, *, n_iter: int = 100,
                        naive_n_iter: int = 32) -> np.ndarray:
    """A picture back to audio at its rate (``meta.length`` samples) by one of :data:`METHODS`.

    ``n_iter`` iterations for ``best``, ``naive_n_iter`` for ``naive``; seeded, one thread.
    """
    meta, data = picture.meta, picture.data
    fallback = None if picture.loudness_known or meta.encoding == "riffusion" else meta
    mel = meta.y_axis == "mel"
    if method == "naive" and meta.encoding == "riffusion":
        fmt = replace(RIFFUSION, n_mels=meta.n_mels, n_iter=naive_n_iter)
        return riffusion_own_inverse(data, meta.length, picture_format=fmt)
    if method == "naive" and meta.encoding == "audio-diffusion":
        fmt = replace(AUDIO_DIFFUSION, sample_rate=meta.sr, n_mels=meta.n_mels,
                      n_iter=naive_n_iter)
        return audio_diffusion_own_inverse(data, meta.length, picture_format=fmt)
    if method not in METHODS:
        raise ValueError(f"method={method!r} must be one of {', '.join(METHODS)}")
    fit_mel = not (mel and method in ("best", "naive"))
    S, meta = image_to_magnitude(data, fallback=fallback, fit_mel=fit_mel)
    if method == "naive" and mel:
        return mel_power_own_inverse(S, sr=meta.sr, n_fft=meta.stft.n_fft,
                                     hop_length=meta.stft.hop_length, length=meta.length,
                                     n_iter=naive_n_iter)
    if method == "true_phase":
        phase = portable.angle(stft(picture.y, meta.stft))[:, : S.shape[1]]
        options = {"method": "oracle", "true_phase": phase}
    elif method == "best":
        options = {"method": MEL_METHOD if mel else "pghi_raar", "n_iter": n_iter}
    else:
        options = {"method": "librosa_fgla", "n_iter": naive_n_iter}
    return magnitude_to_audio(S, meta, workers=1, random_state=0, **options).y


def sc_after_gain(S: np.ndarray, estimate: np.ndarray) -> float:
    """SC (dB) of magnitudes ``estimate`` against ``S`` after the single gain that fits best."""
    estimate = np.asarray(estimate, np.float64)[:, : S.shape[1]]
    S = np.asarray(S, np.float64)[:, : estimate.shape[1]]
    gain = float(np.sum(S * estimate) / max(np.sum(estimate * estimate), 1e-30))
    return spectral_convergence_db(S, gain * estimate)


def _sc(S: np.ndarray, estimate: np.ndarray, gain: bool) -> float:
    return sc_after_gain(S, estimate) if gain else spectral_convergence_db(S, estimate)


def _magnitudes(y: np.ndarray, length: int, config: StftConfig, top_hz: float) -> np.ndarray:
    """``|STFT|`` of ``y`` cut or zero-padded to ``length`` samples, bins up to ``top_hz``."""
    y = np.asarray(y[:length], np.float32)
    y = np.pad(y, (0, length - len(y)))
    return portable.magnitude(stft(y, config))[: _bins(config, top_hz)]


def _bins(config: StftConfig, top_hz: float) -> int:
    """Bins of ``config`` at or under ``top_hz`` (Hz)."""
    return int(top_hz / config.sr * config.n_fft + 1e-9) + 1


def score_variant(y: np.ndarray, sr: int, variant: Variant, *, speech: bool = False,
                  n_iter: int = 100, naive_n_iter: int = 32,
                  methods: tuple[str, ...] = METHODS) -> list[dict]:
    """Make ``variant``'s picture of the clip ``y`` and score every method's inversion of it.

    Parameters
    ----------
    y : np.ndarray
        The clip, ``variant.clip_length(sr)`` samples at ``sr`` (Hz), full scale 1.0.
    sr : int
        Its rate (Hz); the reference STFT is 2048 / 512 samples at this rate.
    variant : Variant
        The picture.
    speech : bool
        Also score PESQ-WB (of clips of :data:`PESQ_MIN_SECONDS` or more) and STOI (NaN
        otherwise).
    n_iter, naive_n_iter : int
        Iterations of the best and of the naive method.
    methods : tuple of str
        Which of :data:`METHODS`.

    Returns
    -------
    list of dict
        One row per method: ``size``, ``representation``, ``codec``, ``method``,
        ``seconds_per_picture`` (s), ``bytes``, ``top_hz``, ``sc_db`` (on the reference STFT,
        bins up to ``top_hz``), ``full_band_sc_db`` (every bin up to ``sr / 2``: what the
        picture leaves out counts as lost), ``own_sc_db`` (on the representation's STFT),
        ``gain_fitted``, ``pesq_wb``, ``stoi``.
    """
    picture = make_picture(y, sr, variant)
    reference = StftConfig(sr, REFERENCE_N_FFT, REFERENCE_HOP)
    gain = not picture.loudness_known
    S_full = _magnitudes(y, len(y), reference, sr / 2)
    S_reference = S_full[: _bins(reference, picture.top_hz)]
    S_own = _magnitudes(picture.y, len(picture.y), picture.meta.stft, picture.top_hz)
    rows = []
    for method in methods:
        z = reconstruct_picture(picture, method, n_iter=n_iter, naive_n_iter=naive_n_iter)
        z_own = np.asarray(z, np.float32)
        z = z_own if picture.meta.sr == sr else librosa.resample(
            z_own, orig_sr=picture.meta.sr, target_sr=sr)
        z = np.pad(z[: len(y)], (0, max(0, len(y) - len(z))))
        if gain:  # the best single gain, on the reference STFT, for PESQ and STOI too
            S_z = _magnitudes(z, len(y), reference, picture.top_hz)
            z = z * float(np.sum(S_reference * S_z) / max(np.sum(S_z * S_z), 1e-30))
        Z_full = _magnitudes(z, len(y), reference, sr / 2)
        nan = float("nan")
        rows.append({
            "size": variant.size, "representation": variant.representation,
            "codec": variant.codec, "method": method,
            "seconds_per_picture": round(len(y) / sr, 3), "bytes": len(picture.data),
            "top_hz": round(picture.top_hz, 1),
            "sc_db": spectral_convergence_db(S_reference, Z_full[: len(S_reference)]),
            "full_band_sc_db": spectral_convergence_db(S_full, Z_full),
            "own_sc_db": _sc(S_own, _magnitudes(z_own, len(picture.y), picture.meta.stft,
                                                picture.top_hz), gain),
            "gain_fitted": gain,
            "pesq_wb": pesq_wb(y, z, sr) if speech and len(y) >= PESQ_MIN_SECONDS * sr else nan,
            "stoi": stoi(y, z, sr) if speech else nan,
        })
    return rows
