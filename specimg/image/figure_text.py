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

from .figure_labels import Label, LabelFinder
from .glyphs import ink

__all__ = ["Box", "FigureAxes", "read_figure_axes"]

#: (left, top, right, bottom) in figure px, fractional.
Box = tuple[float, float, float, float]
YAxis = Literal["hz", "log", "mel"]

#: Sample rates a frequency axis that tops out at ``sr / 2`` is taken to show.
COMMON_SR = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000)
#: The top edge of a linear or log axis is ``sr / 2`` plus half a bin (0.4 % at n_fft 256); a
#: mel axis's is half a band past ``sr / 2`` (measured: 1.3 % for 128 bands, 5.0 % for 40 at
#: 44.1 kHz). Both ranges stay clear of the next common rate (8.8 % up).
_SR_RATIO = {"hz": (0.997, 1.006), "log": (0.997, 1.006), "mel": (0.997, 1.055)}
#: Glyphs of one label are at most this far apart (em): ':' then '1' (0:10) leave 0.3 em; a
#: space (0.32 em and the glyphs' side bearings) splits a colour bar label into pieces that are
#: joined afterwards (``-80`` + ``dB``). A y axis's own label is 0.4 em or more from the widest
#: tick label.
_GLYPH_GAP_EM = 0.25
_TIGHT_GAP_EM = 0.36
#: A label value off its axis's fitted line by more than this (px) is left out of the fit
#: (librosa's ``{:.2g}`` labels ``10.5`` as ``10``).
_INLIER_PX = 1.5


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
    """
    left, top, right, bottom = plot
    finder = LabelFinder(ink(rgb))
    notes: list[str] = []
    height, width = rgb.shape[:2]
    right_end = int(np.floor(colorbar[0])) if colorbar else width
    below = finder.clusters(
        (int(np.floor(bottom)) + 1, height), (0, right_end), "top", _TIGHT_GAP_EM
    )
    if below:
        first = min(c.top for c in below)
        below = [c for c in below if c.top <= first + 0.3 * finder.px]
    finder.refine_size(below)
    x_labels = _labels_below(finder, below, x_ticks)
    duration = _read_time(x_labels, right - left, notes)

    margin = int(np.ceil(1.2 * finder.px)) if finder.px else 0
    rows = (int(np.floor(top)) - margin, int(np.ceil(bottom)) + margin)
    beside = finder.clusters(rows, (0, int(np.ceil(left)) - 1), "right", _TIGHT_GAP_EM)
    if not below:
        finder.refine_size(beside)
    y_labels = _labels_beside(finder, beside, y_ticks, nearest=max)
    y_axis, fmin, fmax, sr = _read_frequency(y_labels, top, bottom, notes)

    top_db = colormap = None
    if colorbar is not None:
        _, cb_top, cb_right, cb_bottom = colorbar
        rows = (int(np.floor(cb_top)) - margin, int(np.ceil(cb_bottom)) + margin)
        strip = finder.clusters(
            rows, (int(np.floor(cb_right)) + 1, width), "left", _GLYPH_GAP_EM
        )
        db_labels = _labels_beside(finder, strip, colorbar_ticks, nearest=min)
        top_db = _read_db(db_labels, cb_top, cb_bottom, notes)
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


def _labels_below(finder: LabelFinder, clusters, ticks) -> list[Label]:
    out = []
    for tick in ticks:
        near = [c for c in clusters if c.left - 1 <= tick <= c.right + 1]
        if not near:
            continue
        cluster = min(near, key=lambda c: abs(c.centre_x - tick))
        if abs(cluster.centre_x - tick) > 0.25 * (cluster.right - cluster.left) + 1.5:
            continue
        text, error = finder.read(cluster)
        if text is not None:
            out.append(Label(tick, text, error))
    return out


def _labels_beside(finder: LabelFinder, clusters, ticks, nearest) -> list[Label]:
    """Labels left (``nearest=max``: rightmost cluster) or right (``min``) of a vertical axis."""
    out = []
    for tick in ticks:
        line = [c for c in clusters if c.top - 1 <= tick <= c.bottom + 1]
        if not line:
            continue
        edge = nearest(c.right if nearest is max else c.left for c in line)
        first = next(c for c in line if (c.right if nearest is max else c.left) == edge)
        text, error = finder.read(first)
        if text is None:
            continue
        if nearest is min:  # a unit after a space: '-80' then 'dB'
            rest = sorted((c for c in line if c.left > first.right), key=lambda c: c.left)
            if rest and rest[0].left - first.right < 0.6 * finder.px:
                unit, unit_error = finder.read(rest[0])
                if unit == "dB":
                    text, error = f"{text} dB", max(error, unit_error)
        out.append(Label(tick, text, error))
    return out


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


def _read_frequency(labels: list[Label], top: float, bottom: float, notes: list[str]):
    pairs = [(lab.tick, _number(lab.text)) for lab in labels if re.fullmatch(_NUMBER, lab.text)]
    if len(pairs) < 3:
        notes.append(f"frequency axis: not read ({len(pairs)} labels)")
        return None, None, None, None
    px, hz = map(np.array, zip(*pairs, strict=True))
    fits = {}
    for name, transform in _scales().items():
        scaled = hz if transform is None else transform.transform(hz)
        a, b = np.polyfit(scaled, px, 1)
        rms = float(np.sqrt(np.mean((a * scaled + b - px) ** 2)))
        fits[name] = (rms, a, b, transform)
    ranked = sorted(fits, key=lambda n: fits[n][0])
    best, runner_up = ranked[0], ranked[1]
    rms, a, b, transform = fits[best]
    shown = ", ".join(lab.text for lab in labels)
    if rms > 1.0 or fits[runner_up][0] < 3 * max(rms, 0.1):
        notes.append(f"frequency axis: {shown}: no scale fits alone (rms {rms:.2f} px)")
        return None, None, None, None

    def at(row: float) -> float:
        scaled = (row - b) / a
        return float(scaled if transform is None else transform.inverted().transform(scaled))

    fmin, fmax = round(at(bottom), 2), round(at(top), 2)
    low, high = _SR_RATIO[best]
    rates = [sr for sr in COMMON_SR if low <= fmax / (sr / 2) <= high]
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
        f"colour bar: {shown} ({int(used.sum())} used): {a * bottom + b:g} to {a * top + b:g}"
        f" dB, top_db {top_db:g}"
    )
    return top_db
