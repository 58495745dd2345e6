"""What is given about pictures without specimg metadata (a card, a preset, the values a user
knows), and the parameters it makes, else librosa's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from ..core.spectrum import StftConfig
from ..image.metadata import ImageMeta
from ..image.presets import PRESETS, preset_meta
from ..util import checks

if TYPE_CHECKING:
    from ..image.card import Card

__all__ = ["FOREIGN_DEFAULTS", "NORMALISED_PEAK_DBFS", "ForeignParams", "fallback_meta",
           "preset_fallback"]

#: Parameters of pictures without metadata when no flag gives them (librosa's defaults, and
#: specshow's drawing).
FOREIGN_DEFAULTS = {"sr": 22050, "n_fft": 2048, "hop_length": 512, "top_db": 80.0,
                    "cmap": "gray", "y_axis": "hz", "n_mels": 128, "fmin": 0.0,
                    "layout": "specshow", "low_row": "bottom"}
#: Sample peak (dB re full scale) of audio whose picture carries no loudness.
NORMALISED_PEAK_DBFS = -1.0
#: The range check of each value :class:`ForeignParams` may be given.
_VALUE_CHECKS = {"sr": checks.sample_rate, "n_fft": checks.fft_size,
                 "hop_length": checks.hop_length, "top_db": checks.top_db,
                 "n_mels": checks.n_mels, "fmin": checks.fmin, "fmax": checks.fmax,
                 "frames": checks.frame_count, "duration": checks.duration,
                 "peak_db": checks.peak_db}


@dataclass(frozen=True)
class ForeignParams:
    """What is given about pictures without specimg metadata; None: not given.

    The fields named in :data:`FOREIGN_DEFAULTS` take their default there when not given
    (:meth:`value`); a ``preset`` gives way only to those given.

    Attributes
    ----------
    sr : int, optional
        Sample rate (Hz).
    n_fft, hop_length : int, optional
        FFT size and hop (samples).
    top_db : float, optional
        dB range from black to white.
    cmap : str, optional
        matplotlib colour map the picture was drawn with.
    y_axis : {"hz", "mel", "log"}, optional
        specshow's ``y_axis``; mel pictures are dB of mel power.
    n_mels : int, optional
        Mel bands.
    fmin, fmax : float, optional
        Lowest and highest mel frequency (Hz; ``fmax`` None: ``sr / 2``).
    layout : {"specshow", "grid"}, optional
        Drawn by ``librosa.display.specshow``, or one uniform row per band.
    low_row : {"bottom", "top"}, optional
        Where the lowest band is.
    preset : str, optional
        A known format's parameters (:data:`specimg.image.presets.PRESETS`).
    frames : int, optional
        STFT frames in each picture; with neither ``frames`` nor ``duration`` they are
        counted from the picture's cell edges.
    duration : float, optional
        Seconds of audio in each picture.
    peak_db : float, optional
        Level of the brightest pixel (dB re amplitude 1.0); None: unknown, the audio is
        normalised to :data:`NORMALISED_PEAK_DBFS`.
    card : Card, optional
        The card of the folder's pictures (:func:`specimg.image.card.read_card`): every
        parameter but the loudness; nothing else but ``peak_db`` may be given with it.
    """

    sr: int | None = None
    n_fft: int | None = None
    hop_length: int | None = None
    top_db: float | None = None
    cmap: str | None = None
    y_axis: str | None = None
    n_mels: int | None = None
    fmin: float | None = None
    layout: str | None = None
    low_row: str | None = None
    fmax: float | None = None
    preset: str | None = None
    frames: int | None = None
    duration: float | None = None
    peak_db: float | None = None
    card: Card | None = None

    @property
    def given(self) -> set[str]:
        """The names of :data:`FOREIGN_DEFAULTS` given."""
        return {name for name in FOREIGN_DEFAULTS if getattr(self, name) is not None}

    def value(self, name: str) -> object:
        """The field ``name``: as given, else its :data:`FOREIGN_DEFAULTS` entry."""
        value = getattr(self, name)
        return FOREIGN_DEFAULTS.get(name) if value is None else value

    def check(self, names: Mapping[str, str] | None = None) -> None:
        """Each value given within its range, and the values together: hop within n_fft,
        ``0 <= fmin < fmax <= sr / 2``, a duration of two frames or more, not both frames and
        duration; with a preset, a value left out is the preset's.

        Parameters
        ----------
        names : mapping, optional
            How to name each value in a message (the command's flags,
            :func:`specimg.util.checks.flag_names`); by default its keyword.

        Raises
        ------
        ParameterError
            Naming the first value that is out of range, and what is allowed.
        """
        for name, check in _VALUE_CHECKS.items():
            if getattr(self, name) is not None:
                check(getattr(self, name), (names or {}).get(name, name))
        preset = PRESETS[self.preset].meta(2) if self.preset is not None else None
        sr, n_fft, hop, fmin = (
            self.value(name) if preset is None or name in self.given
            else getattr(preset if name == "fmin" else preset.stft, name)
            for name in ("sr", "n_fft", "hop_length", "fmin"))
        fmax = self.fmax if self.fmax is not None or preset is None else preset.fmax or None
        checks.check_stft(n_fft=n_fft, hop_length=hop, names=names)
        checks.check_band(fmin=fmin, fmax=fmax, sr=sr, names=names)
        checks.check_length(frames=self.frames, duration=self.duration, sr=sr, hop_length=hop,
                            names=names)

    def beside_card(self) -> list[str]:
        """The fields given that a card gives too (a card leaves only ``peak_db`` open)."""
        if self.card is None:
            return []
        return [field.name for field in fields(self)
                if field.name not in ("card", "peak_db") and getattr(self, field.name) is not None]


def fallback_meta(given: ForeignParams, counted_frames: int | None = None) -> ImageMeta | None:
    """Parameters for images without specimg metadata, from ``given`` (None if incomplete).

    Without ``frames`` or ``duration``, ``counted_frames`` (counted from the picture) gives
    the length: ``(frames - 1) * hop``, within one hop of the original.
    """
    sr, hop_length = given.value("sr"), given.value("hop_length")
    stft = StftConfig(sr, given.value("n_fft"), hop_length)
    if given.frames is not None or counted_frames is not None:
        n_frames = given.frames if given.frames is not None else counted_frames
        length = (n_frames - 1) * hop_length
    elif given.duration is not None:
        length = round(given.duration * sr)
        n_frames = stft.n_frames(length)
    else:
        return None
    return ImageMeta(
        stft, n_frames=n_frames, length=length,
        peak_db=given.peak_db if given.peak_db is not None else 0.0,
        top_db=given.value("top_db"), encoding="foreign", cmap=given.value("cmap"),
        y_axis=given.value("y_axis"), n_mels=given.value("n_mels"), fmin=given.value("fmin"),
        fmax=given.fmax or 0.0, layout=given.value("layout"), low_row=given.value("low_row"),
    )


def preset_fallback(given: ForeignParams, size: tuple[int, int]) -> ImageMeta:
    """The parameters of a picture of ``size`` (px) in ``given.preset``'s format
    (:func:`specimg.image.presets.preset_meta`: one frame a column, one band a row), with the
    values given in its place; with one that changes the STFT, or ``frames`` or
    ``duration``, the length follows from them as for any picture without metadata."""
    meta = preset_meta(given.preset, *size)
    stft = replace(meta.stft, **{name: getattr(given, name)
                                 for name in ("sr", "n_fft", "hop_length")
                                 if name in given.given})
    own = {name: getattr(given, name) for name in FOREIGN_DEFAULTS
           if name in given.given and name not in ("sr", "n_fft", "hop_length")}
    own.update({name: getattr(given, name) for name in ("fmax", "peak_db")
                if getattr(given, name) is not None})
    meta = replace(meta, stft=stft, **own)
    if given.duration is not None:
        length = round(given.duration * stft.sr)
        return replace(meta, n_frames=stft.n_frames(length), length=length)
    if given.frames is not None or stft != preset_meta(given.preset, *size).stft:
        frames = given.frames or meta.n_frames
        return replace(meta, n_frames=frames, length=(frames - 1) * stft.hop_length)
    return meta
