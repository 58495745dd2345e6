"""A self-contained HTML report of a round-trip study: tables, plots, pictures and players.

The plots come from :mod:`specimg.study.plots`; the page is one HTML string with relative links, so
it opens from the file system with no server and no network, and the same inputs give the same
bytes.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model_pictures import REPRESENTATIONS

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


def kind_finding(by_kind: Mapping[str, Mapping], encoding: str, method: str) -> str:
    """One sentence: how ``method`` on ``encoding`` pictures does on each kind of sound."""
    parts = [f"{kind} {scores[encoding][method]['sc_db']:.1f} dB ({scores['clips']} clips)"
             for kind, scores in by_kind.items() if method in scores.get(encoding, {})]
    return (f"By kind of sound, {method} on {encoding} pictures: " + "; ".join(parts) + "."
            if parts else "")


def kind_table(by_kind: Mapping[str, Mapping], encodings: Sequence[str],
               methods: Sequence[str]) -> str:
    """SC (dB) of every variant for each kind of sound, and PESQ-WB for speech, as HTML."""
    kinds = list(by_kind)
    header = "".join(f"<th>{html.escape(k)} SC (dB, {by_kind[k]['clips']} clips)</th>"
                     for k in kinds)
    speech = "speech" in by_kind
    rows = []
    for encoding in encodings:
        for method in methods:
            cells = [by_kind[k].get(encoding, {}).get(method, {}).get("sc_db") for k in kinds]
            if speech:
                cells.append(by_kind["speech"].get(encoding, {}).get(method, {}).get("pesq_wb"))
            rows.append(f"<tr><td>{html.escape(encoding)}</td><td>{html.escape(method)}</td>"
                        + "".join(f"<td>{_number(c)}</td>" for c in cells) + "</tr>")
    return ("<table class='kinds'><thead><tr><th>encoding</th><th>method</th>"
            f"{header}{'<th>speech PESQ-WB</th>' if speech else ''}</tr></thead><tbody>\n"
            + "\n".join(rows) + "\n</tbody></table>")


def consistency_note(summary: Mapping[str, Mapping], methods: Sequence[str]) -> str:
    """The consistency column's note, with what it measured here beside the SC against the
    original: the most and the least consistent phase-retrieved result.

    Parameters are those of :func:`snr_note`. Without a phase-retrieved method that has both
    scores, the note alone.
    """
    pairs = [(scores[method]["consistency_sc_db"], scores[method]["sc_db"], encoding, method)
             for encoding, scores in summary.items() for method in methods
             if method != "oracle" and method in scores
             and _number(scores[method].get("consistency_sc_db"))
             and _number(scores[method].get("sc_db"))]
    note = COLUMNS["consistency_sc_db"][2]
    if not pairs:
        return note
    low, high = min(pairs), max(pairs)
    return (f"{note}. It is what a picture with no original (an image model's) can be ranked "
            f"by: here {low[0]:.1f} dB ({low[2]}, {low[3]}; SC against the original "
            f"{low[1]:.1f}) to {high[0]:.1f} dB ({high[2]}, {high[3]}; SC {high[1]:.1f}). The "
            "lower, the nearer the picture to one that some sound has; it does not see what "
            "the picture lost before (the SC against the original does)")


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


def model_table(table: Mapping[str, Mapping]) -> str:
    """The picture-size study (``metrics/model_pictures.json``, over every recording) as an
    HTML table: one row a size x representation x codec, SC (dB) of each method."""
    methods = ("best", "true_phase", "naive")
    rows = []
    for size, representations in sorted(table["all"].items(), key=lambda item: int(item[0])):
        for representation in sorted(representations, key=REPRESENTATIONS.index):
            for codec, entry in representations[representation].items():
                cells = [entry["seconds_per_picture"], entry["top_hz"] / 1000,
                         *(entry[m].get("sc_db") for m in methods),
                         entry["best"].get("full_band_sc_db"), entry["best"].get("pesq_wb")]
                rows.append(f"<tr><td>{size} x {size}</td><td>{html.escape(representation)}"
                            f"</td><td>{html.escape(codec)}</td><td>{entry['bytes']:.0f}</td>"
                            + "".join(f"<td>{_number(c)}</td>" for c in cells) + "</tr>")
    for encoding, entry in table.get("user_picture", {}).items():  # the evaluate stage's
        cells = [entry["seconds_per_picture"], None, *(entry.get(m, {}).get("sc_db")
                                                       for m in methods),
                 None, entry.get("best", {}).get("pesq_wb")]
        rows.append(f"<tr><td>{entry['size']} x {entry['size']}</td>"
                    f"<td>{html.escape(encoding)} (study clips)</td>"
                    f"<td>specshow</td><td>{entry['bytes']:.0f}</td>"
                    + "".join(f"<td>{_number(c)}</td>" for c in cells) + "</tr>")
    return ("<table class='summary'><thead><tr><th>picture (px)</th><th>representation</th>"
            "<th>codec</th><th>bytes</th><th>audio per picture (s)</th><th>top (kHz)</th>"
            "<th>best SC (dB)</th><th>true-phase SC (dB)</th><th>naive or own inverse SC (dB)"
            "</th><th>best SC, full band (dB)</th><th>best PESQ-WB</th></tr></thead><tbody>\n"
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
    by_kind: Mapping[str, Mapping] | None = None,
    model_pictures: Mapping[str, Mapping] | None = None,
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
    by_kind : mapping, optional
        Means per kind of sound (``{kind: {"clips": n, encoding: {method: {metric: value}}}}``),
        shown as a second table.
    model_pictures : mapping, optional
        The picture-size study's means (``metrics/model_pictures.json``), shown as a table.
    """
    notes = {**{key: text for key, (_, _, text) in COLUMNS.items()},
             "snr_db": snr_note(summary, methods),
             "consistency_sc_db": consistency_note(summary, methods)}
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
        + "".join(f"<p>{html.escape(line)}</p>" for line in findings if line)
        + "<h2>Summary (means over clips)</h2>"
        f"{summary_table(summary, encodings, methods)}<dl>{legend}</dl>"
        + (f"<h2>By kind of sound (means over each kind's clips)</h2>"
           f"{kind_table(by_kind, encodings, methods)}" if by_kind else "")
        + ("<h2>Pictures of an image model's size (means over recordings)</h2><p>Each "
           "picture inverted with the true phase, specimg's best method (pghi_raar, mel_gla) "
           "and the naive recipe or the format's own inverse; SC on one 2048/512 STFT up to the "
           "picture's top frequency (full band: every bin).</p>"
           f"{model_table(model_pictures)}" if model_pictures else "")
        + f"<h2>Plots</h2>{figures}"
        f"<h2>Listen</h2><ul>{contents}</ul>"
        + "\n".join(clip_html(c, encodings, methods) for c in clips)
        + "\n</body></html>\n"
    )
