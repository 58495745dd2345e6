"""Finding a figure's tick labels beside its axes and reading them (see :mod:`.glyphs`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.ndimage

from .glyphs import INK_LEVEL, GlyphReader

__all__ = ["Label", "LabelFinder"]

#: Sizes tried around the size a label's digit height suggests (relative steps).
_SIZE_STEPS = np.arange(-6, 7) * 0.015


@dataclass(frozen=True)
class Label:
    """One tick label: where its tick is (figure px along its axis) and what it says."""

    tick: float
    text: str
    error: float


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

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2


class LabelFinder:
    """Cuts a figure's ink into one-line text clusters beside the axes and reads them.

    Parameters
    ----------
    ink : np.ndarray
        ``(H, W)`` ink of the figure (:func:`.glyphs.ink`).
    """

    def __init__(self, ink: np.ndarray) -> None:
        self.ink = ink
        self.px: float | None = None

    def clusters(
        self, rows: tuple[int, int], cols: tuple[int, int], axis_side: str, gap_em: float
    ) -> list[_Cluster]:
        """Text clusters in a region, without the spine and tick marks on its ``axis_side``.

        ``axis_side`` is 'top' (labels below an axis), 'right' (left of it) or 'left'; glyphs
        at most ``gap_em`` em apart on a line belong to one cluster.
        """
        r0, r1 = max(rows[0], 0), min(rows[1], self.ink.shape[0])
        c0, c1 = max(cols[0], 0), min(cols[1], self.ink.shape[1])
        if r1 - r0 < 3 or c1 - c0 < 3:
            return []
        region = self.ink[r0:r1, c0:c1]
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
            mask = np.isin(labels, [b[4] for b in group])
            mask = scipy.ndimage.binary_dilation(mask, structure=np.ones((3, 3)))
            top = min(b[0] for b in group)
            bottom = max(b[1] for b in group)
            left = min(b[2] for b in group)
            right = max(b[3] for b in group)
            out.append(
                _Cluster(top + r0, bottom + r0, left + c0, right + c0,
                         np.where(mask, region, 0.0)[:, max(left - 2, 0) : right + 2])
            )
        return sorted(out, key=lambda c: c.left)

    def refine_size(self, clusters) -> None:
        """Settle the text size on the one that renders the first labels best."""
        if self.px is None or not clusters:
            return
        sample = clusters[:3]
        reader = GlyphReader(self.px)
        texts = [reader.read(self._cut(reader, c), strict=False)[0] for c in sample]
        if not any(texts):
            return
        best, best_error = self.px, np.inf
        for step in _SIZE_STEPS:
            candidate = GlyphReader(self.px * (1 + step))
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
        reader = GlyphReader(self.px)
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
