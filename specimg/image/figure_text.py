"""What a matplotlib spectrogram figure says about itself: its tick labels and colour bar.

A notebook figure (``specshow(..., x_axis='time', y_axis='hz')``, ``colorbar(format='%+2.0f
dB')``) writes its duration, frequency range and dB range in tick labels. They are read here
without an OCR engine (:mod:`.glyphs`: matplotlib renders candidate text at the figure's text
size) and turned into numbers by least-squares lines through (tick px, label value) pairs.
Where the plot area and the ticks are comes from :mod:`.figure` (the axes finder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .figure_labels import Label, read_tick_labels
from .raster import Box

__all__ = ["Box", "FigureAxes", "colorbar_colours", "read_figure_axes"]

YAxis = Literal["hz", "log", "mel"]

#: Sample rates a frequency axis that tops out at ``sr / 2`` is taken to show.
COMMON_SR = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000)
#: The top edge of a linear or log axis is ``sr / 2`` plus half a bin (0.4 % at n_fft 256); a
#: mel axis's is half a band past ``sr / 2`` (measured: 1.3 % for 128 bands, 5.0 % for 40 at
#: 44.1 kHz).
_SR_RATIO = {"hz": (0.998, 1.005), "log": (0.998, 1.005), "mel": (0.998, 1.052)}
#: How far (px) the top edge may be off: an axes finder's box is good to about 0.5 px. Near the
#: top of a log axis at 72 dpi (6 x 3 in) 0.75 px is 3.9 % of the frequency.
_EDGE_PX = 0.75
#: A label value off its axis's fitted line by more than this (px) is left out of the fit
#: (librosa's ``{:.2g}`` labels ``10.5`` as ``10``).
_INLIER_PX = 1.5
#: A frequency scale fits its labels when they lie this close (rms px) to its line.
_FIT_RMS_PX = 1.0


@dataclass(frozen=True, eq=False)
class FigureAxes:
    """What a figure's labels say; None for anything that could not be read.

    Attributes
    ----------
    duration_s : float or None
        Seconds the plot area's width spans.
    y_axis : {'hz', 'log', 'mel'} or None
        librosa's frequency axis type, told from how the frequency labels are spaced.
    fmin_hz, fmax_hz : float or None
        Frequencies (Hz) at the plot area's bottom and top edges.
    sr : int or None
        Sample rate (Hz), when the frequency axis tops out at ``sr / 2``.
    top_db : float or None
        The colour bar's range (dB), from its labels.
    colormap_rgb : np.ndarray or None
        ``(n, 3)`` uint8 colours of the colour bar strip, one per pixel row, lowest level first.
    notes : tuple of str
        What was read, for ``specimg info``.
    """

    duration_s: float | None = None
    y_axis: YAxis | None = None
    fmin_hz: float | None = None
    fmax_hz: float | None = None
    sr: int | None = None
    top_db: float | None = None
    colormap_rgb: np.ndarray | None = None
    notes: tuple[str, ...] = field(default=())


def read_figure_axes(
    rgb: np.ndarray,
    plot: Box,
    colorbar: Box | None,
    x_ticks: list[float],
    y_ticks: list[float],
    colorbar_ticks: list[float],
) -> FigureAxes:
    """Read a spectrogram figure's time and frequency labels and its colour bar.

    Parameters
    ----------
    rgb : np.ndarray
        ``(H, W, 3)`` uint8 figure, dark text on a white background.
    plot : Box
        The plot area (the axes box) in figure px.
    colorbar : Box or None
        The colour bar's strip in figure px, if the figure has one.
    x_ticks, y_ticks : list of float
        Tick mark positions (figure px) along x below the plot area and along y left of it.
    colorbar_ticks : list of float
        Tick mark positions (figure px along y) right of the colour bar.

    Returns
    -------
    FigureAxes
        The values read; a label that cannot be read is left out, never guessed.

    Raises
    ------
    ValueError
        If ``rgb`` is not ``(H, W, 3)`` uint8 or ``plot`` is empty.
    """
    if rgb.ndim != 3 or rgb.shape[2] < 3 or rgb.dtype != np.uint8:
        raise ValueError(f"rgb of shape {rgb.shape} and dtype {rgb.dtype}: need (H, W, 3) uint8")
    left, top, right, bottom = plot
    if not (right > left and bottom > top):
        raise ValueError(f"plot={plot}: need left < right and top < bottom (figure px)")
    labels = read_tick_labels(rgb, plot, colorbar, x_ticks, y_ticks, colorbar_ticks)
    notes: list[str] = []
    duration = _read_time(labels.x, right - left, notes)
    y_axis, fmin, fmax, sr = _read_frequency(labels.y, top, bottom, notes)
    top_db = colormap = None
    if colorbar is not None:
        top_db = _read_db(labels.colorbar, colorbar[1], colorbar[3], notes)
        colormap = colorbar_colours(rgb, colorbar)
    return FigureAxes(
        duration_s=duration, y_axis=y_axis, fmin_hz=fmin, fmax_hz=fmax, sr=sr,
        top_db=top_db, colormap_rgb=colormap, notes=tuple(notes),
    )


def colorbar_colours(rgb: np.ndarray, colorbar: Box) -> np.ndarray | None:
    """The colour bar strip's colour in each pixel row, lowest level (bottom) first.

    The median over the strip's middle columns, clear of its outline, so JPEG noise and
    ringing at the edges are left out. None for a strip too small to sample.
    """
    left, top, right, bottom = colorbar
    inset = max(2, int(0.2 * (right - left)))
    c0, c1 = int(np.ceil(left)) + inset, int(np.floor(right)) - inset
    r0, r1 = int(np.ceil(top)) + 1, int(np.floor(bottom)) - 1
    if c1 <= c0 or r1 - r0 < 2:
        return None
    strip = np.median(rgb[r0:r1, c0:c1, :3].astype(np.float32), axis=1)
    return np.round(strip[::-1]).astype(np.uint8)


_NUMBER = r"[-\u2212+]?\d+(?:\.\d+)?"


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def _time_value(text: str) -> float | None:
    if re.fullmatch(_NUMBER, text):
        return _number(text)
    parts = re.fullmatch(r"(\d+):(\d\d)(?::(\d\d))?", text)
    if parts is None:
        return None
    values = [int(p) for p in parts.groups() if p is not None]
    return float(sum(v * 60 ** (len(values) - 1 - i) for i, v in enumerate(values)))


def _fit_line(px: np.ndarray, values: np.ndarray) -> tuple[float, float, np.ndarray] | None:
    """Least-squares ``value = a * px + b`` through the pairs most pairs agree with.

    Every pair of points proposes a line; the one most points lie within ``_INLIER_PX`` of
    wins and is refitted on those points. None with fewer than two points, or when no line
    holds more than half of them.
    """
    if px.size < 2:
        return None
    best = np.zeros(px.size, bool)
    for i in range(px.size):
        for j in range(i + 1, px.size):
            if px[i] == px[j] or values[i] == values[j]:
                continue
            slope = (values[j] - values[i]) / (px[j] - px[i])
            miss = np.abs(values - (values[i] + slope * (px - px[i]))) / abs(slope)
            inliers = miss <= _INLIER_PX
            if inliers.sum() > best.sum():
                best = inliers
    if best.sum() < 2 or 2 * best.sum() <= px.size:
        return None
    a, b = np.polyfit(px[best], values[best], 1)
    return float(a), float(b), best


def _read_time(labels: list[Label], width_px: float, notes: list[str]) -> float | None:
    pairs = [(lab.tick, _time_value(lab.text)) for lab in labels]
    pairs = [(t, v) for t, v in pairs if v is not None]
    fit = _fit_line(*map(np.array, zip(*pairs, strict=True))) if len(pairs) >= 2 else None
    if fit is None:
        notes.append(f"time axis: not read ({len(pairs)} labels)")
        return None
    a, _, used = fit
    duration = round(a * width_px, 4)
    shown = ", ".join(lab.text for lab in labels)
    notes.append(f"time axis: {shown} ({int(used.sum())} used): {duration:g} s")
    return duration


def _scales():
    from matplotlib.scale import SymmetricalLogTransform

    # librosa.display's scales: 'log' is symlog base 2 linear below C2 (65.4 Hz) at half
    # scale, 'mel' symlog base 2 linear below 1 kHz.
    return {
        "hz": None,
        "log": SymmetricalLogTransform(2, 65.40639132514966, 0.5),
        "mel": SymmetricalLogTransform(2, 1000.0, 1.0),
    }


def _scale_fit(px: np.ndarray, hz: np.ndarray, transform, leave_out: int | None):
    """``px = a * T(hz) + b`` by least squares (without label ``leave_out``): rms px, a, b, T."""
    keep = np.ones(px.size, bool)
    if leave_out is not None:
        keep[leave_out] = False
    scaled = hz[keep] if transform is None else transform.transform(hz[keep])
    a, b = np.polyfit(scaled, px[keep], 1)
    rms = float(np.sqrt(np.mean((a * scaled + b - px[keep]) ** 2)))
    return rms, float(a), float(b), transform, -1 if leave_out is None else leave_out


def _read_frequency(labels: list[Label], top: float, bottom: float, notes: list[str]):
    pairs = [(lab.tick, _number(lab.text)) for lab in labels if re.fullmatch(_NUMBER, lab.text)]
    if len({hz for _, hz in pairs}) < 3 or len({px for px, _ in pairs}) < 3:
        notes.append(f"frequency axis: not read ({len(pairs)} labels)")
        return None, None, None, None
    px, hz = map(np.array, zip(*pairs, strict=True))
    fits = {name: _scale_fit(px, hz, t, None) for name, t in _scales().items()}
    dropped = ""
    if min(f[0] for f in fits.values()) > _FIT_RMS_PX and len(pairs) >= 5:
        # No scale fits every label: one may be misread; try each scale without each label.
        fits = {
            name: min(_scale_fit(px, hz, t, i) for i in range(len(pairs)))
            for name, t in _scales().items()
        }
        dropped = " (one label left out)"
    ranked = sorted(fits, key=lambda n: fits[n][0])
    best, runner_up = ranked[0], ranked[1]
    rms, a, b, transform = fits[best][:4]
    shown = ", ".join(lab.text for lab in labels) + dropped
    if rms > _FIT_RMS_PX or fits[runner_up][0] < 3 * max(rms, 0.1):
        notes.append(f"frequency axis: {shown}: no scale fits alone (rms {rms:.2f} px)")
        return None, None, None, None

    def at(row: float) -> float:
        scaled = (row - b) / a
        return float(scaled if transform is None else transform.inverted().transform(scaled))

    fmin, fmax = round(at(bottom), 2), round(at(top), 2)
    # The rates whose top edge lies within what the edge's uncertainty allows; one, or none.
    low, high = _SR_RATIO[best]
    reach = (at(top + _EDGE_PX), at(top - _EDGE_PX))
    rates = [r for r in COMMON_SR if reach[0] <= high * r / 2 and low * r / 2 <= reach[1]]
    sr = rates[0] if len(rates) == 1 else None
    notes.append(
        f"frequency axis: {shown}: {best}, {fmin:g} to {fmax:g} Hz"
        + (f", sr {sr}" if sr else "")
    )
    return best, fmin, fmax, sr


def _read_db(labels: list[Label], top: float, bottom: float, notes: list[str]) -> float | None:
    pairs = []
    for lab in labels:
        value = re.fullmatch(rf"({_NUMBER})(?: dB)?", lab.text)
        if value is not None:
            pairs.append((lab.tick, _number(value.group(1))))
    fit = _fit_line(*map(np.array, zip(*pairs, strict=True))) if len(pairs) >= 2 else None
    if fit is None:
        notes.append(f"colour bar: not read ({len(pairs)} labels)")
        return None
    a, b, used = fit
    top_db = round(a * (bottom - top) * -1, 2)
    shown = ", ".join(lab.text for lab in labels)
    notes.append(
        f"colour bar: {shown} ({int(used.sum())} used): {round(a * bottom + b, 2) + 0.0:g} to"
        f" {round(a * top + b, 2) + 0.0:g} dB, top_db {top_db:g}"
    )
    return top_db
