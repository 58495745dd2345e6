"""The report's plots as PNG bytes, made with matplotlib's object API (no global state, no
timestamps in the files: the same inputs give the same bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..core.portable import log10
from ..core.spectrum import AMIN, peak_db
from ..util.extras import missing_extra

try:
    import pandas as pd
except ModuleNotFoundError as exc:
    raise missing_extra(exc, __name__) from None


def png_bytes(figure: Figure, dpi: int = 80) -> bytes:
    """A figure as PNG bytes, without the Software tag (identical bytes for identical plots)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def plot_rate(rate: pd.DataFrame) -> bytes:
    """SC against bytes per second: one point per encoding, one line per method.

    ``rate`` has columns ``method``, ``encoding``, ``bytes_per_second`` and ``sc_db``.
    """
    figure = Figure(figsize=(8, 5), layout="constrained")
    axes = figure.add_subplot()
    for method, table in rate.groupby("method", sort=False):
        table = table.sort_values("bytes_per_second")
        axes.plot(table["bytes_per_second"], table["sc_db"], marker="o", label=method)
    for row in rate.drop_duplicates("encoding").itertuples():
        axes.annotate(row.encoding, (row.bytes_per_second, row.sc_db), fontsize=8,
                      textcoords="offset points", xytext=(4, 4))
    axes.set(xscale="log", xlabel="image bytes per second of audio",
             ylabel="spectral convergence (dB, lower is better)",
             title="Quality against image size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    return png_bytes(figure)


#: Up to this many clips, the per-clip plot is an annotated heat map; beyond, a strip plot.
HEATMAP_CLIPS = 16


def plot_per_clip(results: pd.DataFrame) -> bytes:
    """SC of every variant on every clip.

    An annotated heat map (variants x clips) for up to :data:`HEATMAP_CLIPS` clips; beyond, one
    dot per clip on each variant's row, so the picture stays readable for any corpus.
    """
    table = results.assign(variant=results["encoding"] + " / " + results["method"]).pivot_table(
        index="variant", columns="clip_id", values="sc_db", sort=False)
    values = table.to_numpy()
    height = 1.5 + 0.28 * len(table)
    title = "Spectral convergence per clip (dB, lower is better)"
    if table.shape[1] > HEATMAP_CLIPS:
        figure = Figure(figsize=(8, height), layout="constrained")
        axes = figure.add_subplot()
        rows = np.broadcast_to(np.arange(len(table))[:, None], values.shape)
        axes.scatter(values.ravel(), rows.ravel(), s=8, alpha=0.4)
        axes.set_yticks(range(len(table)), table.index, fontsize=8)
        axes.invert_yaxis()
        axes.set(xlabel="dB", title=f"{title}, {table.shape[1]} clips")
        axes.grid(True, axis="x", alpha=0.3)
        return png_bytes(figure)
    figure = Figure(figsize=(2.5 + 1.3 * table.shape[1], height), layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(values, aspect="auto", cmap="viridis_r")
    for (row, column), value in np.ndenumerate(values):
        dark = image.norm(value) > 0.5  # the high (worse) end of viridis_r is dark
        axes.text(column, row, f"{value:.1f}", ha="center", va="center", fontsize=7,
                  color="white" if dark else "black")
    axes.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right", fontsize=8)
    axes.set_yticks(range(len(table)), table.index, fontsize=8)
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label="dB")
    return png_bytes(figure)


def plot_convergence(curves: pd.DataFrame, encoding: str) -> bytes:
    """SC against iteration, one line per method (columns ``method``, ``iteration``, ``sc_db``)."""
    figure = Figure(figsize=(8, 5), layout="constrained")
    axes = figure.add_subplot()
    for method, curve in curves.groupby("method", sort=False):
        axes.plot(curve["iteration"], curve["sc_db"], label=method)
    axes.set(xlabel="iteration", ylabel="spectral convergence (dB, lower is better)",
             title=f"Convergence of the iterative methods ({encoding} images)")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    return png_bytes(figure)


def plot_spectrograms(
    panels: Sequence[tuple[str, np.ndarray]], sr: int, hop_length: int, top_db: float = 80.0
) -> bytes:
    """Magnitude spectrograms side by side in dB, on the first one's scale.

    Parameters
    ----------
    panels : sequence of (title, magnitudes)
        Magnitudes ``(n_bins, n_frames)`` (amplitude).
    sr : int
        Sample rate (Hz), for the frequency axis.
    hop_length : int
        Hop (samples), for the time axis.
    top_db : float
        Range shown below the first panel's peak (dB).
    """
    peak = peak_db(panels[0][1])
    figure = Figure(figsize=(4.2 * len(panels), 3.0), layout="constrained")
    for index, (title, S) in enumerate(panels):
        axes = figure.add_subplot(1, len(panels), index + 1)
        extent = (0.0, S.shape[1] * hop_length / sr, 0.0, sr / 2000.0)
        image = axes.imshow(20.0 * log10(np.maximum(S, AMIN)), origin="lower",
                            aspect="auto", extent=extent, cmap="magma",
                            vmin=peak - top_db, vmax=peak, interpolation="nearest")
        axes.set(title=title, xlabel="time (s)")
        if index == 0:
            axes.set_ylabel("frequency (kHz)")
    figure.colorbar(image, ax=figure.axes, label="dB", shrink=0.9)
    return png_bytes(figure, dpi=72)
