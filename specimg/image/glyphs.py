"""Reading tick labels matplotlib drew, by matching them against text matplotlib renders itself.

No OCR engine: a figure's tick labels are drawn in matplotlib's default font (DejaVu Sans) by
its Agg renderer, so the same renderer, at the figure's text size, draws every candidate glyph
and string to compare with. A label is cut into glyphs at blank columns, each glyph (or run of
touching glyphs) is named by its nearest rendered template, and the whole string is then
rendered and compared with the label; a label whose best string does not match closely is not
read at all.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

__all__ = ["ALPHABET", "GlyphReader", "ink"]

#: The characters librosa's and matplotlib's tick formatters write on spectrogram figures
#: (TimeFormatter: ``0:05``, ``1.5``; ScalarFormatter: ``2000``, ``\u221280`` (U+2212);
#: ``format='%+2.0f dB'``: ``+0 dB``, ``-10 dB``).
ALPHABET = "0123456789.:-\u2212+dB"
#: Ink above which a pixel counts as part of a glyph (0..1; JPEG ringing around text stays
#: below about 0.2).
INK_LEVEL = 0.35
#: A label is read only when its rendered string matches this closely (normalised squared
#: difference, 0 = identical, 1 = disjoint; see :func:`match_error`).
MAX_STRING_ERROR = 0.12
#: Sub-pixel pen positions (px) text is rendered at to find the one a label was drawn at.
_PHASES = tuple((fx, fy) for fx in (0.0, 0.25, 0.5, 0.75) for fy in (0.0, 0.5))
#: The height of a digit in DejaVu Sans, as a fraction of the font size (em).
_DIGIT_EM = 0.729


def ink(rgb: np.ndarray) -> np.ndarray:
    """How dark each pixel is against a white figure, 0 (white) to 1 (black), float32.

    Parameters
    ----------
    rgb : np.ndarray
        ``(H, W, 3)`` uint8 figure.
    """
    grey = rgb[..., :3].astype(np.float32) @ np.float32([0.299, 0.587, 0.114])
    return np.clip(1.0 - grey / 255.0, 0.0, 1.0)


@functools.lru_cache(maxsize=4096)
def _render(text: str, px: float, phase: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """``text`` drawn by Agg in DejaVu Sans at ``px`` px per em, as ink.

    The pen starts at column 4 + phase[0] on the baseline 4 + ceil(px) + phase[1] (the row
    boundary glyphs sit on), the same path a figure's tick labels take.
    """
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    pad = 4
    width = int(np.ceil(px * 0.9 * max(len(text), 1))) + 2 * pad
    height = int(np.ceil(px * 1.6)) + 2 * pad
    renderer = RendererAgg(width, height, 72)
    gc = renderer.new_gc()
    gc.set_foreground("black")
    prop = FontProperties(family="DejaVu Sans", size=px)
    renderer.draw_text(gc, pad + phase[0], _baseline(px) + phase[1], text, prop, 0)
    out = np.asarray(renderer.buffer_rgba())[..., 3].astype(np.float32) / 255.0
    out.flags.writeable = False
    return out


def _baseline(px: float) -> int:
    return 4 + int(np.ceil(px))


def match_error(a: np.ndarray, b: np.ndarray, shift: int = 1) -> float:
    """Normalised squared difference of two ink patches anchored at their top-left corners.

    ``sum((a - b)**2) / (sum(a**2) + sum(b**2))``, the smallest over shifts of ``b`` by up to
    ``shift`` px each way: 0 for identical patches, 1 for patches that share no ink.
    """
    h = max(a.shape[0], b.shape[0]) + 2 * shift
    w = max(a.shape[1], b.shape[1]) + 2 * shift
    big_a = np.zeros((h, w), np.float32)
    big_a[shift : shift + a.shape[0], shift : shift + a.shape[1]] = a
    energy = float((a * a).sum() + (b * b).sum())
    if energy == 0.0:
        return 1.0
    best = np.inf
    for dy, dx in itertools.product(range(2 * shift + 1), repeat=2):
        big_b = np.zeros((h, w), np.float32)
        big_b[dy : dy + b.shape[0], dx : dx + b.shape[1]] = b
        best = min(best, float(((big_a - big_b) ** 2).sum()))
    return best / energy


def _columns(patch: np.ndarray) -> tuple[int, int] | None:
    cols = np.flatnonzero((patch >= INK_LEVEL).any(axis=0))
    return (int(cols[0]), int(cols[-1]) + 1) if cols.size else None


class GlyphReader:
    """Reads one-line labels drawn in DejaVu Sans at a known text size.

    Parameters
    ----------
    px : float
        Font size in figure pixels per em (``fontsize_pt * dpi / 72``; 13.9 for matplotlib's
        default 10 pt at dpi 100).
    alphabet : str
        The characters a label may hold.
    """

    def __init__(self, px: float, alphabet: str = ALPHABET) -> None:
        self.px = float(px)
        self.alphabet = alphabet
        base = _baseline(self.px)
        # A window of rows around the baseline that holds every glyph of the alphabet.
        self._top = base - int(np.ceil(0.85 * self.px)) - 1
        self._bottom = base + int(np.ceil(0.1 * self.px)) + 1
        digits = _render("0123456789", self.px)
        rows = np.flatnonzero((digits >= INK_LEVEL).any(axis=1))
        # Rows between the lowest inked row of a digit and the baseline (usually 0).
        self._foot = base - int(rows[-1]) - 1
        self.digit_height = int(rows[-1] - rows[0]) + 1

    @staticmethod
    def px_from_digit_height(height: float) -> float:
        """Font size (px per em) whose digits are ``height`` px tall."""
        return height / _DIGIT_EM

    def _window(self, text: str, phase=(0.0, 0.0)) -> np.ndarray:
        """The rendered text cut to the baseline window and its inked columns (+-1 px)."""
        image = _render(text, self.px, phase)[self._top : self._bottom]
        span = _columns(image)
        if span is None:
            return image[:, :1]
        return image[:, max(span[0] - 1, 0) : span[1] + 1]

    def cut(self, patch: np.ndarray, bottom_row: int) -> np.ndarray:
        """Rows of a figure patch in the reader's baseline window.

        Parameters
        ----------
        patch : np.ndarray
            Ink of the label's surroundings, ``(rows, cols)``.
        bottom_row : int
            The label's lowest inked row in ``patch`` (its baseline, less the digit foot).
        """
        base = bottom_row + 1 + self._foot
        top = base - (_baseline(self.px) - self._top)
        bottom = base + (self._bottom - _baseline(self.px))
        out = np.zeros((bottom - top, patch.shape[1]), np.float32)
        lo, hi = max(top, 0), min(bottom, patch.shape[0])
        if hi > lo:
            out[lo - top : hi - top] = patch[lo:hi]
        return out

    def read(self, label: np.ndarray, *, strict: bool = True) -> tuple[str | None, float]:
        """The string a label shows, and how far its rendering is from the label.

        Parameters
        ----------
        label : np.ndarray
            Ink in the reader's baseline window (:meth:`cut`), holding one label with blank
            columns around it.
        strict : bool
            If False, give the best string even when it does not match closely.

        Returns
        -------
        text : str or None
            None when no string of the alphabet renders within ``MAX_STRING_ERROR``.
        error : float
            :func:`match_error` of the best string against the label.
        """
        segments = self._segments(label)
        if not segments:
            return None, 1.0
        pieces = []
        for start, stop in segments:
            piece = self._name(label[:, max(start - 1, 0) : stop + 1], strict)
            if piece is None:
                return None, 1.0
            pieces.append(piece)
        text = pieces[0]
        # A blank wider than a third of an em between pieces is a space (``-80 dB``).
        for (_, stop), (start, _), piece in zip(segments, segments[1:], pieces[1:], strict=False):
            text += (" " if start - stop > 0.3 * self.px else "") + piece
        error = self.string_error(label, text)
        return (text if error <= MAX_STRING_ERROR or not strict else None), error

    def string_error(self, label: np.ndarray, text: str) -> float:
        """:func:`match_error` of ``text`` rendered at several sub-pixel phases against a label."""
        span = _columns(label)
        if span is None:
            return 1.0
        target = label[:, max(span[0] - 1, 0) : span[1] + 1]
        return min(match_error(target, self._window(text, phase)) for phase in _PHASES)

    def _segments(self, label: np.ndarray) -> list[tuple[int, int]]:
        inked = (label >= INK_LEVEL).any(axis=0)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], inked.astype(np.int8), [0]])))
        return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]

    def _name(self, piece: np.ndarray, strict: bool = True) -> str | None:
        """The glyph, or run of up to three touching glyphs, a piece of a label shows."""
        best, best_error = None, np.inf
        widths = {c: self._window(c).shape[1] - 2 for c in self.alphabet}
        for length in (1, 2, 3):
            # Small glyphs ('.', ':') change with the sub-pixel pen position: try several.
            phases = _PHASES if length == 1 else _PHASES[:1]
            for chars in itertools.product(self.alphabet, repeat=length):
                # Touching glyphs are about as wide as their inked widths put side by side.
                if abs(sum(widths[c] for c in chars) + 2 - piece.shape[1]) > 2 + length:
                    continue
                candidate = "".join(chars)
                error = min(match_error(piece, self._window(candidate, p)) for p in phases)
                if error < best_error:
                    best, best_error = candidate, error
            if best_error <= MAX_STRING_ERROR:
                break
        return best if best_error <= 2 * MAX_STRING_ERROR or not strict else None
