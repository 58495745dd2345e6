"""A self-contained HTML report of a round-trip study: tables, plots, pictures and players.

Plots are PNG bytes made with matplotlib's object API (no global state, no timestamps in the
files); the page is one HTML string with relative links, so it opens from the file system with
no server and no network, and the same inputs give the same bytes.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .spectrum import AMIN, peak_db

#: What each column of the summary table means; the page explains them in this order.
COLUMNS = {
    "image_sc_db": ("image SC", "dB", "decoded image vs original magnitude: the encoding loss"),
    "sc_db": ("SC", "dB", "reconstruction vs original magnitude: the whole loss"),
    "consistency_sc_db": ("consistency SC", "dB",
                          "reconstruction vs the decoded image: the phase loss (no reference "
                          "needed)"),
    "lsd_db": ("LSD", "dB", "log-spectral distance to the original"),
    "snr_db": ("SNR", "dB", "waveform SNR: meaningful only for the oracle (true phase)"),
    "loudness_error_db": ("loudness error", "dB", "mean absolute RMS level error"),
    "pesq_wb": ("PESQ-WB", "MOS", "speech clips only, 1 to 4.64"),
    "stoi": ("STOI", "", "speech clips only, 0 to 1"),
}


@dataclass(frozen=True)
class Player:
    """One audio player of the report: a label, a relative URL and an optional score line."""

    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class ClipSection:
    """What the report shows for one clip."""

    clip_id: str
    description: str
    picture_url: str
    original: Player
    players: Mapping[tuple[str, str], Player]  # (encoding, method) -> player


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
        image = axes.imshow(20.0 * np.log10(np.maximum(S, AMIN)), origin="lower",
                            aspect="auto", extent=extent, cmap="magma",
                            vmin=peak - top_db, vmax=peak, interpolation="nearest")
        axes.set(title=title, xlabel="time (s)")
        if index == 0:
            axes.set_ylabel("frequency (kHz)")
    figure.colorbar(image, ax=figure.axes, label="dB", shrink=0.9)
    return png_bytes(figure, dpi=72)


def findings(summary: Mapping[str, Mapping], methods: Sequence[str]) -> list[str]:
    """What the figures say, in a few sentences computed from the summary."""
    lines = []
    if "oracle" in methods:
        by_quality = sorted(summary, key=lambda e: summary[e]["oracle"]["sc_db"])
        lines.append("With the true phase, what each encoding costs (SC against the original, "
                     "image bytes per second of audio): " + "; ".join(
                         f"{e} {summary[e]['oracle']['sc_db']:.1f} dB at "
                         f"{summary[e]['bytes_per_second'] / 1000:.1f} kB/s" for e in by_quality)
                     + ".")
    retrieved = [m for m in methods if m != "oracle"]
    if retrieved:
        best_image = min(summary, key=lambda e: summary[e]["image_sc_db"])
        scores = summary[best_image]
        ranked = sorted(retrieved, key=lambda m: scores[m]["sc_db"])
        line = (f"Without the phase, on {best_image} images: " + "; ".join(
            f"{m} {scores[m]['sc_db']:.1f} dB" for m in ranked) + ".")
        if "oracle" in methods:
            cost = scores[ranked[0]]["sc_db"] - scores["oracle"]["sc_db"]
            line += f" The phase step costs {cost:.1f} dB even for the best method."
        lines.append(line)
    return lines


def snr_note(summary: Mapping[str, Mapping], methods: Sequence[str]) -> str:
    """The SNR column's note, with the range of SNR the phase-retrieved methods scored.

    Parameters
    ----------
    summary : mapping
        The evaluate stage's summary (``{encoding: {..., method: {metric: value}}}``).
    methods : sequence of str
        Methods shown; all but ``oracle`` (the true phase) retrieve the phase.

    Returns
    -------
    str
        The note; without the range when no phase-retrieved method has an SNR.
    """
    values = [scores[method].get("snr_db") for scores in summary.values() for method in methods
              if method != "oracle" and method in scores]
    values = [value for value in values if _number(value)]  # neither missing nor NaN
    note = COLUMNS["snr_db"][2]
    if not values:
        return note
    low, high = f"{min(values):.1f}", f"{max(values):.1f}"
    return (f"{note}. Phase-retrieved audio scores {low if low == high else low + ' to ' + high}"
            " dB here whatever its quality: a signal whose phase is not the original's is "
            "nearly uncorrelated with it, so their difference carries the energy of both (about "
            "-3 dB)")


def _number(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else (
        f"{value:.2f}")


def summary_table(
    summary: Mapping[str, Mapping], encodings: Sequence[str], methods: Sequence[str]
) -> str:
    """The summary (as written by the evaluate stage) as an HTML table, one row a variant."""
    header = "".join(f"<th>{html.escape(label)}{' (' + unit + ')' if unit else ''}</th>"
                     for label, unit, _ in COLUMNS.values())
    rows = []
    for encoding in encodings:
        scores = summary[encoding]
        for method in methods:
            cells = [scores.get(key) if key.startswith("image_") else scores[method].get(key)
                     for key in COLUMNS]
            rows.append(f"<tr><td>{html.escape(encoding)}</td><td>{html.escape(method)}</td>"
                        f"<td>{scores['bytes_per_second']:.0f}</td>"
                        + "".join(f"<td>{_number(c)}</td>" for c in cells) + "</tr>")
    return ("<table class='summary'><thead><tr><th>encoding</th><th>method</th>"
            f"<th>image bytes/s</th>{header}</tr></thead><tbody>\n"
            + "\n".join(rows) + "\n</tbody></table>")


def _audio(player: Player) -> str:
    note = f"<div class='note'>{html.escape(player.note)}</div>" if player.note else ""
    return (f"<div class='label'>{html.escape(player.label)}</div>"
            f"<audio controls preload='none' src='{html.escape(player.url)}'></audio>{note}")


def clip_html(section: ClipSection, encodings: Sequence[str], methods: Sequence[str]) -> str:
    """One clip: its pictures, the original's player and a grid of encoding x method players."""
    head = "".join(f"<th>{html.escape(m)}</th>" for m in methods)
    rows = "\n".join(
        f"<tr><th>{html.escape(e)}</th>"
        + "".join(f"<td>{_audio(section.players[e, m])}</td>" for m in methods) + "</tr>"
        for e in encodings)
    anchor = html.escape(section.clip_id)
    return (f"<section id='{anchor}'><h3>{anchor}</h3><p>{html.escape(section.description)}</p>"
            f"<img src='{html.escape(section.picture_url)}' alt='spectrograms of {anchor}'>"
            f"<div class='original'>{_audio(section.original)}</div>"
            f"<table class='players'><thead><tr><th></th>{head}</tr></thead><tbody>\n{rows}"
            "\n</tbody></table></section>")


STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
table.players td, table.players th { text-align: left; vertical-align: top; }
audio { width: 190px; height: 32px; }
.label { font-size: 0.8em; color: #555; }
.note { font-size: 0.75em; color: #555; }
img { max-width: 100%; }
dt { font-weight: bold; }
"""


def render_report(
    *,
    title: str,
    findings: Sequence[str],
    summary: Mapping[str, Mapping],
    encodings: Sequence[str],
    methods: Sequence[str],
    plots: Sequence[tuple[str, str]],
    clips: Sequence[ClipSection],
) -> str:
    """The whole page.

    Parameters
    ----------
    title : str
        Page title.
    findings : sequence of str
        Sentences shown first (plain text).
    summary : mapping
        The evaluate stage's summary (``{encoding: {..., method: {metric: value}}}``).
    encodings, methods : sequence of str
        Encodings and methods, in the order of the tables.
    plots : sequence of (caption, url)
        Plot pictures.
    clips : sequence of ClipSection
        One section per clip.
    """
    notes = {**{key: text for key, (_, _, text) in COLUMNS.items()},
             "snr_db": snr_note(summary, methods)}
    legend = "".join(f"<dt>{html.escape(label)}</dt><dd>{html.escape(notes[key])}</dd>"
                     for key, (label, _, _) in COLUMNS.items())
    figures = "".join(f"<figure><img src='{html.escape(url)}' alt='{html.escape(caption)}'>"
                      f"<figcaption>{html.escape(caption)}</figcaption></figure>"
                      for caption, url in plots)
    contents = "".join(f"<li><a href='#{html.escape(c.clip_id)}'>{html.escape(c.clip_id)}</a>"
                       "</li>" for c in clips)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        + "".join(f"<p>{html.escape(line)}</p>" for line in findings)
        + "<h2>Summary (means over clips)</h2>"
        f"{summary_table(summary, encodings, methods)}<dl>{legend}</dl>"
        f"<h2>Plots</h2>{figures}"
        f"<h2>Listen</h2><ul>{contents}</ul>"
        + "\n".join(clip_html(c, encodings, methods) for c in clips)
        + "\n</body></html>\n"
    )
