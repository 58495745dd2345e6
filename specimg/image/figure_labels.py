"""Finding a figure's tick labels beside its axes and reading them (see :mod:`.glyphs`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.ndimage

from .glyphs import INK_LEVEL, GlyphReader, ink

__all__ = ["Label", "LabelFinder", "TickLabels", "read_tick_labels"]

#: Glyphs of one label are at most this far apart (em): ':' then '1' (0:10) and '\u2212' then
#: '1' leave 0.3 em. A y axis's own label is 0.4 em or more from the widest tick label. A space
#: (0.32 em and the glyphs' side bearings) may split a colour bar label into pieces, which are
#: joined afterwards (``-80`` + ``dB``).
_GLYPH_GAP_EM = 0.36
#: Sizes tried around the size a label's digit height suggests (relative steps).
_SIZE_STEPS = np.arange(-6, 7) * 0.015


@dataclass(frozen=True)
class Label:
    """One tick label: where its tick is (figure px along its axis) and what it says."""

    tick: float
    text: str
    error: float


@dataclass(frozen=True)
class TickLabels:
    """The labels read at each axis's ticks, in tick order (unread ticks left out)."""

    x: tuple[Label, ...]
    y: tuple[Label, ...]
    colorbar: tuple[Label, ...]


def read_tick_labels(
    rgb: np.ndarray,
    plot: tuple[float, float, float, float],
    colorbar: tuple[float, float, float, float] | None,
    x_ticks: list[float],
    y_ticks: list[float],
    colorbar_ticks: list[float],
) -> TickLabels:
    """Read the tick labels below and left of a plot area and right of its colour bar.

    Parameters are those of :func:`.figure_text.read_figure_axes`. The text size is taken
    from the labels' digit height, then settled on the size whose rendering matches best.
    """
    left, top, _, bottom = plot
    finder = LabelFinder(rgb)
    height, width = rgb.shape[:2]
    right_end = int(np.floor(colorbar[0])) if colorbar else width
    below = finder.clusters(
        (int(np.floor(bottom)) + 1, height), (0, right_end), "top", _GLYPH_GAP_EM
    )
    if below:  # the first line below the axis; the axis label comes after it
        first = min(c.top for c in below)
        below = [c for c in below if c.top <= first + 0.3 * finder.px]
    finder.refine_size(below)
    x_labels = _labels_below(finder, below, x_ticks)
    margin = int(np.ceil(1.2 * finder.px)) if finder.px else 0
    rows = (int(np.floor(top)) - margin, int(np.ceil(bottom)) + margin)
    beside = finder.clusters(rows, (0, int(np.ceil(left)) - 1), "right", _GLYPH_GAP_EM)
    if not below:
        finder.refine_size(beside)
    y_labels = _labels_beside(finder, beside, y_ticks, nearest=max)
    bar_labels: list[Label] = []
    if colorbar is not None:
        _, bar_top, bar_right, bar_bottom = colorbar
        rows = (int(np.floor(bar_top)) - margin, int(np.ceil(bar_bottom)) + margin)
        strip = finder.clusters(
            rows, (int(np.floor(bar_right)) + 1, width), "left", _GLYPH_GAP_EM
        )
        bar_labels = _labels_beside(finder, strip, colorbar_ticks, nearest=min)
    return TickLabels(tuple(x_labels), tuple(y_labels), tuple(bar_labels))


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


@dataclass(frozen=True)
class _Cluster:
    top: int
    bottom: int
    left: int
    right: int
    ink: np.ndarray  # the figure's ink in the label's columns, other ink removed

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2


class LabelFinder:
    """Cuts a figure's ink into one-line text clusters beside the axes and reads them.

    Parameters
    ----------
    rgb : np.ndarray
        ``(H, W, 3)`` uint8 figure.
    """

    def __init__(self, rgb: np.ndarray) -> None:
        self.rgb = rgb
        self.px: float | None = None

    def clusters(
        self, rows: tuple[int, int], cols: tuple[int, int], axis_side: str, gap_em: float
    ) -> list[_Cluster]:
        """Text clusters in a region, without the spine and tick marks on its ``axis_side``.

        ``axis_side`` is 'top' (labels below an axis), 'right' (left of it) or 'left'; glyphs
        at most ``gap_em`` em apart on a line belong to one cluster.
        """
        r0, r1 = max(rows[0], 0), min(rows[1], self.rgb.shape[0])
        c0, c1 = max(cols[0], 0), min(cols[1], self.rgb.shape[1])
        if r1 - r0 < 3 or c1 - c0 < 3:
            return []
        region = ink(self.rgb[r0:r1, c0:c1])
        labels, _ = scipy.ndimage.label(region >= INK_LEVEL, structure=np.ones((3, 3)))
        boxes = []
        for index, box in enumerate(scipy.ndimage.find_objects(labels), start=1):
            if box is None:
                continue
            touches = {
                "top": box[0].start == 0,
                "right": box[1].stop == region.shape[1],
                "left": box[1].start == 0,
            }[axis_side]
            if not touches:
                boxes.append((box[0].start, box[0].stop, box[1].start, box[1].stop, index))
        if not boxes:
            return []
        if self.px is None:
            heights = np.array([b[1] - b[0] for b in boxes])
            tall = heights[heights >= 0.7 * heights.max()]
            self.px = GlyphReader.px_from_digit_height(float(np.median(tall)))
        groups = _group(boxes, gap_em * self.px)
        out = []
        for group in groups:
            top = min(b[0] for b in group)
            bottom = max(b[1] for b in group)
            left = min(b[2] for b in group)
            right = max(b[3] for b in group)
            # The group's ink and its faint fringe, nothing of its neighbours.
            cols = slice(max(left - 2, 0), right + 2)
            mask = np.isin(labels[:, cols], [b[4] for b in group])
            mask[max(top - 2, 0) : bottom + 2] = scipy.ndimage.binary_dilation(
                mask[max(top - 2, 0) : bottom + 2], structure=np.ones((3, 3))
            )
            out.append(
                _Cluster(top + r0, bottom + r0, left + c0, right + c0,
                         np.where(mask, region[:, cols], 0.0))
            )
        return sorted(out, key=lambda c: c.left)

    def refine_size(self, clusters) -> None:
        """Settle the text size on the one that renders the first labels best."""
        if self.px is None or not clusters:
            return
        sample = clusters[:3]
        reader = GlyphReader.at(self.px)
        texts = [reader.read(self._cut(reader, c), strict=False)[0] for c in sample]
        if not any(texts):
            return
        best, best_error = self.px, np.inf
        for step in _SIZE_STEPS:
            candidate = GlyphReader.at(self.px * (1 + step))
            error = sum(
                candidate.string_error(self._cut(candidate, c), t)
                for c, t in zip(sample, texts, strict=True)
                if t
            )
            if error < best_error:
                best, best_error = candidate.px, error
        self.px = best

    def read(self, cluster) -> tuple[str | None, float]:
        """What a cluster says (None when it matches no string closely), and the error."""
        reader = GlyphReader.at(self.px)
        return reader.read(self._cut(reader, cluster))

    def _cut(self, reader: GlyphReader, cluster: _Cluster) -> np.ndarray:
        rows = np.flatnonzero((cluster.ink >= INK_LEVEL).any(axis=1))
        return reader.cut(cluster.ink, int(rows[-1]))


def _group(boxes, gap: float) -> list[list[tuple]]:
    """Boxes sharing rows and at most ``gap`` px apart, transitively (one text line each)."""
    order = sorted(boxes, key=lambda b: b[2])
    parent = list(range(len(order)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(order):
        for j in range(i + 1, len(order)):
            b = order[j]
            if b[2] - a[3] > gap:
                break
            if min(a[1], b[1]) > max(a[0], b[0]):
                parent[root(j)] = root(i)
    groups: dict[int, list] = {}
    for i, box in enumerate(order):
        groups.setdefault(root(i), []).append(box)
    return list(groups.values())
